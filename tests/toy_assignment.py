"""A two-part nbgrader assignment small enough to grade in seconds.

Used to test the grading mechanics (restored and overwritten test cells,
timeouts, warnings, damaged files) on the real nbgrader path without paying
for Assignment 1's data loading in every case.
"""
from contextlib import contextmanager

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "toy"
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


def toy_source_notebook():
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
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_toy_solutions(solutions_dir):
    folder = solutions_dir / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(toy_source_notebook(), str(folder / f"{NOTEBOOK}.ipynb"))
    return folder


@contextmanager
def course_paths(root):
    """Point the solutions, releases and references at folders under `root` for the block."""
    from autograder import paths
    patch = pytest.MonkeyPatch()
    patch.setattr(paths, "SOLUTIONS_DIR", root / "solutions")
    patch.setattr(paths, "ASSIGNMENTS_DIR", root / "assignments")
    patch.setattr(paths, "REFERENCES_DIR", root / "references")
    try:
        yield root
    finally:
        patch.undo()
