"""Shared fixtures. Everything that executes notebooks is built once per run (session scope):
the toy course (released once, read-only), and the one graded batch of the real assignments
(tests/support/assignment1_batch.py) that the demo, audit, untouched, reliability, forge and
solution-notebook tests read.

Tiers are folders: unit/ (no kernel), grading/ (toy and guarded assignments through
nbgrader), course/ (real assignments on small data), full/ (full CIFAR-10, marker `full`,
which every test there gets and no test elsewhere may have). `bash course.sh test` runs them
all; `-m "not full"` the default tier.

The suite runs in two pytest-xdist workers (`-n 2`, pyproject.toml): most tests keep one core
busy (one kernel, or none), so a second worker uses the machine's second core. Tests go to the
workers in groups (`worker_group`), each group whole to one worker, so that a fixture that grades
notebooks is built once: a module is a group, the course tier's modules that read its graded
batch are one, and so are the modules that read the toy batch. The groups are handed out in
collection order, the kernel tiers first: the long ones start first."""
import csv
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.course import REFERENCES_DIR, REPO_ROOT, Course

TESTS = Path(__file__).resolve().parent
KERNEL_TIERS = ("grading", "course", "full")
TOY_BATCH_MODULES = ("tests/grading/test_grade_mechanics.py", "tests/grading/test_distributed.py")  # toy_graded
# The course tier's modules that do not read course_batch: each a group of its own, so that the
# other worker runs them while one grades the batch.
COURSE_MODULES_ALONE = ("tests/course/test_check_audit.py", "tests/course/test_release.py",
                        "tests/course/test_student_kit.py")


def worker_group(nodeid):
    """The group of tests (by node id) that one pytest-xdist worker runs whole."""
    module = nodeid.split("::")[0]
    if module.startswith("tests/course/") and module not in COURSE_MODULES_ALONE:
        return "tests/course"
    return "toy_graded" if module in TOY_BATCH_MODULES else module


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scheduling by scope, with worker_group as the scope."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return worker_group(nodeid)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = Path(str(item.fspath)).resolve().relative_to(TESTS).parts[0]
        if tier == "full":
            item.add_marker(pytest.mark.full)
        elif item.get_closest_marker("full"):
            raise pytest.UsageError(f"{item.nodeid} is marked `full` but is not in tests/full/")
        if tier in KERNEL_TIERS:
            item.add_marker(pytest.mark.notebook)


def cifar_ready():
    return (REPO_ROOT / "datasets" / "cifar-10-batches-py").is_dir() or bool(os.environ.get("CIFAR10_DIR"))


@pytest.fixture(scope="session")
def requires_cifar():
    if not cifar_ready():
        pytest.skip("CIFAR-10 is not set up: run `bash course.sh data` (the test command does this itself).")


# --- The suite writes no tracked file --------------------------------------------------------

def tracked_state():
    """{path: content digest} of the tracked files git reports as changed (None outside a checkout)."""
    try:
        run = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "-z"], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if run.returncode != 0:
        return None
    state = {}
    for entry in filter(None, run.stdout.split("\0")):
        path = REPO_ROOT / entry[3:]
        state[entry[3:]] = (entry[:2], hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None)
    return state


@pytest.fixture(scope="session", autouse=True)
def no_tracked_file_is_written():
    """Fails (at the end of the run) when a tracked file changed while the suite ran."""
    before = tracked_state()
    yield
    if before is None:
        return
    after = tracked_state()
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert not changed, f"the test suite changed tracked files: {changed}"


# --- Graders ---------------------------------------------------------------------------------

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


def folder_digest(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def toy_course(tmp_path_factory):
    """The toy assignment (tests/support/toy.py), and a copy named toy2, released once into a
    temporary course. Read-only: write batches and output elsewhere (checked at the end)."""
    from tests.support.toy import SECOND, ASSIGNMENT, release_toy_course
    course = release_toy_course(tmp_path_factory.mktemp("toy_course"), (ASSIGNMENT, SECOND))
    root = course.solutions_dir.parent
    before = folder_digest(root)
    yield course
    assert folder_digest(root) == before, "a test wrote into the shared toy course: copy it first"


@pytest.fixture(scope="session")
def wheels(tmp_path_factory):
    """The course's wheel and the student package's, built once (tests/support/wheels.py)."""
    from tests.support.wheels import build_wheels
    return build_wheels(tmp_path_factory.mktemp("wheels"))


# --- The real assignments --------------------------------------------------------------------

@pytest.fixture(scope="session")
def released_course(tmp_path_factory, requires_cifar):
    """This repository's course on the reduced data size, every assignment released afresh
    into a temporary assignments folder (never into the repository's assignments/)."""
    course = Course(REPO_ROOT / "solutions", tmp_path_factory.mktemp("released"), REFERENCES_DIR, "small")
    from autograder.release.release import release
    for assignment_id in course.assignment_ids():
        release(course, assignment_id)
    return course


@pytest.fixture(scope="session")
def committed_course(tmp_path_factory, requires_cifar):
    """This repository's course on the reduced data size, with a copy of the committed release
    (tests/course/test_release.py checks that it equals a fresh one): what an instructor grades
    with, at no release's cost."""
    assignments = tmp_path_factory.mktemp("committed") / "assignments"
    shutil.copytree(REPO_ROOT / "assignments", assignments)
    return Course(REPO_ROOT / "solutions", assignments, REFERENCES_DIR, "small")


@pytest.fixture(scope="session")
def course_batch(committed_course, tmp_path_factory):
    """The suite's one graded batch of real assignments (tests/support/assignment1_batch.py),
    graded in one `grade` call with two workers; returns reports, grades.csv rows and folders."""
    from autograder.grading.batch import grade
    from tests.support.assignment1_batch import CELL_TIMEOUT, write_course_batch
    root = tmp_path_factory.mktemp("course_batch")
    batch, output = root / "batch", root / "graded"
    students = write_course_batch(committed_course, batch, output)
    reports = grade(committed_course, batch, output, committed_course.assignment_ids(), cell_timeout=CELL_TIMEOUT,
                    quiet=True, jobs=2)
    with open(output / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"course": committed_course, "batch": batch, "output": output, "reports": {r.student_id: r for r in reports},
            "rows": rows, **students}
