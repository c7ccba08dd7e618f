"""Trusted helpers (autograder/trusted/): correct, and out of reach of the code judged for the part
they implement. Without a kernel: the helpers against the solutions, the sandbox's view, the
import graph of what the kernel and the runner import, and the order of the runner's jobs."""
import ast
import importlib

import numpy as np
import pytest

from autograder.cases import parts_for
from autograder.cases.assignment5 import batchnorm_cases
from autograder.course import PACKAGE_DIR, TRUSTED_DIR, Course
from autograder.judging.solution_code import solution_namespace
from autograder.kernel.sandbox import hidden_paths
from autograder.grading.results import assignment_parts
from autograder.cases.runner import trusted_helpers
from autograder.trusted import helper_functions, helper_sources, implemented_part

COURSE = Course.from_repo()
TRUSTED = sorted({(a, name) for a in COURSE.assignment_ids() for part in parts_for(a).values() for name in part.trusted})


@pytest.fixture(scope="module")
def solutions():
    return {a: solution_namespace(COURSE, a) for a in {a for a, _ in TRUSTED}}


def calls(assignment_id, name):
    """Seeded calls of one helper: (args, kwargs) that the solution's function takes too."""
    rng = np.random.default_rng(0)
    if name == "regularization_penalty":
        W = rng.standard_normal((7, 3))
        return [((W, 0.3, penalty, ratio), {}) for penalty, ratio in [("l2", 0.5), ("l1", 0.5), ("elastic_net", 0.2)]]
    if name == "rel_error":
        a = rng.standard_normal((4, 5))
        return [((a, a * (1 + 1e-3 * rng.standard_normal((4, 5)))), {})]
    if name in ("affine_forward", "relu_forward"):
        x, w, b = rng.standard_normal((4, 6)), rng.standard_normal((6, 3)), rng.standard_normal(3)
        return [((x, w, b) if name == "affine_forward" else (x,), {})]
    if name == "affine_backward":
        x, w, b = rng.standard_normal((4, 6)), rng.standard_normal((6, 3)), rng.standard_normal(3)
        return [((rng.standard_normal((4, 3)), (x, w, b)), {})]
    if name == "relu_backward":
        return [((rng.standard_normal((4, 6)), rng.standard_normal((4, 6))), {})]
    if name == "softmax_loss":
        return [((rng.standard_normal((5, 4)), rng.integers(0, 4, 5)), {})]
    if name == "bn_cache":
        return [((case.make_inputs(),), {}) for case in batchnorm_cases()]
    raise KeyError(name)


def same(ours, theirs):
    if isinstance(ours, tuple):
        assert isinstance(theirs, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            same(a, b)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("assignment_id, name", [t for t in TRUSTED if t[1] != "bn_cache"])
def test_each_trusted_helper_agrees_with_the_solution_it_stands_in_for(solutions, assignment_id, name):
    helper = helper_functions(assignment_id, [name])[name]
    for args, kwargs in calls(assignment_id, name):
        same(helper(*args, **kwargs), solutions[assignment_id][name](*args, **kwargs))


def test_the_trusted_batch_norm_cache_is_the_solution_forward_pass_cache(solutions):
    helper = helper_functions("assignment5", ["bn_cache"])["bn_cache"]
    for case in batchnorm_cases():
        inputs = case.make_inputs()
        param = {**inputs["bn_param"], "mode": "train"}
        _, cache = solutions["assignment5"]["batchnorm_forward"](inputs["x"], inputs["gamma"], inputs["beta"], param)
        same(helper(inputs), cache)


@pytest.mark.parametrize("assignment_id, name", TRUSTED)
def test_a_helper_sent_as_source_is_the_same_function(assignment_id, name):
    """The runner rebuilds a helper from its source with numpy alone."""
    rebuilt = trusted_helpers(helper_sources(assignment_id, [name]))[name]
    original = helper_functions(assignment_id, [name])[name]
    assert rebuilt is not original
    for args, kwargs in calls(assignment_id, name):
        same(rebuilt(*args, **kwargs), original(*args, **kwargs))


def test_the_trusted_helpers_are_hidden_from_kernels_and_the_runner():
    assert TRUSTED_DIR.resolve() in hidden_paths()


def module_imports(path):
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_nothing_the_kernel_or_the_runner_imports_reaches_the_trusted_helpers():
    """autograder.cases (hidden cases, records, the runner) never imports them; autograder.hidden
    does only inside check_part, which judges outside the grader (in a grading kernel it returns first)."""
    for path in sorted((PACKAGE_DIR / "cases").glob("*.py")):
        assert not any(m.startswith("autograder.trusted") for m in module_imports(path)), path
    tree = ast.parse((PACKAGE_DIR / "hidden" / "__init__.py").read_text())
    top_level = {alias.name if isinstance(node, ast.Import) else node.module
                 for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert not any(m.startswith("autograder.trusted") for m in top_level)


def notebook_order(assignment_id):
    return [part for parts in assignment_parts(COURSE, assignment_id).values() for part, _, _ in parts]


@pytest.mark.parametrize("assignment_id, name", TRUSTED)
def test_a_helper_goes_only_to_parts_judged_after_the_part_it_implements(assignment_id, name):
    """The runner's jobs go in notebook order and a helper travels with the job of a part that
    needs it, so the part it implements is always judged before any process holds it."""
    order = notebook_order(assignment_id)
    implemented = implemented_part(assignment_id, name)
    assert implemented in order
    for part_name, part in parts_for(assignment_id).items():
        if name in part.trusted:
            assert order.index(implemented) < order.index(part_name), (implemented, part_name)


def test_no_cases_module_defines_a_trusted_helper_any_more():
    for assignment_id in COURSE.assignment_ids():
        module = importlib.import_module(f"autograder.cases.{assignment_id}")
        assert not [n for n in vars(module) if n.startswith("trusted")], assignment_id
