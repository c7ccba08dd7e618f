"""Every assignment's hidden tests against its solutions and its catalog of
bugs, without a notebook kernel: fast, and the first place a broken case shows up.
An assignment takes part by having autograder/cases/<id>.py and
autograder/catalog/<id>.toml."""
import nbformat
import numpy as np
import pytest

from autograder.cases import cases_module, parts_for
from autograder.hidden import check_part
from autograder.release.leak_check import matches_reference, reference_values
from autograder.judging.references import compute_references, load_references, stored_digest
from autograder.judging.solution_code import solution_digest, solution_namespace
from autograder.catalog import variants_for
from autograder.course import Course
from coursekit.cells import is_test_cell, part_name

COURSE = Course.from_repo()
A1 = "assignment1"
GRADED = [a for a in COURSE.assignment_ids() if cases_module(a) is not None]
PARTS = [(a, part) for a in GRADED for part in sorted(parts_for(a))]
WRONG = [(a, v) for a in GRADED for v in variants_for(a) if v.kind == "wrong"]


@pytest.fixture(scope="module")
def solutions():
    return {a: solution_namespace(COURSE, a) for a in GRADED}


FLOAT64_RTOL, FLOAT64_ATOL = 1e-10, 1e-14
# float32 cases: the same correct code on another CPU (another OpenBLAS kernel, another
# summation order) differs by float32 rounding, about 1e-6 relative (AMD EPYC: 1.3e-6).
FLOAT32_RTOL = 1e-5


def floating_dtypes(value):
    """The floating-point dtypes found in a case's inputs or outputs (nested dicts, lists, arrays)."""
    if isinstance(value, dict):
        return set().union(*map(floating_dtypes, value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*map(floating_dtypes, value))
    if isinstance(value, (np.ndarray, np.generic)) and np.issubdtype(value.dtype, np.floating):
        return {np.dtype(value.dtype)}
    return set()


def case_precision(case):
    """(rtol, atol scale) to compare one case's references at: float32 precision when the
    case's inputs hold float32 numbers, float64 precision otherwise. The absolute part is
    relative to the output's largest entry: an output made by cancellation (a numerical
    gradient, a centred difference over h = 1e-5) has small entries whose rounding error
    follows the large ones (OpenBLAS's Prescott kernel: 1.4e-11 on entries of 1e-2)."""
    if np.dtype(np.float32) in floating_dtypes(case.make_inputs()):
        return FLOAT32_RTOL, FLOAT32_RTOL
    return FLOAT64_RTOL, FLOAT64_RTOL


def assert_references_agree(assignment_id, stored, fresh):
    """Every case's stored outputs equal the fresh ones at the precision of the case's dtype."""
    assert stored.keys() == fresh.keys()
    for part_name, part in parts_for(assignment_id).items():
        assert stored[part_name].keys() == fresh[part_name].keys(), part_name
        for case in part.cases:
            rtol, atol_scale = case_precision(case)
            for name, value in fresh[part_name][case.name].items():
                value = np.asarray(value)
                atol = max(FLOAT64_ATOL, atol_scale * float(np.max(np.abs(value), initial=0)))
                np.testing.assert_allclose(stored[part_name][case.name][name], value, rtol=rtol, atol=atol,
                                           err_msg=f"{part_name} / {case.name} / {name} (rtol {rtol:g})")


@pytest.fixture(scope="module")
def fresh_references():
    return {a: compute_references(COURSE, a) for a in GRADED}


@pytest.mark.parametrize("assignment_id", GRADED)
def test_stored_references_agree_with_the_solutions(assignment_id, fresh_references):
    assert stored_digest(COURSE, assignment_id) == solution_digest(COURSE, assignment_id), \
        "solutions changed since the references were made: run `python -m autograder references`"
    assert_references_agree(assignment_id, load_references(COURSE, assignment_id), fresh_references[assignment_id])


def test_every_assignment_with_float32_cases_is_compared_at_float32_precision():
    """The float32 cases are the ones named so (and only they get the looser tolerance)."""
    for assignment_id in GRADED:
        for part in parts_for(assignment_id).values():
            for case in part.cases:
                if "float32" in case.name:
                    assert case_precision(case)[0] == FLOAT32_RTOL, f"{assignment_id} / {case.name}"
    assert case_precision(parts_for(A1)["svm_loss_naive"].cases[0])[0] == FLOAT64_RTOL


def perturbed(references, part_name, case_name, factor):
    copy = {p: {c: dict(outputs) for c, outputs in cases.items()} for p, cases in references.items()}
    outputs = copy[part_name][case_name]
    name = next(iter(outputs))
    outputs[name] = np.asarray(outputs[name]) * factor
    return copy


@pytest.mark.parametrize("dtype, factor", [("float32", 1 + 1e-3), ("float32", 1 + 3e-5), ("float64", 1 + 1e-8)])
def test_a_perturbed_reference_fails_the_comparison(fresh_references, dtype, factor):
    fresh = fresh_references[A1]
    part_name, case = next((p, c) for p, part in parts_for(A1).items() for c in part.cases
                           if (np.dtype(np.float32) in floating_dtypes(c.make_inputs())) == (dtype == "float32")
                           and np.any(np.asarray(next(iter(fresh[p][c.name].values()))) != 0))
    assert_references_agree(A1, fresh, fresh)
    assert_references_agree(A1, perturbed(fresh, part_name, case.name, 1 + 1e-7 if dtype == "float32" else 1 + 1e-12),
                            fresh)  # rounding noise of the dtype passes
    with pytest.raises(AssertionError, match=case.name):
        assert_references_agree(A1, perturbed(fresh, part_name, case.name, factor), fresh)


@pytest.mark.parametrize("assignment_id", GRADED)
def test_references_are_finite_and_cover_every_case(assignment_id):
    references = load_references(COURSE, assignment_id)
    for part_name, part in parts_for(assignment_id).items():
        assert [c.name for c in part.cases] == list(references[part_name])
        for outputs in references[part_name].values():
            assert all(np.all(np.isfinite(v)) for v in outputs.values()), part_name


@pytest.mark.parametrize("assignment_id, part_name", PARTS)
def test_the_solution_passes_every_hidden_case(solutions, assignment_id, part_name, capsys):
    check_part(assignment_id, part_name, solutions[assignment_id][parts_for(assignment_id)[part_name].target])
    assert "hidden test cases pass" in capsys.readouterr().out


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
    values = reference_values(load_references(COURSE, assignment_id))
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


SOURCES = {a: COURSE.source_notebooks(a) for a in COURSE.assignment_ids() if parts_for(a)}


@pytest.mark.parametrize("assignment_id", SOURCES)
def test_every_part_with_hidden_cases_records_them_in_its_test_cell(assignment_id):
    """A part in autograder/cases/ is graded only from its record, so its test cell must call check_part."""
    cells = {part_name(c): c.source for nb in SOURCES[assignment_id]
             for c in nbformat.read(str(nb), as_version=4).cells if is_test_cell(c)}
    for part in parts_for(assignment_id):
        assert part in cells, f"{assignment_id}: no test cell test_{part}"
        assert f'check_part("{assignment_id}", "{part}",' in cells[part].replace("'", '"'), \
            f"{assignment_id}: the test cell of {part} does not call check_part"
