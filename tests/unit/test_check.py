"""`check` without a kernel: the line per part, the follow-on label and where its dependency
map comes from (the released manifest.json). The run itself, streaming a line per part while
the notebook runs, is in tests/grading/test_check_progress.py."""
import io
import json
import shutil

import nbformat
import pytest

from autograder.cases import dependencies_for
from autograder.course import Course
from coursekit.check import Progress, dependencies, part_verdicts
from coursekit.manifest import FILE_NAME, released_notebooks

COURSE = Course.from_repo()
A1, NOTEBOOK = "assignment1", "linear_classifiers"


def graded_cell(part, error=None):
    cell = nbformat.v4.new_code_cell(f"check_{part}()")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 5,
                                 "grade_id": f"test_{part}"}
    if error:
        cell.outputs = [nbformat.v4.new_output("error", ename=error[0], evalue=error[1], traceback=[])]
    return cell


NOT_IMPLEMENTED = ("NotImplementedError", "")
DEPENDS_ON = {"sanity": ["loss", "penalty"], "search": ["loss"]}


def test_a_part_that_fails_after_a_part_it_uses_says_so():
    nb = nbformat.v4.new_notebook(cells=[graded_cell("penalty"), graded_cell("loss", ("AssertionError", "loss: off by 2")),
                                         graded_cell("sanity", ("AssertionError", "initial loss is 4.1")),
                                         graded_cell("search", NOT_IMPLEMENTED), graded_cell("other", NOT_IMPLEMENTED)])
    verdicts = {part: message for part, _, _, message in part_verdicts(nb, DEPENDS_ON)}
    assert "may follow from loss, which this part uses" in verdicts["sanity"]
    assert "penalty" not in verdicts["sanity"]          # it passed
    assert "fix that part first" in verdicts["search"]
    assert "follow" not in verdicts["other"] and "follow" not in verdicts["loss"]


def test_without_a_dependency_map_nothing_is_labelled():
    nb = nbformat.v4.new_notebook(cells=[graded_cell("loss", NOT_IMPLEMENTED), graded_cell("sanity", NOT_IMPLEMENTED)])
    assert all("follow" not in message for *_, message in part_verdicts(nb))


def test_progress_prints_each_part_when_its_test_cell_has_run():
    out = io.StringIO()
    progress = Progress(DEPENDS_ON, out)
    progress(cell=nbformat.v4.new_code_cell("x = 1"), cell_index=0, execute_reply={})
    assert out.getvalue() == ""                                       # not a test cell
    progress(cell=graded_cell("loss", NOT_IMPLEMENTED), cell_index=1, execute_reply={})
    assert out.getvalue().startswith("[FAIL] loss (5 points) [")
    progress(cell=graded_cell("search"), cell_index=2, execute_reply={})
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("[PASS] search (5 points) [") and lines[-1].endswith(" s]")
    assert [v[0] for v in progress.verdicts] == ["loss", "search"]


def test_the_released_manifest_gives_assignment_1s_dependencies():
    depends_on = dependencies(COURSE.assignments_dir / A1 / f"{NOTEBOOK}.ipynb")
    assert depends_on["svm_search"] == dependencies_for(A1)["svm_search"]
    assert depends_on["svm_loss_naive"] == []


def test_a_manifest_beside_the_notebook_comes_first(tmp_path):
    manifest = {"format": 1, "assignment": "mine", "notebooks": {NOTEBOOK: {"parts": [
        {"part": "svm_search", "points": 1, "depends_on": ["x"]}]}}}
    (tmp_path / FILE_NAME).write_text(json.dumps(manifest))
    assert dependencies(tmp_path / f"{NOTEBOOK}.ipynb") == {"svm_search": ["x"]}
    assert released_notebooks(tmp_path)[NOTEBOOK][0] == "mine"


def test_a_renamed_notebook_has_no_dependency_map(tmp_path):
    shutil.copy(COURSE.assignments_dir / A1 / f"{NOTEBOOK}.ipynb", tmp_path / "Copy of it.ipynb")
    assert dependencies(tmp_path / "Copy of it.ipynb") == {}


@pytest.mark.parametrize("assignment_id", COURSE.assignment_ids())
def test_every_released_manifest_lists_every_part_with_its_points(assignment_id):
    manifest = json.loads((COURSE.assignments_dir / assignment_id / FILE_NAME).read_text())
    for source in COURSE.source_notebooks(assignment_id):
        record = manifest["notebooks"][source.stem]
        nb = nbformat.read(str(source), as_version=4)
        expected = [(c.metadata["nbgrader"]["grade_id"][len("test_"):], c.metadata["nbgrader"]["points"])
                    for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
                    and not c.metadata["nbgrader"].get("solution")]
        assert [(p["part"], p["points"]) for p in record["parts"]] == expected
        assert set(record["locked"]) <= set(record["grade_ids"])
