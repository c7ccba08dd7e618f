"""Hidden-test cases of Assignment 3 (backpropagation and a two-layer network).

Course conventions: X is (N, D) (or (N, d_1, ..., d_k), flattened by the affine
layer), W is (D, M), y is (N,) with labels in 0..C-1, losses average over N,
and the L2 penalty is 0.5 * reg * sum(W**2).

Backward functions get their cache built here, in the format their docstrings
fix, so a bug in a forward function never costs the backward part. The
two-layer network is graded with trusted layers in place of the student's
(autograder/trusted/assignment3.py), and predict with trusted scores in place of the
student's loss, so each bug costs only its own part.
"""
import numpy as np

from autograder.cases.base import Case, Part, StatePart, StudentOutputError, stand_ins
from autograder.cases.state import (accuracy_of, first_of, initial_losses_near, is_instance, losses_rise_with_reg,
                                    number, numbers, params, record_losses_by_reg, splits, threshold, two_layer_scores,
                                    unpacked, value)

FLOAT32_TOL = 2e-4


# ---------------------------------------------------------------------------
# Checking what the student returned
# ---------------------------------------------------------------------------
def as_array(name, value, shape):
    """A float64 copy of `value`, which must have the given shape."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise StudentOutputError(f"{name} should be a numpy array; it is {type(value).__name__}.") from None
    if array.shape != tuple(shape):
        raise StudentOutputError(f"{name} should have shape {tuple(shape)}; it has shape {array.shape}.")
    return array


def as_tuple(name, result, length, what):
    if not isinstance(result, tuple) or len(result) != length:
        raise StudentOutputError(f"{name} should return a tuple {what}; it returned {type(result).__name__}"
                                 + (f" of length {len(result)}" if isinstance(result, tuple) else "") + ".")
    return result


def check_cache(name, cache, expected, what):
    """The cache must hold the documented inputs, unchanged."""
    if not isinstance(expected, tuple):
        cache, expected = (cache,), (expected,)
    ok = isinstance(cache, tuple) and len(cache) == len(expected)
    if ok:
        for got, want in zip(cache, expected):
            if isinstance(want, np.ndarray):
                ok = ok and isinstance(got, np.ndarray) and got.shape == want.shape and np.array_equal(got, want)
            else:
                ok = ok and got == want
    if not ok:
        raise StudentOutputError(f"{name}: cache should be {what}, the inputs unchanged (keep the given "
                                 "`cache = ...` line and do not modify the inputs in place).")


def scaled(rng, shape, scale=1.0, dtype=np.float64):
    """Standard normal numbers times scale; in float32, positive uniform numbers instead.

    float32 cases use positive inputs so that no output is a small difference of
    large terms: a correct float32 answer summed in another order then stays
    within FLOAT32_TOL of the reference.
    """
    if dtype == np.float32:
        return (scale * rng.uniform(0.1, 1.0, shape)).astype(dtype)
    return (scale * rng.standard_normal(shape)).astype(dtype)


# ---------------------------------------------------------------------------
# Affine and ReLU
# ---------------------------------------------------------------------------
def affine_case(seed, x_shape=(4, 5), M=3, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        D = int(np.prod(x_shape[1:]))
        return {"x": scaled(rng, x_shape, dtype=dtype), "w": scaled(rng, (D, M), dtype=dtype),
                "b": scaled(rng, (M,), dtype=dtype), "dout": scaled(rng, (x_shape[0], M), dtype=dtype)}
    return make


def affine_cases():
    return [
        Case("2-D input, seed 0", affine_case(0)),
        Case("4-D input (N, C, H, W), seed 1", affine_case(1, x_shape=(3, 2, 4, 3), M=6)),
        Case("3-D input, seed 2", affine_case(2, x_shape=(5, 7, 2), M=4)),
        Case("one example (N=1)", affine_case(3, x_shape=(1, 6), M=2)),
        Case("one output (M=1)", affine_case(4, x_shape=(6, 3, 3), M=1)),
        Case("float32 inputs", affine_case(5, x_shape=(4, 3, 5), M=5, dtype=np.float32), tol=FLOAT32_TOL),
    ]


def call_affine_forward(func, inputs):
    x, w, b = inputs["x"], inputs["w"], inputs["b"]
    out, cache = as_tuple("affine_forward", func(x.copy(), w.copy(), b.copy()), 2, "(out, cache)")
    check_cache("affine_forward", cache, (x, w, b), "the tuple (x, w, b)")
    return {"out": as_array("out", out, (x.shape[0], w.shape[1]))}


def call_affine_backward(func, inputs):
    x, w, b, dout = inputs["x"], inputs["w"], inputs["b"], inputs["dout"]
    dx, dw, db = as_tuple("affine_backward", func(dout.copy(), (x.copy(), w.copy(), b.copy())), 3, "(dx, dw, db)")
    return {"dx": as_array("dx", dx, x.shape), "dw": as_array("dw", dw, w.shape), "db": as_array("db", db, b.shape)}


def relu_case(seed, shape=(4, 5), zeros=0, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(shape).astype(dtype)
        flat = x.reshape(-1)
        flat[rng.choice(flat.size, zeros, replace=False)] = 0.0   # exact zeros: the kink
        return {"x": x, "dout": rng.standard_normal(shape).astype(dtype)}
    return make


def relu_cases():
    return [
        Case("2-D input, seed 10", relu_case(10)),
        Case("4-D input, seed 11", relu_case(11, shape=(2, 3, 4, 4))),
        Case("1-D input, seed 12", relu_case(12, shape=(9,))),
        Case("exact zeros in x (the kink)", relu_case(13, shape=(5, 6), zeros=8)),
        Case("float32 inputs", relu_case(14, shape=(3, 7), dtype=np.float32), tol=FLOAT32_TOL),
    ]


def call_relu_forward(func, inputs):
    x = inputs["x"]
    out, cache = as_tuple("relu_forward", func(x.copy()), 2, "(out, cache)")
    check_cache("relu_forward", cache, x, "the input x")
    return {"out": as_array("out", out, x.shape)}


def call_relu_backward(func, inputs):
    x, dout = inputs["x"], inputs["dout"]
    return {"dx": as_array("dx", func(dout.copy(), x.copy()), x.shape)}


# ---------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------
def scores_case(seed, N=8, C=5, scale=1.0, offset=0.0, one_class=None, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        scores = (scale * rng.standard_normal((N, C)) + offset).astype(dtype)
        y = np.full(N, one_class) if one_class is not None else rng.integers(0, C, size=N)
        return {"scores": scores, "y": y}
    return make


def loss_cases():
    return [
        Case("random scores, seed 20", scores_case(20)),
        Case("random scores, seed 21, 10 classes", scores_case(21, N=15, C=10, scale=3.0)),
        Case("two classes", scores_case(22, N=9, C=2)),
        Case("one example (N=1)", scores_case(23, N=1, C=4)),
        Case("only one class present in y", scores_case(24, one_class=3)),
        Case("large scores (around 1e3)", scores_case(25, N=6, C=4, scale=300.0, offset=1000.0)),
        Case("float32 scores", scores_case(26, N=10, C=6, dtype=np.float32), tol=FLOAT32_TOL),
    ]


def tie_scores_case(seed, N=10, C=5):
    """Small integer scores: many margins s_j - s_y + 1 are exactly 0 (the hinge's kink)."""
    def make():
        rng = np.random.default_rng(seed)
        return {"scores": rng.integers(-2, 3, size=(N, C)).astype(np.float64), "y": rng.integers(0, C, size=N)}
    return make


def call_loss(func, inputs):
    scores, y = inputs["scores"], inputs["y"]
    loss, dscores = as_tuple(func.__name__, func(scores.copy(), y.copy()), 2, "(loss, dscores)")
    loss = np.asarray(loss, dtype=np.float64)
    if loss.size != 1:
        raise StudentOutputError(f"{func.__name__}: loss should be a single number; it has shape {loss.shape}.")
    return {"loss": loss.reshape(()), "dscores": as_array("dscores", dscores, scores.shape)}


# ---------------------------------------------------------------------------
# Convolutions
# ---------------------------------------------------------------------------
def conv1d_case(seed, L=10, K=3, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        return {"x": scaled(rng, (L,), dtype=dtype), "w": scaled(rng, (K,), dtype=dtype),
                "dout": scaled(rng, (L - K + 1,), dtype=dtype)}
    return make


def conv1d_cases():
    return [
        Case("L=10, K=3, seed 30", conv1d_case(30)),
        Case("L=16, K=5, seed 31", conv1d_case(31, L=16, K=5)),
        Case("filter of length 1", conv1d_case(32, L=7, K=1)),
        Case("filter as long as the signal", conv1d_case(33, L=6, K=6)),
        Case("float32 inputs", conv1d_case(34, L=12, K=4, dtype=np.float32), tol=FLOAT32_TOL),
    ]


def call_conv1d_forward(func, inputs):
    x, w = inputs["x"], inputs["w"]
    out, cache = as_tuple("conv1d_forward", func(x.copy(), w.copy()), 2, "(out, cache)")
    check_cache("conv1d_forward", cache, (x, w), "the tuple (x, w)")
    return {"out": as_array("out", out, (x.shape[0] - w.shape[0] + 1,))}


def call_conv1d_backward(func, inputs):
    x, w, dout = inputs["x"], inputs["w"], inputs["dout"]
    dx, dw = as_tuple("conv1d_backward", func(dout.copy(), (x.copy(), w.copy())), 2, "(dx, dw)")
    return {"dx": as_array("dx", dx, x.shape), "dw": as_array("dw", dw, w.shape)}


def conv2d_out_shape(x_shape, w_shape, stride, pad):
    N, _, H, W = x_shape
    F, _, HH, WW = w_shape
    return (N, F, 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride)


def conv2d_case(seed, x_shape=(2, 3, 5, 5), w_shape=(4, 3, 3, 3), stride=1, pad=0, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        return {"x": scaled(rng, x_shape, dtype=dtype), "w": scaled(rng, w_shape, dtype=dtype),
                "b": scaled(rng, (w_shape[0],), dtype=dtype), "stride": stride, "pad": pad,
                "dout": scaled(rng, conv2d_out_shape(x_shape, w_shape, stride, pad), dtype=dtype)}
    return make


def conv2d_cases():
    return [
        Case("stride 1, pad 0, seed 40", conv2d_case(40)),
        Case("stride 1, pad 1, seed 41", conv2d_case(41, pad=1)),
        Case("stride 2, pad 1, seed 42", conv2d_case(42, x_shape=(2, 2, 7, 7), w_shape=(3, 2, 3, 3), stride=2, pad=1)),
        Case("non-square input and filter, stride 2", conv2d_case(43, x_shape=(1, 3, 6, 8), w_shape=(2, 3, 2, 4),
                                                                  stride=2, pad=0)),
        Case("one image, one channel, one filter", conv2d_case(44, x_shape=(1, 1, 4, 4), w_shape=(1, 1, 2, 2))),
        Case("float32 inputs, pad 2", conv2d_case(45, x_shape=(2, 2, 4, 4), w_shape=(2, 2, 3, 3), pad=2,
                                                  dtype=np.float32), tol=FLOAT32_TOL),
        Case("a stride that does not divide H + 2 pad - HH (floor)", conv2d_case(46, x_shape=(2, 2, 6, 8),
                                                                                   w_shape=(3, 2, 3, 3), stride=2)),
    ]


def call_conv2d_forward(func, inputs):
    x, w, b, stride, pad = (inputs[k] for k in ("x", "w", "b", "stride", "pad"))
    result = func(x.copy(), w.copy(), b.copy(), stride=stride, pad=pad)
    out, cache = as_tuple("conv2d_naive_forward", result, 2, "(out, cache)")
    check_cache("conv2d_naive_forward", cache, (x, w, b, stride, pad), "the tuple (x, w, b, stride, pad) with x unpadded")
    return {"out": as_array("out", out, conv2d_out_shape(x.shape, w.shape, stride, pad))}


def call_conv2d_backward(func, inputs):
    x, w, b, stride, pad, dout = (inputs[k] for k in ("x", "w", "b", "stride", "pad", "dout"))
    result = func(dout.copy(), (x.copy(), w.copy(), b.copy(), stride, pad))
    dx, dw, db = as_tuple("conv2d_naive_backward", result, 3, "(dx, dw, db)")
    return {"dx": as_array("dx", dx, x.shape), "dw": as_array("dw", dw, w.shape), "db": as_array("db", db, b.shape)}


# ---------------------------------------------------------------------------
# The two-layer network, with trusted layers (autograder/trusted/assignment3.py)
# ---------------------------------------------------------------------------
TRUSTED_LAYERS = ("affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss")


PARAM_SHAPES = lambda D, H, C: {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}


def net_case(seed, N=6, D=8, H=10, C=4, reg=0.3, other_reg=1.5, scale=0.5, x_shape=None, dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        params = {name: scaled(rng, shape, scale, dtype) for name, shape in PARAM_SHAPES(D, H, C).items()}
        X = scaled(rng, x_shape or (N, D), dtype=dtype)
        return {"params": params, "X": X, "y": rng.integers(0, C, size=N), "reg": reg, "other_reg": other_reg}
    return make


def net_with_params(cls, inputs):
    """An instance of the student's class with the case's parameters (no call to __init__)."""
    model = cls.__new__(cls)
    model.params = {name: value.copy() for name, value in inputs["params"].items()}
    model.reg = inputs["reg"]
    return model


def call_net_loss(cls, inputs, trusted):
    X, y = inputs["X"], inputs["y"]
    N, C = X.shape[0], inputs["params"]["b2"].shape[0]
    with stand_ins(cls, trusted):
        scores = net_with_params(cls, inputs).loss(X.copy())
        result = net_with_params(cls, inputs).loss(X.copy(), y.copy())
        result_other = net_with_params(cls, inputs).loss(X.copy(), y.copy(), reg=inputs["other_reg"])
    outputs = {"scores": as_array("loss(X) (the scores)", scores, (N, C))}
    for suffix, res in (("", result), ("_other_reg", result_other)):
        loss, grads = as_tuple("loss(X, y)", res, 2, "(loss, grads)")
        loss = np.asarray(loss, dtype=np.float64)
        if loss.size != 1:
            raise StudentOutputError(f"loss(X, y): the loss should be a single number; it has shape {loss.shape}.")
        if not isinstance(grads, dict) or set(grads) != set(inputs["params"]):
            raise StudentOutputError("loss(X, y): grads should be a dict with the keys W1, b1, W2, b2.")
        outputs["loss" + suffix] = loss.reshape(())
        for name, value in inputs["params"].items():
            outputs[f"d{name}{suffix}"] = as_array(f"grads['{name}']", grads[name], value.shape)
    return outputs


def net_cases():
    return [
        Case("random net, seed 50", net_case(50)),
        Case("random net, seed 51, reg=0", net_case(51, N=9, D=5, H=7, C=3, reg=0.0)),
        Case("one example (N=1)", net_case(52, N=1)),
        Case("image-shaped input (N, 2, 2, 3)", net_case(53, N=4, D=12, x_shape=(4, 2, 2, 3))),
        Case("large weights (big scores)", net_case(54, scale=8.0, reg=0.01)),
        Case("float32 parameters and data", net_case(55, N=7, D=6, H=9, C=5, dtype=np.float32), tol=FLOAT32_TOL),
    ]


def predict_case(seed, N=12, D=6, H=8, C=5):
    def make():
        rng = np.random.default_rng(seed)
        params = {name: scaled(rng, shape) for name, shape in PARAM_SHAPES(D, H, C).items()}
        return {"params": params, "X": scaled(rng, (N, D)), "reg": 0.0}
    return make


def call_net_predict(cls, inputs):
    """predict, with the trusted forward pass standing in for the student's loss()."""
    class Probe(cls):
        def loss(self, X, y=None, reg=None):
            p = self.params
            return np.maximum(0, X.reshape(X.shape[0], -1) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]

    X = inputs["X"]
    y_pred = net_with_params(Probe, inputs).predict(X.copy())
    return {"y_pred": as_array("predict(X)", y_pred, (X.shape[0],))}


# ---------------------------------------------------------------------------
# train_net, with a stand-in model
# ---------------------------------------------------------------------------
class QuadraticModel:
    """Loss 0.5 * ||W - T||^2 whatever the batch; predicts argmax(X @ W)."""

    def __init__(self, W0, T):
        self.params = {"W": W0.copy(), "v": np.zeros(T.shape[1])}
        self.T = T

    def loss(self, X_batch, y_batch):
        diff = self.params["W"] - self.T
        return 0.5 * float(np.sum(diff ** 2)) + 0.5 * float(np.sum(self.params["v"] ** 2)) + 0.1 * np.sum(self.params["v"]), \
            {"W": diff.copy(), "v": self.params["v"] + 0.1}

    def predict(self, X):
        return np.argmax(X @ self.params["W"] + self.params["v"], axis=1)


def train_case(seed, N=30, D=4, C=3, learning_rate=0.2, learning_rate_decay=0.5, num_epochs=4, batch_size=10,
               num_train_eval=None):
    """Every training row is the same, so any minibatch gives the same step. With num_train_eval
    given the rows differ (QuadraticModel's loss ignores the batch), so X[:num_train_eval] shows."""
    def make():
        rng = np.random.default_rng(seed)
        X = np.tile(rng.standard_normal(D), (N, 1)) if num_train_eval is None else rng.standard_normal((N, D))
        y = np.full(N, rng.integers(C)) if num_train_eval is None else rng.integers(0, C, size=N)
        return {"X": X, "y": y, "X_val": rng.standard_normal((23, D)), "y_val": rng.integers(0, C, size=23),
                "W0": rng.standard_normal((D, C)), "T": rng.standard_normal((D, C)),
                "learning_rate": learning_rate, "learning_rate_decay": learning_rate_decay,
                "num_epochs": num_epochs, "batch_size": batch_size, "num_train_eval": num_train_eval}
    return make


def call_train_net(func, inputs):
    model = QuadraticModel(inputs["W0"], inputs["T"])
    options = {} if inputs["num_train_eval"] is None else {"num_train_eval": inputs["num_train_eval"]}
    history = func(model, inputs["X"].copy(), inputs["y"].copy(), inputs["X_val"].copy(), inputs["y_val"].copy(),
                   learning_rate=inputs["learning_rate"], learning_rate_decay=inputs["learning_rate_decay"],
                   num_epochs=inputs["num_epochs"], batch_size=inputs["batch_size"], seed=0, **options)
    if not isinstance(history, dict):
        raise StudentOutputError(f"train_net should return a dict; it returned {type(history).__name__}.")
    missing = {"loss_history", "train_acc_history", "val_acc_history"} - set(history)
    if missing:
        raise StudentOutputError(f"train_net's result misses the keys {sorted(missing)}.")
    N, batch = inputs["X"].shape[0], inputs["batch_size"]
    epochs, iters = inputs["num_epochs"], inputs["num_epochs"] * max(N // batch, 1)
    return {"W": as_array("model.params['W']", model.params["W"], inputs["W0"].shape),
            "v": as_array("model.params['v']", model.params["v"], (inputs["T"].shape[1],)),
            "loss_history": as_array("loss_history", np.ravel(history["loss_history"]), (iters,)),
            "train_acc_history": as_array("train_acc_history", np.ravel(history["train_acc_history"]), (epochs,)),
            "val_acc_history": as_array("val_acc_history", np.ravel(history["val_acc_history"]), (epochs,))}


PARTS = {
    "affine_forward": Part("affine_forward", call_affine_forward, affine_cases()),
    "affine_backward": Part("affine_backward", call_affine_backward, affine_cases()),
    "relu_forward": Part("relu_forward", call_relu_forward, relu_cases()),
    "relu_backward": Part("relu_backward", call_relu_backward, relu_cases()),
    "softmax_loss": Part("softmax_loss", call_loss, loss_cases()),
    "svm_loss": Part("svm_loss", call_loss, loss_cases() + [
        Case("margins of exactly 0 (ties at the hinge)", tie_scores_case(27))]),
    "conv1d_forward": Part("conv1d_forward", call_conv1d_forward, conv1d_cases()),
    "conv1d_backward": Part("conv1d_backward", call_conv1d_backward, conv1d_cases()),
    "conv2d_naive_forward": Part("conv2d_naive_forward", call_conv2d_forward, conv2d_cases()),
    "conv2d_naive_backward": Part("conv2d_naive_backward", call_conv2d_backward, conv2d_cases()),
    "two_layer_net_loss": Part("TwoLayerNet", call_net_loss, net_cases(), TRUSTED_LAYERS),
    "two_layer_net_predict": Part("TwoLayerNet", call_net_predict, [
        Case("random net, seed 60", predict_case(60)),
        Case("one example", predict_case(61, N=1)),
        Case("two classes", predict_case(62, C=2)),
    ]),
    "train_net": Part("train_net", call_train_net, [
        Case("identical rows, seed 70", train_case(70)),
        Case("batch larger than the data, seed 71", train_case(71, N=6, batch_size=50, num_epochs=3)),
        Case("no decay, seed 72", train_case(72, learning_rate_decay=1.0, num_epochs=2)),
        Case("uneven epochs (N=25, batch 7), seed 73", train_case(73, N=25, batch_size=7, num_epochs=3)),
        Case("training accuracy on X[:num_train_eval] (num_train_eval < N)", train_case(74, N=40, num_epochs=3,
                                                                                         num_train_eval=11)),
    ]),
}

# Parts computed from other graded parts: the sanity checks and the training
# use the student's layers, network and train_net. A bug is counted once, in
# the part it is in (see autograder/grading/dependencies.py). The network's own tests,
# visible and hidden, put stand-in layers in place of the student's, so it
# depends on nothing.
LAYERS = ["affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss"]
NET = LAYERS + ["two_layer_net_loss", "two_layer_net_predict"]
DEPENDS_ON = {
    "sanity_initial_loss": LAYERS + ["svm_loss", "two_layer_net_loss"],
    "sanity_reg_increases_loss": LAYERS + ["two_layer_net_loss"],
    "overfit_small_data": NET + ["train_net"],
    "cifar_training": NET + ["train_net"],
    "tuning": NET + ["train_net"],
}


# ---------------------------------------------------------------------------
# Parts that check notebook state (autograder.cases.base.StatePart)
# ---------------------------------------------------------------------------
GRAPH_H = 1e-6
EXAMPLE_1 = (-2.0, 5.0, -4.0)                # x, y, z
EXAMPLE_2 = (2.0, -3.0, -3.0, -1.0, -2.0)    # w0, w1, w2, x0, x1
GRAPH_NAMES = ("q", "f1", "df1_dq", "df1_dx", "df1_dy", "df1_dz", "dot", "neg", "e", "den", "f2", "df2_dden",
               "df2_de", "df2_dneg", "df2_ddot", "df2_dw0", "df2_dw1", "df2_dw2", "df2_dx0", "df2_dx1")
SANITY_REGS = [0.0, 1e2, 1e3, 1e4]          # the notebook's `regs`
NUM_TRIALS = 6                               # the notebook's `num_trials`


def record_graph(ns):
    found = value(ns, "graph_values")
    if not isinstance(found, dict):
        raise TypeError("graph_values should be a dict from name to number.")
    missing = [name for name in GRAPH_NAMES if name not in found]
    if missing:
        raise NameError(f"graph_values misses {', '.join(missing)}: keep the given graph_values = {{...}} lines.")
    return {name: numbers(f"graph_values['{name}']", found[name]).astype(np.float64).reshape(())
            for name in GRAPH_NAMES}


def centered(f, point, index):
    plus, minus = list(point), list(point)
    plus[index] += GRAPH_H
    minus[index] -= GRAPH_H
    return (f(*plus) - f(*minus)) / (2 * GRAPH_H)


def graph_expected():
    """[(name, expected value, rtol)] of the computational-graph values, from closed forms and centered differences."""
    f1 = lambda x, y, z: (x + y) * z
    f2 = lambda w0, w1, w2, x0, x1: 1.0 / (1.0 + np.exp(-(w0 * x0 + w1 * x1 + w2)))
    x, y, z = EXAMPLE_1
    w0, w1, w2, x0, x1 = EXAMPLE_2
    dot = w0 * x0 + w1 * x1 + w2
    sigmoid = f2(*EXAMPLE_2)
    expected = [("q", x + y, 1e-12), ("f1", f1(*EXAMPLE_1), 1e-12), ("df1_dq", z, 1e-12)]
    expected += [(name, centered(f1, EXAMPLE_1, i), 1e-6) for i, name in enumerate(("df1_dx", "df1_dy", "df1_dz"))]
    expected += [("dot", dot, 1e-9), ("neg", -dot, 1e-9), ("e", np.exp(-dot), 1e-9), ("den", 1.0 + np.exp(-dot), 1e-9),
                 ("f2", sigmoid, 1e-9), ("df2_dden", -1.0 / (1.0 + np.exp(-dot)) ** 2, 1e-9),
                 ("df2_ddot", sigmoid * (1 - sigmoid), 1e-9)]
    expected += [(name, centered(f2, EXAMPLE_2, i), 1e-6)
                 for i, name in enumerate(("df2_dw0", "df2_dw1", "df2_dw2", "df2_dx0", "df2_dx1"))]
    return expected


def check_graph(values):
    g = {name: float(values[name]) for name in GRAPH_NAMES}
    dot = EXAMPLE_2[0] * EXAMPLE_2[3] + EXAMPLE_2[1] * EXAMPLE_2[4] + EXAMPLE_2[2]
    expected = graph_expected() + [("df2_de", g["df2_dden"], 1e-12), ("df2_dneg", g["df2_de"] * np.exp(-dot), 1e-9)]
    wrong = [name for name, value_, rtol in expected
             if not abs(g[name] - value_) <= rtol * max(abs(g[name]), abs(value_), 1e-300)]
    if wrong:
        return [f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not right: follow the graph node by node "
                "(an add node passes its upstream gradient on, a multiply node swaps its inputs)"]
    return []


def prepare_sanity():
    splits(False, ("X_dev", "y_dev"))


def sanity_net(ns):
    """The notebook's sanity_net, made with the student's TwoLayerNet, and the float64 dev set."""
    dev = splits(False, ("X_dev", "y_dev"))
    X = dev["X_dev"].astype(np.float64)
    net = ns["TwoLayerNet"](input_dim=X.shape[1], hidden_dim=50, num_classes=10, weight_scale=1e-4, seed=0)
    return net, X, dev["y_dev"]


def record_initial_loss(ns):
    return {"softmax": number(ns, "initial_loss"), "svm": number(ns, "initial_svm_loss")}


def recompute_initial_loss(ns):
    net, X, y = sanity_net(ns)
    return {"softmax": first_of(net.loss(X, y, reg=0.0), "sanity_net.loss"),
            "svm": first_of(ns["svm_loss"](net.loss(X), y), "svm_loss")}


def recompute_losses_by_reg(ns):
    net, X, y = sanity_net(ns)
    return {"losses": np.array([first_of(net.loss(X, y, reg=reg), "sanity_net.loss") for reg in SANITY_REGS])}


def record_net(name, must_be_net=True):
    def record(ns):
        model = value(ns, name)
        return {**params(name, model), "is_net": is_instance(ns, model, "TwoLayerNet") if must_be_net else 1.0}
    return record


def validation_accuracy(p):
    val = splits(False, ("X_val", "y_val"))
    return accuracy_of(two_layer_scores(p, val["X_val"]), val["y_val"])


def check_overfit(values):
    tiny = splits(False, ("X_train", "y_train"), 50)
    accuracy = accuracy_of(two_layer_scores(unpacked(values, "overfit_net"), tiny["X_train"]), tiny["y_train"])
    if accuracy != 1.0:
        return [f"overfit_net classifies {accuracy:.0%} of the 50 training images correctly; it should memorize all "
                "of them. Train longer or with a larger learning rate, and check that reg is 0"]
    return []


def check_cifar_training(values):
    if not values["is_net"]:
        return ["net is not a TwoLayerNet: run the cell above after filling it in"]
    accuracy, needed = validation_accuracy(unpacked(values, "net")), threshold(0.33, 0.48)
    if not accuracy >= needed:
        return [f"net reaches a validation accuracy of {accuracy:.3f}; at least {needed} is needed. Check the "
                "learning curves: a flat loss means a learning rate that is too small (or no update)"]
    return []


def record_tuning(ns):
    results = value(ns, "search_results")
    if not isinstance(results, dict) or not results:
        raise TypeError("search_results should be a dict from configuration to validation accuracy.")
    try:
        configs = np.array([tuple(config) for config in results], dtype=np.float64)
    except (TypeError, ValueError):
        configs = None
    if configs is None or configs.shape != (len(results), 4):
        raise TypeError("each key of search_results should be the tuple (hidden_dim, learning_rate, reg, num_epochs).")
    best = value(ns, "best_net")
    return {"configs": configs, "accuracies": numbers("search_results", list(results.values())).astype(np.float64),
            **params("best_net", best), "is_net": is_instance(ns, best, "TwoLayerNet")}


def check_tuning(values):
    configs, accuracies = values["configs"], values["accuracies"]
    if len(configs) < NUM_TRIALS:
        return [f"search_results should hold the validation accuracy of {NUM_TRIALS} configurations; "
                f"it has {len(configs)}"]
    for position, name in enumerate(["hidden_dim", "learning_rate", "reg", "num_epochs"]):
        if len(set(configs[:, position])) < 2:
            return [f"every configuration has the same {name}: draw each configuration with sample_config(rng)"]
    if not values["is_net"]:
        return ["best_net should be the TwoLayerNet with the best validation accuracy"]
    accuracy, needed = validation_accuracy(unpacked(values, "best_net")), threshold(0.33, 0.48)
    # 0.005 = 5 of 1,000 images whose predicted class can flip between float32 and float64 arithmetic.
    if not abs(accuracy - float(np.max(accuracies))) <= 0.005:
        return [f"best_net has a validation accuracy of {accuracy:.3f}, but the best in search_results is "
                f"{float(np.max(accuracies)):.3f}: keep the network of the best trial in best_net"]
    if not accuracy >= needed:
        return [f"best_net reaches a validation accuracy of {accuracy:.3f}; at least {needed} is needed"]
    return []


STATE_PARTS = {
    "computational_graph": StatePart(record_graph, check_graph),
    "sanity_initial_loss": StatePart(record_initial_loss,
                                     initial_losses_near("initial_loss", "initial_svm_loss", 0.02, 0.05),
                                     recompute_initial_loss, prepare_sanity),
    "sanity_reg_increases_loss": StatePart(record_losses_by_reg, losses_rise_with_reg(SANITY_REGS),
                                           recompute_losses_by_reg, prepare_sanity),
    "overfit_small_data": StatePart(record_net("overfit_net", must_be_net=False), check_overfit),
    "cifar_training": StatePart(record_net("net"), check_cifar_training),
    "tuning": StatePart(record_tuning, check_tuning),
}


# ---------------------------------------------------------------------------
# The contracts: what each graded function's docstring allows or promises, and the hidden case
# that covers it (tests/unit/test_contracts.py checks every graded part has its table)
# ---------------------------------------------------------------------------
AFFINE_CONTRACT = (
    ("x of shape (N, D)", "2-D input, seed 0"),
    ("x of shape (N, d_1, ..., d_k), flattened", "4-D input (N, C, H, W), seed 1"),
    ("x of 3 dimensions", "3-D input, seed 2"),
    ("N = 1", "one example (N=1)"),
    ("M = 1", "one output (M=1)"),
    ("float32 inputs", "float32 inputs"),
)
RELU_CONTRACT = (
    ("x of shape (N, D)", "2-D input, seed 10"),
    ("x of any shape (4-D)", "4-D input, seed 11"),
    ("x of any shape (1-D)", "1-D input, seed 12"),
    ("x == 0 exactly: the flat side (out 0, gradient 0)", "exact zeros in x (the kink)"),
    ("float32 x", "float32 inputs"),
)
LOSS_CONTRACT = (
    ("scores (N, C), y (N,)", "random scores, seed 20"),
    ("C = 10", "random scores, seed 21, 10 classes"),
    ("C = 2", "two classes"),
    ("N = 1", "one example (N=1)"),
    ("one class present in y", "only one class present in y"),
    ("large scores", "large scores (around 1e3)"),
    ("float32 scores", "float32 scores"),
)
CONV1D_CONTRACT = (
    ("K < L", "L=10, K=3, seed 30"),
    ("a longer filter", "L=16, K=5, seed 31"),
    ("K = 1", "filter of length 1"),
    ("K = L (one output)", "filter as long as the signal"),
    ("float32 inputs", "float32 inputs"),
)
CONV2D_CONTRACT = (
    ("stride 1, pad 0", "stride 1, pad 0, seed 40"),
    ("pad > 0", "stride 1, pad 1, seed 41"),
    ("stride 2 with pad", "stride 2, pad 1, seed 42"),
    ("non-square input and filter", "non-square input and filter, stride 2"),
    ("a stride that does not divide H + 2 pad - HH (floor)", "a stride that does not divide H + 2 pad - HH (floor)"),
    ("N = C = F = 1", "one image, one channel, one filter"),
    ("float32 inputs", "float32 inputs, pad 2"),
)
CONTRACTS = {
    "affine_forward": AFFINE_CONTRACT + (("the cache: (x, w, b) unchanged", "4-D input (N, C, H, W), seed 1"),),
    "affine_backward": AFFINE_CONTRACT,
    "relu_forward": RELU_CONTRACT + (("the cache: x itself, unchanged", "2-D input, seed 10"),),
    "relu_backward": RELU_CONTRACT,
    "softmax_loss": LOSS_CONTRACT,
    "svm_loss": LOSS_CONTRACT + (("a margin of exactly 0: not violated", "margins of exactly 0 (ties at the hinge)"),),
    "conv1d_forward": CONV1D_CONTRACT + (("the cache: (x, w) unchanged", "L=10, K=3, seed 30"),),
    "conv1d_backward": CONV1D_CONTRACT,
    "conv2d_naive_forward": CONV2D_CONTRACT + (("the cache: (x, w, b, stride, pad), x unpadded", "stride 1, pad 1, "
                                                                                               "seed 41"),),
    "conv2d_naive_backward": CONV2D_CONTRACT,
    "two_layer_net_loss": (
        ("y None: the scores", "random net, seed 50"),
        ("reg left out: self.reg", "random net, seed 50"),
        ("reg given", "random net, seed 50"),
        ("reg = 0", "random net, seed 51, reg=0"),
        ("N = 1", "one example (N=1)"),
        ("X of shape (N, d_1, ..., d_k)", "image-shaped input (N, 2, 2, 3)"),
        ("large scores", "large weights (big scores)"),
        ("float32 parameters and data", "float32 parameters and data"),
    ),
    "two_layer_net_predict": (
        ("N rows: one label each, from self.loss(X)", "random net, seed 60"),
        ("N = 1", "one example"),
        ("C = 2", "two classes"),
    ),
    "train_net": (
        ("the minibatch loss of every iteration, before its update", "identical rows, seed 70"),
        ("batch_size > N (sampling with replacement)", "batch larger than the data, seed 71"),
        ("learning_rate_decay = 1 (no decay)", "no decay, seed 72"),
        ("an epoch of max(N // batch_size, 1) iterations", "uneven epochs (N=25, batch 7), seed 73"),
        ("num_train_eval < N: training accuracy on X[:num_train_eval]", "training accuracy on X[:num_train_eval] "
                                                                         "(num_train_eval < N)"),
        ("num_train_eval left out (1000 > N: all of X)", "identical rows, seed 70"),
        ("every parameter updated in place", "identical rows, seed 70"),
    ),
}
