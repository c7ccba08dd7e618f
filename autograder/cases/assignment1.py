"""Hidden-test cases of Assignment 1 (linear classifiers).

Course conventions: W is (D, C), X is (N, D), y is (N,) with labels in 0..C-1,
losses average over N, and the L2 penalty is 0.5 * reg * sum(W**2).
"""
import numpy as np

from autograder.cases.base import Case, Part, StatePart, StudentOutputError, stand_ins
from autograder.cases.state import (accuracy_of, first_of, initial_losses_near, is_instance, losses_rise_with_reg,
                                    number, numbers, record_losses_by_reg, splits, threshold, value)

FLOAT32_TOL = 2e-4


def linear_case(seed, N=8, D=12, C=5, reg=0.1, weight_scale=0.1, dtype=np.float64,
                one_class=None, row_scales=None, **options):
    """A function building seeded (W, X, y, reg) inputs for a loss.

    row_scales: optional factor per row of X, for rows whose scores differ in size.
    """
    def make():
        rng = np.random.default_rng(seed)
        W = (weight_scale * rng.standard_normal((D, C))).astype(dtype)
        X = rng.standard_normal((N, D))
        if row_scales is not None:
            X = X * np.asarray(row_scales, dtype=np.float64)[:, None]
        X = X.astype(dtype)
        y = np.full(N, one_class) if one_class is not None else rng.integers(0, C, size=N)
        return {"W": W, "X": X, "y": y, "reg": reg, **options}
    return make


def loss_cases():
    """Cases shared by the four losses: seeds, one example, one class, float32."""
    return [
        Case("random data, seed 0", linear_case(0)),
        Case("random data, seed 1, reg=0", linear_case(1, N=20, D=7, C=3, reg=0.0)),
        Case("random data, seed 2, large reg", linear_case(2, N=15, D=10, C=10, reg=5.0)),
        Case("one example (N=1)", linear_case(3, N=1)),
        Case("only one class present in y", linear_case(4, one_class=2)),
        Case("float32 inputs", linear_case(5, dtype=np.float32), tol=FLOAT32_TOL),
    ]


def large_score_cases():
    """Scores around 1e3: a softmax without the max-subtraction overflows here."""
    return [Case("large scores (around 1e3)", linear_case(6, N=6, D=10, C=4, weight_scale=300.0)),
            Case("rows with very different scores (1 to 1e3)",
                 linear_case(9, N=4, D=10, C=4, weight_scale=100.0, row_scales=[0.01, 0.1, 1.0, 3.0]))]


def tie_case(seed, N=12, D=3, C=4, reg=0.1):
    """Small integer W and X: integer scores, so many margins s_j - s_y + 1 are exactly 0."""
    def make():
        rng = np.random.default_rng(seed)
        W = rng.integers(-1, 2, size=(D, C)).astype(np.float64)
        X = rng.integers(-1, 2, size=(N, D)).astype(np.float64)
        return {"W": W, "X": X, "y": rng.integers(0, C, size=N), "reg": reg}
    return make


def hinge_tie_cases():
    """The SVM docstrings: a margin of exactly 0 counts as not violated."""
    return [Case("margins of exactly 0 (ties at the hinge)", tie_case(14))]


def penalty_option_cases():
    """The vectorized losses pass `penalty` and `l1_ratio` through to the penalty."""
    return [
        Case("penalty='l1'", linear_case(7, penalty="l1")),
        Case("penalty='elastic_net', l1_ratio=0.3", linear_case(8, penalty="elastic_net", l1_ratio=0.3)),
    ]


def as_loss_and_grad(name, result, W):
    """Check a loss returned `(loss, dW)` with dW shaped like W; return float arrays."""
    if not isinstance(result, tuple) or len(result) != 2:
        raise StudentOutputError(f"{name} should return a tuple (loss, dW); it returned {type(result).__name__}.")
    loss, dW = result
    loss = np.asarray(loss, dtype=np.float64)
    dW = np.asarray(dW, dtype=np.float64)
    if loss.size != 1:
        raise StudentOutputError(f"{name}: loss should be a single number; it has shape {loss.shape}.")
    if dW.shape != W.shape:
        raise StudentOutputError(f"{name}: dW should have the shape of W, {W.shape}; it has shape {dW.shape}.")
    return {"loss": loss.reshape(()), "dW": dW}


def call_loss(func, inputs):
    """Run a loss function on copies of one case's inputs."""
    options = {k: inputs[k] for k in ("penalty", "l1_ratio") if k in inputs}
    args = (inputs["W"].copy(), inputs["X"].copy(), inputs["y"].copy(), inputs["reg"])
    return as_loss_and_grad(func.__name__, func(*args, **options), inputs["W"])


def call_vectorized_loss(func, inputs, trusted):
    """Like call_loss, with the trusted regularization_penalty standing in for the student's,
    so that a bug there costs only its own part."""
    with stand_ins(func, trusted):
        return call_loss(func, inputs)


def penalty_case(seed, penalty, reg=0.7, l1_ratio=0.5, dtype=np.float64, shape=(6, 4)):
    def make():
        W = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
        return {"W": W, "reg": reg, "penalty": penalty, "l1_ratio": l1_ratio}
    return make


def call_penalty(func, inputs):
    W = inputs["W"]
    result = func(W.copy(), inputs["reg"], penalty=inputs["penalty"], l1_ratio=inputs["l1_ratio"])
    return as_loss_and_grad(func.__name__, result, W)


def squared_error_loss(W, X, y, reg):
    """A simple loss (not a graded answer) to drive the student's SGD loop."""
    targets = np.eye(W.shape[1])[y]
    residual = X @ W - targets
    loss = 0.5 * np.sum(residual ** 2) / X.shape[0] + 0.5 * reg * np.sum(W * W)
    return loss, X.T @ residual / X.shape[0] + reg * W


def training_case(seed, N=30, D=6, C=3, num_iters=15, batch_size=10, learning_rate=0.05, reg=0.01, w_set=True):
    """Every row of X is the same, so any minibatch gives the same gradient
    and the SGD trajectory does not depend on how batches are sampled.
    w_set=False leaves W None, for train to create (C = max(y) + 1 from one label: less than C)."""
    def make():
        rng = np.random.default_rng(seed)
        X = np.tile(rng.standard_normal(D), (N, 1))
        y = np.full(N, rng.integers(C))
        W0 = 0.01 * rng.standard_normal((D, C)) if w_set else None
        return {"X": X, "y": y, "W0": W0, "num_iters": num_iters,
                "batch_size": batch_size, "learning_rate": learning_rate, "reg": reg}
    return make


def call_train(cls, inputs):
    """Train the student's LinearClassifier with a trusted loss; return W and the history."""
    class Probe(cls):
        def loss(self, X_batch, y_batch, reg):
            return squared_error_loss(self.W, X_batch, y_batch, reg)

    model = Probe()
    model.W = None if inputs["W0"] is None else inputs["W0"].copy()
    history = model.train(inputs["X"], inputs["y"], learning_rate=inputs["learning_rate"],
                          reg=inputs["reg"], num_iters=inputs["num_iters"],
                          batch_size=inputs["batch_size"], verbose=False)
    history = np.asarray(history, dtype=np.float64).ravel()
    if history.shape != (inputs["num_iters"],):
        raise StudentOutputError(
            f"train should return one loss per iteration ({inputs['num_iters']} values); it returned {history.size}.")
    return {"W": np.asarray(model.W, dtype=np.float64), "loss_history": history}


def prediction_case(seed, N=25, D=8, C=6):
    def make():
        rng = np.random.default_rng(seed)
        return {"W": rng.standard_normal((D, C)), "X": rng.standard_normal((N, D))}
    return make


def call_predict(cls, inputs):
    model = cls()
    model.W = inputs["W"].copy()
    pred = np.asarray(model.predict(inputs["X"].copy()))
    if pred.shape != (inputs["X"].shape[0],):
        raise StudentOutputError(f"predict should return one label per row of X, shape "
                                 f"({inputs['X'].shape[0]},); it returned shape {pred.shape}.")
    return {"y_pred": pred.astype(np.float64)}


TRUSTED_PENALTY = ("regularization_penalty",)  # from autograder/trusted/assignment1.py

PARTS = {
    "svm_loss_naive": Part("svm_loss_naive", call_loss, loss_cases() + hinge_tie_cases()),
    "svm_loss_vectorized": Part("svm_loss_vectorized", call_vectorized_loss,
                                loss_cases() + penalty_option_cases() + hinge_tie_cases(), TRUSTED_PENALTY),
    "softmax_loss_naive": Part("softmax_loss_naive", call_loss, loss_cases() + large_score_cases()),
    "softmax_loss_vectorized": Part("softmax_loss_vectorized", call_vectorized_loss,
                                    loss_cases() + large_score_cases() + penalty_option_cases(), TRUSTED_PENALTY),
    "regularization_penalty": Part("regularization_penalty", call_penalty, [
        Case("penalty='l2'", penalty_case(10, "l2")),
        Case("penalty='l1'", penalty_case(11, "l1")),
        Case("penalty='elastic_net', l1_ratio=0.5", penalty_case(12, "elastic_net")),
        Case("penalty='elastic_net', l1_ratio=0.9", penalty_case(13, "elastic_net", l1_ratio=0.9)),
        Case("reg=0", penalty_case(14, "elastic_net", reg=0.0)),
        Case("float32 weights", penalty_case(15, "l2", dtype=np.float32), tol=FLOAT32_TOL),
    ]),
    "linear_classifier_train": Part("LinearClassifier", call_train, [
        Case("identical rows, seed 20", training_case(20)),
        Case("batch larger than the data, seed 21", training_case(21, N=5, batch_size=50)),
        Case("batch of one, seed 22", training_case(22, batch_size=1, num_iters=5)),
        Case("W not set yet: train creates it from the seeded generator", training_case(23, C=4, w_set=False)),
    ]),
    "linear_classifier_predict": Part("LinearClassifier", call_predict, [
        Case("random weights, seed 30", prediction_case(30)),
        Case("one example", prediction_case(31, N=1)),
    ]),
}

# Parts computed from other graded parts: the sanity values call the student's
# losses, the searches train with them. A bug is counted once, in the part it
# is in (see autograder/grading/dependencies.py).
PENALTY_AND_LOSSES = ["regularization_penalty", "svm_loss_vectorized", "softmax_loss_vectorized"]
TRAINING = ["linear_classifier_train", "linear_classifier_predict"]
DEPENDS_ON = {
    "sanity_initial_losses": PENALTY_AND_LOSSES,
    "sanity_reg_increases_loss": PENALTY_AND_LOSSES,
    "svm_search": ["regularization_penalty", "svm_loss_vectorized"] + TRAINING,
    "softmax_search": ["regularization_penalty", "softmax_loss_vectorized"] + TRAINING,
}


# ---------------------------------------------------------------------------
# Parts that check notebook state (autograder.cases.base.StatePart)
# ---------------------------------------------------------------------------
NUM_CLASSES = 10
SANITY_REGS = [0.0, 1e3, 1e4, 1e5]   # the notebook's `regs`


def sanity_inputs():
    """(W_init, X_dev64, y_dev) as the notebook makes them for its sanity checks."""
    dev = splits(True, ("X_dev", "y_dev"))
    X = dev["X_dev"].astype(np.float64)
    W = 0.00001 * np.random.default_rng(0).standard_normal((X.shape[1], NUM_CLASSES))
    return W, X, dev["y_dev"]


def prepare_sanity():
    splits(True, ("X_dev", "y_dev"))


def record_initial_losses(ns):
    return {"softmax": number(ns, "initial_softmax_loss"), "svm": number(ns, "initial_svm_loss")}


def recompute_initial_losses(ns):
    W, X, y = sanity_inputs()
    return {"softmax": first_of(ns["softmax_loss_vectorized"](W, X, y, 0.0), "softmax_loss_vectorized"),
            "svm": first_of(ns["svm_loss_vectorized"](W, X, y, 0.0), "svm_loss_vectorized")}


def recompute_losses_by_reg(ns):
    W, X, y = sanity_inputs()
    return {"losses": np.array([first_of(ns["softmax_loss_vectorized"](W, X, y, reg), "softmax_loss_vectorized")
                                for reg in SANITY_REGS])}


def record_search(model_name, results_name):
    """What a search's test cell records: the best classifier's W, and the size of the results."""
    def record(ns):
        model = value(ns, model_name, "run the search cell above after filling it in")
        W = getattr(model, "W", None)
        if W is None:
            raise NameError(f"{model_name}.W is not set: {model_name} should be a trained classifier.")
        return {"W": numbers(f"{model_name}.W", W), "is_classifier": is_instance(ns, model, "LinearClassifier"),
                "runs": float(len(value(ns, results_name)))}
    return record


def check_search(model_name, small, full):
    """The validation accuracy of the recorded W, recomputed on the grader's own validation split."""
    def check(values):
        val = splits(True, ("X_val", "y_val"))
        W, shape = values["W"], (val["X_val"].shape[1], NUM_CLASSES)
        if not values["is_classifier"]:
            return [f"{model_name} should be a trained classifier (a LinearClassifier)"]
        if W.shape != shape:
            return [f"{model_name}.W should have shape {shape}; it has shape {W.shape}"]
        if values["runs"] < 2:
            return ["the results should hold one entry per (learning rate, reg) pair you tried"]
        accuracy = accuracy_of(val["X_val"] @ W, val["y_val"])
        needed = threshold(small, full)
        if not accuracy >= needed:
            return [f"{model_name} reaches a validation accuracy of {accuracy:.3f}; at least {needed} is needed. "
                    "Make sure train updates W and that it is the model with the best validation accuracy"]
        return []
    return check


STATE_PARTS = {
    "sanity_initial_losses": StatePart(record_initial_losses,
                                       initial_losses_near("initial_softmax_loss", "initial_svm_loss", 0.1, 0.5),
                                       recompute_initial_losses, prepare_sanity),
    "sanity_reg_increases_loss": StatePart(record_losses_by_reg, losses_rise_with_reg(SANITY_REGS),
                                           recompute_losses_by_reg, prepare_sanity),
    "svm_search": StatePart(record_search("best_svm", "svm_results"), check_search("best_svm", 0.33, 0.37)),
    "softmax_search": StatePart(record_search("best_softmax", "softmax_results"),
                                check_search("best_softmax", 0.34, 0.35)),
}


# ---------------------------------------------------------------------------
# The contracts: what each graded function's docstring allows or promises, and the hidden case
# that covers it (tests/unit/test_contracts.py checks every graded part has its table)
# ---------------------------------------------------------------------------
LOSS_CONTRACT = (
    ("W (D, C), X (N, D), y (N,)", "random data, seed 0"),
    ("reg = 0", "random data, seed 1, reg=0"),
    ("large reg (0.5 * reg * sum(W**2))", "random data, seed 2, large reg"),
    ("C = 10", "random data, seed 2, large reg"),
    ("N = 1", "one example (N=1)"),
    ("one class present in y", "only one class present in y"),
    ("float32 inputs", "float32 inputs"),
)
SVM_TIES = (("a margin of exactly 0: not violated (no loss, no gradient)", "margins of exactly 0 (ties at the hinge)"),)
SOFTMAX_STABLE = (("large scores: computed stably", "large scores (around 1e3)"),
                  ("rows whose scores differ in size", "rows with very different scores (1 to 1e3)"))
PENALTY_OPTIONS = (("penalty left out ('l2')", "random data, seed 0"),
                   ("penalty='l1' passed on", "penalty='l1'"),
                   ("penalty='elastic_net' and l1_ratio passed on", "penalty='elastic_net', l1_ratio=0.3"))
CONTRACTS = {
    "svm_loss_naive": LOSS_CONTRACT + SVM_TIES,
    "svm_loss_vectorized": LOSS_CONTRACT + SVM_TIES + PENALTY_OPTIONS,
    "softmax_loss_naive": LOSS_CONTRACT + SOFTMAX_STABLE,
    "softmax_loss_vectorized": LOSS_CONTRACT + SOFTMAX_STABLE + PENALTY_OPTIONS,
    "regularization_penalty": (
        ("penalty 'l2'", "penalty='l2'"),
        ("penalty 'l1', sign(0) = 0", "penalty='l1'"),
        ("penalty 'elastic_net', l1_ratio 0.5", "penalty='elastic_net', l1_ratio=0.5"),
        ("penalty 'elastic_net', another l1_ratio", "penalty='elastic_net', l1_ratio=0.9"),
        ("reg = 0", "reg=0"),
        ("float32 W", "float32 weights"),
    ),
    "linear_classifier_train": (
        ("W already set: training continues from it", "identical rows, seed 20"),
        ("W None: created from the seeded generator, C = max(y) + 1", "W not set yet: train creates it from the seeded "
                                                                     "generator"),
        ("batch_size > N (sampling with replacement)", "batch larger than the data, seed 21"),
        ("batch_size = 1", "batch of one, seed 22"),
        ("one loss per iteration, before its update", "identical rows, seed 20"),
    ),
    "linear_classifier_predict": (
        ("N rows: one label each", "random weights, seed 30"),
        ("N = 1", "one example"),
    ),
}
