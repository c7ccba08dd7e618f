"""Hidden-test cases of Assignment 2 (gradient checking).

Numerical gradients are compared with the solution's numerical gradients on the
same functions and steps. Properties that do not depend on which coordinates a
student's grad_check_sparse samples (length, all errors tiny or all large, each
error equal to the error of some coordinate, x restored, reproducible with a
seed) are encoded as numbers (counts and 0/1 flags), so the references hold them.
"""
import contextlib
import io

import numpy as np

from autograder.cases.base import Case, Part, StudentOutputError

# ---------------------------------------------------------------- test functions
# Scalar functions f(x) -> float, and array-valued ones g(x) -> array.


def smooth_coupled(x):
    """Smooth, with every coordinate coupled to the others."""
    return float(np.sum(np.sin(x) * x**2) + 0.5 * np.sum(x) ** 2)


def log_sum_exp(x):
    flat = np.ravel(x)
    top = np.max(flat)
    return float(top + np.log(np.sum(np.exp(flat - top))) - flat[0])


def cubic(x):
    return float(np.sum(x**3))


def exp_plus_cubic(x):
    """Gradient 0.5 * exp(x / 2) + x**2, never 0 (so relative errors are well defined)."""
    return float(np.sum(np.exp(0.5 * x)) + np.sum(x**3) / 3.0)


def exp_plus_cubic_grad(x):
    return 0.5 * np.exp(0.5 * x) + x**2


SCALAR_FUNCTIONS = {"smooth_coupled": smooth_coupled, "log_sum_exp": log_sum_exp, "cubic": cubic,
                    "sin": lambda x: float(np.sum(np.sin(x)))}


def array_function(name, rng_seed=99):
    """Array-valued test functions (some return a view of x)."""
    if name == "tanh":
        return np.tanh
    if name == "cube":
        return lambda x: x**3
    if name == "transpose_view":
        return lambda x: x.T
    if name == "slice_view":
        return lambda x: x[..., ::2]
    if name == "matmul":
        A = np.random.default_rng(rng_seed).standard_normal((4, 6))
        return lambda x: np.tanh(x @ A)
    if name == "sum_rows":
        return lambda x: np.sum(x**2, axis=1)
    raise KeyError(name)


def check_grad_shape(name, grad, x):
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != x.shape:
        raise StudentOutputError(f"{name} should return an array of the shape of x, {x.shape}; "
                                 f"it returned shape {grad.shape}.")
    return grad


# ---------------------------------------------------------------- parts 1 and 3
def scalar_case(seed, function, shape, h=None):
    def make():
        x = np.random.default_rng(seed).standard_normal(shape)
        return {"function": function, "x": x, "h": h}
    return make


def call_scalar_gradient(func, inputs):
    x = inputs["x"].copy()
    before = x.copy()
    f = SCALAR_FUNCTIONS[inputs["function"]]
    if inputs["h"] is None:
        grad = func(f, x)
    else:
        grad = func(f, x, inputs["h"])
    grad = check_grad_shape(func.__name__, grad, before)
    return {"grad": grad, "x_restored_exactly": float(np.array_equal(x, before))}


NUMERICAL_GRADIENT_CASES = [
    Case("smooth coupled function, 2-D x", scalar_case(0, "smooth_coupled", (4, 5))),
    Case("log-sum-exp, 1-D x", scalar_case(1, "log_sum_exp", (12,))),
    Case("3-D x", scalar_case(2, "smooth_coupled", (2, 3, 4))),
    Case("one entry", scalar_case(3, "sin", (1,))),
    Case("cubic with h=1e-2 (the step shows)", scalar_case(4, "cubic", (3, 3), h=1e-2)),
    Case("sin with h=1e-3", scalar_case(5, "sin", (7,), h=1e-3)),
]

FORWARD_CASES = [
    Case("cubic, h=1e-2", scalar_case(10, "cubic", (3, 4), h=1e-2)),
    Case("sin, h=1e-3, 1-D x", scalar_case(11, "sin", (9,), h=1e-3)),
    Case("smooth coupled, h=1e-4, 3-D x", scalar_case(12, "smooth_coupled", (2, 2, 3), h=1e-4)),
    Case("one entry, h=1e-2", scalar_case(13, "cubic", (1,), h=1e-2)),
]


# ---------------------------------------------------------------- part 2
def array_case(seed, function, x_shape, h=None):
    def make():
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(x_shape)
        out_shape = np.shape(array_function(function)(x.copy()))
        return {"function": function, "x": x, "df": rng.standard_normal(out_shape), "h": h}
    return make


def call_array_gradient(func, inputs):
    x = inputs["x"].copy()
    before = x.copy()
    f = array_function(inputs["function"])
    if inputs["h"] is None:
        grad = func(f, x, inputs["df"].copy())
    else:
        grad = func(f, x, inputs["df"].copy(), inputs["h"])
    grad = check_grad_shape(func.__name__, grad, before)
    return {"grad": grad, "x_restored_exactly": float(np.array_equal(x, before))}


ARRAY_GRADIENT_CASES = [
    Case("elementwise tanh, 2-D", array_case(20, "tanh", (3, 4))),
    Case("tanh(x @ A): output of another shape", array_case(21, "matmul", (5, 4))),
    Case("output is a view of x (x.T)", array_case(22, "transpose_view", (3, 5))),
    Case("output is a view of x (a slice)", array_case(23, "slice_view", (2, 6))),
    Case("row sums of squares: output of another shape", array_case(24, "sum_rows", (4, 3))),
    Case("elementwise cube with h=1e-2", array_case(25, "cube", (6,), h=1e-2)),
]


# ---------------------------------------------------------------- part 4
def pair_case(seed=None, a=None, b=None, shape=None, zeros_at=None, scale=1.0):
    def make():
        if a is not None:
            return {"a": np.asarray(a, dtype=np.float64), "b": np.asarray(b, dtype=np.float64)}
        rng = np.random.default_rng(seed)
        x = scale * rng.standard_normal(shape)
        y = x * (1 + 0.01 * rng.standard_normal(shape))
        if zeros_at is not None:
            x.ravel()[zeros_at] = 0.0
            y.ravel()[zeros_at] = 0.0
        return {"a": x, "b": y}
    return make


def one_wrong_coordinate():
    rng = np.random.default_rng(33)
    b = rng.standard_normal(2000)
    a = b * (1 + 1e-9 * rng.standard_normal(2000))
    a[1234] = 1.37 * b[1234]
    return {"a": a, "b": b}


def call_rel_error(func, inputs):
    value = np.asarray(func(inputs["a"].copy(), inputs["b"].copy()), dtype=np.float64)
    if value.size != 1:
        raise StudentOutputError(f"rel_error should return one number; it returned shape {value.shape}.")
    return {"error": value.reshape(())}


REL_ERROR_CASES = [
    Case("random arrays, 2-D", pair_case(30, shape=(5, 6))),
    Case("one wrong coordinate among 2000", one_wrong_coordinate),
    Case("arrays with entries that are 0 in both", pair_case(31, shape=(4, 4), zeros_at=[0, 5, 15])),
    Case("both arrays entirely 0", pair_case(a=np.zeros((3, 2)), b=np.zeros((3, 2)))),
    Case("negative numbers", pair_case(a=[-1.0, -3.0, -2.0], b=[-1.3, -3.7, -2.0])),
    Case("plain numbers", pair_case(a=2.0, b=-6.0)),
    Case("0 against non-zero", pair_case(a=[0.0, 1.0], b=[4.0, 1.0])),
    Case("tiny gradients (around 1e-12)", pair_case(a=[1e-12, 3e-12], b=[1.7e-12, 3e-12])),
    Case("large values, 3-D", pair_case(34, shape=(2, 3, 4), scale=1e8)),
]


# ---------------------------------------------------------------- part 7
def trusted_rel_error(a, b):
    """The rel_error grad_check_sparse gets during its hidden tests."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.abs(a - b) / np.where(denom > 0, denom, 1.0)))


@contextlib.contextmanager
def trusted_rel_error_in(func):
    """Temporarily replace `rel_error` in the globals `func` sees."""
    namespace = getattr(func, "__globals__", {})
    had = "rel_error" in namespace
    saved = namespace.get("rel_error")
    namespace["rel_error"] = trusted_rel_error
    try:
        yield
    finally:
        if had:
            namespace["rel_error"] = saved
        else:
            namespace.pop("rel_error", None)


def sparse_case(seed, shape, gradient, num_checks=10, h=1e-5, check_seed=0):
    """gradient: 'right', 'scaled' (every coordinate off by its own known factor) or 'negated'."""
    def make():
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1.0, 1.0, size=shape)
        g = exp_plus_cubic_grad(x)
        size = int(np.prod(shape))
        # Distinct relative offsets d per coordinate: the error there is d / (1 + d).
        d = np.linspace(0.02, 0.8, size)[rng.permutation(size)].reshape(shape)
        analytic = {"right": g, "scaled": g * (1 + d), "negated": -g}[gradient]
        return {"x": x, "analytic": analytic, "offsets": d, "gradient": gradient,
                "num_checks": num_checks, "h": h, "seed": check_seed}
    return make


def as_error_list(name, errors, num_checks):
    try:
        errors = np.asarray(errors, dtype=np.float64)
    except (TypeError, ValueError):
        raise StudentOutputError(f"{name} should return a list of numbers (one relative error per check).")
    if errors.ndim != 1:
        raise StudentOutputError(f"{name} should return a list of {num_checks} numbers (one per check); "
                                 f"it returned something of shape {errors.shape}.")
    return errors


def call_grad_check_sparse(func, inputs):
    x = inputs["x"].copy()
    before = x.copy()
    n = inputs["num_checks"]

    def run(seed):
        with trusted_rel_error_in(func), contextlib.redirect_stdout(io.StringIO()):
            errors = func(exp_plus_cubic, x, inputs["analytic"].copy(), num_checks=n, h=inputs["h"], seed=seed)
        return as_error_list(func.__name__, errors, n)

    errors = run(inputs["seed"])
    restored = float(np.array_equal(x, before))
    again = run(inputs["seed"])
    other = run(inputs["seed"] + 1)
    outputs = {
        "number_of_errors": float(errors.size),
        "x_restored_exactly": restored,
        "same_seed_same_errors": float(errors.shape == again.shape and np.array_equal(errors, again)),
    }
    if inputs["gradient"] == "right":
        outputs["errors_below_1e-7"] = float(np.sum(errors < 1e-7))
    elif inputs["gradient"] == "negated":
        outputs["errors_above_0.5"] = float(np.sum(errors > 0.5))
    else:
        # every returned error must be the error of some coordinate: d / (1 + d) for its offset d
        candidates = np.ravel(inputs["offsets"] / (1 + inputs["offsets"]))
        distance = np.min(np.abs(errors[:, None] - candidates[None, :]), axis=1) if errors.size else errors
        outputs["errors_of_some_coordinate"] = float(np.sum(distance < 1e-6))
        if n >= 5:
            outputs["another_seed_other_errors"] = float(errors.shape != other.shape
                                                         or not np.array_equal(errors, other))
    return outputs


SPARSE_CASES = [
    Case("right gradient, 2-D x", sparse_case(40, (6, 7), "right")),
    Case("every coordinate off by its own factor", sparse_case(41, (6, 7), "scaled", num_checks=12)),
    Case("gradient with the wrong sign everywhere", sparse_case(42, (30,), "negated", num_checks=8)),
    Case("3-D x, seed 5", sparse_case(43, (3, 4, 5), "scaled", num_checks=7, check_seed=5)),
    Case("more checks than entries (with replacement)", sparse_case(44, (2, 3), "scaled", num_checks=25)),
    Case("one check, h=1e-6", sparse_case(45, (10,), "right", num_checks=1, h=1e-6)),
]


# ---------------------------------------------------------------- part 8
def kink_case(seed=None, shape=(20,), kink=None, ties=False, zm=None, zp=None, kink_value=None):
    def make():
        if zm is not None:
            return {"z_minus": np.asarray(zm, float), "z_plus": np.asarray(zp, float), "kink": kink_value}
        rng = np.random.default_rng(seed)
        center = rng.standard_normal(shape)
        step = 0.3 * np.abs(rng.standard_normal(shape))
        k = kink if kink is not None else 0.0
        if callable(kink):
            k = kink(rng)
        z_minus, z_plus = center - step, center + step
        if ties:   # put some values exactly on the kink, on either side
            z_minus.ravel()[::3] = np.broadcast_to(k, shape).ravel()[::3]
            z_plus.ravel()[1::4] = np.broadcast_to(k, shape).ravel()[1::4]
        # swap some pairs so that crossings go both ways
        swap = rng.random(shape) < 0.5
        z_minus, z_plus = np.where(swap, z_plus, z_minus), np.where(swap, z_minus, z_plus)
        return {"z_minus": z_minus, "z_plus": z_plus, "kink": None if kink is None else k}
    return make


def call_kink_crossed(func, inputs):
    args = (np.copy(inputs["z_minus"]), np.copy(inputs["z_plus"]))
    if inputs["kink"] is None:
        crossed = func(*args)
        shape = np.broadcast_shapes(np.shape(args[0]), np.shape(args[1]))
    else:
        crossed = func(*args, inputs["kink"])
        shape = np.broadcast_shapes(np.shape(args[0]), np.shape(args[1]), np.shape(inputs["kink"]))
    crossed = np.asarray(crossed)
    if crossed.shape != shape:
        raise StudentOutputError(f"kink_crossed should return one answer per element, shape {shape}; "
                                 f"it returned shape {crossed.shape}.")
    return {"crossed": crossed.astype(np.float64)}


KINK_CASES = [
    Case("random values, default kink 0", kink_case(50, shape=(40,))),
    Case("values exactly on the kink (ties)", kink_case(51, shape=(36,), ties=True)),
    Case("kink at 0.7", kink_case(52, shape=(6, 5), kink=0.7)),
    Case("one kink per column (broadcast)", kink_case(53, shape=(8, 4), kink=lambda r: r.standard_normal(4))),
    Case("ties with a kink at -0.25, 3-D", kink_case(54, shape=(2, 3, 6), kink=-0.25, ties=True)),
    Case("single numbers", kink_case(zm=-0.5, zp=0.0, kink_value=-0.5)),
]


PARTS = {
    "eval_numerical_gradient": Part("eval_numerical_gradient", call_scalar_gradient, NUMERICAL_GRADIENT_CASES),
    "eval_numerical_gradient_array": Part("eval_numerical_gradient_array", call_array_gradient,
                                          ARRAY_GRADIENT_CASES),
    "forward_difference_gradient": Part("forward_difference_gradient", call_scalar_gradient, FORWARD_CASES),
    "rel_error": Part("rel_error", call_rel_error, REL_ERROR_CASES),
    "grad_check_sparse": Part("grad_check_sparse", call_grad_check_sparse, SPARSE_CASES),
    "kink_crossed": Part("kink_crossed", call_kink_crossed, KINK_CASES),
}

# The experiments are computed with the student's functions: a bug there is
# counted once, in the part it is in (see autograder/grading/dependencies.py).
DEPENDS_ON = {
    "error_vs_h": ["eval_numerical_gradient", "forward_difference_gradient", "rel_error"],
    "precision": ["eval_numerical_gradient", "rel_error"],
    "kinks_vs_n": ["kink_crossed"],
}
