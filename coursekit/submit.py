"""`python -m coursekit.submit NOTEBOOK --student ID`: check a notebook and pack it for grading.

1. The student id is checked (coursekit/student_id.py, the grader's rule too).
2. The notebook must be a released one, as released: its file name is a released notebook's,
   every cell nbgrader tracks is there, and the test cells and provided code are unchanged
   (compared with the digests in the release's manifest.json, coursekit/manifest.py).
   Otherwise submit writes nothing and says what to fix.
3. `check` runs it (the reduced data size unless --data-size full) and prints each part.
4. It writes ``<ID>_<assignment>.zip`` holding ``<ID>/<assignment>/<notebook>.ipynb``, the
   layout ``python -m autograder grade`` takes, and ``<ID>/<assignment>/check_report.txt``
   (the visible-test results; the grader reads only notebooks). Failing parts do not stop
   it: you may hand in unfinished work.
"""
import argparse
import datetime
import io
import sys
import zipfile
from pathlib import Path

import nbformat

from coursekit.check import DEFAULT_DATA_SIZE, DEFAULT_TIMEOUT, add_run_options, check_notebook, part_line, print_total
from coursekit.manifest import released_notebooks, source_digest, tracked_cells
from coursekit.student_id import id_problem

REPORT_NAME = "check_report.txt"
FRESH_COPY = ("copy it back from a fresh copy of the released notebook (or download the notebook "
              "again and paste your code into it)")


class Refusal(Exception):
    """Why this notebook cannot be submitted, in words for the student."""


def read_notebook(path):
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as error:  # JSON and nbformat's validation errors alike
        raise Refusal(f"{path.name} could not be read as a notebook ({type(error).__name__}: {error}). "
                      "Open it in Jupyter to check that it opens, save it, and try again.") from None


def locked_digests(nb):
    """{grade_id: {digests of every copy}} of the notebook's tracked cells."""
    digests = {}
    for grade_id, cell in tracked_cells(nb):
        digests.setdefault(grade_id, set()).add(source_digest(cell.source))
    return digests


def same_released_notebook(nb, released):
    """The released notebook name whose locked cells this notebook has unchanged, or None."""
    digests = locked_digests(nb)
    for name, (_, record) in sorted(released.items()):
        locked = record.get("locked", {})
        if locked and all(digests.get(g) == {d} for g, d in locked.items()):
            return name
    return None


def identify(path, nb):
    """(assignment id, notebook name, manifest record) of a released notebook; Refusal otherwise."""
    released = released_notebooks(path.parent)
    if path.stem in released:
        assignment_id, record = released[path.stem]
        return assignment_id, path.stem, record
    same = same_released_notebook(nb, released)
    if same:
        raise Refusal(f"{path.name} is the released {same}.ipynb ({released[same][0]}) saved under another "
                      f"name. Rename it to {same}.ipynb (the grader looks for that name) and run submit again.")
    names = ", ".join(f"{name}.ipynb" for name in sorted(released)) or "none found"
    raise Refusal(f"{path.name} is not a notebook of this course. Submit one of the released notebooks "
                  f"({names}) under its released name.")


def problems(nb, name, record):
    """What differs from the released notebook `name`, in words (empty when it is as released)."""
    digests = locked_digests(nb)
    expected = record.get("grade_ids", [])
    if expected and not set(expected) & set(digests):
        return [f"this file is not the released {name}.ipynb: none of its graded cells is there. "
                "Submit the notebook you worked in."]
    found = []
    for grade_id in expected:
        if grade_id not in digests:
            found.append(f"the cell {grade_id} is missing: {FRESH_COPY}.")
    for grade_id, digest in record.get("locked", {}).items():
        if grade_id in digests and digests[grade_id] != {digest}:
            kind = "test cell" if grade_id.startswith("test_") else "provided cell"
            found.append(f"the {kind} {grade_id} was changed; tests and provided code must stay as "
                         f"released: {FRESH_COPY}.")
    return found


def validate(path, student_id):
    """(assignment id, notebook name) of a notebook that may be submitted; Refusal otherwise."""
    problem = id_problem(student_id)
    if problem:
        raise Refusal(f"Not submitted: {problem}")
    if not path.is_file():
        raise Refusal(f"No notebook at {path}: check the path.")
    nb = read_notebook(path)
    assignment_id, name, record = identify(path, nb)
    found = problems(nb, name, record)
    if found:
        raise Refusal(f"{path.name} is not as released, so it was not packed:\n  - " + "\n  - ".join(found))
    return assignment_id, name


def report_text(student_id, assignment_id, path, verdicts, data_size):
    """check_report.txt: who, what, when, and the visible-test results."""
    out = io.StringIO()
    made = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{path.name} ({assignment_id}) submitted by {student_id}, packed {made}.\n"
          f"Visible tests, run by `python -m coursekit.submit` on the {data_size} data size:\n", file=out)
    for verdict in verdicts:
        print(part_line(verdict), file=out)
    print_total(verdicts, out)
    return out.getvalue()


def write_zip(output_dir, student_id, assignment_id, path, report):
    """Write <ID>_<assignment>.zip in output_dir; return its path."""
    target = Path(output_dir) / f"{student_id}_{assignment_id}.zip"
    folder = f"{student_id}/{assignment_id}"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/{path.name}", path.read_bytes())
        archive.writestr(f"{folder}/{REPORT_NAME}", report)
    return target


def submit(path, student_id, output_dir=".", data_size=DEFAULT_DATA_SIZE, timeout=DEFAULT_TIMEOUT, out=sys.stdout):
    """Validate, check and pack one notebook; return the zip's path (Refusal when it may not be submitted)."""
    path = Path(path)
    assignment_id, _ = validate(path, student_id)
    verdicts = check_notebook(path, data_size, timeout, out)
    if not verdicts:
        raise Refusal(f"{path.name} has no graded test cells left to run: is it the released notebook?")
    all_pass = print_total(verdicts, out)
    target = write_zip(output_dir, student_id, assignment_id, path,
                       report_text(student_id, assignment_id, path, verdicts, data_size))
    failing = "" if all_pass else " Some parts fail their visible tests; you may still hand it in."
    print(f"\nWrote {target}: hand in this file.{failing}", file=out)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.submit", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--student", required=True, metavar="ID", help="your student id")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the zip (default: here)")
    add_run_options(parser)
    args = parser.parse_args(argv)
    try:
        submit(args.notebook, args.student, args.output, args.data_size, args.timeout)
    except Refusal as refusal:
        print(refusal, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
