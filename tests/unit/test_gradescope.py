"""The Gradescope autograder without grading: results.json from a report, which uploaded
notebooks are graded, and what the zip holds. run_autograder against `grade` on a real
notebook: tests/course/test_gradescope.py."""
import json
import stat
import zipfile

import pytest

from autograder.course import Course
from autograder.gradescope import run
from autograder.gradescope.build import build
from autograder.gradescope.results import AFTER_DUE_DATE, HIDDEN_FAILED, PASSED, VISIBLE, results_json
from autograder.reports.model import PartGrade, StudentGrades, SubmissionGrades

COURSE = Course.from_repo()
A1 = "assignment1"


def student(parts, notes=()):
    """One student's grades of Assignment 1, as grade() returns them."""
    return StudentGrades("submission", [SubmissionGrades("submission", A1, parts=parts, notes=list(notes))])


def report():
    return student([
        PartGrade(A1, "svm_loss_naive", 12.0, 12.0, "passed"),
        PartGrade(A1, "softmax_loss_naive", 0.0, 12.0, "not implemented yet: ..."),
        PartGrade(A1, "softmax_loss_vectorized", 0.0, 12.0,
                  "softmax_loss_vectorized: 2 of 6 hidden test cases failed.\n  case 'large scores': ..."),
    ], ["linear.ipynb was graded as linear_classifiers.ipynb (please keep the original file name next time)."])


CELLS = {"svm_loss_naive": (True, "passed"), "softmax_loss_naive": (False, "not implemented yet: ..."),
         "softmax_loss_vectorized": (True, "passed")}


def test_a_test_per_part_with_its_score_and_the_hidden_details_after_the_due_date():
    results = results_json(report(), CELLS)
    assert results["score"] == 12.0 and "graded as linear_classifiers.ipynb" in results["output"]
    by_name = {t["name"]: t for t in results["tests"]}
    assert [t["name"] for t in results["tests"]] == ["svm_loss_naive", "softmax_loss_naive", "softmax_loss_vectorized",
                                                     "softmax_loss_vectorized: hidden tests"]
    assert by_name["svm_loss_naive"] == {"name": "svm_loss_naive", "score": 12.0, "max_score": 12.0,
                                         "output": PASSED, "visibility": VISIBLE}
    assert by_name["softmax_loss_naive"]["output"] == "not implemented yet: ..."
    assert by_name["softmax_loss_vectorized"]["output"] == HIDDEN_FAILED
    details = by_name["softmax_loss_vectorized: hidden tests"]
    assert details["visibility"] == AFTER_DUE_DATE and "hidden test cases failed" in details["output"]
    assert "score" not in details     # no points: the total stays the parts' sum
    visible_text = json.dumps([t for t in results["tests"] if t["visibility"] == VISIBLE])
    assert "hidden test cases failed" not in visible_text and "large scores" not in visible_text


def test_a_part_missing_from_the_graded_notebook_shows_the_graders_message():
    results = results_json(student([PartGrade(A1, "svm_loss_naive", 0.0, 12.0, "not submitted.")]), {})
    assert results["tests"] == [{"name": "svm_loss_naive", "score": 0.0, "max_score": 12.0,
                                 "output": "not submitted.", "visibility": VISIBLE}]


def test_the_expected_notebooks_are_found_anywhere_in_the_upload(tmp_path):
    (tmp_path / "alice" / A1 / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "alice" / A1 / "linear_classifiers.ipynb").write_text("{}")
    (tmp_path / "alice" / A1 / ".ipynb_checkpoints" / "linear_classifiers.ipynb").write_text("{}")
    (tmp_path / "scratch.ipynb").write_text("{}")
    assert run.uploaded_notebooks(tmp_path, ["linear_classifiers"]) == {
        "linear_classifiers.ipynb": tmp_path / "alice" / A1 / "linear_classifiers.ipynb"}


def test_a_single_notebook_under_another_name_is_taken(tmp_path):
    (tmp_path / "Copy of it.ipynb").write_text("{}")
    assert list(run.uploaded_notebooks(tmp_path, ["linear_classifiers"])) == ["Copy of it.ipynb"]
    (tmp_path / "other.ipynb").write_text("{}")
    assert run.uploaded_notebooks(tmp_path, ["linear_classifiers"]) == {}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    return build(COURSE, A1, tmp_path_factory.mktemp("gradescope") / "a1.zip")


def test_the_zip_holds_the_scripts_and_one_assignments_material(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        settings = json.loads(archive.read(run.SETTINGS))
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml", "setup_data.sh",
            f"solutions/{A1}/linear_classifiers.ipynb", f"assignments/{A1}/linear_classifiers.ipynb",
            f"references/{A1}.json", "autograder/gradescope/run.py", "coursekit/check.py"} <= names
    assert not [n for n in names if "assignment2" in n.split("/")[0:2] or n.startswith("autograder/judging/references/")]
    assert not [n for n in names if "__pycache__" in n]
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert settings == {"assignment": A1, "data_size": "small", "cell_timeout": 600}


def test_the_same_sources_give_the_same_zip(autograder_zip, tmp_path):
    assert build(COURSE, A1, tmp_path / "again.zip").read_bytes() == autograder_zip.read_bytes()


def test_a_run_that_cannot_grade_still_writes_results(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / run.SETTINGS).write_text(json.dumps({"assignment": "nothing", "data_size": "small",
                                                                 "cell_timeout": 5}))
    results = run.run(tmp_path)
    assert results["score"] == 0.0 and "could not grade" in results["output"]
    assert json.loads((tmp_path / "results" / "results.json").read_text()) == results
