"""Every assignment's hidden tests against its solutions and its catalog of
bugs, without a notebook kernel: fast, and the first place a broken case shows up.
An assignment takes part by having autograder/cases/<id>.py and
autograder/catalog/<id>.py."""
import numpy as np
import pytest

from autograder import paths
from autograder.cases import cases_module, parts_for
from autograder.cases.assignment1 import trusted_regularization_penalty
from autograder.hidden import check_part
from autograder.release.leak_check import matches_reference, reference_values
from autograder.judging.references import compute_references, load_references, stored_digest
from autograder.judging.solution_code import solution_digest, solution_namespace
from autograder.catalog import variants_for

A1 = "assignment1"
GRADED = [a for a in paths.assignment_ids() if cases_module(a) is not None]
PARTS = [(a, part) for a in GRADED for part in sorted(parts_for(a))]
WRONG = [(a, v) for a in GRADED for v in variants_for(a) if v.kind == "wrong"]


@pytest.fixture(scope="module")
def solutions():
    return {a: solution_namespace(a) for a in GRADED}


@pytest.mark.parametrize("assignment_id", GRADED)
def test_stored_references_agree_with_the_solutions(assignment_id):
    assert stored_digest(assignment_id) == solution_digest(assignment_id), \
        "solutions changed since the references were made: run `python -m autograder references`"
    stored, fresh = load_references(assignment_id), compute_references(assignment_id)
    assert stored.keys() == fresh.keys()
    for part, cases in fresh.items():
        assert stored[part].keys() == cases.keys(), part
        for case, outputs in cases.items():
            for name, value in outputs.items():
                np.testing.assert_allclose(stored[part][case][name], value, rtol=1e-10, atol=1e-14,
                                           err_msg=f"{part} / {case} / {name}")


@pytest.mark.parametrize("assignment_id", GRADED)
def test_references_are_finite_and_cover_every_case(assignment_id):
    references = load_references(assignment_id)
    for part_name, part in parts_for(assignment_id).items():
        assert [c.name for c in part.cases] == list(references[part_name])
        for outputs in references[part_name].values():
            assert all(np.all(np.isfinite(v)) for v in outputs.values()), part_name


@pytest.mark.parametrize("assignment_id, part_name", PARTS)
def test_the_solution_passes_every_hidden_case(solutions, assignment_id, part_name, capsys):
    check_part(assignment_id, part_name, solutions[assignment_id][parts_for(assignment_id)[part_name].target])
    assert "hidden test cases pass" in capsys.readouterr().out


def test_trusted_penalty_agrees_with_the_solution(solutions):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((7, 3))
    for penalty, ratio in [("l2", 0.5), ("l1", 0.5), ("elastic_net", 0.2)]:
        ours = trusted_regularization_penalty(W, 0.3, penalty, ratio)
        theirs = solutions[A1]["regularization_penalty"](W, 0.3, penalty, ratio)
        np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


@pytest.mark.parametrize("assignment_id, variant", WRONG, ids=[f"{a}-{v.name}" for a, v in WRONG])
def test_each_catalogued_bug_fails_its_hidden_check_without_leaking(solutions, assignment_id, variant):
    namespace = dict(solutions[assignment_id])
    exec(compile("import numpy as np\n" + variant.source, variant.name, "exec"), namespace)
    target = namespace[parts_for(assignment_id)[variant.part].target]
    with pytest.raises(AssertionError) as failure:
        check_part(assignment_id, variant.part, target)
    message = str(failure.value)
    assert f"{variant.part}:" in message and "hidden test cases failed" in message
    assert f"Likely cause: your code {variant.description}. Hint: {variant.hint}." in message
    values = reference_values(load_references(assignment_id))
    for token in message.replace(",", " ").replace("(", " ").replace(")", " ").split():
        try:
            number = float(token)
        except ValueError:
            continue
        if np.isfinite(number) and abs(number) > 1e-3:
            assert not matches_reference(number, values), f"the message leaks {token}"


RIGHT = [(a, v) for a in GRADED for v in variants_for(a) if v.kind == "correct"]


@pytest.mark.parametrize("assignment_id, variant", RIGHT, ids=[f"{a}-{v.name}" for a, v in RIGHT])
def test_each_catalogued_right_answer_passes_its_hidden_check(solutions, assignment_id, variant, capsys):
    namespace = dict(solutions[assignment_id])
    exec(compile("import numpy as np\n" + variant.source, variant.name, "exec"), namespace)
    check_part(assignment_id, variant.part, namespace[parts_for(assignment_id)[variant.part].target])
    assert "hidden test cases pass" in capsys.readouterr().out


def test_an_unimplemented_part_says_so():
    def svm_loss_naive(W, X, y, reg):
        raise NotImplementedError()
    with pytest.raises(NotImplementedError, match="svm_loss_naive is not implemented yet"):
        check_part(A1, "svm_loss_naive", svm_loss_naive)
