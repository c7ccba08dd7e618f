"""`python -m coursekit.check NOTEBOOK`: run a notebook and report every graded part.

For students: executes the notebook headless in a fresh Jupyter kernel (your
file is not modified), then prints pass/fail and the failing message for each
graded part's visible tests. When a part fails exactly as a catalogued bug
does, the message names the likely bug (coursekit/known_bugs.py). Exits 1
when any part fails. The hidden tests run only at grading time.
"""
import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from coursekit.cells import cell_verdict, is_test_cell, nbgrader_meta, part_name
from coursekit.known_bugs import text_material, with_likely_cause

DEFAULT_TIMEOUT = 600


def execute(nb, working_dir, timeout=DEFAULT_TIMEOUT, **client_options):
    """Execute notebook node `nb` in a fresh kernel started in `working_dir`; return it.
    client_options go to nbclient's NotebookClient (the grader passes its sandboxed kernel manager)."""
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", resources={"metadata": {"path": str(working_dir)}},
                            **client_options)
    client.execute()
    return nb


def run_notebook(path, timeout=DEFAULT_TIMEOUT):
    """Execute a copy of the notebook at `path`; return the executed notebook node."""
    return execute(nbformat.read(str(path), as_version=4), Path(path).parent, timeout)


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


def part_verdicts(nb):
    """[(part, points, passed, message)] for every graded test cell, in notebook order."""
    return [(part_name(cell), nbgrader_meta(cell).get("points", 0), *named_verdict(cell))
            for cell in nb.cells if is_test_cell(cell)]


def report(verdicts, out=sys.stdout):
    """Print one line per part and a total; return True when every part passed."""
    for part, points, passed, message in verdicts:
        mark = "PASS" if passed else "FAIL"
        print(f"[{mark}] {part} ({points:g} points){'' if passed else ': ' + message}", file=out)
    passed_points = sum(points for _, points, passed, _ in verdicts if passed)
    total = sum(points for _, points, _, _ in verdicts)
    print(f"\nVisible tests: {sum(v[2] for v in verdicts)} of {len(verdicts)} parts pass "
          f"({passed_points:g} of {total:g} points). Hidden tests run at grading time.", file=out)
    return all(v[2] for v in verdicts)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="check", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    if not args.notebook.exists():
        print(f"No notebook at {args.notebook}: check the path.", file=sys.stderr)
        return 2
    verdicts = part_verdicts(run_notebook(args.notebook, args.timeout))
    if not verdicts:
        print("This notebook has no graded test cells: is it a course notebook?", file=sys.stderr)
        return 2
    return 0 if report(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
