"""run_autograder, run locally in Gradescope's directory layout (a temporary /autograder), grades
a notebook of the shared batch exactly as `grade` did: the same score per part, and the
hidden-test details of a part that fails only its hidden tests held back until the due date."""
import json
import os
import shutil
import subprocess
import sys
import zipfile

from autograder.course import REPO_ROOT
from autograder.gradescope.build import build
from autograder.gradescope.results import AFTER_DUE_DATE, HIDDEN_FAILED, VISIBLE
from tests.support.assignment1_batch import A1, CELL_TIMEOUT, assignment_report

STUDENT = "wrong-04"   # the audit's: a bug in svm_loss_naive and in predict (both fail their visible tests),
HIDDEN_ONLY = "softmax_loss_vectorized"   # and one here that only the hidden tests catch
NOTEBOOK = "linear_classifiers"


def test_run_autograder_gives_the_results_of_grade(course_batch, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(build(course_batch["course"], A1, tmp_path / "autograder.zip", "small", CELL_TIMEOUT)) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    shutil.copy(course_batch["batch"] / STUDENT / A1 / f"{NOTEBOOK}.ipynb", root / "submission")
    # setup.sh would put CIFAR-10 into source/datasets; here the suite's copy stands in for it.
    data = os.environ.get("CIFAR10_DIR") or str(REPO_ROOT / "datasets")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable, "CIFAR10_DIR": data}
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=root,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text())

    expected = assignment_report(course_batch["reports"][STUDENT])
    scored = [t for t in results["tests"] if t["visibility"] == VISIBLE]
    assert [(t["name"], t["score"], t["max_score"]) for t in scored] == \
        [(p.part, p.score, p.max_score) for p in expected.parts]
    assert results["score"] == expected.total < expected.max_total
    hidden = {t["name"]: t for t in results["tests"] if t["visibility"] == AFTER_DUE_DATE}
    assert next(t for t in scored if t["name"] == HIDDEN_ONLY)["output"] == HIDDEN_FAILED
    message = next(p.message for p in expected.parts if p.part == HIDDEN_ONLY)
    assert hidden[f"{HIDDEN_ONLY}: hidden tests"]["output"] == message
    assert "your code" in message      # the likely bug is named, after the due date
