"""One hostile submission of a real assignment (student forge_hostile of the suite's batch,
tests/support/assignment1_batch.py): it disables the hidden test of svm_loss_naive (whose
answer sums instead of averaging) and the visible tests' helpers, and tries to read the
references, the source notebook, the gradebook and the catalog."""
from tests.support.assignment1_batch import A1, FORGE_HOSTILE, assignment_report
from tests.support.attacks import attack_report, require_sandbox


def test_a_real_assignment_loses_exactly_the_part_whose_hidden_test_was_disabled(course_batch):
    report = assignment_report(course_batch["reports"][FORGE_HOSTILE])
    lost = {p.part: p.message for p in report.parts if not p.passed}
    assert list(lost) == ["svm_loss_naive"], lost
    assert "hidden test cases failed" in lost["svm_loss_naive"]   # judged outside the kernel all the same


def test_a_real_assignment_cannot_read_references_solutions_or_catalog(course_batch):
    require_sandbox()
    assert attack_report(course_batch["output"], FORGE_HOSTILE, A1) == []
