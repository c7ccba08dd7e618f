"""Verdicts the student's code cannot forge (issue 6, section 3), through the real grade path.

Hostile submissions of the small 'guarded' assignment (one of Assignment 1 is in
tests/course/test_forge_real.py)
try to win points they did not earn: by patching numpy, the assert helpers,
builtins or the hidden test itself; by returning objects whose __eq__ always
says True; by reading the references, solutions and hidden tests; by writing
to the gradebook and to other students' files. Each must get exactly the
points its honest parts earn.
"""
import hashlib
import json

import nbformat
import pytest

from autograder.course import CATALOG_DIR, REFERENCES_DIR
from autograder.examples import perfect_notebook, with_cell_source, write_submission
from autograder.grading.batch import grade
from tests.support.attacks import REPORT, attack, require_sandbox
from tests.support.guarded import ASSIGNMENT, NOTEBOOK, release_guarded_course

PATCH_HELPERS = """
import builtins
import numpy as np
import autograder.hidden

def add(a, b):
    return 3 if (a, b) == (1, 2) else 0          # right on the visible test only

np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
builtins.abs = lambda x: 0
builtins.AssertionError = type("Swallowed", (Exception,), {})
autograder.hidden.check_part = lambda *args, **kwargs: print("all hidden test cases pass.")
"""  # (patching builtins.isinstance breaks ipykernel itself: the whole notebook then fails)

ALWAYS_EQUAL_ADD = """
class AlwaysEqual:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

def add(a, b):
    return AlwaysEqual()
"""

ALWAYS_EQUAL_SCALE = """
import numpy as np

class Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

def scale(x, k):
    return np.zeros_like(x).view(Agreeable)
"""

FORGED_RECORD = """
import base64, io
import numpy as np
import autograder.hidden
from IPython.display import display

def add(a, b):
    return 3 if (a, b) == (1, 2) else 0

class Claim:
    def __reduce__(self):
        return (float, ("inf",))

honest_check = autograder.hidden.check_part

def forge(assignment, part, obj):
    if part != "add":
        return honest_check(assignment, part, obj)
    claims = {"0|sum": np.array([Claim()], dtype=object), "1|sum": np.array([Claim()], dtype=object)}
    np.savez(part + ".npz", **claims)                                       # a record file in the working copy
    buffer = io.BytesIO()
    np.savez(buffer, **claims)
    display({"application/vnd.autograder.record+json": {                   # and one on the kernel channel
        "assignment": assignment, "part": part, "npz": base64.b64encode(buffer.getvalue()).decode()}}, raw=True)

autograder.hidden.check_part = forge
"""

READ_FILES = """
import json, os

readable = []
for path in TARGETS:
    try:
        if os.path.isdir(path):
            if not os.listdir(path):
                continue                              # an emptied folder leaks nothing
        else:
            with open(path, "rb") as handle:
                handle.read(1)
        readable.append(path)
    except OSError:
        pass
with open(REPORT, "w") as handle:
    json.dump(readable, handle)

def add(a, b):
    if readable:
        return a + b                              # only a leak would make it right
    return 3 if (a, b) == (1, 2) else 0
"""

WRITE_FILES = """
import json, os

written = []
for path in TARGETS:
    try:
        with open(path, "ab") as handle:
            handle.write(b"HACKED")
        written.append(path)
    except OSError:
        pass
for path in DELETE:
    try:
        os.remove(path)
        written.append(path)
    except OSError:
        pass
with open(REPORT, "w") as handle:
    json.dump(written, handle)

def add(a, b):
    return a + b
"""


PLANT_SYMLINKS = """
import os
import autograder.hidden

def add(a, b):
    return 3 if (a, b) == (1, 2) else 0

def scale(x, k):
    return 2.0 * x if k == 2.0 else 0 * x

autograder.hidden.check_part = lambda *args: None
os.symlink(STOLEN_RECORDS[0], "records")                  # another student's graded folder
os.remove("guarded.ipynb")
os.symlink(PLANTED[0], "guarded.ipynb")                   # where the grader will write the graded notebook
os.mkfifo("stuck.fifo")
"""


def digests(files):
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


@pytest.fixture(scope="module")
def guarded_course(tmp_path_factory):
    return release_guarded_course(tmp_path_factory.mktemp("guarded_course"))


@pytest.fixture(scope="module")
def hostile(guarded_course, tmp_path_factory):
    """Grade the perfect submission and the hostile ones in one batch (students in name order)."""
    course = guarded_course
    root = tmp_path_factory.mktemp("guarded_hostile")
    batch, output = root / "batch", root / "graded"
    course_root = output / "course"
    perfect = perfect_notebook(course, ASSIGNMENT, NOTEBOOK)
    source = course.solutions_dir / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    instructor_files = [course.references_file(ASSIGNMENT), source, course.solutions_dir,
                        course_root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", output / "gradebook.db",
                        course.references_dir, REFERENCES_DIR, CATALOG_DIR, CATALOG_DIR / "assignment1.toml"]
    others = [course_root / "submitted" / "a_perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
              course_root / "autograded" / "a_perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
              batch / "a_perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"]
    students = {
        "a_perfect": perfect,
        "patches_helpers": with_cell_source(perfect, "add_code", PATCH_HELPERS),
        "always_equal": with_cell_source(with_cell_source(perfect, "add_code", ALWAYS_EQUAL_ADD),
                                         "scale_code", ALWAYS_EQUAL_SCALE),
        "forges_record": with_cell_source(perfect, "add_code", FORGED_RECORD),
        "reads_files": with_cell_source(perfect, "add_code", attack(READ_FILES, TARGETS=instructor_files + others)),
        "plants_symlinks": with_cell_source(perfect, "add_code", attack(
            PLANT_SYMLINKS, PLANTED=[output / "planted.txt"],
            STOLEN_RECORDS=[course_root / "autograded" / "a_perfect" / ASSIGNMENT])),
        "writes_files": with_cell_source(perfect, "add_code", attack(
            WRITE_FILES, TARGETS=instructor_files[:2] + [output / "gradebook.db"] + others,
            DELETE=[output / "gradebook.db", others[1]])),
    }
    for student, nb in students.items():
        write_submission(batch, student, ASSIGNMENT, NOTEBOOK, nb)
    protected = [course.references_file(ASSIGNMENT), source, others[2]]
    before = digests(protected)
    reports = {r.student_id: r for r in grade(course, batch, output, [ASSIGNMENT], cell_timeout=60, quiet=True)}
    return {"reports": reports, "output": output, "course": course_root, "before": before, "others": others,
            "protected": protected, "students": students}


def scores(hostile, student):
    return {p.part: p.score for p in hostile["reports"][student].parts}


def messages(hostile, student):
    return {p.part: p.message for p in hostile["reports"][student].parts}


def attack_report(hostile, student):
    path = hostile["course"] / "autograded" / student / ASSIGNMENT / REPORT
    return json.loads(path.read_text())


def test_the_honest_submission_keeps_full_marks(hostile):
    assert scores(hostile, "a_perfect") == {"add": 2, "scale": 3}
    assert messages(hostile, "a_perfect") == {"add": "passed", "scale": "passed"}


def test_patching_numpy_builtins_and_the_hidden_test_wins_nothing(hostile):
    """The hidden cases run outside the kernel on the student's definitions, so a replaced
    check_part and patched helpers change nothing: the wrong add loses its points, the
    honest scale keeps its own."""
    assert scores(hostile, "patches_helpers") == {"add": 0, "scale": 3}
    assert "2 of 2 hidden test cases failed" in messages(hostile, "patches_helpers")["add"]


def test_objects_that_equal_everything_win_nothing(hostile):
    """nbgrader issue #1379: the visible tests pass (they use ==), the hidden verdict does not."""
    assert scores(hostile, "always_equal") == {"add": 0, "scale": 0}
    message = messages(hostile, "always_equal")
    assert "your code raised TypeError" in message["add"]
    assert "scaled is off by a relative error" in message["scale"]


def test_a_forged_record_with_pickled_objects_wins_nothing(hostile):
    """No record is read from the working copy: the forged file is never looked at."""
    assert scores(hostile, "forges_record") == {"add": 0, "scale": 3}
    assert "2 of 2 hidden test cases failed" in messages(hostile, "forges_record")["add"]


def test_instructor_files_and_other_students_files_cannot_be_read(hostile):
    require_sandbox()
    assert attack_report(hostile, "reads_files") == []
    assert scores(hostile, "reads_files") == {"add": 0, "scale": 3}


def test_the_gradebook_and_other_students_files_cannot_be_written(hostile):
    require_sandbox()
    assert attack_report(hostile, "writes_files") == []
    assert scores(hostile, "writes_files") == {"add": 2, "scale": 3}
    after = digests(hostile["protected"])
    assert after == hostile["before"]
    for path in hostile["others"][:2]:
        assert b"HACKED" not in path.read_bytes()
        nbformat.read(str(path), as_version=4)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{hostile['output'] / 'gradebook.db'}") as gradebook:
        totals = {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}
    assert totals == {"a_perfect": 5, "patches_helpers": 3, "always_equal": 0, "forges_record": 3,
                      "reads_files": 3, "writes_files": 5, "plants_symlinks": 3}


def test_symlinks_planted_in_the_working_copy_redirect_nothing(hostile):
    """Not another student's records, nor the grader's writing of the graded notebook."""
    assert scores(hostile, "plants_symlinks") == {"add": 0, "scale": 3}   # its scale cell is honest
    assert not (hostile["output"] / "planted.txt").exists()
    working_copy = hostile["course"] / "autograded" / "plants_symlinks" / ASSIGNMENT
    assert not any(p.is_symlink() for p in working_copy.iterdir())
    nbformat.read(str(working_copy / f"{NOTEBOOK}.ipynb"), as_version=4)


def test_the_gradebook_agrees_with_the_out_of_kernel_verdicts(hostile):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{hostile['output'] / 'gradebook.db'}") as gradebook:
        for student, report in hostile["reports"].items():
            assert gradebook.find_submission(ASSIGNMENT, student).score == report.total, student


def test_without_a_sandbox_grading_warns_and_verdicts_still_hold(guarded_course, tmp_path, monkeypatch, capsys):
    from autograder.kernel import sandbox
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "simulated: no bwrap")
    perfect = perfect_notebook(guarded_course, ASSIGNMENT, NOTEBOOK)
    batch = tmp_path / "batch_unsandboxed"
    write_submission(batch, "a_perfect", ASSIGNMENT, NOTEBOOK, perfect)
    write_submission(batch, "always_equal", ASSIGNMENT, NOTEBOOK,
                     with_cell_source(perfect, "add_code", ALWAYS_EQUAL_ADD))
    reports = {r.student_id: r for r in grade(guarded_course, batch, tmp_path / "graded_unsandboxed", [ASSIGNMENT],
                                              cell_timeout=60, quiet=True)}
    assert "the grading sandbox is OFF (simulated: no bwrap)" in capsys.readouterr().err
    assert {p.part: p.score for p in reports["a_perfect"].parts} == {"add": 2, "scale": 3}
    assert {p.part: p.score for p in reports["always_equal"].parts} == {"add": 0, "scale": 3}
