"""Verdicts the student's code cannot forge (issue 6, section 3), through the real grade path.

Hostile submissions of the small 'guarded' assignment (and one of Assignment 1)
try to win points they did not earn: by patching numpy, the assert helpers,
builtins or the hidden test itself; by returning objects whose __eq__ always
says True; by reading the references, solutions and hidden tests; by writing
to the gradebook and to other students' files. Each must get exactly the
points its honest parts earn.
"""
import hashlib
import json
import os
import textwrap

import nbformat
import numpy as np
import pytest

from autograder import paths
from autograder.examples import perfect_notebook, with_cell_source, write_submission
from autograder.grading.grader import grade
from autograder.cases.records import MAX_RECORD_BYTES, MalformedRecord, read_record, write_record
from autograder.judging.references import write_references
from autograder.release.release import release
from autograder.cases import parts_for
from autograder.kernel.sandbox import bwrap_problem
from coursekit.cell_verdicts import is_test_cell, part_name
from guarded_assignment import ASSIGNMENT, NOTEBOOK, write_guarded_solutions
from toy_assignment import course_paths

pytestmark = pytest.mark.notebook
REPORT = "attack_report.json"


def require_sandbox():
    """Tests of what the sandbox blocks: skipped without bwrap, except in CI, where they fail."""
    problem = bwrap_problem()
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"the grading sandbox is required in CI: {problem}")
    if problem:
        pytest.skip(f"the grading sandbox is off here ({problem}); install bubblewrap to run this test")


def attack(code, **targets):
    """Source of a solution cell running `code` with the target paths bound as names."""
    bindings = "".join(f"{name} = {json.dumps([str(p) for p in paths_])}\n" for name, paths_ in targets.items())
    return f"REPORT = {REPORT!r}\n" + bindings + textwrap.dedent(code)


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
import os
import numpy as np
import autograder.hidden

def add(a, b):
    return 3 if (a, b) == (1, 2) else 0

class Claim:
    def __reduce__(self):
        return (float, ("inf",))

honest_check = autograder.hidden.check_part

def forge(assignment, part, obj):
    if part != "add":
        return honest_check(assignment, part, obj)
    folder = os.environ.get("AUTOGRADER_RECORD_DIR", ".")
    np.savez(os.path.join(folder, part + ".npz"), **{"0|sum": np.array([Claim()], dtype=object),
                                                     "1|sum": np.array([Claim()], dtype=object)})

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
os.rmdir(".autograder-records")
os.symlink(STOLEN_RECORDS[0], ".autograder-records")     # another student's records
os.remove("guarded.ipynb")
os.symlink(PLANTED[0], "guarded.ipynb")                   # where the grader will write the graded notebook
os.mkfifo("stuck.fifo")
"""


def digests(files):
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


@pytest.fixture(scope="module")
def guarded_course(tmp_path_factory):
    with course_paths(tmp_path_factory.mktemp("guarded_course")) as root:
        write_guarded_solutions(root / "solutions")
        release(ASSIGNMENT)
        write_references(ASSIGNMENT)
        yield root


@pytest.fixture(scope="module")
def hostile(guarded_course):
    """Grade the perfect submission and the hostile ones in one batch (students in name order)."""
    root = guarded_course
    batch, output = root / "batch", root / "graded"
    course = output / "course"
    perfect = perfect_notebook(ASSIGNMENT, NOTEBOOK)
    instructor_files = [paths.references_file(ASSIGNMENT), paths.SOLUTIONS_DIR / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                        paths.SOLUTIONS_DIR, course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                        output / "gradebook.db", paths.REFERENCES_DIR, paths.PACKAGE_DIR / "references",
                        paths.PACKAGE_DIR / "variants" / "assignment1.py"]
    others = [course / "submitted" / "a_perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
              course / "autograded" / "a_perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
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
            STOLEN_RECORDS=[course / "autograded" / "a_perfect" / ASSIGNMENT / ".autograder-records"])),
        "writes_files": with_cell_source(perfect, "add_code", attack(
            WRITE_FILES, TARGETS=instructor_files[:2] + [output / "gradebook.db"] + others,
            DELETE=[output / "gradebook.db", others[1]])),
    }
    for student, nb in students.items():
        write_submission(batch, student, ASSIGNMENT, NOTEBOOK, nb)
    before = digests([paths.references_file(ASSIGNMENT), instructor_files[1], others[2]])
    reports = {r.student_id: r for r in grade(batch, output, [ASSIGNMENT], cell_timeout=60, quiet=True)}
    return {"reports": reports, "output": output, "course": course, "before": before, "others": others,
            "students": students}


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
    """The replaced check_part records nothing, so no part it guards can pass."""
    assert scores(hostile, "patches_helpers") == {"add": 0, "scale": 0}
    assert "no record was written" in messages(hostile, "patches_helpers")["add"]
    assert "no record was written" in messages(hostile, "patches_helpers")["scale"]


def test_objects_that_equal_everything_win_nothing(hostile):
    """nbgrader issue #1379: the visible tests pass (they use ==), the hidden verdict does not."""
    assert scores(hostile, "always_equal") == {"add": 0, "scale": 0}
    message = messages(hostile, "always_equal")
    assert "your code raised TypeError" in message["add"]
    assert "scaled is off by a relative error" in message["scale"]


def test_a_forged_record_with_pickled_objects_is_rejected(hostile):
    assert scores(hostile, "forges_record") == {"add": 0, "scale": 3}
    assert "not a plain numeric array" in messages(hostile, "forges_record")["add"] \
        or "could not be read" in messages(hostile, "forges_record")["add"]


def test_instructor_files_and_other_students_files_cannot_be_read(hostile):
    require_sandbox()
    assert attack_report(hostile, "reads_files") == []
    assert scores(hostile, "reads_files") == {"add": 0, "scale": 3}


def test_the_gradebook_and_other_students_files_cannot_be_written(hostile):
    require_sandbox()
    assert attack_report(hostile, "writes_files") == []
    assert scores(hostile, "writes_files") == {"add": 2, "scale": 3}
    after = digests([paths.references_file(ASSIGNMENT), paths.SOLUTIONS_DIR / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                     hostile["others"][2]])
    assert after == hostile["before"]
    for path in hostile["others"][:2]:
        assert b"HACKED" not in path.read_bytes()
        nbformat.read(str(path), as_version=4)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{hostile['output'] / 'gradebook.db'}") as gradebook:
        totals = {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}
    assert totals == {"a_perfect": 5, "patches_helpers": 0, "always_equal": 0, "forges_record": 3,
                      "reads_files": 3, "writes_files": 5, "plants_symlinks": 0}


def test_symlinks_planted_in_the_working_copy_redirect_nothing(hostile):
    """Not another student's records, nor the grader's writing of the graded notebook."""
    assert scores(hostile, "plants_symlinks") == {"add": 0, "scale": 0}
    assert not (hostile["output"] / "planted.txt").exists()
    working_copy = hostile["course"] / "autograded" / "plants_symlinks" / ASSIGNMENT
    assert not any(p.is_symlink() for p in working_copy.iterdir())
    nbformat.read(str(working_copy / f"{NOTEBOOK}.ipynb"), as_version=4)


def test_the_gradebook_agrees_with_the_out_of_kernel_verdicts(hostile):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{hostile['output'] / 'gradebook.db'}") as gradebook:
        for student, report in hostile["reports"].items():
            assert gradebook.find_submission(ASSIGNMENT, student).score == report.total, student


# Strict reading of records, without a kernel.

def test_a_record_round_trips_plain_numbers_and_errors(tmp_path):
    outcomes = [("outputs", {"loss": np.float32(1.5), "dW": np.arange(6).reshape(2, 3)}),
                ("error", "ValueError: shapes do not match")]
    write_record(tmp_path, "part", outcomes)
    read = read_record(tmp_path, "part", 2)
    assert read[1] == outcomes[1]
    assert read[0][1]["loss"].dtype == np.float64 and read[0][1]["loss"] == 1.5
    np.testing.assert_array_equal(read[0][1]["dW"], np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("entries, reason", [
    ({"0|loss": np.array([object()], dtype=object)}, "could not be read"),
    ({"0|loss": np.array(["1.0"])}, "not a plain numeric array"),
    ({"7|loss": np.array(1.0)}, "unexpected entry"),
    ({"0|!error": np.array(3.0)}, "not text"),
])
def test_records_holding_anything_but_plain_numbers_are_rejected(tmp_path, entries, reason):
    np.savez(tmp_path / "part.npz", **entries)
    with pytest.raises(MalformedRecord, match=reason):
        read_record(tmp_path, "part", 2)


def test_missing_symlinked_and_oversized_records_are_rejected(tmp_path):
    with pytest.raises(MalformedRecord, match="no record was written"):
        read_record(tmp_path, "part", 1)
    (tmp_path / "part.npz").symlink_to(paths.REPO_ROOT / "README.md")
    with pytest.raises(MalformedRecord, match="could not be opened"):
        read_record(tmp_path, "part", 1)
    (tmp_path / "part.npz").unlink()
    write_record(tmp_path, "part", [("outputs", {"x": 1.0})])
    (tmp_path.parent / "link").symlink_to(tmp_path)
    with pytest.raises(MalformedRecord, match="folder could not be opened"):
        read_record(tmp_path.parent / "link", "part", 1)
    (tmp_path / "part.npz").unlink()
    np.savez_compressed(tmp_path / "part.npz", **{"0|x": np.zeros(MAX_RECORD_BYTES // 8 + 1)})
    with pytest.raises(MalformedRecord, match="too large"):
        read_record(tmp_path, "part", 1)


# One hostile submission of a real assignment.

A1_ATTACK = """
import json, os
import autograder.hidden

honest_check = autograder.hidden.check_part
autograder.hidden.check_part = lambda a, part, obj: None if part == "svm_loss_naive" else honest_check(a, part, obj)
assert_close = assert_below = assert_shape = lambda *args, **kwargs: None   # the visible tests' helpers

readable = []
for path in TARGETS:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        readable.append(path)
    except OSError:
        pass
with open(REPORT, "w") as handle:
    json.dump(readable, handle)
"""


REPOSITORY_PATHS = {name: getattr(paths, name) for name in ("SOLUTIONS_DIR", "ASSIGNMENTS_DIR", "REFERENCES_DIR")}


@pytest.fixture(scope="module")
def hostile_assignment1(tmp_path_factory, requires_cifar):
    with pytest.MonkeyPatch.context() as patch:  # the repository's course, even while the small one is set up
        for name, value in REPOSITORY_PATHS.items():
            patch.setattr(paths, name, value)
        return grade_hostile_assignment1(tmp_path_factory.mktemp("hostile_a1"))


def grade_hostile_assignment1(root):
    from autograder.catalog.assignment1 import svm_naive
    notebook = paths.source_notebooks("assignment1")[0].stem
    targets = [paths.references_file("assignment1"), paths.source_notebooks("assignment1")[0],
               root / "graded" / "gradebook.db", paths.PACKAGE_DIR / "variants" / "assignment1.py"]
    source = attack(A1_ATTACK, TARGETS=targets) + "\nimport numpy as np\n" + svm_naive(n="1")  # sums, no average
    submission = with_cell_source(perfect_notebook("assignment1", notebook), "svm_loss_naive_code", source)
    write_submission(root / "batch", "hostile", "assignment1", notebook, submission)
    report, = grade(root / "batch", root / "graded", ["assignment1"], cell_timeout=300, data_size="small", quiet=True)
    graded_dir = root / "graded" / "course" / "autograded" / "hostile" / "assignment1"
    return report, json.loads((graded_dir / REPORT).read_text())


def test_a_real_assignment_loses_exactly_the_part_whose_hidden_test_was_disabled(hostile_assignment1):
    report, _ = hostile_assignment1
    lost = {p.part: p.message for p in report.parts if not p.passed}
    assert list(lost) == ["svm_loss_naive"], lost
    assert "no record was written" in lost["svm_loss_naive"]


def test_a_real_assignment_cannot_read_references_solutions_or_catalog(hostile_assignment1):
    require_sandbox()
    _, readable = hostile_assignment1
    assert readable == []


def test_without_a_sandbox_grading_warns_and_verdicts_still_hold(guarded_course, monkeypatch, capsys):
    from autograder import sandbox
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "simulated: no bwrap")
    perfect = perfect_notebook(ASSIGNMENT, NOTEBOOK)
    batch = guarded_course / "batch_unsandboxed"
    write_submission(batch, "a_perfect", ASSIGNMENT, NOTEBOOK, perfect)
    write_submission(batch, "always_equal", ASSIGNMENT, NOTEBOOK,
                     with_cell_source(perfect, "add_code", ALWAYS_EQUAL_ADD))
    reports = {r.student_id: r for r in grade(batch, guarded_course / "graded_unsandboxed", [ASSIGNMENT],
                                              cell_timeout=60, quiet=True)}
    assert "the grading sandbox is OFF (simulated: no bwrap)" in capsys.readouterr().err
    assert {p.part: p.score for p in reports["a_perfect"].parts} == {"add": 2, "scale": 3}
    assert {p.part: p.score for p in reports["always_equal"].parts} == {"add": 0, "scale": 3}


SOURCES = {a: paths.source_notebooks(a) for a in paths.assignment_ids() if parts_for(a)}  # before any patching


@pytest.mark.parametrize("assignment_id", SOURCES)
def test_every_part_with_hidden_cases_records_them_in_its_test_cell(assignment_id):
    """A part in autograder/cases/ is graded only from its record, so its test cell must call check_part."""
    cells = {part_name(c): c.source for nb in SOURCES[assignment_id]
             for c in nbformat.read(str(nb), as_version=4).cells if is_test_cell(c)}
    for part in parts_for(assignment_id):
        assert part in cells, f"{assignment_id}: no test cell test_{part}"
        assert f'check_part("{assignment_id}", "{part}",' in cells[part].replace("'", '"'), \
            f"{assignment_id}: the test cell of {part} does not call check_part"
