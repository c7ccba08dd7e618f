"""Known variants of Assignment 1's graded functions."""
from autograder.variants import Variant

SVM_MARGIN_FOR_CORRECT_CLASS = '''
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros(W.shape)
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(W.shape[1]):
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / num_train + 0.5 * reg * np.sum(W * W)
    dW = dW / num_train + reg * W
    return loss, dW
'''

SVM_NO_AVERAGING = '''
def svm_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(N), y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins)
    counts = (margins > 0).astype(X.dtype)
    counts[np.arange(N), y] = -np.sum(counts, axis=1)
    dW = X.T.dot(counts)
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return loss + reg_loss, dW + reg_grad
'''

SVM_WRONG_SIGN = '''
def svm_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    N = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(N), y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    counts = (margins > 0).astype(X.dtype)
    counts[np.arange(N), y] = -np.sum(counts, axis=1)
    dW = -X.T.dot(counts) / N
    reg_loss, reg_grad = regularization_penalty(W, reg, penalty, l1_ratio)
    return loss + reg_loss, dW + reg_grad
'''

SOFTMAX_NO_REG_GRADIENT = '''
def softmax_loss_naive(W, X, y, reg):
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)
        log_sum = np.log(np.sum(np.exp(scores)))
        probs = np.exp(scores - log_sum)
        loss += log_sum - scores[y[i]]
        for j in range(W.shape[1]):
            dW[:, j] += (probs[j] - (j == y[i])) * X[i]
    loss = loss / num_train + 0.5 * reg * np.sum(W * W)
    dW = dW / num_train
    return loss, dW
'''

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

VARIANTS = [
    Variant("svm_margin_for_correct_class", "svm_loss_naive", "wrong",
            "counts the margin of the correct class (adds 1 per example)",
            "skip j == y[i] in the inner loop: the correct class has no margin", "svm_loss_naive_code",
            SVM_MARGIN_FOR_CORRECT_CLASS),
    Variant("svm_no_averaging", "svm_loss_vectorized", "wrong",
            "sums the data loss and gradient over the batch instead of averaging",
            "divide the data loss and its gradient by N", "svm_loss_vectorized_code", SVM_NO_AVERAGING),
    Variant("svm_wrong_sign", "svm_loss_vectorized", "wrong",
            "returns the data gradient with the wrong sign",
            "check the sign: dW should point uphill", "svm_loss_vectorized_code", SVM_WRONG_SIGN),
    Variant("softmax_no_reg_gradient", "softmax_loss_naive", "wrong",
            "adds the L2 penalty to the loss but not its gradient reg * W",
            "add reg * W to dW", "softmax_loss_naive_code", SOFTMAX_NO_REG_GRADIENT),
    Variant("softmax_unstable", "softmax_loss_vectorized", "wrong",
            "exponentiates raw scores: overflows (nan) for scores around 1e3",
            "subtract each row's max score before np.exp", "softmax_loss_vectorized_code", SOFTMAX_UNSTABLE),
]
