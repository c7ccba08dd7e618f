"""No provided code answers another assignment's graded part: the release runs the other
assignments' hidden tests on every name a released folder's code defines and refuses one that
passes, unless that assignment is due; an earlier assignment's code is shipped with a later one
only once it is due. On small temporary courses (nbgrader generate_assignment, no kernel: the
refused releases stop before the probing, the released ones have no catalog to probe); that the
real release passes is tests/course/test_release.py."""
import shutil
from datetime import datetime, timedelta, timezone

import nbformat
import pytest

from autograder.course import REFERENCES_DIR, Course
from autograder.grading.grader import Grader
from autograder.release.cross_answers import cross_answers, provided_namespace
from autograder.release.earlier_code import ship_earlier_code
from autograder.release.release import CrossAnswerError, release

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
PAST, FUTURE = NOW - timedelta(days=1), NOW + timedelta(days=1)
REPO = Course.from_repo()

# Assignment 2's graded rel_error, as a provided cell of another assignment would give it away.
COURSE_REL_ERROR = '''import numpy as np

def rel_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    if a.size == 0:
        return 0.0
    denom = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.abs(a - b) / np.where(denom > 0, denom, 1.0)))'''
# The same name with another contract (CS231n's denominator): it answers nothing.
CS231N_REL_ERROR = '''import numpy as np

def rel_error(x, y):
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))'''


def later_notebook(provided_source, imports=()):
    """A small later assignment: one provided cell, one answer and its test."""
    provided = nbformat.v4.new_code_cell(provided_source)
    answer = nbformat.v4.new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": "double_code",
                                   "schema_version": 3}
    test = nbformat.v4.new_code_cell("assert double(2) == 4")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                 "grade_id": "test_double", "schema_version": 3}
    nb = nbformat.v4.new_notebook(cells=[provided, answer, test])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if imports:
        nb.metadata["course"] = {"imports": list(imports)}
    return nb


def small_course(root, earlier, later_nb):
    """The repository's `earlier` assignment (its solutions and references) and the assignment `later`."""
    course = Course(root / "solutions", root / "assignments", REFERENCES_DIR)
    shutil.copytree(REPO.solutions_dir / earlier, course.solutions_dir / earlier)
    (course.solutions_dir / "later").mkdir()
    nbformat.write(later_nb, str(course.solutions_dir / "later" / "later.ipynb"))
    return course


def test_release_refuses_provided_code_that_passes_another_assignments_part(tmp_path):
    course = small_course(tmp_path, "assignment2", later_notebook(COURSE_REL_ERROR))
    with pytest.raises(CrossAnswerError) as refused:
        release(course, "later", now=NOW)
    message = str(refused.value)
    assert message.startswith("refusing to release later:")
    assert "defines rel_error, which passes every hidden test of assignment2's graded part rel_error (12 points)" in message
    assert not (course.assignments_dir / "later").exists()
    # once assignment2 is due, released; before its due date, refused all the same
    released = release(course, "later", due_dates={"assignment2": PAST}, now=NOW)
    assert (released / "later.ipynb").exists()
    assert cross_answers(course, "later", released, {"assignment2": FUTURE}, NOW) != []


def test_the_same_name_with_another_contract_is_no_answer(tmp_path):
    """The check runs the hidden tests: a name alone is no answer."""
    course = small_course(tmp_path, "assignment2", later_notebook(CS231N_REL_ERROR))
    nbformat.write(later_notebook(CS231N_REL_ERROR), str(tmp_path / "later.ipynb"))
    assert cross_answers(course, "later", tmp_path, now=NOW) == []


def test_an_earlier_assignments_code_is_shipped_once_it_is_due(tmp_path):
    course = small_course(tmp_path, "assignment3", later_notebook("import numpy as np", imports=["assignment3"]))
    module = course.assignments_dir / "later" / "assignment3_code.py"
    assert ship_earlier_code(course, "later", tmp_path, {}, NOW) == []   # no due dates: nothing shipped
    assert ship_earlier_code(course, "later", tmp_path, {"assignment3": FUTURE}, NOW) == []
    assert course.earlier_code("later") == []
    release(course, "later", due_dates={"assignment3": PAST}, now=NOW)
    text = module.read_text()
    assert "assignment3 was due on 2026-12-03" in text and "BEGIN SOLUTION" not in text
    namespace = {}
    exec(compile(text, str(module), "exec"), namespace)                 # the solutions, importable
    dx, dw, db = namespace["affine_backward"](namespace["np"].ones((1, 2)), (namespace["np"].ones((1, 3)),
                                               namespace["np"].ones((3, 2)), namespace["np"].zeros(2)))
    assert dx.shape == (1, 3) and dw.shape == (3, 2) and db.shape == (2,)
    assert course.earlier_code("later") == [module]
    grader = Grader(course, tmp_path / "graded", ["later"])
    grader.prepare()                                                     # grading puts it beside the notebook
    assert (grader.course_root / "source" / "later" / module.name).read_text() == text


def test_the_real_provided_code_answers_no_other_assignment():
    """Every released notebook of this course, against every other assignment, with no due dates."""
    for assignment_id in REPO.assignment_ids():
        assert cross_answers(REPO, assignment_id, REPO.assignments_dir / assignment_id, now=NOW) == []


def test_the_released_notebooks_no_longer_define_the_names_they_gave_away():
    """What the issue found (A1: rel_error and grad_check_sparse pass 28 of A2's points; A4 and
    A5: the layers and TwoLayerNet pass 39 of A3's) is gone from the committed release."""
    a1 = provided_namespace(REPO.assignments_dir / "assignment1", "assignment1")
    assert "grad_check_sparse" not in a1 and "gradient_check" in a1
    for later in ("assignment4", "assignment5"):
        provided = provided_namespace(REPO.assignments_dir / later, later)
        assert not {"affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss",
                    "TwoLayerNet"} & set(provided)
