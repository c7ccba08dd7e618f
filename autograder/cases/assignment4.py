"""Hidden-test cases of Assignment 4 (optimizers, schedules, second-order methods).

Course convention: every update rule is `next_w, config = rule(w, dw, config)`
with CS231n's config keys (`learning_rate`, `momentum`, `velocity`,
`decay_rate`, `cache`, `beta1`, `beta2`, `epsilon`, `m`, `v`, `t`; Adadelta
adds `delta_cache`). A rule case runs several steps, each with its own seeded
gradient, passing the returned config to the next call as CS231n's Solver
does, and compares next_w after every step and the state left in config.
"""
import copy
import functools

import numpy as np

from autograder.cases.assignment3 import as_array
from autograder.cases.base import Case, Part, StatePart, StudentOutputError
from autograder.cases.state import accuracy_of, numbers, params, splits, threshold, two_layer_scores, unpacked, value

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
# Parts that check notebook state (autograder.cases.base.StatePart)
# ---------------------------------------------------------------------------
ESCAPE_START = (2.0, 1.0)        # the notebook's w0
ESCAPE_STEPS, ESCAPE_LR, ESCAPE_MOMENTUM = 300, 0.02, 0.9
CANDIDATE_LRS = {                # the notebook's candidate_lrs (None: Adadelta has no learning rate)
    "sgd": [3e-2, 1e-1, 3e-1], "sgd_momentum": [3e-3, 1e-2, 3e-2, 1e-1], "nesterov": [3e-3, 1e-2, 3e-2, 1e-1],
    "adagrad": [1e-3, 3e-3, 1e-2, 3e-2], "rmsprop": [1e-4, 3e-4, 1e-3], "adadelta": [None],
    "adam": [3e-4, 1e-3, 3e-3, 1e-2],
}


def shallow_f(x, y):
    """The notebook's shallow-minimum function (TEST_FUNCTIONS["shallow minimum"])."""
    return (x ** 2 - 1) ** 2 + 0.5 * x + y ** 2


def shallow_grad(w):
    return np.array([4 * w[0] * (w[0] ** 2 - 1) + 0.5, 2 * w[1]])


def run_rule(rule, grad_fn, w0, config, num_steps):
    """The notebook's provided run_rule: the path of `rule` from w0, shape (num_steps + 1, D)."""
    w = np.array(w0, dtype=np.float64)
    config = None if config is None else dict(config)
    path = [w.copy()]
    for _ in range(num_steps):
        w, config = rule(w, grad_fn(w), config)
        path.append(np.array(w, dtype=np.float64))
    return np.array(path)


def record_escape(ns):
    return {name: numbers(name, value(ns, name)).astype(np.float64) for name in ("path_sgd", "path_momentum")}


def recompute_escape(ns):
    w0 = np.array(ESCAPE_START)
    return {"path_sgd": run_rule(ns["sgd"], shallow_grad, w0, {"learning_rate": ESCAPE_LR}, ESCAPE_STEPS),
            "path_momentum": run_rule(ns["sgd_momentum"], shallow_grad, w0,
                                      {"learning_rate": ESCAPE_LR, "momentum": ESCAPE_MOMENTUM}, ESCAPE_STEPS)}


def rule_gaps(path_sgd, path_momentum):
    """How far each path is from following its rule (largest error of one step)."""
    grads = np.array([shallow_grad(w) for w in path_sgd[:-1]])
    sgd_gap = np.max(np.abs(path_sgd[1:] - (path_sgd[:-1] - ESCAPE_LR * grads)))
    grads = np.array([shallow_grad(w) for w in path_momentum[1:-1]])
    expected = path_momentum[1:-1] + ESCAPE_MOMENTUM * (path_momentum[1:-1] - path_momentum[:-2]) - ESCAPE_LR * grads
    return sgd_gap, np.max(np.abs(path_momentum[2:] - expected))


def check_escape(values):
    path_sgd, path_momentum = values["path_sgd"], values["path_momentum"]
    for name, path in (("path_sgd", path_sgd), ("path_momentum", path_momentum)):
        if path.shape != (ESCAPE_STEPS + 1, 2):
            return [f"{name} should have shape {(ESCAPE_STEPS + 1, 2)}: run_rule(rule, shallow_grad, w0, config, 300) "
                    "returns 301 points"]
        if not np.allclose(path[0], ESCAPE_START, rtol=1e-12, atol=0):
            return [f"{name}[0] should be w0 = {list(ESCAPE_START)}"]
    sgd_gap, momentum_gap = rule_gaps(path_sgd, path_momentum)
    if not sgd_gap < 1e-9:
        return [f"path_sgd does not follow SGD with learning_rate 0.02 (a point is off by {sgd_gap:.1e})"]
    if not momentum_gap < 1e-9:
        return [f"path_momentum does not follow momentum 0.9 with learning_rate 0.02 (a point is off by "
                f"{momentum_gap:.1e})"]
    sgd_end, momentum_end = path_sgd[-1], path_momentum[-1]
    if not (np.linalg.norm(shallow_grad(sgd_end)) < 1e-3 and sgd_end[0] > 0):
        return ["SGD should end at rest in the shallow minimum (x > 0)"]
    if not (np.linalg.norm(shallow_grad(momentum_end)) < 1e-3 and momentum_end[0] < 0
            and shallow_f(*momentum_end) < shallow_f(*sgd_end) - 0.5):
        return ["momentum should roll over the ridge and end at rest in the deep minimum (x < 0)"]
    return []


@functools.cache
def scaled_validation():
    """(X_val, y_val) as the notebook scales them (divided by the pixel std of 5,000 training images)."""
    val = splits(False, ("X_val", "y_val"))
    X_val = val["X_val"].copy()
    X_val /= float(splits(False, ("X_train",), 5000)["X_train"].std())
    return X_val, val["y_val"]


def record_comparison(ns):
    comparison = value(ns, "comparison")
    if not isinstance(comparison, dict) or set(comparison) != set(RULES):
        raise NameError(f"comparison should have one entry per rule, {sorted(RULES)}: run the cell above after "
                        "filling it in.")
    values = {}
    for name in RULES:
        result = comparison[name]
        if not isinstance(result, dict) or not {"learning_rate", "loss_history", "net"} <= set(result):
            raise TypeError(f"comparison['{name}'] should be a dict with learning_rate, loss_history and net.")
        lr = result["learning_rate"]
        values[f"{name}.learning_rate"] = np.nan if lr is None else float(lr)
        values[f"{name}.iterations"] = float(len(result["loss_history"]))
        values.update(params(name, result["net"]))
    return values


def check_comparison(values):
    every, best = threshold(0.20, 0.40), threshold(0.33, 0.45)
    final_iters = threshold(100, 800)
    X_val, y_val = scaled_validation()
    accuracies = {}
    for name in RULES:
        lr = values[f"{name}.learning_rate"]
        if not any((c is None and np.isnan(lr)) or (c is not None and lr == c) for c in CANDIDATE_LRS[name]):
            return [f"{name}: the learning rate should be one of candidate_lrs['{name}']"]
        if values[f"{name}.iterations"] != final_iters:
            return [f"{name}: the final run should take final_iters = {final_iters} iterations (the same budget for "
                    f"every rule); its loss_history has {int(values[f'{name}.iterations'])}"]
        accuracies[name] = accuracy_of(two_layer_scores(unpacked(values, name), X_val), y_val)
        if not accuracies[name] >= every:
            return [f"{name} reaches a validation accuracy of {accuracies[name]:.3f}; every rule should reach {every}"]
    winner = max(accuracies, key=accuracies.get)
    if not accuracies[winner] >= best:
        return [f"the best rule ({winner}) reaches {accuracies[winner]:.3f}; at least {best} is expected"]
    return []


STATE_PARTS = {
    "escape_local_minimum": StatePart(record_escape, check_escape, recompute_escape),
    "optimizer_comparison": StatePart(record_comparison, check_comparison),
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
