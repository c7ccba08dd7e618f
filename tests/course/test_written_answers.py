"""Written answers through the real grade path (the suite's graded batch, tests/support/
assignment1_batch.py, graded with two workers): the grader leaves them for grading by hand (not
zeroed, not failed, needs_manual_grade), and a score and comment entered as formgrader enters them,
through nbgrader's API, reach the gradebook's totals and grades.csv and survive a rerun of `grade`."""
import csv
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.course import Course
from autograder.grading.batch import grade
from autograder.grading.results import assignment_parts
from coursekit.cells import is_written_answer, nbgrader_meta
from tests.support.assignment1_batch import A1, CELL_TIMEOUT, solved_by

REPO = Course.from_repo()
ASSIGNMENTS = REPO.assignment_ids()


def written_answers(assignment_id):
    """[(notebook, grade_id, points)] of the assignment's written answers."""
    return [(path.stem, nbgrader_meta(cell)["grade_id"], nbgrader_meta(cell)["points"])
            for path in REPO.source_notebooks(assignment_id)
            for cell in nbformat.read(str(path), as_version=4).cells if is_written_answer(cell)]


def autograded_points(assignment_id):
    return sum(points for parts in assignment_parts(REPO, assignment_id).values() for _, _, points in parts)


def db_url(path):
    return f"sqlite:///{path}"


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_answered_written_answers_wait_for_a_grader_and_cost_nothing(course_batch, assignment_id):
    student = solved_by(assignment_id)
    with Gradebook(db_url(course_batch["output"] / "gradebook.db")) as gradebook:
        for notebook, grade_id, _ in written_answers(assignment_id):
            answered = gradebook.find_grade(grade_id, notebook, assignment_id, student)
            assert (answered.auto_score, answered.manual_score, answered.needs_manual_grade) == (None, None, True)
            blank = gradebook.find_grade(grade_id, notebook, assignment_id, "untouched")
            assert (blank.auto_score, blank.needs_manual_grade) == (0.0, False)   # nbgrader: "no response"
        submission = gradebook.find_submission(assignment_id, student)
        assert submission.needs_manual_grade
        assert (submission.code_score, submission.written_score) == (autograded_points(assignment_id), 0)
    parts = [p for p in course_batch["reports"][student].parts if p.assignment_id == assignment_id]
    assert all(p.passed for p in parts) and not any(p.part.startswith("written_") for p in parts)


def test_a_written_answer_graded_as_formgrader_grades_it_reaches_the_totals(course_batch, tmp_path):
    """On a copy of the batch's gradebook: a score and a comment set through nbgrader's API (what
    formgrader's grade and comment handlers do) count in nbgrader's totals; `grade` run again on
    that gradebook (it resumes: nothing is regraded) keeps them and its autograded columns."""
    gradebook_copy = tmp_path / "gradebook.db"
    shutil.copy(course_batch["output"] / "gradebook.db", gradebook_copy)
    notebook, grade_id, points = written_answers(A1)[1]
    with Gradebook(db_url(gradebook_copy)) as gradebook:
        written = gradebook.find_grade(grade_id, notebook, A1, "perfect")
        written.manual_score, written.needs_manual_grade = points - 1, False
        gradebook.find_comment(grade_id, notebook, A1, "perfect").manual_comment = "Right cause; say why h matters."
        gradebook.db.commit()

    reports = grade(course_batch["course"], course_batch["batch"], tmp_path / "graded", [A1], CELL_TIMEOUT,
                    db_url(gradebook_copy), quiet=True)
    with Gradebook(db_url(gradebook_copy)) as gradebook:
        submission = gradebook.find_submission(A1, "perfect")
        assert (submission.code_score, submission.written_score) == (autograded_points(A1), points - 1)
        assert submission.score == autograded_points(A1) + points - 1
        comment = gradebook.find_comment(grade_id, notebook, A1, "perfect")
        assert comment.manual_comment == "Right cause; say why h matters."
        assert not gradebook.find_grade(grade_id, notebook, A1, "perfect").needs_manual_grade
    # grades.csv is exported from the gradebook: the written answer's column carries the score
    # set by hand, and the totals count it (max_total: every autograded and written point).
    with open(tmp_path / "graded" / "grades.csv") as handle:
        row = next(r for r in csv.DictReader(handle) if r["student_id"] == "perfect")
    written_points = sum(p for _, _, p in written_answers(A1))
    assert float(row[f"{A1}.{grade_id}"]) == points - 1
    assert float(row["total"]) == autograded_points(A1) + points - 1
    assert float(row["max_total"]) == autograded_points(A1) + written_points
    assert {r.student_id for r in reports} == set(course_batch["reports"])
