"""The main job end to end: `python -m autograder demo` on Assignment 1.

Runs real notebooks in real kernels through nbgrader on the reduced data size:
each typical bug loses its own part and only that part."""
import csv
import subprocess
import sys

import pytest

from autograder.demo import demo_bugs
from autograder.grading.results import assignment_parts
from autograder.catalog import variants_for

pytestmark = pytest.mark.notebook

PARTS = [part for parts in assignment_parts("assignment1").values() for part, _, _ in parts]
POINTS = {part: points for parts in assignment_parts("assignment1").values() for part, _, points in parts}
FULL = sum(POINTS.values())
PARTS_WITH_CATALOG = {v.part for v in variants_for("assignment1") if v.kind == "wrong"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, requires_cifar):
    output = tmp_path_factory.mktemp("demo")
    run = subprocess.run([sys.executable, "-m", "autograder", "demo", "--output", str(output)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(output / "graded" / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"stdout": run.stdout, "rows": rows, "output": output}


def lost_parts(row):
    return {part for part in PARTS if float(row[f"assignment1.{part}"]) < POINTS[part]}


def test_demo_prints_the_table_and_where_feedback_is(demo):
    assert "Grade table:" in demo["stdout"] and "Feedback:" in demo["stdout"]
    assert "Parts most often failed:" in demo["stdout"]


def test_perfect_submission_gets_full_marks(demo):
    assert float(demo["rows"]["perfect"]["total"]) == FULL


def test_untouched_release_runs_and_scores_zero(demo):
    assert float(demo["rows"]["untouched"]["total"]) == 0
    assert "not implemented yet" in demo["rows"]["untouched"]["notes"]


def test_demo_has_one_bug_per_part():
    assert sorted(v.part for v in demo_bugs("assignment1")) == sorted(PARTS_WITH_CATALOG)


@pytest.mark.parametrize("variant", demo_bugs("assignment1"), ids=lambda v: v.name)
def test_each_bug_loses_its_own_part_and_only_that(demo, variant):
    row = demo["rows"][f"bug_{variant.name}"]
    assert lost_parts(row) == {variant.part}
    assert float(row[f"assignment1.{variant.part}"]) == 0
    assert f"{variant.part}: " in row["notes"]


def test_parts_computed_from_a_buggy_loss_keep_their_points_with_a_message(demo):
    page = (demo["output"] / "graded" / "feedback" / "bug_svm_no_averaging.html").read_text()
    assert "passed with the reference svm_loss_vectorized in place of yours" in page


def test_edited_and_deleted_test_cells_are_graded_from_the_source(demo):
    first_bug = next(v for v in variants_for("assignment1") if v.kind == "wrong")
    assert lost_parts(demo["rows"]["edited_test_cell"]) == {first_bug.part}
    assert float(demo["rows"]["deleted_test_cell"]["total"]) == FULL
    assert "was missing and was restored" in demo["rows"]["deleted_test_cell"]["notes"]


def test_renamed_and_damaged_files(demo):
    assert float(demo["rows"]["renamed_file"]["total"]) == FULL
    assert "was graded as" in demo["rows"]["renamed_file"]["notes"]
    assert float(demo["rows"]["damaged_file"]["total"]) == 0
    assert "not valid notebook JSON" in demo["rows"]["damaged_file"]["notes"]


def test_feedback_never_shows_hidden_tests(demo):
    pages = list((demo["output"] / "graded" / "feedback").glob("*.html"))
    assert len(pages) == len(demo["rows"])
    for page in pages:
        text = page.read_text()
        assert "check_part" not in text and "HIDDEN" not in text and "autograder" not in text
