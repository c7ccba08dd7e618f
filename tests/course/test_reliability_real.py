"""The reliability group on a real assignment: one hostile, damaged Assignment 1
submission (saved by JupyterLab 4, with a copied answer cell, a 50 GB allocation in
svm_loss_naive and a 10 MB print flood in softmax_loss_naive's cell, everything else
right), graded in the suite's batch on the reduced data size."""
import pytest

from tests.support.assignment1_batch import RELIABILITY_HOSTILE, assignment_report

pytestmark = pytest.mark.reliability


def test_real_assignment_hostile_submission_loses_only_the_hostile_part(course_batch):
    report = assignment_report(course_batch["reports"][RELIABILITY_HOSTILE])
    lost = {p.part: p.message for p in report.parts if not p.passed}
    assert list(lost) == ["svm_loss_naive"], lost
    assert "MemoryError: Unable to allocate 50.0 GiB" in lost["svm_loss_naive"]
    autograded = sum(p.score for p in report.parts)   # the written answers wait for a grader
    assert autograded == sum(p.max_score for p in report.parts) - next(p.max_score for p in report.parts
                                                                         if p.part == "svm_loss_naive")
    assert any("was truncated" in note for note in report.notes)
    assert any("2 copies of cell 'regularization_penalty_code'" in note for note in report.notes)
