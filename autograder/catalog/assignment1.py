"""The builders of Assignment 1's catalogued variants (their table is assignment1.toml).

Each graded function has a template of its right version with holes, and a function
that fills them; a `builder` entry of the table names the function and gives, in
`args`, the pieces that differ from the right version.
"""

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
