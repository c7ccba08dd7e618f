"""Every notebook's points table (in its first markdown cell) gives each graded cell the points the grader
scores it with, and the total their sum: a student reads the table, the grader uses the cells."""
import re

import nbformat
import pytest

from autograder.course import Course
from autograder.grading.results import assignment_parts
from coursekit.cells import nbgrader_meta

COURSE = Course.from_repo()
ROW = re.compile(r"^\|[^|]*\|\s*`(\w+)`\s*\|\s*([\d.]+)\s*\|\s*$", re.MULTILINE)
TOTAL = re.compile(r"^\|\s*\*\*Total\*\*\s*\|[^|]*\|\s*\*\*([\d.]+)\*\*\s*\|\s*$", re.MULTILINE)


def points_table(notebook_path):
    """({grade id: points} of the table's rows, the sum of its total rows) from a notebook's first
    markdown cell (a released notebook opens with its Colab setup cell)."""
    cells = nbformat.read(str(notebook_path), as_version=4).cells
    text = next(c.source for c in cells if c.cell_type == "markdown")
    rows = {grade_id: float(points) for grade_id, points in ROW.findall(text)}
    totals = TOTAL.findall(text)   # the autograded table's and, if any, the written answers'
    return rows, sum(float(t) for t in totals) if totals else None


def graded_points(course, assignment_id, notebook):
    """{grade id: points} the grader scores: the autograded test cells and the hand-graded answer cells."""
    autograded = {grade_id: points for _, grade_id, points in assignment_parts(course, assignment_id)[notebook]}
    source = nbformat.read(str(course.solutions_dir / assignment_id / f"{notebook}.ipynb"), as_version=4)
    by_hand = {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c).get("points", 0)) for c in source.cells
               if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")}
    return {**autograded, **by_hand}


NOTEBOOKS = [(a, p.stem) for a in COURSE.assignment_ids() for p in COURSE.source_notebooks(a)]


@pytest.mark.parametrize("assignment_id, notebook", NOTEBOOKS)
@pytest.mark.parametrize("folder", ["solutions_dir", "assignments_dir"])
def test_the_points_table_is_the_points_the_grader_uses(assignment_id, notebook, folder):
    rows, total = points_table(getattr(COURSE, folder) / assignment_id / f"{notebook}.ipynb")
    graded = graded_points(COURSE, assignment_id, notebook)
    assert rows == graded
    assert total == sum(graded.values())


def test_a_missing_row_is_seen(tmp_path):
    """The check can fail: Assignment 3's table as it was, without its Tuning row (finding 5)."""
    path = COURSE.source_notebooks("assignment3")[0]
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[0].source = re.sub(r"^\|.*`test_tuning`.*\n", "", nb.cells[0].source, flags=re.MULTILINE)
    nbformat.write(nb, str(tmp_path / path.name))
    rows, _ = points_table(tmp_path / path.name)
    assert rows != graded_points(COURSE, "assignment3", path.stem) and "test_tuning" not in rows
