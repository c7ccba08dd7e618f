"""A two-part nbgrader assignment small enough to grade in seconds.

Used to test the grading mechanics (restored and overwritten test cells,
timeouts, warnings, damaged files) on the real nbgrader path without paying
for Assignment 1's data loading in every case.
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.course import Course
from autograder.examples import perfect_notebook, released_notebook, with_cell_source, write_submission
from autograder.release.release import release

ASSIGNMENT = "toy"
SECOND = "toy2"  # a copy of the toy assignment under another name (two graders at once)
NOTEBOOK = "toy"


def solution_cell(source, grade_id):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


def test_cell(source, grade_id, points):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": points,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


test_cell.__test__ = False  # a cell builder, not a pytest test

WRITTEN = "explain_mul"  # the written answer of the toy with one (graded by hand in formgrader)


def written_answer_cell(grade_id, points):
    """An nbgrader manually graded answer cell (markdown): a written answer."""
    cell = new_markdown_cell("### BEGIN SOLUTION\nMultiplication is repeated addition.\n### END SOLUTION")
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "points": points,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


def toy_source_notebook(written=False):
    """The toy notebook: add (2 points) and mul (3), and with `written` a written answer (2) last."""
    nb = new_notebook(cells=[
        new_markdown_cell("# Toy assignment"),
        solution_cell("def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION", "add_code"),
        test_cell("assert add(1, 2) == 3, 'add(1, 2) should be 3'\n"
                  "### BEGIN HIDDEN TESTS\nassert add(-2, 2) == 0, 'add(-2, 2) should be 0'\n### END HIDDEN TESTS",
                  "test_add", 2),
        solution_cell("def mul(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION", "mul_code"),
        # The warning goes to stderr, which plain nbgrader would count as a failure.
        test_cell("import warnings\nwarnings.warn('a harmless warning')\n"
                  "assert mul(2, 3) == 6, 'mul(2, 3) should be 6'", "test_mul", 3),
    ])
    if written:
        nb.cells += [new_markdown_cell("Why does `mul(2, 3)` equal `add(2, add(2, 2))`?"), written_answer_cell(WRITTEN, 2)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_toy_solutions(solutions_dir, assignment_id=ASSIGNMENT, written=False):
    folder = Path(solutions_dir) / assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(toy_source_notebook(written), str(folder / f"{NOTEBOOK}.ipynb"))
    return folder


def release_toy_course(root, assignment_ids=(ASSIGNMENT,), written=()):
    """Write the toy solutions (one copy per assignment id; those in `written` with a written
    answer) under `root`, release them into root/assignments, and return the course
    (Course.under(root), which reads root/course.toml if there is one)."""
    course = Course.under(root)
    for assignment_id in assignment_ids:
        write_toy_solutions(course.solutions_dir, assignment_id, assignment_id in written)
        release(course, assignment_id)
    return course


KINDS = ("perfect", "untouched", "wrong_mul", "infinite_loop", "not_json", "missing")
EXPECTED_TOTALS = {"perfect": 5, "untouched": 0, "wrong_mul": 2, "infinite_loop": 3, "not_json": 0, "missing": 0}


def write_toy_batch(course, batch, kinds=KINDS, assignment_id=ASSIGNMENT):
    """A small mixed batch, one student per kind (student id = kind): perfect,
    untouched, a wrong answer, an infinite loop, a damaged file, no notebook."""
    perfect = perfect_notebook(course, assignment_id, NOTEBOOK)
    notebooks = {
        "perfect": perfect,
        "untouched": released_notebook(course, assignment_id, NOTEBOOK),
        "wrong_mul": with_cell_source(perfect, "mul_code", "def mul(a, b):\n    return a + b"),
        "infinite_loop": with_cell_source(perfect, "add_code", "def add(a, b):\n    while True:\n        pass"),
        "not_json": perfect,
    }
    for kind in kinds:
        if kind == "missing":
            (batch / kind / assignment_id).mkdir(parents=True)
            continue
        path = write_submission(batch, kind, assignment_id, NOTEBOOK, notebooks[kind])
        if kind == "not_json":
            path.write_text(path.read_text()[:200])
    return list(kinds)
