"""Verdicts on parts that check notebook state (judging/verdicts.py, cases/<assignment>.py
STATE_PARTS), and the dependency rerun's care for the evidence (grading/dependencies.py),
without a kernel."""
import hashlib

import nbformat
import numpy as np
import pytest

from autograder.cases import dependencies_for, parts_for, state_parts_for
from autograder.cases.records import ERROR_KEY, pack_state, unpack_state
from autograder.course import Course
from autograder.examples import perfect_notebook
from autograder.grading import dependencies
from autograder.grading.judgement import FirstRun
from autograder.judging.verdicts import Verdict, combined, state_verdict
from autograder.kernel.execute import GradingSession
from coursekit.cells import is_test_cell, part_name

COURSE = Course.from_repo()
A1 = "assignment1"
LOSSES = np.array([2.30, 2.31, 2.40, 3.20])


def recorded(values):
    """Values as the grader reads them from a record."""
    return unpack_state(pack_state(values))


def test_values_that_pass_their_check_and_match_the_students_functions_pass():
    values = recorded({"losses": LOSSES})
    assert state_verdict(A1, "sanity_reg_increases_loss", values, values) == Verdict(True, "passed")


def test_values_the_students_functions_do_not_give_fail_whatever_they_are():
    """A record is only as good as the student's own functions: right-looking numbers typed in fail."""
    verdict = state_verdict(A1, "sanity_reg_increases_loss", recorded({"losses": LOSSES}),
                            recorded({"losses": LOSSES + 1e-6}))
    assert not verdict.passed and "losses in the notebook differ from what your functions give" in verdict.message


def test_values_that_fail_the_check_fail_with_the_visible_tests_words():
    falling = recorded({"losses": LOSSES[::-1].copy()})
    verdict = state_verdict(A1, "sanity_reg_increases_loss", falling, falling)
    assert not verdict.passed and "the loss should increase with reg" in verdict.message
    verdict = state_verdict(A1, "sanity_reg_increases_loss", recorded({"losses": LOSSES[:3]}), None)
    assert not verdict.passed and "one loss per value in regs (4)" in verdict.message


def test_no_record_or_a_record_of_what_is_missing_fails_with_its_reason():
    assert not state_verdict(A1, "svm_search", None).passed
    verdict = state_verdict(A1, "svm_search", {ERROR_KEY: "best_svm is not defined: run the search cell above."})
    assert verdict == Verdict(False, "best_svm is not defined: run the search cell above.")


def test_a_recomputation_that_fails_fails_the_part():
    verdict = state_verdict(A1, "sanity_reg_increases_loss", recorded({"losses": LOSSES}),
                            {ERROR_KEY: "NotImplementedError: "})
    assert not verdict.passed and "raised NotImplementedError" in verdict.message


def test_the_rerun_checks_the_reference_values_but_still_needs_the_students_own():
    """With a buggy loss the recorded losses fall; with the reference they rise. The part comes back
    only if the recorded values are what the student's own functions gave."""
    buggy = recorded({"losses": LOSSES[::-1].copy()})
    fixed = recorded({"losses": LOSSES})
    assert state_verdict(A1, "sanity_reg_increases_loss", buggy, buggy, fixed).passed
    assert not state_verdict(A1, "sanity_reg_increases_loss", buggy, fixed, fixed).passed   # typed-in values
    assert not state_verdict(A1, "sanity_reg_increases_loss", buggy, buggy, buggy).passed


def test_a_visible_test_that_failed_in_the_kernel_can_only_take_points_away():
    assert combined((True, "passed"), Verdict(False, "off by 1e-2")) == (False, "off by 1e-2")
    assert combined((False, "AssertionError: no ValueError"), Verdict(True, "passed")) == \
        (False, "AssertionError: no ValueError")
    assert combined((True, "passed"), Verdict(True, "passed")) == (True, "passed")
    assert combined(None, Verdict(True, "passed"))[0] is False
    assert combined((True, "passed"), None) == (True, "passed")   # a plain nbgrader assignment: the cell decides


@pytest.mark.parametrize("assignment_id", COURSE.assignment_ids())
def test_every_part_of_the_course_is_judged_outside_the_kernel(assignment_id):
    """Each test cell calls check_part (a part with hidden cases) or record_state (a state part),
    so no part's points depend on the cell reporting success."""
    hidden, state = parts_for(assignment_id), state_parts_for(assignment_id)
    for path in COURSE.source_notebooks(assignment_id):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if not is_test_cell(cell):
                continue
            part, source = part_name(cell), cell.source.replace("'", '"')
            if part in hidden:
                assert f'check_part("{assignment_id}", "{part}",' in source, part
            else:
                assert part in state, f"{assignment_id}: {part} has neither hidden cases nor a state check"
                assert f'record_state("{assignment_id}", "{part}", globals())' in source, part
    assert set(dependencies_for(assignment_id)) <= set(state)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_notebook_rerun_runs_elsewhere_and_leaves_the_graded_notebook_byte_identical(tmp_path, monkeypatch):
    """Finding 6: student code in the rerun overwrites the notebook in its working copy and saves
    the reference code it was given; neither reaches the graded notebook or the student's folder."""
    graded_dir = tmp_path / "autograded" / "student" / A1
    graded_dir.mkdir(parents=True)
    graded = graded_dir / "linear_classifiers.ipynb"
    nb = perfect_notebook(COURSE, A1, "linear_classifiers")
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "svm_loss_vectorized_code").source = \
        "def svm_loss_vectorized(W, X, y, reg, penalty='l2', l1_ratio=0.5):\n    return 0.0, 0 * W  # the student's"
    nbformat.write(nb, str(graded))
    before, seen = digest(graded), {}

    def hostile_execute(rerun_nb, working_dir, session, budget):
        seen["folder"] = working_dir
        code = "\n".join(c.source for c in rerun_nb.cells if c.cell_type == "code")
        for name in ("linear_classifiers.ipynb", "stolen_reference.py"):
            (tmp_path / working_dir / name).write_text(code)
        return {"svm_search": pack_state({ERROR_KEY: "no search in this fake run"})}

    monkeypatch.setattr(dependencies, "execute", hostile_execute)
    context = dependencies.RerunContext(COURSE, A1, "linear_classifiers", graded, FirstRun(), None, tmp_path / "scratch",
                                        GradingSession(cell_timeout=60))
    assert dependencies.rerun_notebook(context, {"svm_search": ["svm_loss_vectorized"]}) == {"svm_search": False}
    assert digest(graded) == before and "# the student's" in graded.read_text()
    assert sorted(p.name for p in graded_dir.iterdir()) == ["linear_classifiers.ipynb"]
    assert not (tmp_path / seen["folder"]).exists()
    assert not (tmp_path / seen["folder"]).resolve().is_relative_to(graded_dir.resolve())
