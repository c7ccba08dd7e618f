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

from autograder.cases.base import Case, Part, StatePart, StudentOutputError, stand_ins
from autograder.cases.state import number, numbers, value

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


def square_in_float64(x):
    """Exact in any dtype of x: float32 cases get the same numbers on every CPU."""
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 2))


SCALAR_FUNCTIONS = {"smooth_coupled": smooth_coupled, "log_sum_exp": log_sum_exp, "cubic": cubic,
                    "sin": lambda x: float(np.sum(np.sin(x))), "square_in_float64": square_in_float64}


def scalar_function(name, x):
    """The case's f. "closure" ignores its argument and reads the caller's x, as the notebooks'
    `lambda _: net.loss(X, y)[0]` reads the network's weights: only an x changed in place shows."""
    if name == "closure":
        return lambda _: smooth_coupled(x)
    return SCALAR_FUNCTIONS[name]


def caller_copy(array):
    """A copy with the same memory layout (a transpose stays non-contiguous)."""
    return np.copy(array, order="K")


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
def scalar_case(seed, function, shape, h=None, dtype=np.float64, transpose=False):
    def make():
        x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
        return {"function": function, "x": x.T if transpose else x, "h": h}
    return make


def grad_outputs(func, grad, x, before):
    """The gradient, whether x came back bitwise, and for an x that is not float64 whether the
    gradient is float64 all the same (the docstrings promise it)."""
    outputs = {"grad": check_grad_shape(func.__name__, grad, before),
               "x_restored_exactly": float(np.array_equal(x, before))}
    if before.dtype != np.float64:
        outputs["grad_is_float64"] = float(np.asarray(grad).dtype == np.float64)
    return outputs


def call_scalar_gradient(func, inputs):
    x = caller_copy(inputs["x"])
    before = x.copy()
    f = scalar_function(inputs["function"], x)
    if inputs["h"] is None:
        grad = func(f, x)
    else:
        grad = func(f, x, inputs["h"])
    return grad_outputs(func, grad, x, before)


NUMERICAL_GRADIENT_CASES = [
    Case("smooth coupled function, 2-D x", scalar_case(0, "smooth_coupled", (4, 5))),
    Case("log-sum-exp, 1-D x", scalar_case(1, "log_sum_exp", (12,))),
    Case("3-D x", scalar_case(2, "smooth_coupled", (2, 3, 4))),
    Case("one entry", scalar_case(3, "sin", (1,))),
    Case("cubic with h=1e-2 (the step shows)", scalar_case(4, "cubic", (3, 3), h=1e-2)),
    Case("sin with h=1e-3", scalar_case(5, "sin", (7,), h=1e-3)),
    Case("f reads x itself (it ignores its argument)", scalar_case(6, "closure", (3, 4))),
    Case("x not contiguous (a transpose)", scalar_case(7, "smooth_coupled", (4, 3), transpose=True)),
    Case("float32 x: the gradient is float64", scalar_case(8, "square_in_float64", (2, 3), h=1e-2,
                                                          dtype=np.float32)),
]

FORWARD_CASES = [
    Case("cubic, h=1e-2", scalar_case(10, "cubic", (3, 4), h=1e-2)),
    Case("sin, h=1e-3, 1-D x", scalar_case(11, "sin", (9,), h=1e-3)),
    Case("smooth coupled, h=1e-4, 3-D x", scalar_case(12, "smooth_coupled", (2, 2, 3), h=1e-4)),
    Case("one entry, h=1e-2", scalar_case(13, "cubic", (1,), h=1e-2)),
    Case("f reads x itself (it ignores its argument), h=1e-4", scalar_case(14, "closure", (2, 5), h=1e-4)),
    Case("x not contiguous (a transpose), h=1e-3", scalar_case(15, "smooth_coupled", (3, 4), h=1e-3,
                                                               transpose=True)),
    Case("float32 x, h=1e-2: the gradient is float64", scalar_case(16, "square_in_float64", (4,), h=1e-2,
                                                                   dtype=np.float32)),
]


# ---------------------------------------------------------------- part 2
def array_case(seed, function, x_shape, h=None, transpose=False):
    def make():
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(x_shape)
        x = x.T if transpose else x
        out_shape = np.shape(array_function(function)(x.copy()))
        return {"function": function, "x": x, "df": rng.standard_normal(out_shape), "h": h}
    return make


def call_array_gradient(func, inputs):
    x = caller_copy(inputs["x"])
    before = x.copy()
    f = array_function(inputs["function"])
    if inputs["h"] is None:
        grad = func(f, x, inputs["df"].copy())
    else:
        grad = func(f, x, inputs["df"].copy(), inputs["h"])
    return grad_outputs(func, grad, x, before)


ARRAY_GRADIENT_CASES = [
    Case("elementwise tanh, 2-D", array_case(20, "tanh", (3, 4))),
    Case("tanh(x @ A): output of another shape", array_case(21, "matmul", (5, 4))),
    Case("output is a view of x (x.T)", array_case(22, "transpose_view", (3, 5))),
    Case("output is a view of x (a slice)", array_case(23, "slice_view", (2, 6))),
    Case("row sums of squares: output of another shape", array_case(24, "sum_rows", (4, 3))),
    Case("elementwise cube with h=1e-2", array_case(25, "cube", (6,), h=1e-2)),
    Case("x not contiguous (a transpose)", array_case(26, "matmul", (4, 5), transpose=True)),
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


def numbers_case(a, b):
    """a and b passed as they are given (Python numbers, integer arrays), not made float arrays."""
    return lambda: {"a": caller_value(a), "b": caller_value(b)}


def caller_value(value):
    return np.copy(value) if isinstance(value, np.ndarray) else value


def call_rel_error(func, inputs):
    value = np.asarray(func(caller_value(inputs["a"]), caller_value(inputs["b"])), dtype=np.float64)
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
    Case("Python floats (not arrays)", numbers_case(1.5, -0.25)),
    Case("integer arrays", numbers_case(np.array([[3, 0, -2], [7, 5, 0]]), np.array([[4, 0, -2], [6, 5, 1]]))),
]


# ---------------------------------------------------------------- part 7
def first_row_only(x):
    """exp_plus_cubic of x[0]: f does not depend on the other rows, where both gradients are 0."""
    return exp_plus_cubic(x[0])


def sparse_function(name, x):
    """The case's f; "closure" ignores its argument and reads the caller's x (see scalar_function)."""
    if name == "closure":
        return lambda _: exp_plus_cubic(x)
    return {"exp_plus_cubic": exp_plus_cubic, "first_row_only": first_row_only}[name]


def sparse_case(seed, shape, gradient, num_checks=10, h=1e-5, check_seed=0, function="exp_plus_cubic"):
    """gradient: 'right', 'scaled' (every coordinate off by its own known factor) or 'negated'."""
    def make():
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1.0, 1.0, size=shape)
        g = exp_plus_cubic_grad(x)
        if function == "first_row_only":
            g[1:] = 0.0
        size = int(np.prod(shape))
        # Distinct relative offsets d per coordinate: the error there is d / (1 + d).
        d = np.linspace(0.02, 0.8, size)[rng.permutation(size)].reshape(shape)
        analytic = {"right": g, "scaled": g * (1 + d), "negated": -g}[gradient]
        return {"x": x, "analytic": analytic, "offsets": d, "gradient": gradient,
                "num_checks": num_checks, "h": h, "seed": check_seed, "function": function}
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


def call_grad_check_sparse(func, inputs, trusted):
    """grad_check_sparse with the trusted rel_error standing in for the student's."""
    x = inputs["x"].copy()
    before = x.copy()
    n = inputs["num_checks"]

    def run(seed):
        with stand_ins(func, trusted), contextlib.redirect_stdout(io.StringIO()):
            errors = func(sparse_function(inputs["function"], x), x, inputs["analytic"].copy(), num_checks=n,
                          h=inputs["h"], seed=seed)
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
    Case("both gradients 0 at most coordinates (error 0)", sparse_case(46, (5, 4), "right", num_checks=15,
                                                                       function="first_row_only")),
    Case("f reads x itself (it ignores its argument)", sparse_case(47, (4, 5), "right", num_checks=6,
                                                                   function="closure")),
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


def numbers_kink_case(z_minus, z_plus, kink):
    """z_minus, z_plus and kink passed as they are given (Python numbers)."""
    return lambda: {"z_minus": z_minus, "z_plus": z_plus, "kink": kink}


def call_kink_crossed(func, inputs):
    args = (caller_value(inputs["z_minus"]), caller_value(inputs["z_plus"]))
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
    Case("Python floats (not arrays), crossing", numbers_kink_case(-0.25, 0.5, 0.0)),
    Case("kink=0 given explicitly, with ties", kink_case(55, shape=(5, 6), kink=0.0, ties=True)),
]


PARTS = {
    "eval_numerical_gradient": Part("eval_numerical_gradient", call_scalar_gradient, NUMERICAL_GRADIENT_CASES),
    "eval_numerical_gradient_array": Part("eval_numerical_gradient_array", call_array_gradient,
                                          ARRAY_GRADIENT_CASES),
    "forward_difference_gradient": Part("forward_difference_gradient", call_scalar_gradient, FORWARD_CASES),
    "rel_error": Part("rel_error", call_rel_error, REL_ERROR_CASES),
    "grad_check_sparse": Part("grad_check_sparse", call_grad_check_sparse, SPARSE_CASES, ("rel_error",)),
    "kink_crossed": Part("kink_crossed", call_kink_crossed, KINK_CASES),
}

# The experiments are computed with the student's functions: a bug there is
# counted once, in the part it is in (see autograder/grading/dependencies.py).
DEPENDS_ON = {
    "error_vs_h": ["eval_numerical_gradient", "forward_difference_gradient", "rel_error"],
    "precision": ["eval_numerical_gradient", "rel_error"],
    "kinks_vs_n": ["kink_crossed"],
}


# ---------------------------------------------------------------------------
# The experiments: parts that check notebook state (autograder.cases.base.StatePart).
# Their values are a function of the student's graded functions, so the runner
# computes them again with those functions, as the notebook's cells do.
# ---------------------------------------------------------------------------
HS = 10.0 ** -np.arange(1, 13)       # the notebook's hs
KINK_NS = [1, 10, 100, 1000, 10000, 30000]
KINK_H = 1e-3


def f_sin(x):
    return np.sum(np.sin(x))


def errors_vs_h(ns, x0, methods):
    """{method: [relative error per h]} of the student's gradient functions on sin at x0, in the
    order the notebook's loop calls them (one x0 object, as the notebook passes it)."""
    rel_error, exact = ns["rel_error"], np.cos(np.array([1.0]))
    errors = {method: [] for method in methods}
    for h in HS:
        for method in methods:
            errors[method].append(float(rel_error(ns[method](f_sin, x0, h), exact)))
    return errors


def record_error_vs_h(ns):
    values = {name: numbers(name, value(ns, name)).astype(np.float64).ravel()
              for name in ("forward_errors", "centered_errors")}
    values.update({name: number(ns, name) for name in ("best_h_forward", "best_h_centered")})
    return values


def recompute_error_vs_h(ns):
    errors = errors_vs_h(ns, np.array([1.0]), ("forward_difference_gradient", "eval_numerical_gradient"))
    forward, centered = errors["forward_difference_gradient"], errors["eval_numerical_gradient"]
    return {"forward_errors": np.array(forward), "centered_errors": np.array(centered),
            "best_h_forward": HS[int(np.argmin(forward))], "best_h_centered": HS[int(np.argmin(centered))]}


def slope(hs, errors):
    with np.errstate(all="ignore"):
        return float(np.polyfit(np.log10(hs), np.log10(errors), 1)[0])


def check_error_vs_h(values):
    forward, centered = values["forward_errors"], values["centered_errors"]
    if forward.shape != HS.shape or centered.shape != HS.shape:
        return ["forward_errors and centered_errors need one error per h in hs"]
    if not (np.all(np.isfinite(forward)) and np.all(np.isfinite(centered)) and np.all(forward > 0)
            and np.all(centered > 0)):
        return ["the errors must be finite, positive numbers"]
    problems = []
    if not 0.8 < slope(HS[:4], forward[:4]) < 1.2:
        problems.append("for h from 1e-1 to 1e-4 the forward error should fall like h (slope 1)")
    if not 1.8 < slope(HS[:3], centered[:3]) < 2.2:
        problems.append("for h from 1e-1 to 1e-3 the centered error should fall like h**2 (slope 2)")
    if not 1e-7 <= values["best_h_centered"] <= 1e-3:
        problems.append(f"best_h_centered = {float(values['best_h_centered']):.0e}; the centered difference is best "
                        "near 1e-5 to 1e-6")
    if not 1e-10 <= values["best_h_forward"] <= 1e-6:
        problems.append(f"best_h_forward = {float(values['best_h_forward']):.0e}; the forward difference is best "
                        "near 1e-8")
    if not min(centered) < 1e-9 < min(forward) * 10:
        problems.append("at their best h, the centered difference should be far more accurate than the forward one")
    if not centered[-1] > 100 * min(centered):
        problems.append("at h = 1e-12 round-off should dominate")
    return problems


def record_precision(ns):
    return {"float32_errors": numbers("float32_errors", value(ns, "float32_errors")).astype(np.float64).ravel(),
            "float32_best": number(ns, "float32_best_error"), "float64_best": number(ns, "float64_best_error")}


def recompute_precision(ns):
    float32 = errors_vs_h(ns, np.array([1.0], dtype=np.float32), ("eval_numerical_gradient",))
    float64 = errors_vs_h(ns, np.array([1.0]), ("eval_numerical_gradient",))
    return {"float32_errors": np.array(float32["eval_numerical_gradient"]),
            "float32_best": min(float32["eval_numerical_gradient"]),
            "float64_best": min(float64["eval_numerical_gradient"])}


def check_precision(values):
    errors, best32, best64 = values["float32_errors"], float(values["float32_best"]), float(values["float64_best"])
    if errors.shape != HS.shape:
        return ["float32_errors needs one error per h in hs"]
    problems = []
    if not best64 < 1e-9:
        problems.append("in float64 the centered difference should get below 1e-9 at its best h")
    if not best32 > 1e-6:
        problems.append("float32 cannot do better than about 1e-5: check that x0_32 is float32")
    if not errors[4] > 1e-4:
        problems.append("at h = 1e-5 the float32 check should already be poor (above 1e-4)")
    if not best32 > 1000 * best64:
        problems.append("float32 should be far less accurate than float64")
    return problems


def svm_margins(W, X, y):
    """The notebook's provided margins s_j - s_{y_i} + 1 (N, C), 0 in the correct-class column."""
    scores = X @ W
    margins = scores - scores[np.arange(X.shape[0]), y][:, None] + 1.0
    margins[np.arange(X.shape[0]), y] = 0.0
    return margins


def kink_data():
    """(X_k, y_k, W_k) as the notebook draws them."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30000, 10))
    y = rng.integers(0, 5, size=30000)
    return X, y, rng.standard_normal((10, 5))


def record_kinks(ns):
    return {"fractions": numbers("kink_fractions", value(ns, "kink_fractions")).astype(np.float64).ravel()}


def recompute_kinks(ns):
    """The fraction of weights whose check crosses a kink, per N, with the student's kink_crossed."""
    kink_crossed = ns["kink_crossed"]
    X_k, y_k, W_k = kink_data()
    fractions = []
    for N in KINK_NS:
        X, y, flagged = X_k[:N], y_k[:N], 0
        for ix in np.ndindex(W_k.shape):
            W_plus, W_minus = W_k.copy(), W_k.copy()
            W_plus[ix] += KINK_H
            W_minus[ix] -= KINK_H
            flagged += bool(np.any(kink_crossed(svm_margins(W_minus, X, y), svm_margins(W_plus, X, y))))
        fractions.append(flagged / W_k.size)
    return {"fractions": np.array(fractions)}


def check_kinks(values):
    fractions = values["fractions"]
    if fractions.shape != (len(KINK_NS),):
        return [f"kink_fractions needs one fraction per N in Ns ({len(KINK_NS)})"]
    if not np.all((fractions >= 0) & (fractions <= 1)):
        return ["the fractions should lie between 0 and 1"]
    problems = []
    if not np.all(np.diff(fractions) >= 0):
        problems.append("the fraction should never fall as N grows (the data are nested)")
    if not fractions[0] < 0.1:
        problems.append("with one example, almost no weight's check should cross a kink")
    if not fractions[-1] > 0.5:
        problems.append("with 30,000 examples, most weights' checks should cross a kink")
    return problems


STATE_PARTS = {
    "error_vs_h": StatePart(record_error_vs_h, check_error_vs_h, recompute_error_vs_h),
    "precision": StatePart(record_precision, check_precision, recompute_precision),
    "kinks_vs_n": StatePart(record_kinks, check_kinks, recompute_kinks),
}


# ---------------------------------------------------------------- the contracts
# What each graded function's docstring allows or promises, and the hidden case that covers it
# (tests/unit/test_contracts.py checks every graded part has its table and every case exists).
CONTRACTS = {
    "eval_numerical_gradient": (
        ("x of shape (N,)", "log-sum-exp, 1-D x"),
        ("x of shape (D, C)", "smooth coupled function, 2-D x"),
        ("x of any number of dimensions", "3-D x"),
        ("x with one entry", "one entry"),
        ("x not contiguous (a transpose)", "x not contiguous (a transpose)"),
        ("x float32: grad is float64 all the same", "float32 x: the gradient is float64"),
        ("h left out (default 1e-5)", "smooth coupled function, 2-D x"),
        ("h given", "cubic with h=1e-2 (the step shows)"),
        ("f is called with x itself, changed in place", "f reads x itself (it ignores its argument)"),
        ("x restored bitwise", "smooth coupled function, 2-D x"),
        ("f returns a float or a 0-d array", "log-sum-exp, 1-D x"),
    ),
    "eval_numerical_gradient_array": (
        ("out of the shape of x", "elementwise tanh, 2-D"),
        ("out of another shape", "tanh(x @ A): output of another shape"),
        ("out of fewer dimensions", "row sums of squares: output of another shape"),
        ("out a view of x (a transpose)", "output is a view of x (x.T)"),
        ("out a view of x (a slice)", "output is a view of x (a slice)"),
        ("x not contiguous (a transpose)", "x not contiguous (a transpose)"),
        ("h left out (default 1e-5)", "elementwise tanh, 2-D"),
        ("h given", "elementwise cube with h=1e-2"),
        ("x restored bitwise", "tanh(x @ A): output of another shape"),
    ),
    "forward_difference_gradient": (
        ("x of shape (N,)", "sin, h=1e-3, 1-D x"),
        ("x of shape (D, C)", "cubic, h=1e-2"),
        ("x of any number of dimensions", "smooth coupled, h=1e-4, 3-D x"),
        ("x with one entry", "one entry, h=1e-2"),
        ("x not contiguous (a transpose)", "x not contiguous (a transpose), h=1e-3"),
        ("x float32: grad is float64 all the same", "float32 x, h=1e-2: the gradient is float64"),
        ("f is called with x itself", "f reads x itself (it ignores its argument), h=1e-4"),
        ("x restored bitwise", "cubic, h=1e-2"),
    ),
    "rel_error": (
        ("arrays of any shape", "random arrays, 2-D"),
        ("3-D arrays, large values", "large values, 3-D"),
        ("the maximum over elements", "one wrong coordinate among 2000"),
        ("0 where a == b == 0 (no nan)", "arrays with entries that are 0 in both"),
        ("a and b entirely 0", "both arrays entirely 0"),
        ("0 against non-zero (error 1)", "0 against non-zero"),
        ("signs that differ (up to 2)", "plain numbers"),
        ("negative numbers", "negative numbers"),
        ("tiny values (no absolute floor)", "tiny gradients (around 1e-12)"),
        ("0-d arrays", "plain numbers"),
        ("Python numbers", "Python floats (not arrays)"),
        ("integer arrays", "integer arrays"),
    ),
    "grad_check_sparse": (
        ("x of shape (D, C)", "right gradient, 2-D x"),
        ("x of any number of dimensions", "3-D x, seed 5"),
        ("num_checks errors, in the order drawn", "every coordinate off by its own factor"),
        ("the same seed checks the same coordinates", "every coordinate off by its own factor"),
        ("another seed checks others", "3-D x, seed 5"),
        ("with replacement: num_checks > x.size", "more checks than entries (with replacement)"),
        ("num_checks = 1, h given", "one check, h=1e-6"),
        ("errors up to 2 (signs differ)", "gradient with the wrong sign everywhere"),
        ("error 0 where both gradients are 0", "both gradients 0 at most coordinates (error 0)"),
        ("f is called with x itself", "f reads x itself (it ignores its argument)"),
        ("x restored bitwise", "right gradient, 2-D x"),
    ),
    "kink_crossed": (
        ("arrays, default kink 0", "random values, default kink 0"),
        ("kink = 0 given explicitly", "kink=0 given explicitly, with ties"),
        ("a value equal to the kink: the flat side wins (ties)", "values exactly on the kink (ties)"),
        ("ties at a kink that is not 0, 3-D", "ties with a kink at -0.25, 3-D"),
        ("kink a number", "kink at 0.7"),
        ("kink an array, broadcast", "one kink per column (broadcast)"),
        ("crossings in both directions", "random values, default kink 0"),
        ("0-d arrays, a crossing that ends on the kink", "single numbers"),
        ("Python numbers", "Python floats (not arrays), crossing"),
    ),
}
