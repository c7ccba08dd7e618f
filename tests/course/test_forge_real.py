"""Hostile submissions of a real assignment, graded in the suite's batch (tests/support/assignment1_batch.py).

forge_hostile disables the hidden test of svm_loss_naive (whose answer sums instead of averaging)
and the visible tests' helpers, and tries to read the references, the source notebook, the
gradebook and the catalog. The `hostile` ones attack the verdicts themselves (issue 13, findings
5 and 6): none wins a point it did not earn, and the honest students of the same batch keep theirs."""
import nbformat
import pytest

from autograder.catalog import variants_for
from autograder.examples import solution_cells
from coursekit.cells import cell_verdict, is_test_cell
from tests.support.assignment1_batch import A1, FORGE_HOSTILE, OTHERS_PERFECT, RERUN_BUG, assignment_report
from tests.support.attacks import attack_report, require_sandbox

NOTEBOOK = "linear_classifiers"


def test_a_real_assignment_loses_exactly_the_part_whose_hidden_test_was_disabled(course_batch):
    report = assignment_report(course_batch["reports"][FORGE_HOSTILE])
    lost = {p.part: p.message for p in report.parts if not p.passed}
    assert list(lost) == ["svm_loss_naive"], lost
    assert "hidden test cases failed" in lost["svm_loss_naive"]   # judged outside the kernel all the same


def test_a_real_assignment_cannot_read_references_solutions_or_catalog(course_batch):
    require_sandbox()
    assert attack_report(course_batch["output"], FORGE_HOSTILE, A1) == []


# --- Issue 13, findings 5 and 6: verdicts the student's kernel cannot forge -------------------

def scores(course_batch, student):
    return {p.part: p.score for p in assignment_report(course_batch["reports"][student]).parts}


def graded_notebook(course_batch, student):
    return nbformat.read(str(course_batch["output"] / "course" / "autograded" / student / A1 / f"{NOTEBOOK}.ipynb"),
                         as_version=4)


@pytest.mark.hostile
def test_honest_students_in_the_same_batch_keep_full_marks(course_batch):
    assert assignment_report(course_batch["reports"]["perfect"]).total == 100
    assert all(p.passed for p in course_batch["reports"][OTHERS_PERFECT].parts if p.assignment_id != A1)


@pytest.mark.hostile
def test_test_cells_made_to_pass_in_the_kernel_earn_nothing(course_batch):
    """Nothing implemented, and an AST transformer wraps every later cell in try/except: every
    test cell "passes" in the kernel, and the submission still scores 0."""
    cells = [cell_verdict(c)[0] for c in graded_notebook(course_batch, "hostile_swallow").cells if is_test_cell(c)]
    assert len(cells) == 11 and all(cells)
    assert set(scores(course_batch, "hostile_swallow").values()) == {0.0}


@pytest.mark.hostile
def test_the_trusted_penalty_is_out_of_reach_and_a_forged_record_is_never_read(course_batch):
    assert attack_report(course_batch["output"], "hostile_trusted", A1) == []
    lost = {part for part, score in scores(course_batch, "hostile_trusted").items() if score == 0}
    assert lost == {"regularization_penalty"}


@pytest.mark.hostile
def test_a_record_rewritten_by_a_background_thread_changes_nothing(course_batch):
    lost = {part for part, score in scores(course_batch, "hostile_thread").items() if score == 0}
    assert lost == {"regularization_penalty"}


@pytest.mark.hostile
def test_the_dependency_rerun_leaves_the_evidence_alone(course_batch):
    """svm_loss_vectorized is buggy, so the sanity values are rechecked in the runner and the SVM
    search is rerun with the reference; code that, during the rerun, saves what it ran and
    overwrites its notebook neither alters the graded notebook nor keeps the reference code."""
    report = assignment_report(course_batch["reports"]["hostile_rerun"])
    lost = {p.part for p in report.parts if not p.passed}
    given_back = {p.part for p in report.parts if "reference svm_loss_vectorized in place of yours" in p.message}
    assert lost == {"svm_loss_vectorized"} and {"sanity_initial_losses", "svm_search"} <= given_back
    reference = solution_cells(course_batch["course"], A1, NOTEBOOK)["svm_loss_vectorized_code"]
    bug = next(v for v in variants_for(A1) if v.name == RERUN_BUG)
    graded = graded_notebook(course_batch, "hostile_rerun")
    sources = [c.source for c in graded.cells]
    assert any("_cover_tracks" in s for s in sources) and any(bug.source.strip() in s for s in sources)
    assert not any(reference.strip() in s for s in sources)
    submitted = nbformat.read(str(course_batch["batch"] / "hostile_rerun" / A1 / f"{NOTEBOOK}.ipynb"), as_version=4)
    assert len(graded.cells) == len(submitted.cells)
    stolen = sorted(course_batch["output"].rglob("stolen_reference.py"))
    assert stolen and not any(reference.strip() in path.read_text() for path in stolen)
