"""The grade path on a tiny assignment: every kind of damaged submission is
graded or zeroed with a reason, and never costs other parts or students
(the batch: tests/grading/conftest.py, `toy_graded`)."""
import csv
import shutil
import subprocess
import sys

import pytest

from autograder.examples import perfect_notebook, write_submission
from autograder.grading.batch import grade
from tests.support.toy import ASSIGNMENT, NOTEBOOK


@pytest.fixture(scope="module")
def graded(toy_graded):
    return toy_graded


def test_grading_prints_the_summary_and_where_everything_is(graded):
    printed = graded["printed"]
    assert "Graded 8 student(s) on 1 assignment(s)." in printed
    assert "toy: 8 submission(s), 2 part(s), 5 points" in printed
    assert "Parts most often failed:" in printed and "Submissions with notes" in printed
    assert "Grade table:" in printed and "Feedback:" in printed and "Summary:" in printed
    assert "Formgrader:" in printed


def scores(graded, student):
    row = graded["rows"][student]
    return float(row["toy.add"]), float(row["toy.mul"]), float(row["total"])


def test_csv_has_one_column_per_part_and_a_row_per_student(graded):
    row = graded["rows"]["perfect"]
    assert list(row) == ["student_id", "toy.add", "toy.mul", "total", "max_total", "notes"]
    assert sorted(graded["rows"]) == sorted(["perfect", "untouched", "deleted_test", "edited_test",
                                             "infinite_loop", "renamed", "not_json", "missing"])


def test_perfect_scores_full_marks_even_with_a_warning_on_stderr(graded):
    assert scores(graded, "perfect") == (2, 3, 5)


def test_untouched_release_scores_zero_with_a_reason(graded):
    assert scores(graded, "untouched") == (0, 0, 0)
    assert "not implemented yet" in graded["rows"]["untouched"]["notes"]


def test_deleted_test_cell_is_restored_and_graded(graded):
    assert scores(graded, "deleted_test") == (2, 3, 5)
    assert "test cell of add was missing and was restored" in graded["rows"]["deleted_test"]["notes"]


def test_edited_test_cell_is_overwritten_by_the_original(graded):
    assert scores(graded, "edited_test") == (2, 0, 2)
    assert "mul(2, 3) should be 6" in graded["rows"]["edited_test"]["notes"]


def test_infinite_loop_costs_only_its_part(graded):
    assert scores(graded, "infinite_loop") == (0, 3, 3)
    assert "timed out" in graded["rows"]["infinite_loop"]["notes"]


def test_renamed_notebook_is_graded_with_a_note(graded):
    assert scores(graded, "renamed") == (2, 3, 5)
    assert "Untitled1.ipynb was graded as toy.ipynb" in graded["rows"]["renamed"]["notes"]


def test_damaged_and_missing_notebooks_score_zero_with_a_reason(graded):
    assert scores(graded, "not_json") == (0, 0, 0)
    assert "not valid notebook JSON" in graded["rows"]["not_json"]["notes"]
    assert scores(graded, "missing") == (0, 0, 0)
    assert "toy.ipynb was not submitted" in graded["rows"]["missing"]["notes"]


def test_feedback_shows_messages_but_no_hidden_test_source(graded):
    page = (graded["output"] / "feedback" / "edited_test.html").read_text()
    assert "mul(2, 3) should be 6" in page and "2 / 5" in page.replace("<strong>", "").replace("</strong>", "")
    for student in graded["rows"]:
        page = (graded["output"] / "feedback" / f"{student}.html").read_text()
        assert "add(-2, 2)" not in page and "HIDDEN" not in page


def test_gradebook_holds_the_scores(graded):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded['output'] / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "perfect").score == 5
        assert gradebook.find_submission(ASSIGNMENT, "edited_test").score == 2


def test_check_command_reports_each_part(toy_course, tmp_path):
    perfect = write_submission(tmp_path, "me", ASSIGNMENT, NOTEBOOK, perfect_notebook(toy_course, ASSIGNMENT, NOTEBOOK))
    untouched = shutil.copy(toy_course.assignments_dir / ASSIGNMENT / f"{NOTEBOOK}.ipynb", tmp_path / "u.ipynb")
    run = lambda nb: subprocess.run([sys.executable, "-m", "autograder", "check", str(nb), "--timeout", "30"],
                                    capture_output=True, text=True)
    good, bad = run(perfect), run(untouched)
    assert good.returncode == 0 and "[PASS] add (2 points)" in good.stdout and "2 of 2 parts pass" in good.stdout
    assert bad.returncode == 1 and "[FAIL] mul (3 points) [" in bad.stdout and "s]: not implemented yet" in bad.stdout


def test_two_worker_processes_give_identical_results(graded, toy_course, tmp_path):
    output = tmp_path / "graded_jobs2"
    grade(toy_course, graded["root"] / "batch.zip", output, [ASSIGNMENT], cell_timeout=5, jobs=2, quiet=True)
    assert (output / "grades.csv").read_text() == (graded["output"] / "grades.csv").read_text()
    for page in (graded["output"] / "feedback").glob("*.html"):
        assert (output / "feedback" / page.name).read_text() == page.read_text(), page.name
    from nbgrader.api import Gradebook
    totals = []
    for folder in (graded["output"], output):
        with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
            totals.append({s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)})
    assert totals[0] == totals[1] and len(totals[0]) == 8


def test_workers_that_cannot_start_leave_their_submissions_for_a_rerun(graded, toy_course, tmp_path):
    """The --jobs workers start before the gradebook is prepared; when they cannot start (here
    their folder cannot be made), the batch still completes, each submission is not graded
    (blank, not 0) with the reason, and a rerun grades them all as one process does."""
    output = tmp_path / "graded_broken_pool"
    output.mkdir()
    (output / "workers").write_text("a file where the workers' folders go")
    grade(toy_course, graded["root"] / "batch.zip", output, [ASSIGNMENT], cell_timeout=5, jobs=2, quiet=True)
    with open(output / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["perfect"]["total"] == "" and rows["perfect"]["toy.add"] == ""
    assert "the worker process grading it failed" in rows["perfect"]["notes"]
    (output / "workers").unlink()
    grade(toy_course, graded["root"] / "batch.zip", output, [ASSIGNMENT], cell_timeout=5, jobs=2, quiet=True)
    assert (output / "grades.csv").read_text() == (graded["output"] / "grades.csv").read_text()


def test_canvas_export_and_summary_page(graded):
    with open(graded["output"] / "canvas.csv") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert rows[1][0] == "Points Possible" and rows[1][-1] == "5"
    assert {row[0]: row[-1] for row in rows[2:]}["edited_test"] == "2"
    page = (graded["output"] / f"summary-{ASSIGNMENT}.html").read_text()
    assert "data:image/png;base64," in page
    assert "<td>add</td><td>2</td><td>4 of 8 (50%)</td>" in page
    assert "not_json: toy/toy.ipynb: toy.ipynb is not valid notebook JSON" in page
