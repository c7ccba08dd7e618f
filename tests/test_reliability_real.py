"""The reliability group on a real assignment: one hostile, damaged
Assignment 1 submission graded through nbgrader on the reduced data size."""
import pytest

from autograder import fault_examples as fx
from autograder.examples import perfect_notebook
from autograder.grading.grader import grade

pytestmark = [pytest.mark.reliability, pytest.mark.notebook]


@pytest.fixture(scope="module")
def real_assignment(tmp_path_factory, requires_cifar):
    """Assignment 1 on small data: one submission saved by JupyterLab 4, with a
    copied answer cell, a 50 GB allocation in svm_loss_naive and a 10 MB print
    flood in softmax_loss_naive's cell, and everything else right."""
    root = tmp_path_factory.mktemp("real")
    hostile = fx.with_statement_in_function(perfect_notebook("assignment1", "linear_classifiers"),
                                            "svm_loss_naive_code", fx.MEMORY_HOG)
    hostile = fx.with_prelude(hostile, "softmax_loss_naive_code", fx.OUTPUT_FLOOD)
    hostile = fx.with_duplicated_cell(hostile, "regularization_penalty_code")
    path = root / "batch" / "hostile" / "assignment1" / "linear_classifiers.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(fx.as_jupyterlab4(hostile))
    [report] = grade(root / "batch", root / "out", ["assignment1"], cell_timeout=120, data_size="small", quiet=True)
    return report


def test_real_assignment_hostile_submission_loses_only_the_hostile_part(real_assignment):
    lost = {p.part: p.message for p in real_assignment.parts if not p.passed}
    assert list(lost) == ["svm_loss_naive"], lost
    assert "MemoryError: Unable to allocate 50.0 GiB" in lost["svm_loss_naive"]
    assert real_assignment.total == real_assignment.max_total - next(
        p.max_score for p in real_assignment.parts if p.part == "svm_loss_naive")
    assert any("was truncated" in note for note in real_assignment.notes)
    assert any("2 copies of cell 'regularization_penalty_code'" in note for note in real_assignment.notes)
