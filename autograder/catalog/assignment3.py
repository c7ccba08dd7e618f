"""Known variants of Assignment 3's graded functions.

Each wrong variant is a typical student bug, written as the full source of the
solution cell it replaces. Most are small edits of a correct version (`fix`
applies them and fails loudly if the edit no longer applies).
"""
from autograder.catalog import correct, fix, wrong


AFFINE_FORWARD = '''
def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache
'''

AFFINE_BACKWARD = '''
def affine_backward(dout, cache):
    x, w, b = cache
    x_rows = x.reshape(x.shape[0], -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x_rows.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db
'''

RELU_FORWARD = '''
def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache
'''

RELU_BACKWARD = '''
def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx
'''

SOFTMAX_LOSS = '''
def softmax_loss(scores, y):
    N = scores.shape[0]
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores
'''

SVM_LOSS = '''
def svm_loss(scores, y):
    N = scores.shape[0]
    correct = scores[np.arange(N), y][:, None]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    dscores = (margins > 0).astype(scores.dtype)
    dscores[np.arange(N), y] = -np.sum(dscores, axis=1)
    dscores /= N
    return float(loss), dscores
'''

CONV1D_FORWARD = '''
def conv1d_forward(x, w):
    L, K = x.shape[0], w.shape[0]
    out = np.array([np.sum(w * x[i:i + K]) for i in range(L - K + 1)], dtype=np.result_type(x, w))
    cache = (x, w)
    return out, cache
'''

CONV1D_BACKWARD = '''
def conv1d_backward(dout, cache):
    x, w = cache
    K = w.shape[0]
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    for i in range(dout.shape[0]):
        dx[i:i + K] += dout[i] * w
        dw += dout[i] * x[i:i + K]
    return dx, dw
'''

CONV2D_FORWARD = '''
def conv2d_naive_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w, b))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_padded[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, stride, pad)
    return out, cache
'''

CONV2D_BACKWARD = '''
def conv2d_naive_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_padded = np.zeros_like(x_padded)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + HH)
                    cols = slice(j * stride, j * stride + WW)
                    dw[f] += dout[n, f, i, j] * x_padded[n, :, rows, cols]
                    dx_padded[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    dx = dx_padded[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
'''

# The body of TwoLayerNet.loss between reading the parameters and returning: the
# calls to the layer functions (net_self_contained replaces exactly this).
NET_LAYER_CALLS = '''        hidden, affine1_cache = affine_forward(X, W1, b1)
        hidden_relu, relu_cache = relu_forward(hidden)
        scores, affine2_cache = affine_forward(hidden_relu, W2, b2)
        if y is None:
            return scores
        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dhidden_relu, dW2, db2 = affine_backward(dscores, affine2_cache)
        dhidden = relu_backward(dhidden_relu, relu_cache)
        _, dW1, db1 = affine_backward(dhidden, affine1_cache)
'''

TWO_LAYER_NET = '''
class TwoLayerNet:
    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0,
                 seed=0, dtype=np.float64):
        self.reg = reg
        self.params = {}
        rng = np.random.default_rng(seed)
        self.params["W1"] = (weight_scale * rng.standard_normal((input_dim, hidden_dim))).astype(dtype)
        self.params["b1"] = np.zeros(hidden_dim, dtype=dtype)
        self.params["W2"] = (weight_scale * rng.standard_normal((hidden_dim, num_classes))).astype(dtype)
        self.params["b2"] = np.zeros(num_classes, dtype=dtype)

    def loss(self, X, y=None, reg=None):
        if reg is None:
            reg = self.reg
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
''' + NET_LAYER_CALLS + '''        grads = {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}
        return float(loss), grads

    def predict(self, X):
        return np.argmax(self.loss(X), axis=1)
'''

TRAIN_NET = '''
def train_net(model, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, num_epochs=5,
              batch_size=200, num_train_eval=1000, seed=0, verbose=False):
    rng = np.random.default_rng(seed)
    num_train = X.shape[0]
    iterations_per_epoch = max(num_train // batch_size, 1)
    num_iters = num_epochs * iterations_per_epoch
    loss_history, train_acc_history, val_acc_history = [], [], []
    for it in range(num_iters):
        idx = rng.choice(num_train, batch_size, replace=True)
        loss, grads = model.loss(X[idx], y[idx])
        loss_history.append(float(loss))
        for name in model.params:
            model.params[name] -= learning_rate * grads[name]
        if (it + 1) % iterations_per_epoch == 0:
            train_acc_history.append(float(np.mean(model.predict(X[:num_train_eval]) == y[:num_train_eval])))
            val_acc_history.append(float(np.mean(model.predict(X_val) == y_val)))
            learning_rate *= learning_rate_decay
    return {"loss_history": loss_history, "train_acc_history": train_acc_history,
            "val_acc_history": val_acc_history}
'''


NET_CELL = "TwoLayerNet_code"

VARIANTS = [
    # affine_forward
    wrong("affine_forward_no_reshape", "affine_forward", "multiplies x without flattening it to (N, D)",
          "reshape x to (N, D) with x.reshape(x.shape[0], -1) before the product",
          fix(AFFINE_FORWARD, ("x.reshape(x.shape[0], -1).dot(w)", "x.dot(w)"))),
    wrong("affine_forward_no_bias", "affine_forward", "forgets the bias b", "add b to every row of the product",
          fix(AFFINE_FORWARD, (".dot(w) + b", ".dot(w)"))),
    wrong("affine_forward_cache_reshaped_x", "affine_forward", "stores the flattened x in the cache",
          "the cache keeps x in its original shape: cache = (x, w, b)",
          fix(AFFINE_FORWARD, ("    out = x.reshape(x.shape[0], -1).dot(w) + b\n    cache = (x, w, b)",
                               "    x = x.reshape(x.shape[0], -1)\n    out = x.dot(w) + b\n    cache = (x, w, b)"))),
    wrong("affine_forward_reshape_wrong_order", "affine_forward", "flattens x with reshape(-1, N).T (mixes examples)",
          "reshape(N, -1) keeps each example's numbers together",
          fix(AFFINE_FORWARD, ("x.reshape(x.shape[0], -1)", "x.reshape(-1, x.shape[0]).T"))),
    correct("affine_forward_matmul", "affine_forward", "uses @ and np.prod for D",
            fix(AFFINE_FORWARD, ("x.reshape(x.shape[0], -1).dot(w) + b",
                                 "x.reshape(x.shape[0], int(np.prod(x.shape[1:]))) @ w + b"))),
    correct("affine_forward_einsum", "affine_forward", "np.einsum on the flattened rows",
            fix(AFFINE_FORWARD, ("x.reshape(x.shape[0], -1).dot(w) + b", "np.einsum('nd,dm->nm', np.reshape(x, (len(x), -1)), w) + b"))),
    # affine_backward
    wrong("affine_backward_dx_not_reshaped", "affine_backward", "returns dx of shape (N, D) instead of the shape of x",
          "reshape dx back to x.shape", fix(AFFINE_BACKWARD, ("dout.dot(w.T).reshape(x.shape)", "dout.dot(w.T)"))),
    wrong("affine_backward_db_wrong_axis", "affine_backward", "sums dout over axis 1 for db",
          "b is added to every row, so db sums over the rows: axis 0",
          fix(AFFINE_BACKWARD, ("np.sum(dout, axis=0)", "np.sum(dout, axis=1)"))),
    wrong("affine_backward_dw_averaged", "affine_backward", "divides dw by N",
          "the loss already averages over N: dw = x_rows.T @ dout, no extra division",
          fix(AFFINE_BACKWARD, ("x_rows.T.dot(dout)", "x_rows.T.dot(dout) / x.shape[0]"))),
    wrong("affine_backward_dx_uses_x", "affine_backward", "computes dx from x instead of w",
          "dx = dout @ w.T: the derivative of x @ w with respect to x is w",
          fix(AFFINE_BACKWARD, ("dout.dot(w.T).reshape(x.shape)", "(dout.dot(x_rows.T.dot(dout).T)).reshape(x.shape)"))),
    correct("affine_backward_einsum", "affine_backward", "computes the products with np.einsum",
            fix(AFFINE_BACKWARD, ("x_rows.T.dot(dout)", "np.einsum('nd,nm->dm', x_rows, dout)"))),
    correct("affine_backward_other_order", "affine_backward", "db first, then dw and dx with @",
            '''
def affine_backward(dout, cache):
    x, w, b = cache
    db = dout.sum(axis=0)
    dw = np.reshape(x, (x.shape[0], -1)).T @ dout
    dx = np.reshape(dout @ w.T, x.shape)
    return dx, dw, db
'''),
    # relu_forward
    wrong("relu_forward_abs", "relu_forward", "returns |x| instead of max(0, x)", "negative inputs give 0, not -x",
          fix(RELU_FORWARD, ("np.maximum(0, x)", "np.abs(x)"))),
    wrong("relu_forward_leaky", "relu_forward", "computes a leaky ReLU (0.01 x for negative x)", "negative inputs give exactly 0",
          fix(RELU_FORWARD, ("np.maximum(0, x)", "np.maximum(0.01 * x, x)"))),
    wrong("relu_forward_in_place", "relu_forward", "clips x in place, so the cache holds the output",
          "make a new array: x[x < 0] = 0 changes the input the cache should keep",
          fix(RELU_FORWARD, ("    out = np.maximum(0, x)\n", "    x[x < 0] = 0\n    out = x\n"))),
    correct("relu_forward_mask", "relu_forward", "multiplies by a mask", fix(RELU_FORWARD, ("np.maximum(0, x)", "x * (x > 0)"))),
    correct("relu_forward_clip", "relu_forward", "np.clip from below", fix(RELU_FORWARD, ("np.maximum(0, x)", "np.clip(x, 0, None)"))),
    # relu_backward
    wrong("relu_backward_kink_passes", "relu_backward", "lets the gradient through at x == 0 (x >= 0)",
          "use x > 0: at the kink the gradient is 0 in this course", fix(RELU_BACKWARD, ("x > 0", "x >= 0"))),
    wrong("relu_backward_no_dout", "relu_backward", "returns the local gradient without multiplying by dout",
          "multiply the local gradient (x > 0) by the upstream gradient dout",
          fix(RELU_BACKWARD, ("dout * (x > 0)", "(x > 0).astype(dout.dtype)"))),
    wrong("relu_backward_masks_by_dout", "relu_backward", "masks with the sign of dout instead of x",
          "the gate is open where the forward input x was positive", fix(RELU_BACKWARD, ("dout * (x > 0)", "dout * (dout > 0)"))),
    correct("relu_backward_where", "relu_backward", "np.where", fix(RELU_BACKWARD, ("dout * (x > 0)", "np.where(x > 0, dout, 0)"))),
    correct("relu_backward_copy_and_zero", "relu_backward", "copies dout and zeroes it where x <= 0",
            fix(RELU_BACKWARD, ("    dx = dout * (x > 0)\n", "    dx = dout.copy()\n    dx[x <= 0] = 0\n"))),
    # softmax_loss
    wrong("softmax_loss_unstable", "softmax_loss", "exponentiates raw scores: overflows for scores around 1e3",
          "subtract each row's max score before np.exp",
          fix(SOFTMAX_LOSS, ("scores - np.max(scores, axis=1, keepdims=True)", "scores"))),
    wrong("softmax_loss_no_averaging", "softmax_loss", "sums the loss and gradient over the batch",
          "divide the loss and dscores by N",
          fix(SOFTMAX_LOSS, ("-np.mean(log_probs[np.arange(N), y])", "-np.sum(log_probs[np.arange(N), y])"),
              ("    dscores /= N\n", ""))),
    wrong("softmax_loss_no_minus_one", "softmax_loss", "forgets to subtract 1 at the correct class in dscores",
          "dscores = (p - one_hot(y)) / N", fix(SOFTMAX_LOSS, ("    dscores[np.arange(N), y] -= 1\n", ""))),
    wrong("softmax_loss_grad_not_averaged", "softmax_loss", "averages the loss but not dscores",
          "dscores must be divided by N as well", fix(SOFTMAX_LOSS, ("    dscores /= N\n", ""))),
    correct("softmax_loss_probs", "softmax_loss", "forms probabilities first, stably",
            '''
def softmax_loss(scores, y):
    N = scores.shape[0]
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    shifted = scores - scores.max(axis=1, keepdims=True)
    loss = np.mean(np.log(e.sum(axis=1)) - shifted[np.arange(N), y])
    p[np.arange(N), y] -= 1
    return loss, p / N
'''),
    correct("softmax_loss_loops", "softmax_loss", "a loop over the examples, with log-probabilities",
            '''
def softmax_loss(scores, y):
    N = scores.shape[0]
    loss = 0.0
    dscores = np.zeros_like(scores)
    for n in range(N):
        s = scores[n] - np.max(scores[n])
        log_sum = np.log(np.sum(np.exp(s)))
        loss -= s[y[n]] - log_sum
        dscores[n] = np.exp(s - log_sum)
        dscores[n, y[n]] -= 1
    return loss / N, dscores / N
'''),
    # svm_loss
    wrong("svm_loss_counts_correct_class", "svm_loss", "counts the margin of the correct class (adds 1 per example)",
          "set the correct class's margin to 0", fix(SVM_LOSS, ("    margins[np.arange(N), y] = 0\n", ""))),
    wrong("svm_loss_no_averaging", "svm_loss", "sums the loss and gradient over the batch",
          "divide the loss and dscores by N", fix(SVM_LOSS, ("np.sum(margins) / N", "np.sum(margins)"), ("    dscores /= N\n", ""))),
    wrong("svm_loss_wrong_sign", "svm_loss", "returns dscores with the wrong sign", "dscores should point uphill",
          fix(SVM_LOSS, ("    dscores /= N\n", "    dscores /= -N\n"))),
    wrong("svm_loss_correct_class_minus_one", "svm_loss", "subtracts 1 (not the count of violations) at the correct class",
          "the correct class's score appears in every violated margin: subtract their count",
          fix(SVM_LOSS, ("-np.sum(dscores, axis=1)", "-1"))),
    correct("svm_loss_loops", "svm_loss", "explicit loops",
            '''
def svm_loss(scores, y):
    N, C = scores.shape
    loss = 0.0
    dscores = np.zeros_like(scores)
    for n in range(N):
        for j in range(C):
            if j == y[n]:
                continue
            margin = scores[n, j] - scores[n, y[n]] + 1
            if margin > 0:
                loss += margin
                dscores[n, j] += 1
                dscores[n, y[n]] -= 1
    return loss / N, dscores / N
'''),
    # conv1d_forward
    correct("svm_loss_one_hot", "svm_loss", "a boolean one-hot mask instead of fancy indexing",
            '''
def svm_loss(scores, y):
    N, C = scores.shape
    one_hot = np.eye(C, dtype=bool)[y]
    correct = scores[one_hot][:, None]
    margins = np.where(one_hot, 0, np.maximum(0, scores - correct + 1))
    positive = (margins > 0).astype(scores.dtype)
    dscores = positive - one_hot * positive.sum(axis=1, keepdims=True)
    return margins.sum() / N, dscores / N
'''),
    wrong("conv1d_forward_flipped", "conv1d_forward", "a true convolution: flips the filter (np.convolve)",
          "out[i] = sum_k w[k] x[i + k], without flipping w", fix(CONV1D_FORWARD, ("np.sum(w * x[i:i + K])", "np.sum(w[::-1] * x[i:i + K])"))),
    wrong("conv1d_forward_one_short", "conv1d_forward", "computes L - K outputs instead of L - K + 1",
          "a valid convolution has L - K + 1 outputs", fix(CONV1D_FORWARD, ("range(L - K + 1)", "range(L - K)"))),
    wrong("conv1d_forward_window_one_short", "conv1d_forward", "uses only K - 1 taps of the filter",
          "the window x[i:i + K] has K entries", fix(CONV1D_FORWARD, ("np.sum(w * x[i:i + K])", "np.sum(w[:K - 1] * x[i:i + K - 1])"))),
    correct("conv1d_forward_correlate", "conv1d_forward", "np.correlate",
            fix(CONV1D_FORWARD, ("np.array([np.sum(w * x[i:i + K]) for i in range(L - K + 1)], dtype=np.result_type(x, w))",
                                 "np.correlate(x, w, mode='valid')"))),
    correct("conv1d_forward_windows", "conv1d_forward", "a sliding-window view times the filter",
            fix(CONV1D_FORWARD, ("np.array([np.sum(w * x[i:i + K]) for i in range(L - K + 1)], dtype=np.result_type(x, w))",
                                 "np.lib.stride_tricks.sliding_window_view(x, K) @ w"))),
    # conv1d_backward
    wrong("conv1d_backward_dx_overwrites", "conv1d_backward", "assigns dx windows instead of adding (windows overlap)",
          "use += for dx[i:i+K]: each x[j] is used by several outputs", fix(CONV1D_BACKWARD, ("dx[i:i + K] += dout[i] * w", "dx[i:i + K] = dout[i] * w"))),
    wrong("conv1d_backward_dw_one_position", "conv1d_backward", "takes dw from the last position only",
          "the filter is shared: sum dout[i] * x[i:i+K] over every position i", fix(CONV1D_BACKWARD, ("dw += dout[i]", "dw = dout[i]"))),
    wrong("conv1d_backward_dw_flipped", "conv1d_backward", "returns dw reversed", "dw[k] = sum_i dout[i] * x[i + k]: no flip",
          fix(CONV1D_BACKWARD, ("    return dx, dw", "    return dx, dw[::-1]"))),
    wrong("conv1d_backward_dw_averaged", "conv1d_backward", "averages dw over the positions instead of summing",
          "sum over positions, do not divide by their number", fix(CONV1D_BACKWARD, ("    return dx, dw", "    return dx, dw / dout.shape[0]"))),
    correct("conv1d_backward_correlate", "conv1d_backward", "np.correlate and np.convolve",
            '''
def conv1d_backward(dout, cache):
    x, w = cache
    return np.convolve(dout, w, mode="full"), np.correlate(x, dout, mode="valid")
'''),
    correct("conv1d_backward_loop_over_taps", "conv1d_backward", "loops over the K taps instead of the positions",
            '''
def conv1d_backward(dout, cache):
    x, w = cache
    M = dout.shape[0]
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    for k in range(w.shape[0]):
        dw[k] = np.dot(dout, x[k:k + M])
        dx[k:k + M] += w[k] * dout
    return dx, dw
'''),
    # conv2d_naive_forward
    wrong("conv2d_forward_ignores_stride", "conv2d_naive_forward", "moves the window by one pixel whatever the stride",
          "the window of output (i, j) starts at (i * stride, j * stride)",
          fix(CONV2D_FORWARD, ("x_padded[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]", "x_padded[n, :, i:i + HH, j:j + WW]"))),
    wrong("conv2d_forward_no_bias", "conv2d_naive_forward", "forgets the bias", "add b[f] to every output of filter f",
          fix(CONV2D_FORWARD, ("np.sum(window * w[f]) + b[f]", "np.sum(window * w[f])"))),
    wrong("conv2d_forward_pads_one_side", "conv2d_naive_forward", "pads only at the bottom and right",
          "pad pad pixels on both sides of each spatial axis: ((pad, pad), (pad, pad))",
          fix(CONV2D_FORWARD, ("((0, 0), (0, 0), (pad, pad), (pad, pad))", "((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad))"))),
    wrong("conv2d_forward_first_channel", "conv2d_naive_forward", "uses only the first channel",
          "each filter spans all C channels: multiply the whole window by w[f]",
          fix(CONV2D_FORWARD, ("np.sum(window * w[f])", "np.sum(window[0] * w[f, 0])"))),
    correct("conv2d_forward_tensordot", "conv2d_naive_forward", "one tensordot per output position",
            fix(CONV2D_FORWARD, ("    for n in range(N):\n        for f in range(F):\n            for i in range(H_out):\n                for j in range(W_out):\n                    window = x_padded[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]\n                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]\n",
                                 "    for i in range(H_out):\n        for j in range(W_out):\n            window = x_padded[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]\n            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b\n"))),
    correct("conv2d_forward_rows", "conv2d_naive_forward", "pads by hand and multiplies flattened filters by each patch",
            '''
def conv2d_naive_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + H, pad:pad + W] = x
    w_rows = w.reshape(F, -1)
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w, b))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                patch = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW].reshape(-1)
                out[n, :, i, j] = w_rows @ patch + b
    return out, (x, w, b, stride, pad)
'''),
    # conv2d_naive_backward
    wrong("conv2d_backward_dx_padded", "conv2d_naive_backward", "returns the padded dx",
          "cut the padding away: dx_padded[:, :, pad:pad + H, pad:pad + W]",
          fix(CONV2D_BACKWARD, ("dx = dx_padded[:, :, pad:pad + H, pad:pad + W]", "dx = dx_padded"))),
    wrong("conv2d_backward_dx_overwrites", "conv2d_naive_backward", "assigns dx windows instead of adding",
          "windows overlap: use += on the padded dx",
          fix(CONV2D_BACKWARD, ("dx_padded[n, :, rows, cols] += dout[n, f, i, j] * w[f]", "dx_padded[n, :, rows, cols] = dout[n, f, i, j] * w[f]"))),
    wrong("conv2d_backward_ignores_stride", "conv2d_naive_backward", "ignores the stride in the backward pass",
          "the window of output (i, j) starts at (i * stride, j * stride)",
          fix(CONV2D_BACKWARD, ("slice(i * stride, i * stride + HH)", "slice(i, i + HH)"), ("slice(j * stride, j * stride + WW)", "slice(j, j + WW)"))),
    wrong("conv2d_backward_db_per_image", "conv2d_naive_backward", "db sums over the positions but not the images",
          "db[f] sums dout[:, f] over the images and all positions",
          fix(CONV2D_BACKWARD, ("np.sum(dout, axis=(0, 2, 3))", "np.sum(dout[0], axis=(1, 2))"))),
    correct("conv2d_backward_vectorized_batch", "conv2d_naive_backward", "loops over positions only, vectorized over images and filters",
            '''
def conv2d_naive_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dxp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
'''),
    correct("conv2d_backward_per_example", "conv2d_naive_backward", "pads by hand; all filters of a position at once",
            '''
def conv2d_naive_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + H, pad:pad + W] = x
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    w_rows = w.reshape(F, -1)
    for n in range(N):
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                r, c = i * stride, j * stride
                g = dout[n, :, i, j]
                dw += g[:, None, None, None] * xp[n, :, r:r + HH, c:c + WW]
                dxp[n, :, r:r + HH, c:c + WW] += (g @ w_rows).reshape(C, HH, WW)
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
'''),
    # TwoLayerNet.loss
    wrong("net_no_reg_gradient", "two_layer_net_loss", "adds the penalty to the loss but not reg * W to the gradients",
          "add reg * W1 to dW1 and reg * W2 to dW2",
          fix(TWO_LAYER_NET, ('{"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}',
                              '{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}')), NET_CELL),
    wrong("net_penalty_without_half", "two_layer_net_loss", "uses reg * sum(W**2) as the penalty",
          "the course's L2 penalty is 0.5 * reg * sum(W**2), with gradient reg * W",
          fix(TWO_LAYER_NET, ("0.5 * reg * (np.sum(W1 * W1)", "reg * (np.sum(W1 * W1)")), NET_CELL),
    wrong("net_skips_relu_backward", "two_layer_net_loss", "does not pass the gradient through the ReLU",
          "run relu_backward between the two affine_backward calls",
          fix(TWO_LAYER_NET, ("dhidden = relu_backward(dhidden_relu, relu_cache)", "dhidden = dhidden_relu")), NET_CELL),
    wrong("net_ignores_reg_argument", "two_layer_net_loss", "always uses self.reg, ignoring the reg argument",
          "if reg is None: reg = self.reg; otherwise use the given reg",
          fix(TWO_LAYER_NET, ("        if reg is None:\n            reg = self.reg\n", "        reg = self.reg\n")), NET_CELL),
    wrong("net_regularizes_biases", "two_layer_net_loss", "adds reg * b to the bias gradients",
          "biases are not regularized", fix(TWO_LAYER_NET, ('"b1": db1,', '"b1": db1 + reg * b1,')), NET_CELL),
    correct("net_self_contained", "two_layer_net_loss", "computes the network without calling the layer functions",
            fix(TWO_LAYER_NET,
                (NET_LAYER_CALLS, """        X2 = X.reshape(X.shape[0], -1)
        h = np.maximum(0, X2 @ W1 + b1)
        scores = h @ W2 + b2
        if y is None:
            return scores
        N = X2.shape[0]
        z = scores - scores.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(log_p)
        loss = -np.mean(log_p[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        dscores = p.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        dW2, db2 = h.T @ dscores, dscores.sum(axis=0)
        dh = (dscores @ W2.T) * (h > 0)
        dW1, db1 = X2.T @ dh, dh.sum(axis=0)
""")), NET_CELL),
    correct("net_first_layer_without_dx", "two_layer_net_loss", "computes dW1 and db1 directly, skipping the unused dx",
            fix(TWO_LAYER_NET, ("        _, dW1, db1 = affine_backward(dhidden, affine1_cache)\n",
                                "        dW1, db1 = X.reshape(X.shape[0], -1).T @ dhidden, dhidden.sum(axis=0)\n")), NET_CELL),
    # TwoLayerNet.predict
    wrong("predict_axis_0", "two_layer_net_predict", "takes the argmax over the examples (axis 0)",
          "one label per row: argmax over axis 1", fix(TWO_LAYER_NET, ("np.argmax(self.loss(X), axis=1)", "np.argmax(self.loss(X), axis=0)")), NET_CELL),
    wrong("predict_max_score", "two_layer_net_predict", "returns the largest score instead of its class",
          "np.argmax returns the class index; np.max returns the score", fix(TWO_LAYER_NET, ("np.argmax(self.loss(X), axis=1)", "np.max(self.loss(X), axis=1)")), NET_CELL),
    wrong("predict_argmin", "two_layer_net_predict", "takes the class with the lowest score",
          "the predicted class has the highest score", fix(TWO_LAYER_NET, ("np.argmax(self.loss(X), axis=1)", "np.argmin(self.loss(X), axis=1)")), NET_CELL),
    correct("predict_method_argmax", "two_layer_net_predict", "uses the array method argmax",
            fix(TWO_LAYER_NET, ("np.argmax(self.loss(X), axis=1)", "self.loss(X).argmax(axis=1)")), NET_CELL),
    correct("predict_loop", "two_layer_net_predict", "a loop over the rows of the scores",
            fix(TWO_LAYER_NET, ("np.argmax(self.loss(X), axis=1)", "np.array([int(np.argmax(row)) for row in self.loss(X)])")), NET_CELL),
    # train_net
    wrong("train_no_decay", "train_net", "never decays the learning rate", "multiply learning_rate by learning_rate_decay after each epoch",
          fix(TRAIN_NET, ("            learning_rate *= learning_rate_decay\n", ""))),
    wrong("train_decay_every_iteration", "train_net", "decays the learning rate after every iteration",
          "decay once per epoch, inside the end-of-epoch block",
          fix(TRAIN_NET, ("            learning_rate *= learning_rate_decay\n", ""),
              ("        for name in model.params:", "        learning_rate *= learning_rate_decay\n        for name in model.params:"))),
    wrong("train_gradient_ascent", "train_net", "adds the gradient instead of subtracting it", "step downhill: params -= learning_rate * grads",
          fix(TRAIN_NET, ("model.params[name] -= learning_rate", "model.params[name] += learning_rate"))),
    wrong("train_updates_only_weights", "train_net", "updates only the parameters whose name starts with W",
          "update every parameter in model.params, biases too",
          fix(TRAIN_NET, ("        for name in model.params:\n", "        for name in [k for k in model.params if k.startswith('W')]:\n"))),
    wrong("train_one_epoch_too_few", "train_net", "runs num_epochs - 1 epochs", "run num_epochs * iterations_per_epoch iterations",
          fix(TRAIN_NET, ("num_iters = num_epochs * iterations_per_epoch", "num_iters = (num_epochs - 1) * iterations_per_epoch"))),
    correct("train_epoch_loops", "train_net", "nested loops over epochs and iterations",
            '''
def train_net(model, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, num_epochs=5,
              batch_size=200, num_train_eval=1000, seed=0, verbose=False):
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    per_epoch = max(N // batch_size, 1)
    history = {"loss_history": [], "train_acc_history": [], "val_acc_history": []}
    for epoch in range(num_epochs):
        for _ in range(per_epoch):
            idx = rng.choice(N, batch_size, replace=True)
            loss, grads = model.loss(X[idx], y[idx])
            history["loss_history"].append(loss)
            for name, grad in grads.items():
                model.params[name] = model.params[name] - learning_rate * grad
        history["train_acc_history"].append(np.mean(model.predict(X[:num_train_eval]) == y[:num_train_eval]))
        history["val_acc_history"].append(np.mean(model.predict(X_val) == y_val))
        learning_rate *= learning_rate_decay
    return history
'''),
    correct("train_in_place_items", "train_net", "updates the parameters in place through items()",
            fix(TRAIN_NET, ("        for name in model.params:\n            model.params[name] -= learning_rate * grads[name]\n",
                            "        for name, param in model.params.items():\n            param -= learning_rate * grads[name]\n"),
                ("if (it + 1) % iterations_per_epoch == 0:", "if it % iterations_per_epoch == iterations_per_epoch - 1:"))),
]
