"""Known variants of Assignment 1's graded functions: typical bugs ("wrong")
and right answers written differently ("correct")."""
from autograder.catalog import correct, fix, wrong

# ---------------------------------------------------------------- svm_loss_naive
SVM_NAIVE_TEMPLATE = '''
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros(W.shape)
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(W.shape[1]):
            if j == y[i]{skip}:
                continue
            margin = scores[j] - correct_class_score + {delta}
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / {n} + 0.5 * reg * np.sum(W * W)
    dW = dW / {n} + {reg_grad}
    return loss, dW
'''


def svm_naive(skip="", delta="1", n="num_train", reg_grad="reg * W"):
    """svm_loss_naive's loops, with the given pieces in place of the right ones."""
    return SVM_NAIVE_TEMPLATE.format(skip=skip, delta=delta, n=n, reg_grad=reg_grad)


SVM_NAIVE_VECTORIZED_INSIDE = '''
def svm_loss_naive(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    counts = (margins > 0).astype(float)
    counts[np.arange(N), y] = -counts.sum(axis=1)
    return margins.sum() / N + 0.5 * reg * np.sum(W ** 2), X.T @ counts / N + reg * W
'''

# ----------------------------------------------------------- svm_loss_vectorized
SVM_VECTORIZED_TEMPLATE = '''
def svm_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(N), y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    {zero_correct}
    loss = np.sum(margins) / {n}
    counts = (margins > 0).astype(X.dtype)
    counts[np.arange(N), y] = -np.sum(counts, axis=1)
    dW = {sign}X.T.dot(counts) / {n}
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return loss + reg_loss, dW + reg_grad
'''


def svm_vectorized(zero_correct="margins[np.arange(N), y] = 0", n="N", sign=""):
    """svm_loss_vectorized, with the given pieces in place of the right ones."""
    return SVM_VECTORIZED_TEMPLATE.format(zero_correct=zero_correct, n=n, sign=sign)


SVM_VECTORIZED_WITH_LOOPS = '''
def svm_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N, C = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(N):
        scores = X[i] @ W
        for j in range(C):
            margin = scores[j] - scores[y[i]] + 1
            if j != y[i] and margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return loss / N + reg_loss, dW / N + reg_grad
'''

SVM_VECTORIZED_EINSUM = '''
def svm_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    scores = np.einsum("nd,dc->nc", X, W)
    onehot = np.eye(W.shape[1], dtype=bool)[y]
    margins = np.where(onehot, 0.0, np.maximum(0.0, scores - scores[onehot][:, None] + 1.0))
    active = (margins > 0).astype(scores.dtype)
    active -= onehot * active.sum(axis=1, keepdims=True)
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return margins.sum() / N + reg_loss, np.einsum("nd,nc->dc", X, active) / N + reg_grad
'''

# ------------------------------------------------------------ softmax_loss_naive
SOFTMAX_NAIVE_TEMPLATE = '''
def softmax_loss_naive(W, X, y, reg):
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - {shift}
        log_sum = np.log(np.sum(np.exp(scores)))
        probs = np.exp(scores - log_sum)
        loss += log_sum - scores[y[i]]
        for j in range(W.shape[1]):
            dW[:, j] += (probs[j]{minus_one}) * X[i]
    loss = loss / num_train + 0.5 * reg * np.sum(W * W)
    dW = dW / num_train{reg_grad}
    return loss, dW
'''


def softmax_naive(shift="np.max(scores)", minus_one=" - (j == y[i])", reg_grad=" + reg * W"):
    """softmax_loss_naive's loops, with the given pieces in place of the right ones."""
    return SOFTMAX_NAIVE_TEMPLATE.format(shift=shift, minus_one=minus_one, reg_grad=reg_grad)


SOFTMAX_NAIVE_LOGADDEXP = '''
def softmax_loss_naive(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(N):
        scores = X[i] @ W
        log_norm = np.logaddexp.reduce(scores)
        loss += log_norm - scores[y[i]]
        for j in range(C):
            dW[:, j] += (np.exp(scores[j] - log_norm) - (j == y[i])) * X[i]
    return loss / N + 0.5 * reg * np.sum(W * W), dW / N + reg * W
'''

SOFTMAX_NAIVE_MAX_ADDED_BACK = '''
def softmax_loss_naive(W, X, y, reg):
    N = X.shape[0]
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(N):
        scores = X[i] @ W
        m = scores.max()
        log_norm = m + np.log(np.sum(np.exp(scores - m)))
        loss += log_norm - scores[y[i]]
        probs = np.exp(scores - log_norm)
        probs[y[i]] -= 1
        dW += X[i][:, None] * probs[None, :]
    return loss / N + 0.5 * reg * np.sum(W * W), dW / N + reg * W
'''

# ------------------------------------------------------- softmax_loss_vectorized
SOFTMAX_VECTORIZED_TEMPLATE = '''
def softmax_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    scores = X.dot(W)
    scores = scores - {shift}
    log_norm = np.log(np.sum(np.exp(scores), axis=1))
    loss = np.{reduce}(log_norm - scores[np.arange(N), y])
    probs = np.exp(scores - log_norm[:, None])
    probs[np.arange(N), y] -= 1
    dW = X.T.dot(probs) / {n}
    {penalty_line}
    return loss + reg_loss, dW + reg_grad
'''
TRUSTED_PENALTY = "reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)"


def softmax_vectorized(shift="np.max(scores, axis=1, keepdims=True)", reduce="mean", n="N",
                       penalty_line=TRUSTED_PENALTY):
    """softmax_loss_vectorized, with the given pieces in place of the right ones."""
    return SOFTMAX_VECTORIZED_TEMPLATE.format(shift=shift, reduce=reduce, n=n, penalty_line=penalty_line)


SOFTMAX_UNSTABLE = '''
def softmax_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    exp_scores = np.exp(X.dot(W))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dW = X.T.dot(dscores) / N
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return loss + reg_loss, dW + reg_grad
'''

SOFTMAX_VECTORIZED_LOOPS = '''
def softmax_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(N):
        s = X[i] @ W
        s = s - s.max()
        p = np.exp(s) / np.exp(s).sum()
        loss += np.log(np.exp(s).sum()) - s[y[i]]
        p[y[i]] -= 1
        dW += np.outer(X[i], p)
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return loss / N + reg_loss, dW / N + reg_grad
'''

# -------------------------------------------------------- regularization_penalty
PENALTY_TEMPLATE = '''
def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    l1, l2 = np.sum(np.abs(W)), {l2_value}
    if penalty == "l2":
        return reg * l2, {l2_grad}
    if penalty == "l1":
        return reg * l1, {l1_grad}
    if penalty == "elastic_net":
        a, b = {ratios}
        return reg * (a * l1 + b * l2), a * reg * np.sign(W) + b * ({l2_grad})
    raise ValueError(penalty)
'''


def penalty(l2_value="0.5 * np.sum(W * W)", l2_grad="reg * W", l1_grad="reg * np.sign(W)",
            ratios="l1_ratio, 1 - l1_ratio"):
    """regularization_penalty, with the given formulas in place of the right ones."""
    return PENALTY_TEMPLATE.format(l2_value=l2_value, l2_grad=l2_grad, l1_grad=l1_grad, ratios=ratios)


PENALTY_WITH_NORMS = '''
def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    weights = {"l2": (0.0, 1.0), "l1": (1.0, 0.0), "elastic_net": (l1_ratio, 1.0 - l1_ratio)}
    if penalty not in weights:
        raise ValueError(f"unknown penalty {penalty!r}")
    a, b = weights[penalty]
    flat = W.ravel()
    value = reg * (a * np.linalg.norm(flat, 1) + b * 0.5 * np.linalg.norm(flat) ** 2)
    return value, reg * (a * np.sign(W) + b * W)
'''

# ---------------------------------------------------------------- LinearClassifier
CLASSIFIER_TEMPLATE = '''
class LinearClassifier:
    def __init__(self):
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200,
              verbose=False, seed=0):
        num_train, dim = X.shape
        rng = np.random.default_rng(seed)
        if {init_condition}:
            self.W = 0.001 * rng.standard_normal((dim, int(np.max(y)) + 1))
        loss_history = []
        for it in range(num_iters):
            idx = {sample}
            loss, grad = self.loss(X[idx], y[idx], reg)
            {update}
            loss_history.append(float({recorded}))
        return loss_history

    def predict(self, X):
        return {prediction}

    def loss(self, X_batch, y_batch, reg):
        raise NotImplementedError
'''


def classifier(init_condition="self.W is None", sample="rng.choice(num_train, batch_size, replace=True)",
               update="self.W -= learning_rate * grad", recorded="loss",
               prediction="np.argmax(X @ self.W, axis=1)"):
    """the LinearClassifier cell, with the given pieces of train and predict in place of the right ones."""
    return CLASSIFIER_TEMPLATE.format(init_condition=init_condition, sample=sample, update=update,
                                      recorded=recorded, prediction=prediction)


PREDICT_WITH_LOOP = "np.array([int(np.argmax(row @ self.W)) for row in X])"


# LinearClassifier.train and LinearClassifier.predict share the class's solution cell.
CLASSIFIER_CELL = "LinearClassifier_code"

VARIANTS = [
    # svm_loss_naive
    wrong("svm_margin_for_correct_class", "svm_loss_naive", "counts the margin of the correct class (adds 1 per example)",
          "skip j == y[i] in the inner loop: the correct class has no margin",
          svm_naive(skip=" and False")),
    wrong("svm_naive_no_averaging", "svm_loss_naive", "sums the loss and gradient over the examples instead of averaging",
          "divide the data loss and its gradient by N", svm_naive(n="1")),
    wrong("svm_naive_no_reg_gradient", "svm_loss_naive", "adds the L2 penalty to the loss but not its gradient reg * W",
          "add reg * W to dW", svm_naive(reg_grad="0")),
    wrong("svm_naive_no_delta", "svm_loss_naive", "leaves out the margin delta = 1",
          "a margin is s_j - s_y + 1, not s_j - s_y", svm_naive(delta="0")),
    correct("svm_naive_vectorized_inside", "svm_loss_naive", "vectorized code in place of the loops",
            SVM_NAIVE_VECTORIZED_INSIDE),
    correct("svm_naive_other_order", "svm_loss_naive", "the same loops with the skip written as a condition",
            svm_naive(skip=" and True")),
    # svm_loss_vectorized
    wrong("svm_no_averaging", "svm_loss_vectorized", "sums the data loss and gradient over the batch instead of averaging",
          "divide the data loss and its gradient by N", svm_vectorized(n="1")),
    wrong("svm_wrong_sign", "svm_loss_vectorized", "returns the data gradient with the wrong sign",
          "check the sign: dW should point uphill", svm_vectorized(sign="-")),
    wrong("svm_vectorized_correct_class_margin", "svm_loss_vectorized",
          "does not zero the margin of the correct class (adds 1 per example)",
          "set margins[np.arange(N), y] = 0 before summing", svm_vectorized(zero_correct="pass")),
    correct("svm_vectorized_loops", "svm_loss_vectorized", "loops instead of vectorized code", SVM_VECTORIZED_WITH_LOOPS),
    correct("svm_vectorized_einsum", "svm_loss_vectorized", "einsum and a boolean one-hot mask", SVM_VECTORIZED_EINSUM),
    # softmax_loss_naive
    wrong("softmax_no_reg_gradient", "softmax_loss_naive", "adds the L2 penalty to the loss but not its gradient reg * W",
          "add reg * W to dW", softmax_naive(reg_grad="")),
    wrong("softmax_naive_no_minus_one", "softmax_loss_naive", "leaves out the -1 for the correct class in the gradient",
          "dL/ds_j = p_j - 1[j == y_i]", softmax_naive(minus_one="")),
    wrong("softmax_naive_unstable", "softmax_loss_naive", "exponentiates raw scores: overflows for scores around 1e3",
          "subtract the largest score before np.exp", softmax_naive(shift="0")),
    correct("softmax_naive_logaddexp", "softmax_loss_naive", "np.logaddexp.reduce for the log-sum-exp",
            SOFTMAX_NAIVE_LOGADDEXP),
    correct("softmax_naive_max_added_back", "softmax_loss_naive",
            "log-sum-exp written as m + log(sum(exp(s - m))) on unshifted scores", SOFTMAX_NAIVE_MAX_ADDED_BACK),
    # softmax_loss_vectorized
    wrong("softmax_unstable", "softmax_loss_vectorized", "exponentiates raw scores: overflows (nan) for scores around 1e3",
          "subtract each row's max score before np.exp", SOFTMAX_UNSTABLE),
    wrong("softmax_vectorized_no_averaging", "softmax_loss_vectorized",
          "sums the data loss and gradient over the batch instead of averaging",
          "divide the data loss and its gradient by N", softmax_vectorized(reduce="sum", n="1")),
    wrong("softmax_vectorized_ignores_penalty_option", "softmax_loss_vectorized",
          "always adds an L2 penalty reg * sum(W**2) instead of calling regularization_penalty",
          "compute the penalty with regularization_penalty(W, reg, penalty, l1_ratio)",
          softmax_vectorized(penalty_line="reg_loss, reg_grad = reg * np.sum(W * W), 2 * reg * W")),
    wrong("softmax_vectorized_global_max", "softmax_loss_vectorized",
          "subtracts one global max instead of each row's max: underflows for scores around 1e3",
          "subtract each row's max: np.max(scores, axis=1, keepdims=True)", softmax_vectorized(shift="np.max(scores)")),
    correct("softmax_vectorized_loops", "softmax_loss_vectorized", "loops instead of vectorized code",
            SOFTMAX_VECTORIZED_LOOPS),
    correct("softmax_vectorized_mean_over_rows", "softmax_loss_vectorized",
            "np.sum(...) / N in place of np.mean", fix(softmax_vectorized(reduce="sum", n="N"),
                                                 ("loss = np.sum(log_norm - scores[np.arange(N), y])",
                                                  "loss = np.sum(log_norm - scores[np.arange(N), y]) / N"))),
    # regularization_penalty
    wrong("penalty_l2_without_half", "regularization_penalty", "computes the L2 penalty as reg * sum(W**2), without the 0.5",
          "the course's L2 penalty is 0.5 * reg * sum(W**2), so its gradient is reg * W",
          penalty(l2_value="np.sum(W * W)", l2_grad="2 * reg * W")),
    wrong("penalty_l1_gradient_is_w", "regularization_penalty", "uses reg * W as the gradient of the L1 penalty",
          "the gradient of |w| is sign(w): use reg * np.sign(W)", penalty(l1_grad="reg * W")),
    wrong("penalty_elastic_ratio_swapped", "regularization_penalty",
          "swaps l1_ratio and 1 - l1_ratio in the elastic net",
          "l1_ratio weighs the L1 part: reg * (l1_ratio * L1 + (1 - l1_ratio) * L2)",
          penalty(ratios="1 - l1_ratio, l1_ratio")),
    correct("penalty_with_norms", "regularization_penalty", "np.linalg.norm and a table of weights", PENALTY_WITH_NORMS),
    correct("penalty_other_order", "regularization_penalty", "the same formulas with the L2 gradient written as W * reg",
            penalty(l2_grad="W * reg")),
    # LinearClassifier.train
    wrong("train_gradient_ascent", "linear_classifier_train", "adds the gradient to W (gradient ascent)",
          "step against the gradient: W -= learning_rate * grad", classifier(update="self.W += learning_rate * grad"), CLASSIFIER_CELL),
    wrong("train_reinitialises_w", "linear_classifier_train", "re-initialises W on every call, even when it is set",
          "initialise W only when self.W is None", classifier(init_condition="True"), CLASSIFIER_CELL),
    wrong("train_ignores_learning_rate", "linear_classifier_train", "ignores the learning rate (steps by the raw gradient)",
          "scale the step: W -= learning_rate * grad", classifier(update="self.W -= grad"), CLASSIFIER_CELL),
    correct("train_without_replacement", "linear_classifier_train", "samples each minibatch without replacement",
            classifier(sample="rng.permutation(num_train)[:batch_size] if batch_size <= num_train "
                              "else rng.choice(num_train, batch_size)"), CLASSIFIER_CELL),
    correct("train_integer_sampling", "linear_classifier_train", "rng.integers to sample the minibatch",
            classifier(sample="rng.integers(0, num_train, size=batch_size)"), CLASSIFIER_CELL),
    # LinearClassifier.predict
    wrong("predict_argmin", "linear_classifier_predict", "takes the class with the lowest score",
          "predict the class with the highest score: np.argmax", classifier(prediction="np.argmin(X @ self.W, axis=1)"), CLASSIFIER_CELL),
    wrong("predict_axis_0", "linear_classifier_predict", "takes the argmax over the wrong axis (over examples)",
          "scores are (N, C): take the argmax over axis=1", classifier(prediction="np.argmax(X @ self.W, axis=0)"), CLASSIFIER_CELL),
    wrong("predict_returns_scores", "linear_classifier_predict", "returns the scores instead of the labels",
          "return np.argmax(scores, axis=1), one label per example", classifier(prediction="X @ self.W"), CLASSIFIER_CELL),
    correct("predict_with_loop", "linear_classifier_predict", "a loop over the rows", classifier(prediction=PREDICT_WITH_LOOP), CLASSIFIER_CELL),
    correct("predict_method_call", "linear_classifier_predict", "(X @ W).argmax(axis=1)",
            classifier(prediction="(X @ self.W).argmax(axis=1)"), CLASSIFIER_CELL),
]
