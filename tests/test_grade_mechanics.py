"""The grade path on a tiny assignment: every kind of damaged submission is
graded or zeroed with a reason, and never costs other parts or students."""
import csv
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import paths
from autograder.examples import (perfect_notebook, released_notebook, with_cell_source, without_cell,
                                 write_submission)
from autograder.grading.grader import grade
from toy_assignment import ASSIGNMENT, NOTEBOOK

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def graded(toy_course):
    batch = toy_course / "batch"
    perfect = perfect_notebook(ASSIGNMENT, NOTEBOOK)
    students = {
        "perfect": perfect,
        "untouched": released_notebook(ASSIGNMENT, NOTEBOOK),
        "deleted_test": without_cell(perfect, "test_add"),
        "edited_test": with_cell_source(with_cell_source(perfect, "mul_code", "def mul(a, b):\n    return 0"),
                                        "test_mul", "pass  # nothing to see here"),
        "infinite_loop": with_cell_source(perfect, "add_code", "def add(a, b):\n    while True:\n        pass"),
    }
    for student, nb in students.items():
        write_submission(batch, student, ASSIGNMENT, NOTEBOOK, nb)
    write_submission(batch, "renamed", ASSIGNMENT, NOTEBOOK, perfect).rename(
        batch / "renamed" / ASSIGNMENT / "Untitled1.ipynb")
    broken = write_submission(batch, "not_json", ASSIGNMENT, NOTEBOOK, perfect)
    broken.write_text(broken.read_text()[:200])
    (batch / "missing" / ASSIGNMENT).mkdir(parents=True)
    (batch / "missing" / ASSIGNMENT / "notes.txt").write_text("I forgot the notebook.")
    archive = toy_course / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in batch.rglob("*.*"):
            z.write(path, "export/" + str(path.relative_to(batch)))
    output = toy_course / "graded"
    reports = grade(archive, output, [ASSIGNMENT], cell_timeout=5)
    with open(output / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"reports": {r.student_id: r for r in reports}, "rows": rows, "output": output}


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
    perfect = write_submission(tmp_path, "me", ASSIGNMENT, NOTEBOOK, perfect_notebook(ASSIGNMENT, NOTEBOOK))
    untouched = shutil.copy(paths.ASSIGNMENTS_DIR / ASSIGNMENT / f"{NOTEBOOK}.ipynb", tmp_path / "u.ipynb")
    run = lambda nb: subprocess.run([sys.executable, "-m", "autograder", "check", str(nb), "--timeout", "30"],
                                    capture_output=True, text=True)
    good, bad = run(perfect), run(untouched)
    assert good.returncode == 0 and "[PASS] add (2 points)" in good.stdout and "2 of 2 parts pass" in good.stdout
    assert bad.returncode == 1 and "[FAIL] mul (3 points): not implemented yet" in bad.stdout


def test_two_worker_processes_give_identical_results(graded, toy_course):
    output = toy_course / "graded_jobs2"
    grade(toy_course / "batch.zip", output, [ASSIGNMENT], cell_timeout=5, jobs=2, quiet=True)
    assert (output / "grades.csv").read_text() == (graded["output"] / "grades.csv").read_text()
    for page in (graded["output"] / "feedback").glob("*.html"):
        assert (output / "feedback" / page.name).read_text() == page.read_text(), page.name
    from nbgrader.api import Gradebook
    totals = []
    for folder in (graded["output"], output):
        with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
            totals.append({s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)})
    assert totals[0] == totals[1] and len(totals[0]) == 8


def test_canvas_export_and_summary_page(graded):
    with open(graded["output"] / "canvas.csv") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert rows[1][0] == "Points Possible" and rows[1][-1] == "5"
    assert {row[0]: row[-1] for row in rows[2:]}["edited_test"] == "2"
    page = (graded["output"] / f"summary-{ASSIGNMENT}.html").read_text()
    assert "data:image/png;base64," in page
    assert "<td>add</td><td>2</td><td>4 of 8</td>" in page
    assert "not_json: toy/toy.ipynb: toy.ipynb is not valid notebook JSON" in page
