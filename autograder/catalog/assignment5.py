"""Known variants of Assignment 5's graded functions.

Each wrong variant is a typical student bug, written as the full source of the
solution cell it replaces; most are small edits of a correct version (`fix`
applies them and fails loudly if an edit no longer applies). Several are right
answers to a different contract (PyTorch's dropout p, smoothing over C - 1
classes, contiguous folds): the docstrings fix one contract, and the hint says
which.
"""
from autograder.catalog import correct, fix, wrong

LOG_UNIFORM = '''
def log_uniform(low_exp, high_exp, size, seed):
    rng = np.random.default_rng(seed)
    return 10.0 ** rng.uniform(low_exp, high_exp, size)
'''

BEST_ON_BORDER = '''
import warnings


def best_on_border(values, scores):
    values = np.asarray(values, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    best = int(np.nanargmax(scores))
    best_value = float(values[best])
    border = None
    if best_value == values.min():
        border = "low"
    elif best_value == values.max():
        border = "high"
    if border is not None:
        warnings.warn(f"the best value {best_value:g} is on the {border} border: extend the range.")
    return best_value, border
'''

K_FOLD = '''
def k_fold_indices(n, k, seed, stratify=None):
    rng = np.random.default_rng(seed)
    if stratify is None:
        order = rng.permutation(n)
    else:
        stratify = np.asarray(stratify)
        order = np.concatenate([rng.permutation(np.flatnonzero(stratify == c)) for c in np.unique(stratify)])
    folds = []
    for i in range(k):
        val_idx = np.sort(order[i::k])
        train_idx = np.setdiff1d(np.arange(n), val_idx)
        folds.append((train_idx, val_idx))
    return folds
'''

SGD_WEIGHT_DECAY = '''
def sgd_weight_decay(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("weight_decay", 0.0)
    next_w = w - config["learning_rate"] * (dw + config["weight_decay"] * w)
    return next_w, config
'''

L1_PENALTY = '''
def l1_penalty(W, reg):
    return float(reg * np.sum(np.abs(W))), reg * np.sign(W)
'''

DROPOUT_FORWARD = '''
def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask, out = None, None
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p) / p
        out = x * mask
    else:
        out = x
    cache = (dropout_param, mask)
    return out, cache
'''

DROPOUT_BACKWARD = '''
def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        dx = dout * mask
    else:
        dx = dout
    return dx
'''

EARLY_STOPPING = '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best_score = -np.inf
        self.best_epoch = -1
        self.bad_epochs = 0
        self.epoch = -1

    def update(self, score):
        self.epoch += 1
        if score > self.best_score + self.min_delta:
            self.best_score, self.best_epoch, self.bad_epochs = float(score), self.epoch, 0
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience
'''

RANDOM_FLIP = '''
def random_flip(X, seed):
    rng = np.random.default_rng(seed)
    flip = rng.random(X.shape[0]) < 0.5
    out = X.copy()
    out[flip] = X[flip, :, ::-1, :]
    return out
'''

RANDOM_CROP = '''
def random_crop(X, padding, seed):
    N, H, W, _ = X.shape
    rng = np.random.default_rng(seed)
    top = rng.integers(0, 2 * padding + 1, size=N)
    left = rng.integers(0, 2 * padding + 1, size=N)
    padded = np.pad(X, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    out = np.empty_like(X)
    for n in range(N):
        out[n] = padded[n, top[n]:top[n] + H, left[n]:left[n] + W, :]
    return out
'''

SMOOTHED_LOSS = '''
def smoothed_softmax_loss(scores, y, epsilon):
    N, C = scores.shape
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    targets = np.full((N, C), epsilon / C)
    targets[np.arange(N), y] += 1.0 - epsilon
    loss = -np.sum(targets * log_probs) / N
    dscores = (np.exp(log_probs) - targets) / N
    return float(loss), dscores
'''

BATCHNORM_FORWARD = '''
def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_hat = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        cache = (x, x_hat, mu, var, gamma, eps)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
'''

BATCHNORM_BACKWARD = '''
def batchnorm_backward(dout, cache):
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    g = dout * gamma
    dx = (N * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / (N * np.sqrt(var + eps))
    return dx, dgamma, dbeta
'''

STOP_CELL = "EarlyStopping_code"

VARIANTS = [
    # log_uniform
    wrong("log_uniform_linear", "log_uniform", "samples the values uniformly instead of their exponents",
          "draw the exponent: 10 ** rng.uniform(low_exp, high_exp, size)",
          fix(LOG_UNIFORM, ("10.0 ** rng.uniform(low_exp, high_exp, size)",
                            "rng.uniform(10.0 ** low_exp, 10.0 ** high_exp, size)"))),
    wrong("log_uniform_natural_base", "log_uniform", "uses np.exp (base e) instead of 10 **",
          "the exponents are powers of ten: return 10 ** u",
          fix(LOG_UNIFORM, ("10.0 ** rng.uniform(low_exp, high_exp, size)", "np.exp(rng.uniform(low_exp, high_exp, size))"))),
    wrong("log_uniform_legacy_global_rng", "log_uniform", "seeds numpy's global generator (np.random.seed) instead of default_rng",
          "make rng = np.random.default_rng(seed) and draw with rng.uniform",
          fix(LOG_UNIFORM, ("    rng = np.random.default_rng(seed)\n    return 10.0 ** rng.uniform(",
                            "    np.random.seed(seed)\n    return 10.0 ** np.random.uniform("))),
    wrong("log_uniform_integer_exponents", "log_uniform", "draws whole-number exponents only (rng.integers)",
          "the exponent is a real number: rng.uniform(low_exp, high_exp, size)",
          fix(LOG_UNIFORM, ("10.0 ** rng.uniform(low_exp, high_exp, size)",
                            "10.0 ** rng.integers(low_exp, high_exp + 1, size).astype(float)"))),
    correct("log_uniform_power", "log_uniform", "np.power(10.0, u)",
            fix(LOG_UNIFORM, ("10.0 ** rng.uniform(low_exp, high_exp, size)", "np.power(10.0, rng.uniform(low_exp, high_exp, size))"))),
    correct("log_uniform_scaled_random", "log_uniform", "low + (high - low) * rng.random(size), the same draw as uniform",
            fix(LOG_UNIFORM, ("10.0 ** rng.uniform(low_exp, high_exp, size)",
                              "10.0 ** (low_exp + (high_exp - low_exp) * rng.random(size))"))),
    # best_on_border
    wrong("border_argmax_with_nan", "best_on_border", "takes np.argmax, so a nan score (a diverged run) counts as the best",
          "use np.nanargmax, which skips nan scores", fix(BEST_ON_BORDER, ("np.nanargmax(scores)", "np.argmax(scores)"))),
    wrong("border_by_position", "best_on_border", "decides the border by position in the list (first or last) instead of by value",
          "the values of a random search are in no order: compare best_value with values.min() and values.max()",
          fix(BEST_ON_BORDER, ("    if best_value == values.min():\n        border = \"low\"\n    elif best_value == values.max():",
                               "    if best == 0:\n        border = \"low\"\n    elif best == len(values) - 1:"))),
    wrong("border_no_warning", "best_on_border", "returns the border but does not warn",
          "call warnings.warn(message) when border is 'low' or 'high'",
          fix(BEST_ON_BORDER, ("        warnings.warn(", "        print("))),
    wrong("border_lowest_score", "best_on_border", "treats the lowest score as the best",
          "scores are accuracies: higher is better (np.nanargmax)", fix(BEST_ON_BORDER, ("np.nanargmax(scores)", "np.nanargmin(scores)"))),
    wrong("border_labels_swapped", "best_on_border", "calls the smallest value 'high' and the largest 'low'",
          "'low' is the smallest value tried, 'high' the largest",
          fix(BEST_ON_BORDER, ('        border = "low"\n    elif', '        border = "high"\n    elif'),
              ('max():\n        border = "high"', 'max():\n        border = "low"'))),
    correct("border_sorted_rank", "best_on_border", "finds the border from the rank of the best value in sorted order",
            '''
import warnings


def best_on_border(values, scores):
    values = np.asarray(values, dtype=np.float64)
    scores = np.where(np.isnan(np.asarray(scores, dtype=np.float64)), -np.inf, scores)
    best = int(np.argmax(scores))
    rank = int(np.sum(values < values[best]))
    border = "low" if rank == 0 else "high" if rank == len(values) - 1 else None
    if border:
        warnings.warn(f"best value on the {border} border of the range")
    return float(values[best]), border
'''),
    correct("border_python_loop", "best_on_border", "a plain loop over the pairs",
            '''
import math
import warnings


def best_on_border(values, scores):
    best_value, best_score = None, -math.inf
    for value, score in zip(values, scores):
        if not math.isnan(score) and score > best_score:
            best_value, best_score = float(value), score
    border = "low" if best_value == min(values) else "high" if best_value == max(values) else None
    if border is not None:
        warnings.warn("extend the range: the best value is on its " + border + " border", UserWarning)
    return best_value, border
'''),
    # k_fold_indices
    wrong("kfold_shuffle_per_fold", "k_fold_indices", "shuffles again for every fold, so the folds overlap",
          "shuffle once, before the loop over folds; fold i is order[i::k]",
          fix(K_FOLD, ("    for i in range(k):\n        val_idx", "    for i in range(k):\n        order = rng.permutation(n)\n        val_idx"))),
    wrong("kfold_train_includes_val", "k_fold_indices", "puts every example, the validation fold included, in train_idx",
          "train_idx holds the examples that are not in the fold: np.setdiff1d(np.arange(n), val_idx)",
          fix(K_FOLD, ("train_idx = np.setdiff1d(np.arange(n), val_idx)", "train_idx = np.arange(n)"))),
    wrong("kfold_no_shuffle", "k_fold_indices", "never shuffles: fold i is i, i + k, i + 2k, ...",
          "draw order = rng.permutation(n) and deal order[i::k]",
          fix(K_FOLD, ("        order = rng.permutation(n)\n    else", "        order = np.arange(n)\n    else"))),
    wrong("kfold_ignores_stratify", "k_fold_indices", "ignores stratify",
          "with stratify, shuffle each class separately and concatenate the classes in increasing label order",
          fix(K_FOLD, ("    if stratify is None:", "    if True:"))),
    wrong("kfold_contiguous_drop_remainder", "k_fold_indices",
          "cuts the shuffled order into chunks of n // k, so n % k examples are never validated",
          "deal the shuffled order like cards: fold i is order[i::k], and every example is in one fold",
          fix(K_FOLD, ("val_idx = np.sort(order[i::k])", "val_idx = np.sort(order[i * (n // k):(i + 1) * (n // k)])"))),
    wrong("kfold_stratified_restart", "k_fold_indices", "deals each class from fold 0 again, so the first folds get more examples",
          "concatenate the shuffled classes into one order and deal that: fold i is order[i::k]",
          fix(K_FOLD, ("        order = np.concatenate([rng.permutation(np.flatnonzero(stratify == c)) for c in np.unique(stratify)])\n"
                       "    folds = []\n    for i in range(k):\n        val_idx = np.sort(order[i::k])",
                       "        parts = [rng.permutation(np.flatnonzero(stratify == c)) for c in np.unique(stratify)]\n"
                       "    folds = []\n    for i in range(k):\n"
                       "        val_idx = np.sort(order[i::k]) if stratify is None else np.sort(np.concatenate([p[i::k] for p in parts]))"))),
    correct("kfold_fold_labels", "k_fold_indices", "labels every example with its fold, then selects with ==",
            fix(K_FOLD, ("    folds = []\n    for i in range(k):\n        val_idx = np.sort(order[i::k])\n"
                         "        train_idx = np.setdiff1d(np.arange(n), val_idx)\n",
                         "    fold_of = np.empty(n, dtype=int)\n    fold_of[order] = np.arange(n) % k\n    folds = []\n"
                         "    for i in range(k):\n        val_idx = np.flatnonzero(fold_of == i)\n"
                         "        train_idx = np.flatnonzero(fold_of != i)\n"))),
    correct("kfold_unsorted_lists", "k_fold_indices", "returns unsorted index lists built with np.isin",
            fix(K_FOLD, ("        val_idx = np.sort(order[i::k])\n        train_idx = np.setdiff1d(np.arange(n), val_idx)\n",
                         "        val_idx = order[i::k]\n        train_idx = order[~np.isin(order, val_idx)]\n"))),
    # sgd_weight_decay
    wrong("decay_without_learning_rate", "sgd_weight_decay", "subtracts weight_decay * w without the learning rate",
          "the decay is part of the gradient step: next_w = w - learning_rate * (dw + weight_decay * w)",
          fix(SGD_WEIGHT_DECAY, ('w - config["learning_rate"] * (dw + config["weight_decay"] * w)',
                                 'w - config["learning_rate"] * dw - config["weight_decay"] * w'))),
    wrong("decay_sign_flipped", "sgd_weight_decay", "adds weight_decay * w to the step, so the weights grow",
          "weight decay shrinks the weights: the gradient of 0.5 * reg * sum(w**2) is +reg * w, and the step subtracts it",
          fix(SGD_WEIGHT_DECAY, ('(dw + config["weight_decay"] * w)', '(dw - config["weight_decay"] * w)'))),
    wrong("decay_half", "sgd_weight_decay", "uses 0.5 * weight_decay * w (the penalty's factor) in the gradient",
          "the derivative of 0.5 * reg * w**2 is reg * w: the 0.5 cancels",
          fix(SGD_WEIGHT_DECAY, ('(dw + config["weight_decay"] * w)', '(dw + 0.5 * config["weight_decay"] * w)'))),
    wrong("decay_ignores_gradient", "sgd_weight_decay", "only decays the weights and forgets the gradient step",
          "next_w = w - learning_rate * (dw + weight_decay * w)",
          fix(SGD_WEIGHT_DECAY, ('w - config["learning_rate"] * (dw + config["weight_decay"] * w)',
                                 'w * (1 - config["learning_rate"] * config["weight_decay"])'))),
    correct("decay_then_step", "sgd_weight_decay", "decays the weights by (1 - lr * reg), then steps",
            fix(SGD_WEIGHT_DECAY, ('w - config["learning_rate"] * (dw + config["weight_decay"] * w)',
                                   '(1 - config["learning_rate"] * config["weight_decay"]) * w - config["learning_rate"] * dw'))),
    correct("decay_get_with_defaults", "sgd_weight_decay", "reads the keys into local names with config.get",
            '''
def sgd_weight_decay(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("weight_decay", 0.0)
    lr, reg = config.get("learning_rate"), config.get("weight_decay")
    grad = dw + reg * w
    return w - lr * grad, config
'''),
    # l1_penalty
    wrong("l1_half", "l1_penalty", "multiplies the L1 penalty and its gradient by 0.5, like the L2 penalty",
          "the L1 penalty is reg * sum(|W|), with no 0.5",
          fix(L1_PENALTY, ("return float(reg * np.sum(np.abs(W))), reg * np.sign(W)",
                           "return float(0.5 * reg * np.sum(np.abs(W))), 0.5 * reg * np.sign(W)"))),
    wrong("l1_gradient_of_l2", "l1_penalty", "returns the L2 gradient reg * W",
          "the (sub)gradient of |w| is sign(w): dW = reg * np.sign(W)",
          fix(L1_PENALTY, ("reg * np.sign(W)", "reg * W"))),
    wrong("l1_gradient_without_reg", "l1_penalty", "forgets reg in the gradient", "dW = reg * np.sign(W)",
          fix(L1_PENALTY, (", reg * np.sign(W)", ", np.sign(W)"))),
    wrong("l1_kink_plus_one", "l1_penalty", "uses a gradient of +reg at W == 0",
          "at W == 0 use 0, as np.sign does", fix(L1_PENALTY, ("reg * np.sign(W)", "reg * np.where(W >= 0, 1.0, -1.0)"))),
    wrong("l1_no_abs", "l1_penalty", "sums W instead of |W| in the penalty", "the penalty is reg * np.sum(np.abs(W))",
          fix(L1_PENALTY, ("np.sum(np.abs(W))", "np.sum(W)"))),
    correct("l1_norm_and_where", "l1_penalty", "np.linalg.norm(W.ravel(), 1) and a gradient from np.where",
            '''
def l1_penalty(W, reg):
    penalty = reg * np.linalg.norm(W.ravel(), 1)
    dW = reg * np.where(W > 0, 1.0, np.where(W < 0, -1.0, 0.0))
    return penalty, dW
'''),
    correct("l1_abs_method", "l1_penalty", "abs() and sum() methods, and np.sign times reg in another order",
            fix(L1_PENALTY, ("return float(reg * np.sum(np.abs(W))), reg * np.sign(W)",
                             "return reg * abs(W).sum(), np.sign(W) * reg"))),
    # dropout_forward
    wrong("dropout_not_rescaled", "dropout_forward", "drops activations without dividing the kept ones by p",
          "inverted dropout: mask = (rng.random(x.shape) < p) / p",
          fix(DROPOUT_FORWARD, ("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) < p) * 1.0"))),
    wrong("dropout_p_is_drop_probability", "dropout_forward", "treats p as the drop probability (PyTorch's convention)",
          "in this course p is the KEEP probability: keep where rng.random(x.shape) < p, and divide by p",
          fix(DROPOUT_FORWARD, ("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) >= p) / (1 - p)"))),
    wrong("dropout_in_test_mode", "dropout_forward", "also drops activations in test mode",
          "in test mode inverted dropout is the identity: out = x, mask None",
          fix(DROPOUT_FORWARD, ('    if mode == "train":\n        rng', '    if True:\n        rng'))),
    wrong("dropout_vanilla_scaling", "dropout_forward", "scales by p at test time instead of dividing by p in training (vanilla dropout)",
          "inverted dropout divides by p during training, so test time is the identity",
          fix(DROPOUT_FORWARD, ("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) < p) * 1.0"),
              ("    else:\n        out = x\n", "    else:\n        out = x * p\n"))),
    wrong("dropout_multiplies_by_p", "dropout_forward", "multiplies the kept activations by p instead of dividing",
          "divide by p, so that the expected value of out stays x",
          fix(DROPOUT_FORWARD, ("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) < p) * p"))),
    correct("dropout_uniform_draw", "dropout_forward", "rng.uniform(size=x.shape), the same numbers as rng.random",
            fix(DROPOUT_FORWARD, ("rng.random(x.shape) < p", "rng.uniform(size=x.shape) < p"))),
    correct("dropout_boolean_mask", "dropout_forward", "builds a boolean mask, then np.where and a float mask",
            fix(DROPOUT_FORWARD, ("        mask = (rng.random(x.shape) < p) / p\n        out = x * mask\n",
                                  "        keep = rng.random(x.shape) < p\n        out = np.where(keep, x / p, 0.0)\n"
                                  "        mask = keep.astype(np.float64) / p\n"))),
    # dropout_backward
    wrong("dropout_backward_not_rescaled", "dropout_backward", "lets the gradient through where the mask is non-zero, without the 1/p",
          "the backward pass uses the same mask, scaling included: dx = dout * mask",
          fix(DROPOUT_BACKWARD, ("dx = dout * mask", "dx = dout * (mask > 0)"))),
    wrong("dropout_backward_scaled_twice", "dropout_backward", "divides by p once more, although the mask already holds 1/p",
          "dx = dout * mask: the mask already includes the division by p",
          fix(DROPOUT_BACKWARD, ("dx = dout * mask", 'dx = dout * mask / dropout_param["p"]'))),
    wrong("dropout_backward_ignores_mask", "dropout_backward", "returns dout unchanged in train mode",
          "dropped activations get no gradient: dx = dout * mask in train mode",
          fix(DROPOUT_BACKWARD, ("dx = dout * mask", "dx = dout"))),
    wrong("dropout_backward_mask_in_test", "dropout_backward", "uses the mask in test mode too, where it is None",
          "in test mode dropout is the identity: dx = dout",
          fix(DROPOUT_BACKWARD, ('    if dropout_param["mode"] == "train":\n        dx = dout * mask\n    else:\n        dx = dout\n',
                                 "    dx = dout * mask\n"))),
    correct("dropout_backward_mask_check", "dropout_backward", "tests whether the mask is None instead of the mode",
            fix(DROPOUT_BACKWARD, ('    if dropout_param["mode"] == "train":\n        dx = dout * mask\n    else:\n        dx = dout\n',
                                   "    dx = dout.copy() if mask is None else np.multiply(mask, dout)\n"))),
    correct("dropout_backward_one_line", "dropout_backward", "a conditional expression",
            fix(DROPOUT_BACKWARD, ('    if dropout_param["mode"] == "train":\n        dx = dout * mask\n    else:\n        dx = dout\n',
                                   '    dx = mask * dout if dropout_param["mode"] == "train" else dout\n'))),
    # EarlyStopping
    wrong("stop_compares_previous_epoch", "early_stopping", "counts epochs without improvement over the previous epoch, not over the best",
          "compare every score with best_score (+ min_delta), the best seen so far",
          fix(EARLY_STOPPING, ("        if score > self.best_score + self.min_delta:\n"
                               "            self.best_score, self.best_epoch, self.bad_epochs = float(score), self.epoch, 0\n"
                               "        else:\n            self.bad_epochs += 1\n",
                               "        previous = getattr(self, 'previous', -np.inf)\n        self.previous = score\n"
                               "        if score > self.best_score + self.min_delta:\n"
                               "            self.best_score, self.best_epoch = float(score), self.epoch\n"
                               "        if score > previous + self.min_delta:\n            self.bad_epochs = 0\n"
                               "        else:\n            self.bad_epochs += 1\n")), STOP_CELL),
    wrong("stop_one_epoch_late", "early_stopping", "stops only after patience + 1 epochs without improvement",
          "stop as soon as bad_epochs >= patience", fix(EARLY_STOPPING, ("self.bad_epochs >= self.patience", "self.bad_epochs > self.patience")),
          STOP_CELL),
    wrong("stop_tie_improves", "early_stopping", "counts a tie with the best score as an improvement",
          "an improvement must be strictly larger than best_score + min_delta",
          fix(EARLY_STOPPING, ("if score > self.best_score + self.min_delta:", "if score >= self.best_score + self.min_delta:")), STOP_CELL),
    wrong("stop_ignores_min_delta", "early_stopping", "ignores min_delta", "an improvement must exceed best_score + min_delta",
          fix(EARLY_STOPPING, ("if score > self.best_score + self.min_delta:", "if score > self.best_score:")), STOP_CELL),
    wrong("stop_lower_is_better", "early_stopping", "treats a lower score as better (as for a loss)",
          "the scores are validation accuracies: higher is better",
          fix(EARLY_STOPPING, ("self.best_score = -np.inf", "self.best_score = np.inf"),
              ("if score > self.best_score + self.min_delta:", "if score < self.best_score - self.min_delta:")), STOP_CELL),
    correct("stop_epoch_difference", "early_stopping", "stops when epoch - best_epoch reaches patience",
            fix(EARLY_STOPPING, ("        if score > self.best_score + self.min_delta:\n"
                                 "            self.best_score, self.best_epoch, self.bad_epochs = float(score), self.epoch, 0\n"
                                 "        else:\n            self.bad_epochs += 1\n        return self.bad_epochs >= self.patience\n",
                                 "        if np.isfinite(score) and score - self.best_score > self.min_delta:\n"
                                 "            self.best_score, self.best_epoch = score, self.epoch\n"
                                 "        self.bad_epochs = self.epoch - self.best_epoch\n"
                                 "        return bool(self.bad_epochs >= self.patience)\n")), STOP_CELL),
    correct("stop_history_list", "early_stopping", "keeps the whole history and looks back",
            '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.history = []
        self.best_score, self.best_epoch, self.bad_epochs = -np.inf, -1, 0

    def update(self, score):
        self.history.append(score)
        if score > self.best_score + self.min_delta:
            self.best_score = float(score)
            self.best_epoch = len(self.history) - 1
        self.bad_epochs = len(self.history) - 1 - self.best_epoch
        return self.bad_epochs >= self.patience
''', STOP_CELL),
    # random_flip
    wrong("flip_vertical", "random_flip", "flips the images upside down (the height axis)",
          "a horizontal flip reverses the width axis: X[n, :, ::-1, :]",
          fix(RANDOM_FLIP, ("X[flip, :, ::-1, :]", "X[flip, ::-1, :, :]"))),
    wrong("flip_channels", "random_flip", "reverses the colour channels instead of the width",
          "images are (N, H, W, C): the width is axis 2", fix(RANDOM_FLIP, ("X[flip, :, ::-1, :]", "X[flip, :, :, ::-1]"))),
    wrong("flip_every_image", "random_flip", "flips every image", "flip only where rng.random(N) < 0.5",
          fix(RANDOM_FLIP, ("flip = rng.random(X.shape[0]) < 0.5", "flip = np.ones(X.shape[0], dtype=bool)"))),
    wrong("flip_in_place", "random_flip", "flips the images in X itself", "copy X first (out = X.copy()) and write into the copy",
          fix(RANDOM_FLIP, ("    out = X.copy()\n    out[flip] = X[flip, :, ::-1, :]\n    return out\n",
                            "    X[flip] = X[flip, :, ::-1, :]\n    return X\n"))),
    wrong("flip_inverted_choice", "random_flip", "flips the images where rng.random(N) >= 0.5",
          "the contract flips image n where rng.random(N)[n] < 0.5",
          fix(RANDOM_FLIP, ("rng.random(X.shape[0]) < 0.5", "rng.random(X.shape[0]) >= 0.5"))),
    correct("flip_where", "random_flip", "np.where over a broadcast mask",
            fix(RANDOM_FLIP, ("    out = X.copy()\n    out[flip] = X[flip, :, ::-1, :]\n    return out\n",
                              "    return np.where(flip[:, None, None, None], X[:, :, ::-1, :], X)\n"))),
    correct("flip_loop_fliplr", "random_flip", "a loop with np.flip(axis=1) per image",
            '''
def random_flip(X, seed):
    rng = np.random.default_rng(seed)
    flip = rng.random(len(X)) < 0.5
    out = np.array(X, copy=True)
    for n in range(len(X)):
        if flip[n]:
            out[n] = np.flip(X[n], axis=1)
    return out
'''),
    # random_crop
    wrong("crop_offsets_swapped", "random_crop", "draws the left offsets before the top ones",
          "draw top first, then left: two calls rng.integers(0, 2 * padding + 1, size=N)",
          fix(RANDOM_CROP, ("    top = rng.integers(0, 2 * padding + 1, size=N)\n    left = rng.integers(0, 2 * padding + 1, size=N)\n",
                            "    left = rng.integers(0, 2 * padding + 1, size=N)\n    top = rng.integers(0, 2 * padding + 1, size=N)\n"))),
    wrong("crop_offset_off_by_one", "random_crop", "draws offsets from 0 .. 2 * padding - 1, never the last position",
          "rng.integers excludes its upper bound: use rng.integers(0, 2 * padding + 1, size=N)",
          fix(RANDOM_CROP, ("    top = rng.integers(0, 2 * padding + 1, size=N)\n    left = rng.integers(0, 2 * padding + 1, size=N)\n",
                            "    top = rng.integers(0, max(2 * padding, 1), size=N)\n    left = rng.integers(0, max(2 * padding, 1), size=N)\n"))),
    wrong("crop_same_offset", "random_crop", "uses one offset for the whole batch",
          "draw one top and one left offset per image (size=N)",
          fix(RANDOM_CROP, ("    top = rng.integers(0, 2 * padding + 1, size=N)\n    left = rng.integers(0, 2 * padding + 1, size=N)\n",
                            "    top = np.full(N, rng.integers(0, 2 * padding + 1))\n    left = np.full(N, rng.integers(0, 2 * padding + 1))\n"))),
    wrong("crop_edge_padding", "random_crop", "pads with copies of the edge pixels instead of zeros",
          "pad with zeros: np.pad's default mode='constant'",
          fix(RANDOM_CROP, ("(padding, padding), (0, 0)))", "(padding, padding), (0, 0)), mode=\"edge\")"))),
    wrong("crop_pads_channels", "random_crop", "pads the first two axes (N and H) instead of H and W",
          "images are (N, H, W, C): pad axes 1 and 2",
          fix(RANDOM_CROP, ("np.pad(X, ((0, 0), (padding, padding), (padding, padding), (0, 0)))",
                            "np.pad(X, ((padding, padding), (padding, padding), (0, 0), (0, 0)))"),
              ("padded[n, top[n]", "padded[n + padding, top[n]"))),
    correct("crop_fancy_index", "random_crop", "gathers all windows at once with fancy indexing",
            fix(RANDOM_CROP, ("    out = np.empty_like(X)\n    for n in range(N):\n        out[n] = padded[n, top[n]:top[n] + H, left[n]:left[n] + W, :]\n    return out\n",
                              "    rows = top[:, None] + np.arange(H)\n    cols = left[:, None] + np.arange(W)\n"
                              "    return padded[np.arange(N)[:, None, None], rows[:, :, None], cols[:, None, :]]\n"))),
    correct("crop_zeros_array", "random_crop", "pads by writing X into an array of zeros",
            fix(RANDOM_CROP, ("    padded = np.pad(X, ((0, 0), (padding, padding), (padding, padding), (0, 0)))\n",
                              "    padded = np.zeros((N, H + 2 * padding, W + 2 * padding, X.shape[3]), dtype=X.dtype)\n"
                              "    padded[:, padding:padding + H, padding:padding + W] = X\n"))),
    # smoothed_softmax_loss
    wrong("smoothing_over_wrong_classes", "smoothed_softmax_loss", "spreads epsilon over the C - 1 wrong classes instead of all C",
          "q = (1 - epsilon) * one_hot(y) + epsilon / C, the correct class included",
          fix(SMOOTHED_LOSS, ("    targets = np.full((N, C), epsilon / C)\n    targets[np.arange(N), y] += 1.0 - epsilon\n",
                              "    targets = np.full((N, C), epsilon / (C - 1))\n    targets[np.arange(N), y] = 1.0 - epsilon\n"))),
    wrong("smoothing_keeps_full_one_hot", "smoothed_softmax_loss", "adds epsilon / C to the one-hot targets without the factor 1 - epsilon",
          "the targets must sum to 1: q = (1 - epsilon) * one_hot(y) + epsilon / C",
          fix(SMOOTHED_LOSS, ("targets[np.arange(N), y] += 1.0 - epsilon", "targets[np.arange(N), y] += 1.0"))),
    wrong("smoothing_gradient_ignores_smoothing", "smoothed_softmax_loss", "uses the plain one-hot targets in the gradient",
          "the gradient of the smoothed loss is (p - q) / N with the smoothed q",
          fix(SMOOTHED_LOSS, ("    dscores = (np.exp(log_probs) - targets) / N\n",
                              "    dscores = np.exp(log_probs)\n    dscores[np.arange(N), y] -= 1\n    dscores /= N\n"))),
    wrong("smoothing_gradient_not_averaged", "smoothed_softmax_loss", "does not divide the gradient by N",
          "the loss averages over N, so its gradient is (p - q) / N",
          fix(SMOOTHED_LOSS, ("(np.exp(log_probs) - targets) / N", "np.exp(log_probs) - targets"))),
    wrong("smoothing_unstable", "smoothed_softmax_loss", "exponentiates the scores without subtracting each row's max",
          "subtract np.max(scores, axis=1, keepdims=True) before np.exp",
          fix(SMOOTHED_LOSS, ("    shifted = scores - np.max(scores, axis=1, keepdims=True)\n", "    shifted = scores\n"))),
    correct("smoothing_mix_of_losses", "smoothed_softmax_loss", "(1 - epsilon) * cross-entropy + epsilon * uniform cross-entropy",
            '''
def smoothed_softmax_loss(scores, y, epsilon):
    N, C = scores.shape
    z = scores - scores.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    ce = -log_p[np.arange(N), y].mean()
    uniform = -log_p.mean(axis=1).mean()
    one_hot = np.zeros((N, C))
    one_hot[np.arange(N), y] = 1
    q = (1 - epsilon) * one_hot + epsilon / C
    return (1 - epsilon) * ce + epsilon * uniform, (np.exp(log_p) - q) / N
'''),
    wrong("smoothing_log_of_softmax", "smoothed_softmax_loss",
          "takes np.log of the softmax probabilities, which underflow to 0 for large score gaps",
          "every class has a positive target, so log p must stay finite: compute log p as shifted - log(sum(exp(shifted)))",
          '''
def smoothed_softmax_loss(scores, y, epsilon):
    N, C = scores.shape
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    q = (1 - epsilon) * np.eye(C)[y] + epsilon / C
    loss = -np.mean(np.sum(q * np.log(p), axis=1))
    return loss, (p - q) / N
'''),
    correct("smoothing_eye_logsumexp", "smoothed_softmax_loss", "one-hot rows from np.eye and a log-sum-exp written out",
            '''
def smoothed_softmax_loss(scores, y, epsilon):
    N, C = scores.shape
    top = scores.max(axis=1, keepdims=True)
    log_p = scores - (top + np.log(np.exp(scores - top).sum(axis=1, keepdims=True)))
    q = (1 - epsilon) * np.eye(C)[y] + epsilon / C
    loss = -np.mean(np.sum(q * log_p, axis=1))
    return loss, (np.exp(log_p) - q) / N
'''),
    # batchnorm_forward
    wrong("bn_batch_stats_at_test", "batchnorm_forward", "uses the statistics of the batch at test time",
          "in test mode normalize with bn_param['running_mean'] and bn_param['running_var']",
          fix(BATCHNORM_FORWARD, ("        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta\n",
                                  "        out = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta\n"))),
    wrong("bn_momentum_swapped", "batchnorm_forward", "swaps momentum and 1 - momentum in the running averages",
          "running = momentum * running + (1 - momentum) * batch statistic",
          fix(BATCHNORM_FORWARD, ("running_mean = momentum * running_mean + (1 - momentum) * mu",
                                  "running_mean = (1 - momentum) * running_mean + momentum * mu"),
              ("running_var = momentum * running_var + (1 - momentum) * var",
               "running_var = (1 - momentum) * running_var + momentum * var"))),
    wrong("bn_unbiased_variance", "batchnorm_forward", "divides the variance by N - 1",
          "batch norm's variance divides by N: x.var(axis=0)", fix(BATCHNORM_FORWARD, ("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)"))),
    wrong("bn_eps_outside_sqrt", "batchnorm_forward", "adds eps after the square root",
          "x_hat = (x - mu) / np.sqrt(var + eps)",
          fix(BATCHNORM_FORWARD, ("x_hat = (x - mu) / np.sqrt(var + eps)", "x_hat = (x - mu) / (np.sqrt(var) + eps)"))),
    wrong("bn_over_features", "batchnorm_forward", "normalizes each example over its features (axis 1)",
          "batch norm normalizes each feature over the batch: statistics over axis 0",
          fix(BATCHNORM_FORWARD, ("        mu = x.mean(axis=0)\n        var = x.var(axis=0)\n        x_hat = (x - mu) / np.sqrt(var + eps)\n",
                                  "        mu = x.mean(axis=0)\n        var = x.var(axis=0)\n"
                                  "        x_hat = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)\n"))),
    wrong("bn_running_std", "batchnorm_forward", "averages the standard deviation, not the variance, into running_var",
          "running_var = momentum * running_var + (1 - momentum) * var",
          fix(BATCHNORM_FORWARD, ("(1 - momentum) * var\n", "(1 - momentum) * np.sqrt(var)\n"))),
    wrong("bn_test_updates_running", "batchnorm_forward", "updates the running averages in test mode too",
          "test mode reads the running averages and changes nothing",
          fix(BATCHNORM_FORWARD, ("        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta\n",
                                  "        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta\n"
                                  "        running_mean = momentum * running_mean + (1 - momentum) * x.mean(axis=0)\n"
                                  "        running_var = momentum * running_var + (1 - momentum) * x.var(axis=0)\n"))),
    correct("bn_mean_of_squares", "batchnorm_forward", "variance as the mean of squared deviations, running stats with setdefault",
            fix(BATCHNORM_FORWARD, ("        var = x.var(axis=0)\n", "        var = np.mean((x - mu) ** 2, axis=0)\n"))),
    correct("bn_inverse_std", "batchnorm_forward", "multiplies by the inverse standard deviation",
            fix(BATCHNORM_FORWARD, ("        x_hat = (x - mu) / np.sqrt(var + eps)\n", "        inv_std = 1.0 / np.sqrt(var + eps)\n        x_hat = (x - mu) * inv_std\n"),
                ("        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta\n",
                 "        out = (x - running_mean) * (gamma / np.sqrt(running_var + eps)) + beta\n"))),
    # batchnorm_backward
    wrong("bn_backward_no_mean_var_paths", "batchnorm_backward", "treats mu and var as constants (dx = dout * gamma / sqrt(var + eps))",
          "x also reaches the output through mu and var: dx has three terms",
          fix(BATCHNORM_BACKWARD, ("    dx = (N * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / (N * np.sqrt(var + eps))\n",
                                   "    dx = g / np.sqrt(var + eps)\n"))),
    wrong("bn_backward_dgamma_sum", "batchnorm_backward", "sums dout for dgamma, forgetting x_hat",
          "out = gamma * x_hat + beta, so dgamma = sum over rows of dout * x_hat",
          fix(BATCHNORM_BACKWARD, ("dgamma = np.sum(dout * x_hat, axis=0)", "dgamma = np.sum(dout, axis=0)"))),
    wrong("bn_backward_no_gamma", "batchnorm_backward", "forgets gamma in dx",
          "the gradient reaching x_hat is dout * gamma", fix(BATCHNORM_BACKWARD, ("    g = dout * gamma\n", "    g = dout\n"))),
    wrong("bn_backward_mean_path_only", "batchnorm_backward", "includes the path through mu but not through var",
          "the variance depends on x too: keep the term - x_hat * sum(g * x_hat)",
          fix(BATCHNORM_BACKWARD, (" - x_hat * np.sum(g * x_hat, axis=0))", ")"))),
    correct("bn_backward_graph", "batchnorm_backward", "the computational graph step by step",
            '''
def batchnorm_backward(dout, cache):
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    std = np.sqrt(var + eps)
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * std ** -3
    dmu = -np.sum(dx_hat, axis=0) / std + dvar * np.mean(-2.0 * (x - mu), axis=0)
    dx = dx_hat / std + dvar * 2.0 * (x - mu) / N + dmu / N
    return dx, dgamma, dbeta
'''),
    correct("bn_backward_means", "batchnorm_backward", "the compact formula written with means",
            fix(BATCHNORM_BACKWARD, ("    dx = (N * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / (N * np.sqrt(var + eps))\n",
                                     "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / np.sqrt(var + eps)\n"))),
]
