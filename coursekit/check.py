"""`python -m coursekit.check NOTEBOOK`: run a notebook and report every graded part.

For students: executes the notebook headless in a fresh Jupyter kernel (your
file is not modified), on the reduced data size unless you ask for the full
one (--data-size full), and prints a line per graded part as soon as its
visible tests have run: pass/fail, the failing message, and how long the part
took. When a part fails exactly as a catalogued bug does, the message names
the likely bug (coursekit/known_bugs.py); when a part fails and a part it uses
failed too, it says so (the dependencies come from the released manifest.json,
coursekit/manifest.py). Exits 1 when any part fails. The hidden tests run only
at grading time.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from coursekit.cells import cell_verdict, is_test_cell, nbgrader_meta, part_name
from coursekit.datasize import ENV_VAR as DATA_SIZE_VAR, SPLIT_SIZES
from coursekit.known_bugs import text_material, with_likely_cause
from coursekit.manifest import released_notebooks

DEFAULT_TIMEOUT = 600
DEFAULT_DATA_SIZE = "small"


# Kernel options for a run whose displays nobody looks at (`check`'s verdicts, the grader's
# dependency rerun): every display carries text only, so matplotlib's inline backend draws no
# figure (about 0.16 s each, measured). Errors, printed output and raw displays (the grader's
# state records) are unchanged.
TEXT_ONLY_DISPLAYS = ("--DisplayFormatter.active_types=text/plain",)


def execute(nb, working_dir, timeout=DEFAULT_TIMEOUT, env=None, figures=True, **client_options):
    """Execute notebook node `nb` in a fresh kernel started in `working_dir`; return it.

    env: the kernel's environment (default: this process's). figures: False for text-only
    displays (TEXT_ONLY_DISPLAYS). client_options go to nbclient's NotebookClient (the grader
    passes its sandboxed kernel manager; `check` its on_cell_executed hook)."""
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", resources={"metadata": {"path": str(working_dir)}},
                            extra_arguments=[] if figures else list(TEXT_ONLY_DISPLAYS), **client_options)
    client.execute(**({"env": env} if env is not None else {}))
    return nb


def run_notebook(path, timeout=DEFAULT_TIMEOUT, env=None, figures=True, **client_options):
    """Execute a copy of the notebook at `path`; return the executed notebook node (execute())."""
    return execute(nbformat.read(str(path), as_version=4), Path(path).parent, timeout, env, figures,
                   **client_options)


def named_verdict(cell):
    """(passed, message) of a test cell, naming the likely bug when its error is a catalogued bug's.

    Failed comparisons (assert_close and friends) name it in the kernel already;
    this covers the other errors (a plain assert, an exception from the code).
    """
    passed, message = cell_verdict(cell)
    errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    if passed or not errors:
        return passed, message
    error = errors[-1]
    return passed, with_likely_cause(message, text_material(error.get("ename", ""), error.get("evalue", "")))


def follow_on_label(part, earlier, depends_on):
    """'This may follow from ...' when parts that `part` uses failed before it, else ''.

    earlier: the verdicts of the parts before it; depends_on: {part: [the parts it uses]}.
    The student side has no reference code to rerun a part with, so this says "may": the
    grader reruns it and counts the bug once (autograder/grading/dependencies.py).
    """
    failed = [p for p, _, passed, _ in earlier if not passed and p in depends_on.get(part, ())]
    if not failed:
        return ""
    which = "that part" if len(failed) == 1 else "those parts"
    return (f"\n  This may follow from {', '.join(failed)}, which this part uses and which "
            f"failed too: fix {which} first, then check again.")


def part_verdict(cell, earlier=(), depends_on=None):
    """(part, points, passed, message) of one executed test cell."""
    part = part_name(cell)
    passed, message = named_verdict(cell)
    if not passed:
        message += follow_on_label(part, earlier, depends_on or {})
    return part, nbgrader_meta(cell).get("points", 0), passed, message


def part_verdicts(nb, depends_on=None):
    """[(part, points, passed, message)] for every graded test cell, in notebook order."""
    verdicts = []
    for cell in nb.cells:
        if is_test_cell(cell):
            verdicts.append(part_verdict(cell, verdicts, depends_on))
    return verdicts


def dependencies(notebook_path):
    """{part: [the parts it uses]} from the released manifest of this notebook ({} if none)."""
    path = Path(notebook_path)
    _, record = released_notebooks(path.parent).get(path.stem, (None, {}))
    return {p["part"]: p.get("depends_on", []) for p in record.get("parts", [])}


def part_line(verdict, seconds=None):
    part, points, passed, message = verdict
    took = f" [{seconds:.1f} s]" if seconds is not None else ""
    return f"[{'PASS' if passed else 'FAIL'}] {part} ({points:g} points){took}{'' if passed else ': ' + message}"


class Progress:
    """nbclient's on_cell_executed hook: prints a part's line as soon as its test cell has run,
    with the time since the previous one (the part's own cells and its test)."""

    def __init__(self, depends_on, out=sys.stdout):
        self.depends_on = depends_on
        self.out = out
        self.verdicts = []
        self.since = time.perf_counter()

    def __call__(self, cell, cell_index, execute_reply):
        if not is_test_cell(cell):
            return
        verdict = part_verdict(cell, self.verdicts, self.depends_on)
        now = time.perf_counter()
        print(part_line(verdict, now - self.since), file=self.out, flush=True)
        self.since = now
        self.verdicts.append(verdict)


def print_total(verdicts, out=sys.stdout):
    """Print the total line; return True when every part passed."""
    passed_points = sum(points for _, points, passed, _ in verdicts if passed)
    total = sum(points for _, points, _, _ in verdicts)
    print(f"\nVisible tests: {sum(v[2] for v in verdicts)} of {len(verdicts)} parts pass "
          f"({passed_points:g} of {total:g} points). Hidden tests run at grading time.", file=out)
    return all(v[2] for v in verdicts)


def check_notebook(path, data_size=DEFAULT_DATA_SIZE, timeout=DEFAULT_TIMEOUT, out=sys.stdout):
    """Run the notebook at `path` on `data_size`, printing each part as it finishes; return the verdicts."""
    sizes = SPLIT_SIZES[data_size]
    other = "full" if data_size == "small" else "small"
    print(f"Checking {Path(path).name} in a fresh kernel on the {data_size} data size "
          f"({sizes['num_training']:,} training images; --data-size {other} for the {other} one). "
          "Each graded part is reported as soon as its visible tests have run.", file=out, flush=True)
    progress = Progress(dependencies(path), out)
    run_notebook(path, timeout, env={**os.environ, DATA_SIZE_VAR: data_size}, figures=False,
                 on_cell_executed=progress)
    return progress.verdicts


def add_run_options(parser):
    """--data-size and --timeout, shared with `submit`."""
    parser.add_argument("--data-size", choices=sorted(SPLIT_SIZES), default=DEFAULT_DATA_SIZE,
                        help=f"data size the notebook runs on (default {DEFAULT_DATA_SIZE}: "
                             f"{SPLIT_SIZES[DEFAULT_DATA_SIZE]['num_training']:,} training images)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=f"seconds allowed per cell (default {DEFAULT_TIMEOUT})")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.check", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    add_run_options(parser)
    args = parser.parse_args(argv)
    if not args.notebook.exists():
        print(f"No notebook at {args.notebook}: check the path.", file=sys.stderr)
        return 2
    verdicts = check_notebook(args.notebook, args.data_size, args.timeout)
    if not verdicts:
        print("This notebook has no graded test cells: is it a course notebook?", file=sys.stderr)
        return 2
    return 0 if print_total(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
