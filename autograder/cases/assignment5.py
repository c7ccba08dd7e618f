"""Hidden-test cases of Assignment 5 (training practice and generalization).

Course conventions: X is (N, D), images are (N, H, W, C), losses average over N,
the L2 penalty is 0.5 * reg * sum(W**2) (so weight decay reg is its gradient
step), and update rules share `next_w, config = rule(w, dw, config)`.

The random functions (log_uniform, k_fold_indices, dropout_forward,
random_flip, random_crop) follow a seeded contract stated in their
docstrings, so their outputs are compared exactly like any other. Backward
functions get their cache built here, in the documented format, so a bug in a
forward function never costs the backward part.
"""
import functools
import warnings

import numpy as np

from autograder.cases.assignment3 import FLOAT32_TOL, as_array, as_tuple
from autograder.cases.base import Case, Part, StatePart, StudentOutputError
from autograder.cases.state import accuracy_of, number, numbers, params, splits, threshold, unpacked, value


def unchanged(name, before, after):
    if not np.array_equal(before, after):
        raise StudentOutputError(f"{name} changed its input in place; work on a copy.")


# ---------------------------------------------------------------------------
# Hyperparameter search
# ---------------------------------------------------------------------------
def log_uniform_case(low_exp, high_exp, size, seed):
    return lambda: {"low_exp": low_exp, "high_exp": high_exp, "size": size, "seed": seed}


def call_log_uniform(func, inputs):
    values = func(inputs["low_exp"], inputs["high_exp"], inputs["size"], inputs["seed"])
    return {"values": as_array("log_uniform(...)", values, np.empty(inputs["size"]).shape)}


def log_uniform_cases():
    return [
        Case("exponents -5 to -1, 10 values, seed 0", log_uniform_case(-5, -1, 10, 0)),
        Case("shape (4, 3), exponents -3 to 0, seed 1", log_uniform_case(-3, 0, (4, 3), 1)),
        Case("one value (size=1)", log_uniform_case(0, 3, 1, 3)),
        Case("low_exp == high_exp", log_uniform_case(-2, -2, 5, 2)),
        Case("non-integer exponents, 50 values, seed 5", log_uniform_case(1.5, 2.5, 50, 5)),
        Case("3-D shape, seed 4", log_uniform_case(-6, -4, (2, 2, 2), 4)),
    ]


BORDERS = {"low": -1.0, None: 0.0, "high": 1.0}


# Values and scores are scaled and shifted off round numbers, so that no reference
# value looks like a number a feedback message prints (a relative error of 5.0e-01).
VALUE_SCALE, SCORE_SHIFT = np.pi / 3, 0.0123


def border_case(values, scores):
    return lambda: {"values": VALUE_SCALE * np.array(values, dtype=np.float64),
                    "scores": SCORE_SHIFT + np.array(scores, dtype=np.float64)}


def call_best_on_border(func, inputs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(inputs["values"].copy(), inputs["scores"].copy())
    best_value, border = as_tuple("best_on_border", result, 2, "(best_value, border)")
    if border not in BORDERS:
        raise StudentOutputError(f"best_on_border: border should be 'low', 'high' or None; it is {border!r}.")
    return {"best_value": as_array("best_value", best_value, ()), "border": np.float64(BORDERS[border]),
            "warned": np.float64(warning_kind(caught, border))}


def warning_kind(caught, border):
    """1 for a UserWarning (what the docstring asks), 2 for a border reported with only warnings of
    another category (so that bug is told apart from no warning at all), 0 for none."""
    if any(issubclass(w.category, UserWarning) for w in caught):
        return 1
    return 2 if caught and border is not None else 0


def best_on_border_cases():
    nan = float("nan")
    return [
        Case("sorted values, best inside", border_case([1e-4, 1e-3, 1e-2, 1e-1], [0.2, 0.5, 0.4, 0.1])),
        Case("best is the smallest value, in the first position", border_case([0.01, 0.3, 0.2], [0.6, 0.1, 0.3])),
        Case("best is the largest value, in the first position", border_case([3.0, 1.0, 2.0], [0.9, 0.1, 0.5])),
        Case("best is the smallest value, in the middle", border_case([0.3, 0.01, 0.2, 0.05], [0.1, 0.6, 0.3, 0.2])),
        Case("best in the last position but inside the range", border_case([0.1, 10.0, 1.0], [0.2, 0.3, 0.7])),
        Case("a nan score (a diverged run)", border_case([1e-3, 1e-1, 1e-2, 1e-4], [0.40, nan, 0.45, 0.30])),
        Case("nan scores on both borders", border_case([5.0, 0.5, 2.0, 1.0], [nan, nan, 0.2, 0.3])),
        Case("tie: the first in order is inside", border_case([2.0, 1.0, 3.0], [0.5, 0.1, 0.5])),
        Case("tie: the first in order is on the border", border_case([3.0, 2.0, 1.0], [0.5, 0.5, 0.1])),
        Case("two values", border_case([0.5, 0.25], [0.1, 0.2])),
        Case("negative values (log10 exponents)", border_case([-3.0, -1.0, -4.0, -2.0], [0.3, 0.2, 0.1, 0.4])),
    ]


# ---------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------
def k_fold_case(n, k, seed, labels=None):
    return lambda: {"n": n, "k": k, "seed": seed, "stratify": None if labels is None else np.array(labels)}


def membership(name, index, n):
    """Count per example (n,) of an index array, which must hold integers in 0..n-1."""
    index = np.asarray(index)
    if index.ndim != 1 or (index.size and not np.issubdtype(index.dtype, np.integer)):
        raise StudentOutputError(f"k_fold_indices: {name} should be a 1-D array of integer indices.")
    if index.size and (index.min() < 0 or index.max() >= n):
        raise StudentOutputError(f"k_fold_indices: {name} holds an index outside 0..n-1.")
    return np.bincount(index, minlength=n).astype(np.float64)


def call_k_fold_indices(func, inputs):
    n, k = inputs["n"], inputs["k"]
    stratify = inputs["stratify"]
    folds = func(n, k, inputs["seed"], stratify=None if stratify is None else stratify.copy())
    if not isinstance(folds, (list, tuple)) or len(folds) != k:
        raise StudentOutputError(f"k_fold_indices should return a list of k = {k} (train_idx, val_idx) pairs.")
    train, val = [], []
    for i, fold in enumerate(folds):
        train_idx, val_idx = as_tuple(f"fold {i}", tuple(fold) if isinstance(fold, (list, tuple)) else fold, 2,
                                      "(train_idx, val_idx)")
        train.append(membership(f"train_idx of fold {i}", train_idx, n))
        val.append(membership(f"val_idx of fold {i}", val_idx, n))
    return {"train_membership": np.array(train), "val_membership": np.array(val)}


def k_fold_cases():
    rng = np.random.default_rng(40)
    return [
        Case("n=10, k=2, seed 0", k_fold_case(10, 2, 0)),
        Case("n=23, k=5 (uneven folds), seed 1", k_fold_case(23, 5, 1)),
        Case("leave-one-out (k = n = 7)", k_fold_case(7, 7, 2)),
        Case("n=100, k=10, seed 6", k_fold_case(100, 10, 6)),
        Case("stratified, 3 classes of uneven sizes", k_fold_case(30, 4, 3, [0] * 14 + [1] * 9 + [2] * 7)),
        Case("stratified, shuffled labels 2, 5, 9", k_fold_case(20, 3, 4, rng.choice([2, 5, 9], size=20).tolist())),
        Case("stratified, a single class", k_fold_case(9, 3, 5, [1] * 9)),
        Case("stratified, labels -1 and 1", k_fold_case(16, 4, 7, rng.choice([-1, 1], size=16).tolist())),
    ]


# ---------------------------------------------------------------------------
# Weight decay and L1
# ---------------------------------------------------------------------------
def weight_decay_case(seed, shape=(4, 3), config=(("learning_rate", 0.1), ("weight_decay", 0.3)), dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        return {"w": rng.standard_normal(shape).astype(dtype), "dw": rng.standard_normal(shape).astype(dtype),
                "config": None if config is None else dict(config)}
    return make


def call_sgd_weight_decay(func, inputs):
    w, dw = inputs["w"], inputs["dw"]
    config = None if inputs["config"] is None else dict(inputs["config"])
    given_w, given_dw = w.copy(), dw.copy()
    next_w, config = as_tuple("sgd_weight_decay", func(given_w, given_dw, config), 2, "(next_w, config)")
    if not isinstance(config, dict) or not {"learning_rate", "weight_decay"} <= set(config):
        raise StudentOutputError("sgd_weight_decay should return the config dict with learning_rate and weight_decay.")
    return {"next_w": as_array("next_w", next_w, w.shape),
            "w_and_dw_unchanged": float(np.array_equal(given_w, w) and np.array_equal(given_dw, dw))}


UPDATE_RULE_TOL = 1e-7   # update rules match their references to 1e-7 (issue 5)


def weight_decay_cases():
    return [
        Case("a typical step, seed 50", weight_decay_case(50), tol=UPDATE_RULE_TOL),
        Case("large weight decay (lr * reg is one half)",
             weight_decay_case(51, config=(("learning_rate", 0.5), ("weight_decay", 1.0))), tol=UPDATE_RULE_TOL),
        Case("config None: the defaults", weight_decay_case(52, config=None), tol=UPDATE_RULE_TOL),
        Case("only a learning rate given", weight_decay_case(53, shape=(6,), config=(("learning_rate", 0.05),)),
             tol=UPDATE_RULE_TOL),
        Case("only a weight decay given", weight_decay_case(54, shape=(2, 5), config=(("weight_decay", 0.2),)),
             tol=UPDATE_RULE_TOL),
        Case("float32 weights", weight_decay_case(55, shape=(5, 4), dtype=np.float32), tol=FLOAT32_TOL),
        Case("weight_decay=0 given explicitly", weight_decay_case(56, shape=(3, 3), config=(("learning_rate", 0.2),
                                                                                            ("weight_decay", 0.0))),
             tol=UPDATE_RULE_TOL),
    ]


def l1_case(seed, shape=(5, 4), reg=0.317, zeros=0, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        W = rng.standard_normal(shape)
        W.reshape(-1)[rng.choice(W.size, zeros, replace=False)] = 0.0
        return {"W": W.astype(dtype), "reg": reg}
    return make


def call_l1_penalty(func, inputs):
    W = inputs["W"]
    penalty, dW = as_tuple("l1_penalty", func(W.copy(), inputs["reg"]), 2, "(penalty, dW)")
    penalty = np.asarray(penalty, dtype=np.float64)
    if penalty.size != 1:
        raise StudentOutputError(f"l1_penalty: the penalty should be a single number; it has shape {penalty.shape}.")
    return {"penalty": penalty.reshape(()), "dW": as_array("dW", dW, W.shape)}


def l1_cases():
    return [
        Case("random W, seed 60", l1_case(60)),
        Case("exact zeros in W (the kink)", l1_case(61, shape=(6, 3), zeros=5)),
        Case("1-D W, large reg", l1_case(62, shape=(7,), reg=2.31)),
        Case("reg = 0", l1_case(63, reg=0.0)),
        Case("float32 W", l1_case(64, shape=(8, 5), reg=0.137, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------
def contract_mask(shape, p, seed):
    return (np.random.default_rng(seed).random(shape) < p) / p


def dropout_case(seed, shape=(6, 5), p=0.55, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        return {"x": (rng.standard_normal(shape) + 1.0).astype(dtype), "dout": rng.standard_normal(shape).astype(dtype),
                "p": p, "seed": seed + 1000, "mask": contract_mask(shape, p, seed + 1000)}
    return make


def check_dropout_cache(cache, param, mode):
    if not isinstance(cache, tuple) or len(cache) != 2 or cache[0] is not param:
        raise StudentOutputError(f"dropout_forward ({mode} mode): cache should be the tuple (dropout_param, mask); "
                                 "keep the given `cache = (dropout_param, mask)` line.")
    return cache[1]


def call_dropout_forward(func, inputs):
    x = inputs["x"]
    param = {"p": inputs["p"], "mode": "train", "seed": inputs["seed"]}
    out, cache = as_tuple("dropout_forward", func(x.copy(), param), 2, "(out, cache)")
    mask = check_dropout_cache(cache, param, "train")
    outputs = {"out": as_array("out (train mode)", out, x.shape), "mask": as_array("mask", mask, x.shape)}
    param = {"p": inputs["p"], "mode": "test", "seed": inputs["seed"]}
    out, cache = as_tuple("dropout_forward", func(x.copy(), param), 2, "(out, cache)")
    if check_dropout_cache(cache, param, "test") is not None:
        raise StudentOutputError("dropout_forward: in test mode the mask in the cache should be None.")
    outputs["out_test"] = as_array("out (test mode)", out, x.shape)
    return outputs


def call_dropout_backward(func, inputs):
    dout = inputs["dout"]
    param = {"p": inputs["p"], "mode": "train", "seed": inputs["seed"]}
    dx = func(dout.copy(), (param, inputs["mask"].copy()))
    outputs = {"dx": as_array("dx (train mode)", dx, dout.shape)}
    dx = func(dout.copy(), ({"p": inputs["p"], "mode": "test", "seed": inputs["seed"]}, None))
    outputs["dx_test"] = as_array("dx (test mode)", dx, dout.shape)
    return outputs


def dropout_cases():
    return [
        Case("keep half, seed 70", dropout_case(70)),
        Case("keep most, 4-D activations", dropout_case(71, shape=(2, 3, 4, 4), p=0.83)),
        Case("keep few, seed 72", dropout_case(72, shape=(10, 8), p=0.35)),
        Case("keep p = 1 (nothing dropped)", dropout_case(73, shape=(4, 4), p=1.0)),
        Case("one example (N=1)", dropout_case(74, shape=(1, 9), p=0.62)),
        Case("float32 activations", dropout_case(75, shape=(5, 7), p=0.71, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Early stopping
# ---------------------------------------------------------------------------
def stopping_case(scores, patience, min_delta=0.0):
    return lambda: {"scores": [score + SCORE_SHIFT for score in scores], "patience": patience, "min_delta": min_delta}


def call_early_stopping(cls, inputs):
    stopper = cls(inputs["patience"], min_delta=inputs["min_delta"])
    flags, best_epochs = [], []
    for score in inputs["scores"]:
        flag = stopper.update(score)
        if not isinstance(flag, (bool, np.bool_)):
            raise StudentOutputError(f"EarlyStopping.update should return True or False; it returned {flag!r}.")
        flags.append(float(flag))
        best_epochs.append(float(stopper.best_epoch))
    return {"stop_flags": np.array(flags), "best_epoch_after_each_update": np.array(best_epochs),
            "best_score": as_array("best_score", stopper.best_score, ())}


def early_stopping_cases():
    nan = float("nan")
    noisy = (0.3 + 0.2 * (1 - np.exp(-np.arange(25) / 5)) + 0.02 * np.random.default_rng(80).standard_normal(25)).tolist()
    return [
        Case("a plateau with ties, patience 3", stopping_case([0.30, 0.35, 0.34, 0.36, 0.35, 0.35, 0.36, 0.33], 3)),
        Case("always improving (never stops)", stopping_case([0.1, 0.2, 0.3, 0.4, 0.5], 2)),
        Case("falling from the first epoch, patience 2", stopping_case([0.6, 0.5, 0.4, 0.3], 2)),
        Case("a dip, then a new best", stopping_case([0.40, 0.38, 0.37, 0.41, 0.40, 0.39, 0.38], 3)),
        Case("a positive min_delta", stopping_case([0.5, 0.52, 0.525, 0.528, 0.545, 0.55, 0.552], 2, min_delta=0.01)),
        Case("nan scores (diverged epochs)", stopping_case([0.2, nan, 0.25, nan, nan, 0.24], 2)),
        Case("patience 1", stopping_case([0.1, 0.3, 0.2, 0.4, 0.4], 1)),
        Case("a noisy learning curve, patience 4", stopping_case(noisy, 4)),
    ]


# ---------------------------------------------------------------------------
# Data augmentation
# ---------------------------------------------------------------------------
def images_case(seed, shape=(6, 4, 5, 3), dtype=np.float64, padding=None):
    def make():
        rng = np.random.default_rng(seed)
        X = rng.integers(0, 256, size=shape).astype(dtype) if dtype == np.uint8 else (rng.standard_normal(shape) + 2.0).astype(dtype)
        return {"X": X, "seed": seed + 2000, "padding": padding}
    return make


def call_random_flip(func, inputs):
    X = inputs["X"]
    given = X.copy()
    out = func(given, inputs["seed"])
    unchanged("random_flip", X, given)
    return {"out": as_array("random_flip(X, seed)", out, X.shape)}


def call_random_crop(func, inputs):
    X = inputs["X"]
    given = X.copy()
    out = func(given, inputs["padding"], inputs["seed"])
    unchanged("random_crop", X, given)
    return {"out": as_array("random_crop(X, padding, seed)", out, X.shape)}


def flip_cases():
    return [
        Case("6 images 4x5x3, seed 90", images_case(90)),
        Case("20 images, odd width, seed 91", images_case(91, shape=(20, 3, 7, 3))),
        Case("one image (N=1)", images_case(92, shape=(1, 5, 5, 3))),
        Case("one channel", images_case(93, shape=(8, 4, 4, 1))),
        Case("uint8 images", images_case(94, shape=(10, 6, 6, 3), dtype=np.uint8)),
        Case("float32 images", images_case(95, shape=(7, 4, 6, 2), dtype=np.float32)),
    ]


def crop_cases():
    return [
        Case("padding 1, 8 images 5x5x3, seed 100", images_case(100, shape=(8, 5, 5, 3), padding=1)),
        Case("padding 0 (the identity)", images_case(101, shape=(3, 4, 4, 3), padding=0)),
        Case("padding 2, non-square images", images_case(102, shape=(6, 4, 7, 2), padding=2)),
        Case("padding 4 on 8x8 images (shifts past half the image)", images_case(103, shape=(12, 8, 8, 3), padding=4)),
        Case("one image (N=1)", images_case(104, shape=(1, 6, 6, 3), padding=3)),
        Case("uint8 images", images_case(105, shape=(9, 6, 6, 3), dtype=np.uint8, padding=2)),
        Case("float32 images", images_case(106, shape=(5, 5, 6, 1), dtype=np.float32, padding=1)),
    ]


# ---------------------------------------------------------------------------
# Label smoothing
# ---------------------------------------------------------------------------
def smoothing_case(seed, N=8, C=5, epsilon=0.1, scale=1.0, offset=0.0, one_class=None, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        scores = (scale * rng.standard_normal((N, C)) + offset).astype(dtype)
        y = np.full(N, one_class) if one_class is not None else rng.integers(0, C, size=N)
        return {"scores": scores, "y": y, "epsilon": epsilon}
    return make


def call_smoothed_loss(func, inputs):
    scores, y = inputs["scores"], inputs["y"]
    loss, dscores = as_tuple("smoothed_softmax_loss", func(scores.copy(), y.copy(), inputs["epsilon"]), 2,
                             "(loss, dscores)")
    loss = np.asarray(loss, dtype=np.float64)
    if loss.size != 1:
        raise StudentOutputError(f"smoothed_softmax_loss: loss should be a single number; it has shape {loss.shape}.")
    return {"loss": loss.reshape(()), "dscores": as_array("dscores", dscores, scores.shape)}


def smoothing_cases():
    return [
        Case("small epsilon, seed 110", smoothing_case(110)),
        Case("epsilon 0 (plain softmax), 10 classes", smoothing_case(111, N=12, C=10, epsilon=0.0, scale=2.0)),
        Case("epsilon one half, two classes", smoothing_case(112, N=9, C=2, epsilon=0.5)),
        Case("one example (N=1)", smoothing_case(113, N=1, C=4, epsilon=0.2)),
        Case("only one class present in y", smoothing_case(114, one_class=2, epsilon=0.3)),
        Case("large scores (around 1e3)", smoothing_case(115, N=6, C=4, epsilon=0.1, scale=300.0, offset=1000.0)),
        Case("float32 scores", smoothing_case(116, N=10, C=6, epsilon=0.15, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Batch normalization
# ---------------------------------------------------------------------------
def batchnorm_case(seed, N=8, D=4, N_test=5, running=True, momentum=None, eps=None, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        shift = rng.uniform(-5, 5, D)
        param = {}
        if running:
            param["running_mean"] = rng.standard_normal(D).astype(dtype)
            param["running_var"] = rng.uniform(0.5, 2.0, D).astype(dtype)
        if momentum is not None:
            param["momentum"] = momentum
        if eps is not None:
            param["eps"] = eps
        return {"x": (2.0 * rng.standard_normal((N, D)) + shift).astype(dtype),
                "x_test": (2.0 * rng.standard_normal((N_test, D)) + shift).astype(dtype),
                "gamma": rng.uniform(0.5, 2.0, D).astype(dtype), "beta": rng.standard_normal(D).astype(dtype),
                "bn_param": param, "dout": rng.standard_normal((N, D)).astype(dtype)}
    return make


def fresh_bn_param(inputs, mode):
    return {**{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs["bn_param"].items()}, "mode": mode}


def call_batchnorm_forward(func, inputs):
    x, gamma, beta = inputs["x"], inputs["gamma"], inputs["beta"]
    N, D = x.shape
    param = fresh_bn_param(inputs, "train")
    out, cache = as_tuple("batchnorm_forward", func(x.copy(), gamma.copy(), beta.copy(), param), 2, "(out, cache)")
    if not isinstance(cache, tuple) or len(cache) != 6:
        raise StudentOutputError("batchnorm_forward: in train mode the cache should be the tuple "
                                 "(x, x_hat, mu, var, gamma, eps).")
    outputs = {"out": as_array("out (train mode)", out, (N, D)),
               "cache_x_hat": as_array("x_hat in the cache", cache[1], (N, D)),
               "cache_mu": as_array("mu in the cache", cache[2], (D,)),
               "cache_var": as_array("var in the cache", cache[3], (D,))}
    for key in ("running_mean", "running_var"):
        if key not in param:
            raise StudentOutputError(f"batchnorm_forward should store the updated {key} in bn_param.")
        outputs[key] = as_array(f"bn_param['{key}'] after a train step", param[key], (D,))
    param["mode"] = "test"
    x_test = inputs["x_test"]
    out, _ = as_tuple("batchnorm_forward", func(x_test.copy(), gamma.copy(), beta.copy(), param), 2, "(out, cache)")
    outputs["out_test"] = as_array("out (test mode)", out, x_test.shape)
    outputs["running_mean_after_test"] = as_array("bn_param['running_mean'] after test mode", param["running_mean"], (D,))
    outputs["running_var_after_test"] = as_array("bn_param['running_var'] after test mode", param["running_var"], (D,))
    return outputs


def call_batchnorm_backward(func, inputs, trusted):
    """batchnorm_backward on a cache built by the trusted bn_cache (autograder/trusted/assignment5.py)."""
    dout, x = inputs["dout"], inputs["x"]
    dx, dgamma, dbeta = as_tuple("batchnorm_backward", func(dout.copy(), trusted["bn_cache"](inputs)), 3,
                                 "(dx, dgamma, dbeta)")
    D = x.shape[1]
    return {"dx": as_array("dx", dx, x.shape), "dgamma": as_array("dgamma", dgamma, (D,)),
            "dbeta": as_array("dbeta", dbeta, (D,))}


def batchnorm_cases():
    return [
        Case("N=8, D=4, seed 120", batchnorm_case(120)),
        Case("no running averages yet, default momentum and eps", batchnorm_case(121, N=10, D=3, running=False)),
        Case("custom momentum and eps", batchnorm_case(122, N=6, D=5, momentum=0.5, eps=1e-3)),
        Case("test batch of one example", batchnorm_case(123, N=12, D=4, N_test=1)),
        Case("one feature (D=1)", batchnorm_case(124, N=7, D=1)),
        Case("three examples (N=3)", batchnorm_case(125, N=3, D=3)),
        Case("float32 inputs", batchnorm_case(126, N=9, D=6, dtype=np.float32), tol=FLOAT32_TOL),
    ]


PARTS = {
    "log_uniform": Part("log_uniform", call_log_uniform, log_uniform_cases()),
    "best_on_border": Part("best_on_border", call_best_on_border, best_on_border_cases()),
    "k_fold_indices": Part("k_fold_indices", call_k_fold_indices, k_fold_cases()),
    "sgd_weight_decay": Part("sgd_weight_decay", call_sgd_weight_decay, weight_decay_cases()),
    "l1_penalty": Part("l1_penalty", call_l1_penalty, l1_cases()),
    "dropout_forward": Part("dropout_forward", call_dropout_forward, dropout_cases()),
    "dropout_backward": Part("dropout_backward", call_dropout_backward, dropout_cases()),
    "early_stopping": Part("EarlyStopping", call_early_stopping, early_stopping_cases()),
    "random_flip": Part("random_flip", call_random_flip, flip_cases()),
    "random_crop": Part("random_crop", call_random_crop, crop_cases()),
    "smoothed_softmax_loss": Part("smoothed_softmax_loss", call_smoothed_loss, smoothing_cases()),
    "batchnorm_forward": Part("batchnorm_forward", call_batchnorm_forward, batchnorm_cases()),
    "batchnorm_backward": Part("batchnorm_backward", call_batchnorm_backward, batchnorm_cases(), ("bn_cache",)),
}

# The search and the ensembles are computed with the student's sampling and
# border check, and the ensembles with the models of the student's search
# worker. A bug is counted once, in the part it is in (autograder/grading/dependencies.py).
SEARCH = ["log_uniform", "best_on_border"]
DEPENDS_ON = {
    "search_checkpoint": SEARCH,
    "ensemble_gain": SEARCH + ["search_checkpoint"],
}


# ---------------------------------------------------------------------------
# Parts that check notebook state (autograder.cases.base.StatePart)
# ---------------------------------------------------------------------------
ENSEMBLES = ("different initializations", "top 3 of the search", "checkpoints of one run",
             "running average of the parameters")
ACCURACY_FLIPS = 0.005   # 5 of 1,000 images whose predicted class can flip with the order of float arithmetic


@functools.cache
def scaled_validation():
    """(X_val, y_val) as the notebook scales them (divided by the pixel std of 5,000 training images)."""
    val = splits(False, ("X_val", "y_val"))
    X_val = val["X_val"].copy()
    X_val /= np.float32(splits(False, ("X_train",), 5000)["X_train"].std(dtype=np.float64))
    return X_val, val["y_val"]


def net_scores(p):
    """A Net's test-mode scores on the validation set, in float32 as the notebook computes them."""
    X_val, _ = scaled_validation()
    p = {k: np.asarray(v, dtype=np.float32) for k, v in p.items()}
    return (np.maximum(0, X_val @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]).astype(np.float64)


def net_accuracy(p):
    return accuracy_of(net_scores(p), scaled_validation()[1])


def probabilities(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def record_search_checkpoint(ns):
    path = value(ns, "checkpoint_path")
    try:
        with np.load(path) as saved:
            saved_params = {name: saved[name] for name in saved.files}
    except (OSError, ValueError) as error:
        raise NameError(f"no checkpoint could be read at {path} ({type(error).__name__}): save the best model "
                        "with np.savez(checkpoint_path, **model.params).") from None
    if not {"W1", "b1", "W2", "b2"} <= set(saved_params):
        raise NameError(f"the checkpoint should hold W1, b1, W2 and b2; it holds {sorted(saved_params)}. "
                        "Use np.savez(path, **model.params).")
    results = value(ns, "fine_results")
    best_model = value(ns, "best_model", "rebuild it from the file with net_with_params")
    model_params = getattr(best_model, "params", {})
    saved = {f"saved.{k}": numbers(f"saved['{k}']", saved_params[k]) for k in ("W1", "b1", "W2", "b2")}
    return {**saved,
            "results": numbers("fine_results", [float(val) for _, val in results.values()]).astype(np.float64),
            "trials": float(len(value(ns, "fine_trials"))), "best_val_acc": number(ns, "best_val_acc"),
            "best_model_is_saved": float(all(np.array_equal(model_params.get(k), v) for k, v in saved_params.items()))}


def check_search_checkpoint(values):
    results, best_val_acc = values["results"], float(values["best_val_acc"])
    if len(results) != values["trials"]:
        return [f"fine_results should hold one entry per trial ({int(values['trials'])}); it holds {len(results)}"]
    if not (results.size and best_val_acc == np.nanmax(results)):
        return ["best_val_acc should be the best of fine_results: keep the trial with the highest validation accuracy"]
    reloaded = net_accuracy(unpacked(values, "saved"))
    if not abs(reloaded - best_val_acc) <= ACCURACY_FLIPS:
        return [f"the saved model reaches a validation accuracy of {reloaded:.3f}, not best_val_acc = "
                f"{best_val_acc:.3f}: save the parameters of the best trial whenever a trial beats the best so far"]
    if not values["best_model_is_saved"]:
        return ["best_model differs from the file: build best_model from np.load(checkpoint_path)"]
    needed = threshold(0.30, 0.42)
    if not reloaded >= needed:
        return [f"the saved model reaches a validation accuracy of {reloaded:.3f}; at least {needed} is needed. "
                "Check the coarse ranges (section 1.3 tells you if the best value is on a border)"]
    return []


def record_ensembles(ns):
    ensembles, claimed = value(ns, "ensembles"), value(ns, "ensemble_val_acc")
    if not isinstance(ensembles, dict) or set(ensembles) != set(ENSEMBLES):
        raise NameError(f"ensembles should have the keys {sorted(ENSEMBLES)}: run the cell above after filling it in.")
    values = {"search": numbers("search_models", [float(v) for v, _ in value(ns, "search_models")]).astype(np.float64)}
    for i, name in enumerate(ENSEMBLES):
        values[f"claimed.{i}"] = numbers(f"ensemble_val_acc['{name}']", claimed[name]).astype(np.float64)
        values[f"count.{i}"] = float(len(ensembles[name]))
        for j, model in enumerate(ensembles[name]):
            values.update(params(f"model.{i}.{j}", model))
    ema = value(ns, "member_histories")[0]["ema"]
    values.update({f"ema.{k}": numbers(f"member_histories[0]['ema']['{k}']", v) for k, v in ema.items()
                   if k in ("W1", "b1", "W2", "b2")})
    return values


def check_ensembles(values):
    counts = [int(values[f"count.{i}"]) for i in range(len(ENSEMBLES))]
    if counts[1] != 3 or counts[2] != 3:
        return ["the top-of-the-search and checkpoint ensembles should hold 3 models each"]
    models = [[unpacked(values, f"model.{i}.{j}") for j in range(count)] for i, count in enumerate(counts)]
    singles = [[net_accuracy(p) for p in group] for group in models]
    top3 = sorted(values["search"])[-3:]
    if not np.allclose(sorted(singles[1]), top3, rtol=0, atol=ACCURACY_FLIPS):
        return ["the top 3 of the search should be the 3 models of search_models with the best validation accuracy"]
    if counts[3] != 1 or not all(np.array_equal(models[3][0][k], values[f"ema.{k}"]) for k in models[3][0]):
        return ["the running-average model should be net_with_params(member_histories[0]['ema'])"]
    y_val = scaled_validation()[1]
    recomputed = [accuracy_of(np.mean([probabilities(net_scores(p)) for p in group], axis=0), y_val)
                  for group in models]
    for i, name in enumerate(ENSEMBLES):
        if not abs(recomputed[i] - float(values[f"claimed.{i}"])) <= ACCURACY_FLIPS:
            return [f"ensemble_val_acc['{name}'] is {float(values[f'claimed.{i}']):.3f}, but the ensemble reaches "
                    f"{recomputed[i]:.3f}: average the probabilities over the models, then take the argmax"]
    best_single = max(acc for group, accs in zip(models, singles) if len(group) > 1 for acc in accs)
    if not max(recomputed) > best_single:
        return [f"the best ensemble ({max(recomputed):.3f}) should beat the best single model ({best_single:.3f}): "
                "average probabilities, not labels, and check that the members differ (different seeds)"]
    return []


STATE_PARTS = {
    "search_checkpoint": StatePart(record_search_checkpoint, check_search_checkpoint),
    "ensemble_gain": StatePart(record_ensembles, check_ensembles),
}


# ---------------------------------------------------------------------------
# The contracts: what each graded function's docstring allows or promises, and the hidden case
# that covers it (tests/unit/test_contracts.py checks every graded part has its table)
# ---------------------------------------------------------------------------
DROPOUT_CONTRACT = (
    ("train mode: the seeded mask", "keep half, seed 70"),
    ("test mode: out = x, mask None", "keep half, seed 70"),
    ("x of any shape (4-D)", "keep most, 4-D activations"),
    ("p = 1: nothing dropped", "keep p = 1 (nothing dropped)"),
    ("a small p", "keep few, seed 72"),
    ("N = 1", "one example (N=1)"),
    ("float32 x", "float32 activations"),
)
BATCHNORM_CONTRACT = (
    ("train mode, then test mode", "N=8, D=4, seed 120"),
    ("running averages left out (zeros), eps and momentum left out", "no running averages yet, default momentum and eps"),
    ("eps and momentum given", "custom momentum and eps"),
    ("a test batch of one example", "test batch of one example"),
    ("D = 1", "one feature (D=1)"),
    ("a small N", "three examples (N=3)"),
    ("float32 inputs", "float32 inputs"),
)
CONTRACTS = {
    "log_uniform": (
        ("size an int", "exponents -5 to -1, 10 values, seed 0"),
        ("size a tuple", "shape (4, 3), exponents -3 to 0, seed 1"),
        ("size a 3-D tuple", "3-D shape, seed 4"),
        ("size 1", "one value (size=1)"),
        ("low_exp == high_exp", "low_exp == high_exp"),
        ("non-integer exponents", "non-integer exponents, 50 values, seed 5"),
    ),
    "best_on_border": (
        ("the best inside the range: None, no warning", "sorted values, best inside"),
        ("values in any order", "best is the smallest value, in the middle"),
        ("the best is the smallest: 'low' and a UserWarning", "best is the smallest value, in the first position"),
        ("the best is the largest: 'high' and a UserWarning", "best is the largest value, in the first position"),
        ("nan scores never the best", "a nan score (a diverged run)"),
        ("nan scores on the borders", "nan scores on both borders"),
        ("a tie: the first in order", "tie: the first in order is inside"),
        ("a tie with a border value second", "tie: the first in order is on the border"),
        ("n = 2", "two values"),
        ("negative values", "negative values (log10 exponents)"),
    ),
    "k_fold_indices": (
        ("k = 2", "n=10, k=2, seed 0"),
        ("uneven folds", "n=23, k=5 (uneven folds), seed 1"),
        ("k = n (leave-one-out)", "leave-one-out (k = n = 7)"),
        ("stratify left as None", "n=100, k=10, seed 6"),
        ("stratified, classes in increasing order", "stratified, 3 classes of uneven sizes"),
        ("stratified, labels that are not 0..C-1", "stratified, shuffled labels 2, 5, 9"),
        ("stratified, negative labels", "stratified, labels -1 and 1"),
        ("stratified, one class", "stratified, a single class"),
    ),
    "sgd_weight_decay": (
        ("config with both keys", "a typical step, seed 50"),
        ("config None: the defaults", "config None: the defaults"),
        ("weight_decay left out (0)", "only a learning rate given"),
        ("weight_decay = 0 given explicitly", "weight_decay=0 given explicitly"),
        ("learning_rate left out (1e-2)", "only a weight decay given"),
        ("large weight decay", "large weight decay (lr * reg is one half)"),
        ("float32 w", "float32 weights"),
        ("next_w a new array: w and dw not modified", "a typical step, seed 50"),
    ),
    "l1_penalty": (
        ("W of shape (D, C)", "random W, seed 60"),
        ("W of any shape (1-D)", "1-D W, large reg"),
        ("sign(0) = 0 at exact zeros (the kink)", "exact zeros in W (the kink)"),
        ("reg = 0", "reg = 0"),
        ("float32 W", "float32 W"),
    ),
    "dropout_forward": DROPOUT_CONTRACT,
    "dropout_backward": DROPOUT_CONTRACT,
    "early_stopping": (
        ("a tie is not an improvement (min_delta 0)", "a plateau with ties, patience 3"),
        ("never stops while improving", "always improving (never stops)"),
        ("stops when bad_epochs reaches patience, and stays stopped", "falling from the first epoch, patience 2"),
        ("an improvement resets bad_epochs", "a dip, then a new best"),
        ("min_delta > 0", "a positive min_delta"),
        ("nan is never an improvement", "nan scores (diverged epochs)"),
        ("patience 1", "patience 1"),
        ("a long noisy curve", "a noisy learning curve, patience 4"),
    ),
    "random_flip": (
        ("the seeded flips", "6 images 4x5x3, seed 90"),
        ("an odd width", "20 images, odd width, seed 91"),
        ("N = 1", "one image (N=1)"),
        ("C = 1", "one channel"),
        ("uint8 images", "uint8 images"),
        ("float32 images", "float32 images"),
        ("X not modified: a new array", "6 images 4x5x3, seed 90"),
    ),
    "random_crop": (
        ("the seeded offsets", "padding 1, 8 images 5x5x3, seed 100"),
        ("padding 0", "padding 0 (the identity)"),
        ("non-square images", "padding 2, non-square images"),
        ("a padding past half the image", "padding 4 on 8x8 images (shifts past half the image)"),
        ("N = 1", "one image (N=1)"),
        ("uint8 images", "uint8 images"),
        ("float32 images", "float32 images"),
        ("X not modified: a new array", "padding 1, 8 images 5x5x3, seed 100"),
    ),
    "smoothed_softmax_loss": (
        ("0 < epsilon < 1", "small epsilon, seed 110"),
        ("epsilon = 0 (plain softmax)", "epsilon 0 (plain softmax), 10 classes"),
        ("C = 2", "epsilon one half, two classes"),
        ("N = 1", "one example (N=1)"),
        ("one class present in y", "only one class present in y"),
        ("large scores: computed stably", "large scores (around 1e3)"),
        ("float32 scores", "float32 scores"),
    ),
    "batchnorm_forward": BATCHNORM_CONTRACT,
    "batchnorm_backward": BATCHNORM_CONTRACT[:1] + BATCHNORM_CONTRACT[2:],
}
