"""Shared fixtures. Notebook-executing fixtures are session-scoped: each grade
run executes real notebooks in real kernels, so the suite runs each batch once."""
import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))

from autograder import paths  # noqa: E402


def cifar_ready():
    return (paths.REPO_ROOT / "datasets" / "cifar-10-batches-py").is_dir() or bool(os.environ.get("CIFAR10_DIR"))


@pytest.fixture(scope="session")
def requires_cifar():
    if not cifar_ready():
        pytest.skip("CIFAR-10 is not set up: run `bash course.sh data` (the test command does this itself).")


@pytest.fixture
def counting_grader(monkeypatch):
    """The students whose submission Grader.grade_submission grades, in order."""
    from autograder.grading.grader import Grader
    graded = []
    original = Grader.grade_submission

    def counted(self, submission):
        graded.append(submission.student_id)
        return original(self, submission)

    monkeypatch.setattr(Grader, "grade_submission", counted)
    return graded


@pytest.fixture(scope="module")
def toy_course(tmp_path_factory):
    """The toy assignment (toy_assignment.py) released into a temporary course,
    with the repository's paths pointing at it for the duration of the module."""
    from toy_assignment import toy_course as released_toy_course
    with released_toy_course(tmp_path_factory.mktemp("toy_course")) as root:
        yield root
