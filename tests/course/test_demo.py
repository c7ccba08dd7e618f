"""The main job end to end: the demo on Assignment 1 (and a perfect submission of the newest
assignment), through nbgrader on the reduced data size: each typical bug loses its own part
and only that part.

The demo's students are graded in the suite's one batch (tests/support/assignment1_batch.py,
built with autograder.demo.build_demo_batch, after releasing every assignment into a
temporary folder as run_demo does); run_demo itself is checked to release, build and grade
exactly that."""
import csv
import filecmp

import pytest

from autograder import demo
from autograder.catalog import variants_for
from autograder.course import REFERENCES_DIR, REPO_ROOT, Course
from autograder.demo import NEWEST_ASSIGNMENT, demo_bugs, run_demo
from autograder.grading.results import assignment_parts
from autograder.exports.gradebook_read import read_gradebook
from autograder.reports.grade_table import print_summary
from tests.support.assignment1_batch import A1, assignment_report, assignments_report

REPO = Course.from_repo()
PARTS = [part for parts in assignment_parts(REPO, A1).values() for part, _, _ in parts]
POINTS = {part: points for parts in assignment_parts(REPO, A1).values() for part, _, points in parts}
FULL = sum(POINTS.values())
NEWEST_FULL = sum(points for parts in assignment_parts(REPO, NEWEST_ASSIGNMENT).values() for _, _, points in parts)
PARTS_WITH_CATALOG = {v.part for v in variants_for(A1) if v.kind == "wrong"}


@pytest.fixture(scope="module")
def graded(course_batch):
    rows = {s: course_batch["rows"][s] for s in course_batch["demo"]}
    return {"rows": rows, "output": course_batch["output"]}


def total(row):
    return sum(float(row[f"{A1}.{part}"]) for part in PARTS)


def lost_parts(row):
    return {part for part in PARTS if float(row[f"{A1}.{part}"]) < POINTS[part]}


def test_run_demo_releases_into_its_course_then_builds_and_grades_the_demo_batch(course_batch, tmp_path,
                                                                                  monkeypatch, capsys):
    """run_demo releases every assignment into course.assignments_dir (a temporary folder here),
    writes the batch build_demo_batch writes, and grades it; the grading itself is the shared
    batch's (the stand-ins below check they are given exactly the demo's submissions)."""
    course = Course(REPO_ROOT / "solutions", tmp_path / "assignments", REFERENCES_DIR, "small")
    released, graded_with = [], {}
    shared = course_batch["course"]

    def release(release_course, assignment_id):
        assert release_course == course
        released.append(assignment_id)
        (course.assignments_dir / assignment_id).parent.mkdir(parents=True, exist_ok=True)
        import shutil
        shutil.copytree(shared.assignments_dir / assignment_id, course.assignments_dir / assignment_id)

    def grade(grade_course, batch, output, assignment_ids, cell_timeout, jobs):
        graded_with.update(course=grade_course, assignment_ids=assignment_ids, jobs=jobs, cell_timeout=cell_timeout)
        students = sorted(p.name for p in batch.iterdir())
        assert students == sorted(course_batch["demo"])
        assert sorted(p.name for p in (batch / "perfect").iterdir()) == [A1, NEWEST_ASSIGNMENT]
        for student in students:
            for assignment_id in (p.name for p in (batch / student).iterdir()):
                comparison = filecmp.dircmp(batch / student / assignment_id, course_batch["batch"] / student / assignment_id)
                assert not comparison.diff_files and not comparison.left_only and not comparison.right_only, student
        return [assignments_report(course_batch["reports"][s], assignment_ids) for s in students]

    monkeypatch.setattr(demo, "release", release)
    monkeypatch.setattr(demo, "grade", grade)
    reports = run_demo(course, tmp_path / "demo_output")
    assert released == REPO.assignment_ids()
    assert graded_with == {"course": course, "assignment_ids": [A1, NEWEST_ASSIGNMENT], "jobs": 2,
                           "cell_timeout": 120}
    out = capsys.readouterr().out
    assert "Releasing assignment5 ..." in out and "Example submissions in" in out
    assert "Grading with nbgrader (data size: small)" in out
    assert "Per student (autograded points of the assignments they submitted;" in out
    assert f"{'perfect':38s} {FULL + NEWEST_FULL:5g} / {FULL + NEWEST_FULL:g}   lost: -" in out
    assert f"{'untouched':38s} {0:5g} / {FULL:g}" in out
    assert len(reports) == len(course_batch["demo"])


def test_demo_summary_names_the_parts_most_often_failed(course_batch, capsys):
    export = read_gradebook(course_batch["course"], f"sqlite:///{course_batch['output'] / 'gradebook.db'}", [A1],
                            list(course_batch["demo"]))
    print_summary(export)
    out = capsys.readouterr().out
    assert f"Graded {len(course_batch['demo'])} student(s) on 1 assignment(s)." in out
    assert f"{A1}: {len(course_batch['demo'])} submission(s)" in out
    assert "Parts most often failed:" in out and f"{A1}.svm_loss_naive: " in out


def test_perfect_submission_gets_full_marks(graded):
    assert total(graded["rows"]["perfect"]) == FULL
    assert lost_parts(graded["rows"]["perfect"]) == set()


def test_untouched_release_runs_and_scores_zero(graded):
    assert total(graded["rows"]["untouched"]) == 0
    assert "not implemented yet" in graded["rows"]["untouched"]["notes"]


def test_demo_has_one_bug_per_part():
    assert sorted(v.part for v in demo_bugs(A1)) == sorted(PARTS_WITH_CATALOG)


@pytest.mark.parametrize("variant", demo_bugs(A1), ids=lambda v: v.name)
def test_each_bug_loses_its_own_part_and_only_that(graded, variant):
    row = graded["rows"][f"bug_{variant.name}"]
    assert lost_parts(row) == {variant.part}
    assert float(row[f"{A1}.{variant.part}"]) == 0
    assert f"{variant.part}: " in row["notes"]


def test_parts_computed_from_a_buggy_loss_keep_their_points_with_a_message(graded):
    page = (graded["output"] / "feedback" / "bug_svm_no_averaging.html").read_text()
    assert "passed with the reference svm_loss_vectorized in place of yours" in page


def test_edited_and_deleted_test_cells_are_graded_from_the_source(graded):
    first_bug = next(v for v in variants_for(A1) if v.kind == "wrong")
    assert lost_parts(graded["rows"]["edited_test_cell"]) == {first_bug.part}
    assert total(graded["rows"]["deleted_test_cell"]) == FULL
    assert "was missing and was restored" in graded["rows"]["deleted_test_cell"]["notes"]


def test_renamed_and_damaged_files(graded):
    assert total(graded["rows"]["renamed_file"]) == FULL
    assert "was graded as" in graded["rows"]["renamed_file"]["notes"]
    assert total(graded["rows"]["damaged_file"]) == 0
    assert "not valid notebook JSON" in graded["rows"]["damaged_file"]["notes"]


def test_feedback_never_shows_hidden_tests(graded):
    for student in graded["rows"]:
        text = (graded["output"] / "feedback" / f"{student}.html").read_text()
        assert "check_part" not in text and "HIDDEN" not in text and "autograder" not in text, student


def test_grades_csv_has_a_row_per_student(graded, course_batch):
    with open(course_batch["output"] / "grades.csv") as handle:
        students = [row["student_id"] for row in csv.DictReader(handle)]
    assert sorted(students) == sorted(course_batch["reports"]) and len(students) == len(set(students))
