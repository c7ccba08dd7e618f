"""What run_autograder runs for each Gradescope submission.

Gradescope puts the student's upload in <root>/submission/ (a notebook, or the contents of the
zip `python -m coursekit.submit` writes) and wants <root>/results/results.json. The root is
/autograder, or --root for a test. The notebooks found are laid out as a batch of one student
and graded by the same `grade()` as `python -m autograder grade`, with the assignment, data
size and cell timeout that build.py wrote into gradescope.json.
"""
import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder.course import Course
from autograder.gradescope.results import failure_json, results_json
from autograder.grading.batch import grade
from autograder.grading.grader import Grader
from autograder.grading.intake import Submission
from coursekit.cells import cell_verdict, is_test_cell, part_name

SETTINGS = "gradescope.json"
STUDENT = "submission"   # one submission per run; Gradescope knows whose it is
SKIPPED = (".ipynb_checkpoints", "__MACOSX")


def uploaded_notebooks(submission_dir, expected):
    """{file name to grade it under: path} of the uploaded notebooks: each expected notebook
    found anywhere in the upload, or, when none is, the only notebook there (intake grades a
    single renamed notebook under the expected name, with a note)."""
    found = sorted(p for p in Path(submission_dir).rglob("*.ipynb") if not set(p.parts) & set(SKIPPED))
    chosen = {}
    for path in found:
        if path.stem in expected:
            chosen.setdefault(path.name, path)
    if not chosen and len(found) == 1:
        chosen[found[0].name] = found[0]
    return chosen


def cell_verdicts(graded_path):
    """{part: (passed, message)} of a graded notebook's test cells ({} if it was not graded)."""
    if not Path(graded_path).exists():
        return {}
    nb = nbformat.read(str(graded_path), as_version=4)
    return {part_name(c): cell_verdict(c) for c in nb.cells if is_test_cell(c)}


def grade_upload(course, assignment_id, submission_dir, work_dir, cell_timeout):
    """Grade the upload; return results.json's content."""
    notebooks = [p.stem for p in course.source_notebooks(assignment_id)]
    folder = Path(work_dir) / "batch" / STUDENT / assignment_id
    folder.mkdir(parents=True)
    for name, path in uploaded_notebooks(submission_dir, notebooks).items():
        shutil.copy(path, folder / name)
    output = Path(work_dir) / "graded"
    [report] = grade(course, folder.parent.parent, output, [assignment_id], cell_timeout, quiet=True)
    if not report.graded:  # the grading machine failed, not the submission: no score, and why
        return failure_json(next(p.message for p in report.parts if not p.graded))
    grader = Grader(course, output, [assignment_id])
    submission = Submission(STUDENT, assignment_id, folder)
    verdicts = {}
    for name in notebooks:
        verdicts.update(cell_verdicts(grader.graded_path(submission, name)))
    return results_json(report, verdicts)


def run(root):
    """Grade <root>/submission into <root>/results/results.json; return that content."""
    root = Path(root)
    source = root / "source"
    settings = json.loads((source / SETTINGS).read_text())
    course = Course.under(source, settings["data_size"])
    try:
        with tempfile.TemporaryDirectory(prefix="gradescope-") as work:
            results = grade_upload(course, settings["assignment"], root / "submission", work, settings["cell_timeout"])
    except Exception as error:   # Gradescope needs a results.json whatever happens
        results = failure_json(f"{type(error).__name__}: {error}")
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope.run", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/autograder"), help="Gradescope's folder (default /autograder)")
    args = parser.parse_args(argv)
    results = run(args.root)
    print(f"score {results['score']:g}; results in {args.root / 'results' / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
