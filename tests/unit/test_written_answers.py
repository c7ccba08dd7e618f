"""Graded written answers: nbgrader manually graded answer cells (markdown, solution and grade,
points) with a model answer and rubric in the solution notebook, never released, listed in the
notebook's points table, and left for grading by hand in the gradebook (no kernel here; the
graded batch's gradebook is checked in tests/course/test_written_answers.py)."""
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.course import Course
from autograder.grading.gradebook import record_scores
from autograder.grading.intake import Submission
from autograder.nbgrader_setup import course_config, nbgrader_api, raise_on_failure
from coursekit.cells import is_test_cell, is_written_answer, nbgrader_meta

REPO = Course.from_repo()
# The questions each assignment asks (grade_id: points), as the course plans them.
EXPECTED = {
    "assignment1": {"written_initial_losses": 4, "written_kinks": 4, "written_templates": 4},
    "assignment2": {"written_error_vs_h": 4, "written_precision": 4, "written_protocol": 4},
    "assignment3": {"written_shared_weights": 4, "written_dead_relu": 4, "written_reading_curves": 4},
    "assignment4": {"written_bias_correction": 4, "written_momentum": 4, "written_second_order": 4},
    "assignment5": {"written_border": 3, "written_random_vs_grid": 3, "written_sharpness": 3,
                    "written_batchnorm": 3},
    "assignment6": {"written_activations": 3, "written_initialization": 3, "written_features": 3,
                    "written_landscape": 3},
}
TABLE_ROW = re.compile(r"^\| \d+\. [^|]+ \| `(written_\w+)` \| (\d+) \|$", re.MULTILINE)


def notebook(folder, assignment_id):
    (path,) = sorted((folder / assignment_id).glob("*.ipynb"))
    return nbformat.read(str(path), as_version=4)


def written_cells(nb):
    return [cell for cell in nb.cells if is_written_answer(cell)]


@pytest.mark.parametrize("assignment_id", sorted(EXPECTED))
def test_each_assignment_asks_two_to_four_written_answers_with_a_rubric(assignment_id):
    nb = notebook(REPO.solutions_dir, assignment_id)
    cells = written_cells(nb)
    assert {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in cells} == EXPECTED[assignment_id]
    assert 2 <= len(cells) <= 4
    for cell in cells:
        assert not nbgrader_meta(cell)["locked"]
        lines = cell.source.splitlines()
        assert lines[0] == "### BEGIN SOLUTION" and lines[-1] == "### END SOLUTION"
        assert "**Model answer.**" in cell.source
        assert f"**Rubric ({nbgrader_meta(cell)['points']} points).**" in cell.source
        question = nb.cells[nb.cells.index(cell) - 1]
        assert question.cell_type == "markdown" and question.source.startswith("### Written answer")
    assert "Inline questions (not graded)" not in "\n".join(c.source for c in nb.cells)


@pytest.mark.parametrize("assignment_id", sorted(EXPECTED))
def test_released_answer_cells_are_empty_and_keep_their_grading(assignment_id):
    source = {nbgrader_meta(c)["grade_id"]: c for c in written_cells(notebook(REPO.solutions_dir, assignment_id))}
    released = written_cells(notebook(REPO.assignments_dir, assignment_id))
    assert [nbgrader_meta(c)["grade_id"] for c in released] == list(source)
    for cell in released:
        assert cell.source == "YOUR ANSWER HERE"
        for key in ("points", "solution", "grade", "locked"):
            assert nbgrader_meta(cell)[key] == nbgrader_meta(source[nbgrader_meta(cell)["grade_id"]])[key]


@pytest.mark.parametrize("assignment_id", sorted(EXPECTED))
def test_points_table_lists_the_written_answers_apart(assignment_id):
    intro = notebook(REPO.solutions_dir, assignment_id).cells[0].source
    rows = {grade_id: int(points) for grade_id, points in TABLE_ROW.findall(intro)}
    assert rows == EXPECTED[assignment_id]
    written_table = intro[intro.index("| Written answer | Answer cell | Points |"):]
    assert f"| **Total** | | **{sum(rows.values())}** |" in written_table
    autograded_table = intro[:intro.index("**Written answers**")]
    assert "written_" not in autograded_table


# --- The gradebook leaves written answers for grading by hand -------------------------------

def tiny_source():
    """One autograded part and one written answer, as the course's notebooks have them."""
    answer = nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nBecause.\n### END SOLUTION")
    answer.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "points": 3,
                                   "grade_id": "written_why", "schema_version": 3}
    test = nbformat.v4.new_code_cell("assert True")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 2,
                                 "grade_id": "test_it", "schema_version": 3}
    nb = nbformat.v4.new_notebook(cells=[test, answer])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture
def gradebook_url(tmp_path):
    """A gradebook that knows the tiny assignment (nbgrader generate_assignment: no kernel)."""
    (tmp_path / "source" / "tiny").mkdir(parents=True)
    nbformat.write(tiny_source(), str(tmp_path / "source" / "tiny" / "tiny.ipynb"))
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    raise_on_failure(nbgrader_api(course_config(tmp_path, url)).generate_assignment("tiny"), "generate_assignment")
    with Gradebook(url) as gradebook:
        for student in ("answered", "blank"):
            gradebook.add_student(student)
    return url


def grade_of(url, student, grade_id):
    with Gradebook(url) as gradebook:
        grade = gradebook.find_grade(grade_id, "tiny", "tiny", student)
        return grade.auto_score, grade.manual_score, grade.needs_manual_grade


def grade_by_hand(url, student, score):
    """What formgrader does when a grader enters a score (its GradeHandler.put)."""
    with Gradebook(url) as gradebook:
        grade = gradebook.find_grade("written_why", "tiny", "tiny", student)
        grade.manual_score, grade.needs_manual_grade = score, False
        gradebook.db.commit()


def test_a_worker_outcome_leaves_written_answers_for_grading_by_hand(gradebook_url):
    """record_scores writes what a worker graded: the autograded part gets its score and needs
    no grader; an answered written answer (no automatic score) waits for one, an untouched one
    scores 0 (nbgrader's "no response")."""
    for student, written in (("answered", (None, None)), ("blank", (0.0, None))):
        submission = Submission(student, "tiny", None)
        record_scores(gradebook_url, submission, ["tiny"], {"tiny": {"test_it": (2.0, None), "written_why": written}})
    assert grade_of(gradebook_url, "answered", "test_it") == (2.0, None, False)
    assert grade_of(gradebook_url, "answered", "written_why") == (None, None, True)
    assert grade_of(gradebook_url, "blank", "written_why") == (0.0, None, False)


def test_a_score_given_by_hand_survives_a_regrade(gradebook_url):
    submission = Submission("answered", "tiny", None)
    scores = {"tiny": {"test_it": (2.0, None), "written_why": (None, None)}}
    record_scores(gradebook_url, submission, ["tiny"], scores)
    grade_by_hand(gradebook_url, "answered", 2.5)
    assert grade_of(gradebook_url, "answered", "written_why") == (None, 2.5, False)
    record_scores(gradebook_url, submission, ["tiny"], scores)   # graded again (--force), in a worker
    # kept, and flagged for review as nbgrader's own autograde flags a regraded manual score
    assert grade_of(gradebook_url, "answered", "written_why") == (None, 2.5, True)
    with Gradebook(gradebook_url) as gradebook:
        assert gradebook.find_submission("tiny", "answered").score == 4.5
