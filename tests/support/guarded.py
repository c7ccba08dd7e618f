"""A two-part assignment graded like the real ones (hidden cases in tests/support/cases/guarded.py,
references generated from the solution, verdicts outside the kernel), small enough to
grade hostile submissions in seconds."""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.cases import add_cases_folder
from autograder.course import Course
from autograder.judging.references import write_references
from autograder.release.release import release
from tests.support.toy import solution_cell, test_cell

ASSIGNMENT = "guarded"
NOTEBOOK = "guarded"
CASES_FOLDER = Path(__file__).resolve().parent / "cases"


def hidden(part):
    return (f"### BEGIN HIDDEN TESTS\nfrom autograder.hidden import check_part\n"
            f"check_part({ASSIGNMENT!r}, {part!r}, {part})\n### END HIDDEN TESTS\n")


def guarded_source_notebook():
    nb = new_notebook(cells=[
        new_markdown_cell("# Guarded assignment"),
        new_code_cell("import numpy as np"),
        solution_cell("def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION", "add_code"),
        test_cell(hidden("add") + "assert add(1, 2) == 3, 'add(1, 2) should be 3'", "test_add", 2),
        solution_cell("def scale(x, k):\n    ### BEGIN SOLUTION\n    return k * x\n    ### END SOLUTION",
                      "scale_code"),
        test_cell(hidden("scale") + "assert np.all(scale(np.ones(3), 2.0) == 2.0), 'scale(ones, 2) should be twos'",
                  "test_scale", 3),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_guarded_solutions(solutions_dir):
    """Write the source notebook and make its cases module findable (here and in kernels)."""
    add_cases_folder(CASES_FOLDER)
    folder = Path(solutions_dir) / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(guarded_source_notebook(), str(folder / f"{NOTEBOOK}.ipynb"))
    return folder


def release_guarded_course(root):
    """The guarded assignment under `root`: solutions, references, release; returns the course."""
    course = Course.under(root)
    write_guarded_solutions(course.solutions_dir)
    course.references_dir.mkdir(parents=True, exist_ok=True)
    write_references(course, ASSIGNMENT)
    release(course, ASSIGNMENT)
    return course
