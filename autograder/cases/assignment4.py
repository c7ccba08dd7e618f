"""Hidden-test cases of Assignment 4 (optimizers, schedules, second-order methods).

Course convention: every update rule is `next_w, config = rule(w, dw, config)`
with CS231n's config keys (`learning_rate`, `momentum`, `velocity`,
`decay_rate`, `cache`, `beta1`, `beta2`, `epsilon`, `m`, `v`, `t`; Adadelta
adds `delta_cache`). A rule case runs several steps, each with its own seeded
gradient, passing the returned config to the next call as CS231n's Solver
does, and compares next_w after every step and the state left in config.
"""
import copy

import numpy as np

from autograder.cases.assignment3 import as_array
from autograder.cases.base import Case, Part, StudentOutputError

TOL = 1e-7               # float64 cases: each answer is a few exact arithmetic operations
FLOAT32_TOL = 1e-5       # float32 cases: a correct answer in another order differs by float32 rounding


# ---------------------------------------------------------------------------
# Update rules
# ---------------------------------------------------------------------------
def normal(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def positive(rng, shape, dtype):
    """A running average of squares: positive."""
    return rng.uniform(0.05, 2.0, shape).astype(dtype)


def case(name, make_inputs, tol=TOL):
    """A Case with this assignment's float64 tolerance by default."""
    return Case(name, make_inputs, tol)


def rule_case(seed, shape=(5,), steps=3, hyper=None, state=None, grad_scale=1.0, dtype=np.float64,
              zero_grad_step=None):
    """w, `steps` gradients and a starting config (None when neither hyper nor state is given).

    hyper: hyperparameters to put in config; state: {key: maker(rng, shape, dtype) or a number},
    a state carried over from earlier steps (e.g. a velocity, or t for Adam).
    """
    def make():
        rng = np.random.default_rng(seed)
        w = rng.standard_normal(shape).astype(dtype)
        grads = [(grad_scale * rng.standard_normal(shape)).astype(dtype) for _ in range(steps)]
        if zero_grad_step is not None:
            grads[zero_grad_step] = np.zeros(shape, dtype=dtype)
        config = None
        if hyper is not None or state is not None:
            config = dict(hyper or {})
            for key, value in (state or {}).items():
                config[key] = value(rng, shape, dtype) if callable(value) else value
        return {"w": w, "grads": grads, "config": config}
    return make


def rule_cases(hyper, state):
    """The same kinds of cases for every rule: defaults, several steps, shapes, a carried-over
    state, tiny and large gradients (where epsilon matters or not), float32."""
    return [
        case("three steps from config=None (the defaults)", rule_case(0, steps=3)),
        case("one step from config=None", rule_case(1, shape=(6,), steps=1)),
        case("four steps, your own hyperparameters, W of shape (4, 3)", rule_case(2, (4, 3), 4, hyper)),
        case("three steps, W of shape (2, 3, 2, 2)", rule_case(3, (2, 3, 2, 2), 3, hyper)),
        case("two steps from a state left by earlier steps", rule_case(4, (3, 4), 2, hyper, state)),
        case("tiny gradients (about 1e-5)", rule_case(5, (7,), 3, hyper, grad_scale=1e-5)),
        case("large gradients (about 1e3)", rule_case(6, (5,), 3, hyper, grad_scale=1e3)),
        case("a zero gradient in the middle step", rule_case(7, (4,), 3, hyper, zero_grad_step=1)),
        case("one parameter (shape (1,))", rule_case(8, (1,), 4, hyper)),
        case("float32 w and dw", rule_case(9, (3, 5), 3, hyper, dtype=np.float32), tol=FLOAT32_TOL),
        case("a config with one key, the others left out", rule_case(10, (3,), 2, dict(list(hyper.items())[:1]))),
    ]


SCALAR_KEYS = ("t",)


def rule_caller(state_keys):
    """call(func, inputs) that runs the steps of one case and names every output."""
    def call(func, inputs):
        name = getattr(func, "__name__", "the rule")
        w, config = inputs["w"].copy(), copy.deepcopy(inputs["config"])
        outputs = {}
        for step, dw in enumerate(inputs["grads"], start=1):
            result = func(w.copy(), dw.copy(), config)
            if not isinstance(result, tuple) or len(result) != 2:
                raise StudentOutputError(f"{name} should return a tuple (next_w, config); "
                                         f"it returned {type(result).__name__}.")
            next_w, config = result
            if not isinstance(config, dict):
                raise StudentOutputError(f"{name} should return config as a dict (the second item of the "
                                         f"tuple); it returned {type(config).__name__}.")
            outputs[f"next_w (step {step})"] = as_array(f"next_w (step {step})", next_w, inputs["w"].shape)
            w = np.array(next_w, copy=True)
        for key in state_keys:
            if key not in config:
                raise StudentOutputError(f"{name}: config has no key '{key}' after the update; store the "
                                         f"new value in config['{key}'] so the next call can use it.")
            shape = () if key in SCALAR_KEYS else inputs["w"].shape
            outputs[f"config['{key}']"] = as_array(f"config['{key}']", config[key], shape)
        return outputs
    return call


def rule_part(target, hyper, state, state_keys, extra_cases=()):
    return Part(target, rule_caller(state_keys), rule_cases(hyper, state) + list(extra_cases))


def zero_momentum_case():
    return case("momentum=0 given explicitly (plain SGD)", rule_case(11, (4,), 3, {"learning_rate": 0.05, "momentum": 0.0},
                                                                     {"velocity": normal}))


# ---------------------------------------------------------------------------
# Exponentially weighted average
# ---------------------------------------------------------------------------
def ewa_case(seed, T=20, beta=0.9, bias_correction=True, constant=None, trend=0.0, integers=False):
    """bias_correction=None leaves the argument out (its default is True)."""
    def make():
        rng = np.random.default_rng(seed)
        if constant is not None:
            values = np.full(T, float(constant))
        elif integers:
            values = rng.integers(0, 20, size=T)
        else:
            values = 10.0 + trend * np.arange(T) + rng.standard_normal(T)
        return {"values": values, "beta": beta, "bias_correction": bias_correction}
    return make


def call_ewa(func, inputs):
    values = inputs["values"]
    options = {} if inputs["bias_correction"] is None else {"bias_correction": inputs["bias_correction"]}
    given = values.copy()
    result = func(given, inputs["beta"], **options)
    return {"averages": as_array("the averages", result, values.shape),
            "values_unchanged": float(np.array_equal(given, values))}


def ewa_cases():
    return [
        case("noisy series, beta=0.9, bias-corrected", ewa_case(20)),
        case("noisy series, beta=0.9, not corrected", ewa_case(21, bias_correction=False)),
        case("beta=0.5, trend, bias-corrected", ewa_case(22, T=15, beta=0.5, trend=0.3)),
        case("beta=0.98, 60 values, bias-corrected", ewa_case(23, T=60, beta=0.98)),
        case("beta=0.98, 60 values, not corrected", ewa_case(24, T=60, beta=0.98, bias_correction=False)),
        case("a constant series", ewa_case(25, T=12, beta=0.9, constant=3.57)),
        case("one value", ewa_case(26, T=1, beta=0.9)),
        case("beta=0 (no averaging)", ewa_case(27, T=8, beta=0.0)),
        case("integer values (the averages are not)", ewa_case(28, T=10, beta=0.7, integers=True)),
        case("bias_correction left out (default True)", ewa_case(29, T=9, beta=0.8, bias_correction=None)),
    ]


# ---------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------
def schedule_case(learning_rate, epoch, **options):
    def make():
        return {"learning_rate": learning_rate, "epoch": copy.deepcopy(epoch), "options": options}
    return make


def call_schedule(func, inputs):
    epoch = inputs["epoch"]
    given = copy.deepcopy(epoch)
    result = func(inputs["learning_rate"], given, **inputs["options"])
    return {"learning_rate": as_array("the learning rate", result, np.shape(epoch)),
            "epoch_unchanged": float(np.array_equal(given, epoch))}


EPOCHS = np.arange(0, 31)


def step_decay_cases():
    # Learning rates with three significant digits: no reference value is a round number that a
    # relative error printed in a message (e.g. "1.0e-01") could be mistaken for.
    return [
        case("epochs 0..30 (an int array), step_size=10, factor=0.5",
             schedule_case(0.137, EPOCHS, step_size=10, factor=0.5)),
        case("epochs 0..30, step_size=4, factor=0.1", schedule_case(3.71e-3, EPOCHS, step_size=4, factor=0.1)),
        case("the defaults, epochs 0..30", schedule_case(1.23e-3, EPOCHS)),
        case("one epoch as an int (epoch 7, step_size=3)", schedule_case(0.219, 7, step_size=3, factor=0.3)),
        case("epoch 0", schedule_case(0.0537, 0, step_size=5, factor=0.5)),
        case("fractional epochs", schedule_case(0.113, np.linspace(0, 12, 25), step_size=5, factor=0.2)),
        case("one fractional epoch as a float (9.5, the defaults)", schedule_case(0.0731, 9.5)),
    ]


def smooth_decay_cases():
    return [
        case("epochs 0..30 (an int array), k=0.1", schedule_case(0.137, EPOCHS, k=0.1)),
        case("epochs 0..30, k=0.5", schedule_case(3.71e-3, EPOCHS, k=0.5)),
        case("the default k, epochs 0..30", schedule_case(1.23e-3, EPOCHS)),
        case("one epoch as an int (epoch 7)", schedule_case(0.219, 7, k=0.3)),
        case("epoch 0", schedule_case(0.0537, 0, k=0.2)),
        case("fractional epochs, k=0.05", schedule_case(0.113, np.linspace(0, 40, 33), k=0.05)),
        case("one fractional epoch as a float (2.5)", schedule_case(0.0731, 2.5, k=0.2)),
    ]


# ---------------------------------------------------------------------------
# Newton's method
# ---------------------------------------------------------------------------
def newton_case(seed, D=4, kind="convex", dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((D, D))
        if kind == "convex":
            H = A @ A.T + D * np.eye(D)
        else:   # symmetric with eigenvalues of both signs: a saddle
            Q, _ = np.linalg.qr(A)
            H = Q @ np.diag(np.linspace(-2.0, 3.0, D) + 0.25) @ Q.T
        return {"w": rng.standard_normal(D).astype(dtype), "grad": rng.standard_normal(D).astype(dtype),
                "hessian": H.astype(dtype)}
    return make


def call_newton(func, inputs):
    w = inputs["w"]
    next_w = func(w.copy(), inputs["grad"].copy(), inputs["hessian"].copy())
    return {"next_w": as_array("next_w", next_w, w.shape)}


def newton_cases():
    return [
        case("convex, D=4, seed 40", newton_case(40)),
        case("convex, D=9, seed 41", newton_case(41, D=9)),
        case("a saddle (indefinite Hessian), D=5", newton_case(42, D=5, kind="saddle")),
        case("one parameter (D=1)", newton_case(43, D=1)),
        case("float32 inputs", newton_case(44, D=6, dtype=np.float32), tol=FLOAT32_TOL),
    ]


PARTS = {
    "sgd": rule_part("sgd", {"learning_rate": 0.3}, {}, []),
    "sgd_momentum": rule_part("sgd_momentum", {"learning_rate": 0.05, "momentum": 0.7},
                              {"velocity": normal}, ["velocity"], [zero_momentum_case()]),
    "nesterov": rule_part("nesterov", {"learning_rate": 0.05, "momentum": 0.8}, {"velocity": normal}, ["velocity"],
                          [zero_momentum_case()]),
    "adagrad": rule_part("adagrad", {"learning_rate": 0.2, "epsilon": 1e-7}, {"cache": positive}, ["cache"]),
    "rmsprop": rule_part("rmsprop", {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-7},
                         {"cache": positive}, ["cache"]),
    "adadelta": rule_part("adadelta", {"decay_rate": 0.9, "epsilon": 1e-5},
                          {"cache": positive, "delta_cache": positive}, ["cache", "delta_cache"]),
    "adam": rule_part("adam", {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7},
                      {"m": normal, "v": positive, "t": 7}, ["m", "v", "t"]),
    "exponentially_weighted_average": Part("exponentially_weighted_average", call_ewa, ewa_cases()),
    "step_decay": Part("step_decay", call_schedule, step_decay_cases()),
    "exponential_decay": Part("exponential_decay", call_schedule, smooth_decay_cases()),
    "inverse_time_decay": Part("inverse_time_decay", call_schedule, smooth_decay_cases()),
    "newton_step": Part("newton_step", call_newton, newton_cases()),
}

# Parts computed from other graded parts: the escape experiment runs the
# student's SGD and momentum, the CIFAR-10 comparison every rule. A bug is
# counted once, in the part it is in (see autograder/grading/dependencies.py).
RULES = ["sgd", "sgd_momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"]
DEPENDS_ON = {
    "escape_local_minimum": ["sgd", "sgd_momentum"],
    "optimizer_comparison": RULES,
}


# ---------------------------------------------------------------------------
# The contracts: what each graded function's docstring allows or promises, and the hidden case
# that covers it (tests/unit/test_contracts.py checks every graded part has its table)
# ---------------------------------------------------------------------------
RULE_CONTRACT = (
    ("config None: every default", "three steps from config=None (the defaults)"),
    ("one call", "one step from config=None"),
    ("config with every key given", "four steps, your own hyperparameters, W of shape (4, 3)"),
    ("config with keys left out (their defaults)", "a config with one key, the others left out"),
    ("the returned config passed to the next call", "three steps from config=None (the defaults)"),
    ("a state left by earlier steps", "two steps from a state left by earlier steps"),
    ("w of shape (D, C)", "four steps, your own hyperparameters, W of shape (4, 3)"),
    ("w of any number of dimensions", "three steps, W of shape (2, 3, 2, 2)"),
    ("w with one entry", "one parameter (shape (1,))"),
    ("float32 w and dw", "float32 w and dw"),
    ("tiny gradients (epsilon matters)", "tiny gradients (about 1e-5)"),
    ("large gradients", "large gradients (about 1e3)"),
    ("a zero gradient", "a zero gradient in the middle step"),
)
ZERO_MOMENTUM = (("momentum = 0 given explicitly: plain SGD", "momentum=0 given explicitly (plain SGD)"),)
STEP_DECAY_CONTRACT = (
    ("epoch an integer array", "epochs 0..30 (an int array), step_size=10, factor=0.5"),
    ("epoch exactly at a drop (a tie at the kink of floor)", "epochs 0..30, step_size=4, factor=0.1"),
    ("epoch a fractional array, not modified", "fractional epochs"),
    ("epoch a Python int", "one epoch as an int (epoch 7, step_size=3)"),
    ("epoch a Python float", "one fractional epoch as a float (9.5, the defaults)"),
    ("epoch 0", "epoch 0"),
    ("step_size and factor left out (10, 0.5)", "the defaults, epochs 0..30"),
)
SMOOTH_DECAY_CONTRACT = (
    ("epoch an integer array", "epochs 0..30 (an int array), k=0.1"),
    ("epoch a fractional array, not modified", "fractional epochs, k=0.05"),
    ("epoch a Python int", "one epoch as an int (epoch 7)"),
    ("epoch a Python float", "one fractional epoch as a float (2.5)"),
    ("epoch 0", "epoch 0"),
    ("k given", "epochs 0..30, k=0.5"),
    ("k left out (0.1)", "the default k, epochs 0..30"),
)
CONTRACTS = {
    "sgd": RULE_CONTRACT,
    "sgd_momentum": RULE_CONTRACT + ZERO_MOMENTUM,
    "nesterov": RULE_CONTRACT + ZERO_MOMENTUM,
    "adagrad": RULE_CONTRACT,
    "rmsprop": RULE_CONTRACT,
    "adadelta": RULE_CONTRACT,
    "adam": RULE_CONTRACT + (("t carried over (incremented before use)", "two steps from a state left by earlier steps"),),
    "exponentially_weighted_average": (
        ("bias_correction True", "noisy series, beta=0.9, bias-corrected"),
        ("bias_correction False", "noisy series, beta=0.9, not corrected"),
        ("bias_correction left out (True)", "bias_correction left out (default True)"),
        ("beta = 0 (no averaging)", "beta=0 (no averaging)"),
        ("beta close to 1, a long series", "beta=0.98, 60 values, bias-corrected"),
        ("T = 1", "one value"),
        ("a constant series (exact with the correction)", "a constant series"),
        ("integer values: float averages", "integer values (the averages are not)"),
        ("values not modified", "noisy series, beta=0.9, bias-corrected"),
    ),
    "step_decay": STEP_DECAY_CONTRACT,
    "exponential_decay": SMOOTH_DECAY_CONTRACT,
    "inverse_time_decay": SMOOTH_DECAY_CONTRACT,
    "newton_step": (
        ("a convex (positive definite) Hessian", "convex, D=4, seed 40"),
        ("a larger D", "convex, D=9, seed 41"),
        ("an indefinite (symmetric) Hessian", "a saddle (indefinite Hessian), D=5"),
        ("D = 1", "one parameter (D=1)"),
        ("float32 inputs", "float32 inputs"),
    ),
}
