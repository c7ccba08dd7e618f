"""Hidden-test cases of Assignment 6 (building blocks and landscapes).

Course conventions: X is (N, D), W is (D, M) (so a layer is x @ W + b, and a
"filter" of a fully connected layer is a column W[:, j]), images are (N, H, W, 3)
with channels R, G, B in 0..255. Forward functions return (out, cache) and
backward functions take (dout, cache), as in CS231n; each backward part gets
its cache built here, in the format its docstring fixes, so a bug in a forward
function never costs the backward part.

The random functions (xavier_init, he_init, filter_normalized_direction,
power_iteration) take a numpy Generator and follow a seeded contract stated in
their docstrings; each case builds the Generator from a fixed seed and also
records the generator's next draw after the call, so drawing more or less than
the contract says shows.

The activations' forward parts run with numpy's overflow and invalid-value
flags raised (sigmoid and tanh must be computed without overflowing, for any
finite x).
"""
import numpy as np

from autograder.cases.assignment3 import FLOAT32_TOL, as_array, as_tuple
from autograder.cases.assignment5 import unchanged
from autograder.cases.base import Case, Part, StudentOutputError

TOL = 1e-7                  # float64 cases: each answer is a few arithmetic operations
NO_OVERFLOW = {"over": "raise", "invalid": "raise"}


def as_number(name, value):
    value = np.asarray(value, dtype=np.float64)
    if value.size != 1:
        raise StudentOutputError(f"{name} should be a single number; it has shape {value.shape}.")
    return value.reshape(())


def with_zeros(rng, x, count):
    """x with `count` entries set to exactly 0 (the kinks of ReLU-like functions)."""
    x.reshape(-1)[rng.choice(x.size, count, replace=False)] = 0.0
    return x


# ---------------------------------------------------------------------------
# A stack of linear layers
# ---------------------------------------------------------------------------
def compose_case(seed, dims=(3, 4, 2, 5), dtype=np.float64):
    def make():
        rng = np.random.default_rng(seed)
        layers = [(rng.standard_normal((d_in, d_out)).astype(dtype), rng.standard_normal(d_out).astype(dtype))
                  for d_in, d_out in zip(dims[:-1], dims[1:])]
        return {"layers": layers}
    return make


def call_compose_affine(func, inputs):
    layers = inputs["layers"]
    given = [(W.copy(), b.copy()) for W, b in layers]
    W, b = as_tuple("compose_affine", func(given), 2, "(W, b)")
    for (W_in, b_in), (W_after, b_after) in zip(layers, given):
        unchanged("compose_affine", W_in, W_after)
        unchanged("compose_affine", b_in, b_after)
    D, M = layers[0][0].shape[0], layers[-1][0].shape[1]
    return {"W": as_array("W", W, (D, M)), "b": as_array("b", b, (M,))}


def compose_cases():
    return [
        Case("three layers 3 -> 4 -> 2 -> 5, seed 0", compose_case(0), tol=TOL),
        Case("one layer", compose_case(1, dims=(4, 3)), tol=TOL),
        Case("two square layers (4 x 4)", compose_case(2, dims=(4, 4, 4)), tol=TOL),
        Case("five layers down to one output", compose_case(3, dims=(6, 5, 4, 3, 2, 1)), tol=TOL),
        Case("float32 layers", compose_case(4, dims=(5, 3, 6), dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Activation functions
# ---------------------------------------------------------------------------
def activation_case(seed, shape=(4, 5), scale=1.0, zeros=0, alpha=None, dtype=np.float64):
    """x (standard normal times scale, with `zeros` exact zeros), dout, and alpha (None: not passed)."""
    def make():
        rng = np.random.default_rng(seed)
        x = with_zeros(rng, scale * rng.standard_normal(shape), zeros).astype(dtype)
        return {"x": x, "dout": rng.standard_normal(shape).astype(dtype), "alpha": alpha}
    return make


def extremes_case(dtype=np.float64):
    """Large |x| in both directions, where exp overflows unless the formula avoids it."""
    values = [[-1000.0, -745.0, -100.0, -40.0, -1e-3],
              [1e-3, 40.0, 100.0, 745.0, 1000.0]]
    return lambda: {"x": np.array(values, dtype=dtype),
                    "dout": np.array([[0.3717, -1.2391, 0.7043, 2.0519, -0.4127],
                                      [1.1273, -0.6089, 0.2467, -2.0331, 0.9158]], dtype=dtype),
                    "alpha": None}


def output_and_cache(name, result, x):
    out, cache = as_tuple(name, result, 2, "(out, cache)")
    return as_array("out", out, x.shape), cache


def call_saturating_forward(func, inputs):
    """sigmoid_forward and tanh_forward: out, and the cache, which is out."""
    x = inputs["x"]
    given = x.copy()
    with np.errstate(**NO_OVERFLOW):
        out, cache = output_and_cache(func.__name__, func(given), x)
    unchanged(func.__name__, x, given)
    return {"out": out, "cache": as_array("cache (the output out)", cache, x.shape)}


def stable_sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def call_sigmoid_backward(func, inputs):
    x, dout = inputs["x"], inputs["dout"]
    cache = stable_sigmoid(x).astype(x.dtype)
    return {"dx": as_array("dx", func(dout.copy(), cache), x.shape)}


def call_tanh_backward(func, inputs):
    x, dout = inputs["x"], inputs["dout"]
    return {"dx": as_array("dx", func(dout.copy(), np.tanh(x)), x.shape)}


def saturating_cases():
    return [
        Case("2-D input, seed 10", activation_case(10), tol=TOL),
        Case("3-D input, wider spread, seed 11", activation_case(11, shape=(2, 3, 4), scale=2.5), tol=TOL),
        Case("large |x| (up to 1000)", extremes_case(), tol=TOL),
        Case("one example (N=1)", activation_case(13, shape=(1, 7)), tol=TOL),
        Case("float32 inputs", activation_case(14, shape=(5, 4), scale=1.5, dtype=np.float32), tol=FLOAT32_TOL),
        Case("float32, large |x|", extremes_case(np.float32), tol=FLOAT32_TOL),
    ]


def call_with_alpha(func, x, alpha):
    return func(x) if alpha is None else func(x, alpha)


def piecewise_forward_caller(default_alpha):
    """leaky_relu_forward and elu_forward: out, and the cache (x, alpha) checked here."""
    def call(func, inputs):
        x, alpha = inputs["x"], inputs["alpha"]
        given = x.copy()
        out, cache = output_and_cache(func.__name__, call_with_alpha(func, given, alpha), x)
        unchanged(func.__name__, x, given)
        if not isinstance(cache, tuple) or len(cache) != 2:
            raise StudentOutputError(f"{func.__name__}: cache should be the tuple (x, alpha).")
        expected_alpha = default_alpha if alpha is None else alpha
        return {"out": out, "cache_x": as_array("x in the cache", cache[0], x.shape),
                "cache_holds_the_alpha_used": np.float64(as_number("alpha in the cache", cache[1]) == expected_alpha)}
    return call


def piecewise_backward_caller(default_alpha):
    def call(func, inputs):
        x, dout, alpha = inputs["x"], inputs["dout"], inputs["alpha"]
        cache = (x.copy(), default_alpha if alpha is None else alpha)
        return {"dx": as_array("dx", func(dout.copy(), cache), x.shape)}
    return call


def leaky_relu_cases():
    return [
        Case("default alpha (not passed), seed 20", activation_case(20), tol=TOL),
        Case("alpha = 0.2, 3-D input", activation_case(21, shape=(2, 3, 5), alpha=0.2), tol=TOL),
        Case("alpha = 0: plain ReLU", activation_case(22, shape=(4, 6), alpha=0.0), tol=TOL),
        Case("exact zeros in x (the kink), alpha = 0.1", activation_case(23, shape=(5, 5), zeros=7, alpha=0.1),
             tol=TOL),
        Case("exact zeros in x, plain ReLU", activation_case(24, shape=(3, 8), zeros=6, alpha=0.0), tol=TOL),
        Case("one example (N=1)", activation_case(25, shape=(1, 6), alpha=0.05), tol=TOL),
        Case("float32 inputs", activation_case(26, shape=(4, 7), alpha=0.3, dtype=np.float32), tol=FLOAT32_TOL),
    ]


def elu_cases():
    return [
        Case("default alpha (not passed), seed 30", activation_case(30), tol=TOL),
        Case("alpha = 0.5, 3-D input", activation_case(31, shape=(3, 2, 4), alpha=0.5), tol=TOL),
        Case("x = 0 exactly (the kink), alpha = 0.5", activation_case(32, shape=(4, 5), zeros=6, alpha=0.5), tol=TOL),
        Case("x = 0 exactly, default alpha", activation_case(33, shape=(3, 4), zeros=4), tol=TOL),
        Case("large negative and positive x", activation_case(34, shape=(3, 6), scale=30.0, alpha=2.0), tol=TOL),
        Case("one example (N=1)", activation_case(35, shape=(1, 5), alpha=1.5), tol=TOL),
        Case("float32 inputs", activation_case(36, shape=(5, 3), alpha=0.7, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Maxout
# ---------------------------------------------------------------------------
def maxout_case(seed, N=6, D=4, M=5, k=3, tied=0, dtype=np.float64):
    """x (N, D), W (k, D, M), b (k, M), dout (N, M); `tied` output units whose pieces 0 and 1 are equal."""
    def make():
        rng = np.random.default_rng(seed)
        W, b = rng.standard_normal((k, D, M)), rng.standard_normal((k, M))
        if tied:
            W[1, :, :tied], b[1, :tied] = W[0, :, :tied], b[0, :tied]   # exact ties between pieces 0 and 1
            b[2:, :tied] = -50.0                                         # and the tied pieces win
        return {"x": rng.standard_normal((N, D)).astype(dtype), "W": W.astype(dtype), "b": b.astype(dtype),
                "dout": rng.standard_normal((N, M)).astype(dtype)}
    return make


def call_maxout_forward(func, inputs):
    x, W, b = inputs["x"], inputs["W"], inputs["b"]
    k, N, M = W.shape[0], x.shape[0], W.shape[2]
    out, cache = as_tuple("maxout_forward", func(x.copy(), W.copy(), b.copy()), 2, "(out, cache)")
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise StudentOutputError("maxout_forward: cache should be the tuple (x, W, z).")
    return {"out": as_array("out", out, (N, M)), "cache_z": as_array("z in the cache", cache[2], (k, N, M))}


def call_maxout_backward(func, inputs):
    x, W, b, dout = inputs["x"], inputs["W"], inputs["b"], inputs["dout"]
    z = x @ W + b[:, None, :]
    dx, dW, db = as_tuple("maxout_backward", func(dout.copy(), (x.copy(), W.copy(), z)), 3, "(dx, dW, db)")
    return {"dx": as_array("dx", dx, x.shape), "dW": as_array("dW", dW, W.shape), "db": as_array("db", db, b.shape)}


def maxout_cases():
    return [
        Case("k = 3 pieces, seed 40", maxout_case(40), tol=TOL),
        Case("k = 1 (a plain linear layer)", maxout_case(41, k=1), tol=TOL),
        Case("exact ties between two pieces", maxout_case(42, N=5, D=3, M=4, tied=2), tol=TOL),
        Case("one example (N=1)", maxout_case(43, N=1, D=6, M=3, k=2), tol=TOL),
        Case("one output unit (M=1)", maxout_case(44, N=7, D=2, M=1, k=4), tol=TOL),
        Case("float32 inputs", maxout_case(45, N=4, D=5, M=3, k=2, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Weight initialization
# ---------------------------------------------------------------------------
def init_case(fan_in, fan_out, seed):
    return lambda: {"fan_in": fan_in, "fan_out": fan_out, "seed": seed}


def call_init(func, inputs):
    rng = np.random.default_rng(inputs["seed"])
    W = func(inputs["fan_in"], inputs["fan_out"], rng)
    return {"W": as_array(f"{func.__name__}(...)", W, (inputs["fan_in"], inputs["fan_out"])),
            "next_draw_of_rng": np.float64(rng.random())}


def init_cases():
    return [
        Case("fan_in 5, fan_out 3, seed 50", init_case(5, 3, 50), tol=TOL),
        Case("fan_in 1, fan_out 1", init_case(1, 1, 51), tol=TOL),
        Case("fan_in 1, fan_out 4", init_case(1, 4, 52), tol=TOL),
        Case("fan_out larger than fan_in", init_case(3, 8, 53), tol=TOL),
        Case("fan_in 200, fan_out 10", init_case(200, 10, 54), tol=TOL),
    ]


# ---------------------------------------------------------------------------
# Image features
# ---------------------------------------------------------------------------
def float_images(seed, shape):
    return lambda: {"images": np.random.default_rng(seed).uniform(0.0, 255.0, shape)}


def reference_hue(images):
    """HSV hue in [0, 1), as hue_histogram's docstring defines it (only to pick safe test pixels)."""
    rgb = np.asarray(images, dtype=np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    top, delta = rgb.max(axis=-1), np.ptp(rgb, axis=-1)
    safe = np.where(delta > 0, delta, 1.0)
    sextant = np.where(top == r, ((g - b) / safe) % 6, np.where(top == g, (b - r) / safe + 2, (r - g) / safe + 4))
    return np.where(delta > 0, sextant / 6, 0.0)


def integer_images(seed, shape, num_bins, dtype=np.uint8):
    """Random integer pixels, re-drawn where the hue falls within 1e-6 of a bin edge (other than 0).

    Integer pixels make rational hues, and some land exactly on an edge k / num_bins, where two
    correct implementations may round to different sides; those pixels are left out.
    """
    def make():
        rng = np.random.default_rng(seed)
        images = rng.integers(0, 256, shape)
        while True:
            scaled_hue = reference_hue(images) * num_bins
            on_edge = (np.abs(scaled_hue - np.round(scaled_hue)) < 1e-6) & (scaled_hue > 0.5)
            if not on_edge.any():
                return {"images": images.astype(dtype), "num_bins": num_bins}
            images[on_edge] = rng.integers(0, 256, (int(on_edge.sum()), 3))
    return make


def colours_case():
    """Pure colours (red, yellow, green, cyan, blue, magenta), black, white and grays, in two images."""
    row = [[255, 0, 0], [255, 255, 0], [0, 255, 0], [0, 255, 255], [0, 0, 255], [255, 0, 255],
           [0, 0, 0], [255, 255, 255], [128, 128, 128], [200, 100, 100], [40, 200, 40], [10, 10, 250]]
    images = np.array([row[:6], row[:6][::-1], row[6:], row[:6]], dtype=np.uint8).reshape(2, 2, 6, 3)
    return lambda: {"images": images, "num_bins": 10}


def gray_case():
    images = np.repeat(np.random.default_rng(64).integers(0, 256, (2, 4, 4, 1)), 3, axis=3).astype(np.uint8)
    return lambda: {"images": images, "num_bins": 7}


def with_bins(make, num_bins):
    return lambda: {**make(), "num_bins": num_bins}


def call_hue_histogram(func, inputs):
    images, num_bins = inputs["images"], inputs.get("num_bins")
    given = images.copy()
    hist = func(given) if num_bins is None else func(given, num_bins)
    unchanged("hue_histogram", images, given)
    return {"histogram": as_array("hue_histogram(...)", hist, (images.shape[0], num_bins or 10))}


def hue_cases():
    return [
        Case("float images, default num_bins (not passed), seed 60", float_images(60, (3, 7, 9, 3)), tol=TOL),
        Case("uint8 images, 9 bins", integer_images(61, (4, 7, 9, 3), 9), tol=TOL),
        Case("pure colours, black, white and grays", colours_case(), tol=TOL),
        Case("gray images only", gray_case(), tol=TOL),
        Case("one image (N=1), 16 bins", with_bins(float_images(62, (1, 7, 9, 3)), 16), tol=TOL),
        Case("one bin", with_bins(float_images(63, (2, 4, 4, 3)), 1), tol=TOL),
        Case("integer pixels as int64, 7 bins", integer_images(65, (3, 3, 7, 3), 7, dtype=np.int64), tol=TOL),
    ]


def ramp_case():
    """Gray ramps falling to the right: every gradient points left (180 degrees), plus a flat image."""
    ramp = np.tile(np.arange(240, 0, -15, dtype=np.uint8)[None, :, None], (16, 1, 3))
    return lambda: {"images": np.stack([ramp, np.full((16, 16, 3), 77, dtype=np.uint8)]),
                    "cell_size": None, "num_bins": None}


def hog_images(seed, shape, cell_size=None, num_bins=None, integer=False):
    def make():
        rng = np.random.default_rng(seed)
        images = rng.integers(0, 256, shape).astype(np.uint8) if integer else rng.uniform(0.0, 255.0, shape)
        return {"images": images, "cell_size": cell_size, "num_bins": num_bins}
    return make


def call_hog_features(func, inputs):
    images, cell_size, num_bins = inputs["images"], inputs["cell_size"], inputs["num_bins"]
    options = {key: value for key, value in (("cell_size", cell_size), ("num_bins", num_bins)) if value is not None}
    given = images.copy()
    features = func(given, **options)
    unchanged("hog_features", images, given)
    N, H, W, _ = images.shape
    c, B = cell_size or 8, num_bins or 9
    return {"features": as_array("hog_features(...)", features, (N, (H // c) * (W // c) * B))}


def hog_cases():
    return [
        Case("float images 16 x 16, default cell_size and num_bins, seed 70", hog_images(70, (2, 16, 16, 3)),
             tol=TOL),
        Case("uint8 images 16 x 24", hog_images(71, (3, 16, 24, 3), integer=True), tol=TOL),
        Case("cell_size 4, 6 bins", hog_images(72, (2, 8, 12, 3), cell_size=4, num_bins=6), tol=TOL),
        Case("gradients pointing left (180 degrees) and a flat image", ramp_case(), tol=TOL),
        Case("one image (N=1), cell_size 2, 5 bins, uint8", hog_images(73, (1, 6, 4, 3), 2, 5, integer=True),
             tol=TOL),
        Case("one cell per image (cell_size = image size)", hog_images(74, (3, 8, 8, 3), cell_size=8, num_bins=4),
             tol=TOL),
    ]


# ---------------------------------------------------------------------------
# Residual block
# ---------------------------------------------------------------------------
def residual_case(seed, N=4, D=5, H=6, integer=False, dtype=np.float64):
    """x (N, D), W1 (D, H), b1 (H,), W2 (H, D), b2 (D,), dout (N, D). integer: small integers, so that
    some pre-activations z = x @ W1 + b1 are exactly 0 (the ReLU's kink)."""
    def make():
        rng = np.random.default_rng(seed)
        draw = (lambda shape: rng.integers(-2, 3, shape).astype(float)) if integer else rng.standard_normal
        values = {"x": draw((N, D)), "W1": draw((D, H)), "b1": draw((H,)), "W2": draw((H, D)), "b2": draw((D,)),
                  "dout": rng.standard_normal((N, D))}
        return {name: value.astype(dtype) for name, value in values.items()}
    return make


PARAMS = ("W1", "b1", "W2", "b2")


def call_residual_forward(func, inputs):
    x = inputs["x"]
    result = func(x.copy(), *(inputs[name].copy() for name in PARAMS))
    out, cache = as_tuple("residual_forward", result, 2, "(out, cache)")
    if not isinstance(cache, tuple) or len(cache) != 4:
        raise StudentOutputError("residual_forward: cache should be the tuple (x, W1, W2, z).")
    return {"out": as_array("out", out, x.shape),
            "cache_z": as_array("z in the cache", cache[3], (x.shape[0], inputs["W1"].shape[1]))}


def call_residual_backward(func, inputs):
    x, W1, b1, W2, b2, dout = (inputs[name] for name in ("x", *PARAMS, "dout"))
    z = x @ W1 + b1
    result = func(dout.copy(), (x.copy(), W1.copy(), W2.copy(), z))
    grads = as_tuple("residual_backward", result, 5, "(dx, dW1, db1, dW2, db2)")
    return {f"d{name}": as_array(f"d{name}", grad, inputs[name].shape)
            for name, grad in zip(("x", *PARAMS), grads)}


def residual_cases():
    return [
        Case("N=4, D=5, H=6, seed 80", residual_case(80), tol=TOL),
        Case("square block (H = D)", residual_case(81, N=3, D=4, H=4), tol=TOL),
        Case("exact zeros in z = x @ W1 + b1 (the kink)", residual_case(82, N=6, D=3, H=5, integer=True), tol=TOL),
        Case("one example (N=1)", residual_case(83, N=1, D=6, H=2), tol=TOL),
        Case("float32 inputs", residual_case(84, N=5, D=4, H=3, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Filter-normalized directions
# ---------------------------------------------------------------------------
def direction_case(seed, shapes, zero_column=None, dtype=np.float64):
    """params {name: array} in the given (insertion) order; zero_column: (name, j) set to 0."""
    def make():
        rng = np.random.default_rng(seed + 1000)
        params = {name: rng.standard_normal(shape).astype(dtype) for name, shape in shapes}
        if zero_column is not None:
            name, j = zero_column
            params[name][:, j] = 0.0
        return {"params": params, "seed": seed}
    return make


def call_filter_normalized_direction(func, inputs):
    params = inputs["params"]
    given = {name: value.copy() for name, value in params.items()}
    rng = np.random.default_rng(inputs["seed"])
    direction = func(given, rng)
    for name, value in params.items():
        unchanged("filter_normalized_direction", value, given[name])
    if not isinstance(direction, dict) or set(direction) != set(params):
        raise StudentOutputError("filter_normalized_direction should return a dict with the keys of params.")
    outputs = {f"direction[{name!r}]": as_array(f"direction[{name!r}]", direction[name], value.shape)
               for name, value in params.items()}
    outputs["next_draw_of_rng"] = np.float64(rng.random())
    return outputs


NET_SHAPES = [("W1", (5, 4)), ("b1", (4,)), ("W2", (4, 3)), ("b2", (3,))]


def direction_cases():
    return [
        Case("two layers with biases, seed 90", direction_case(90, NET_SHAPES), tol=TOL),
        Case("keys not in sorted order", direction_case(91, [("b2", (3,)), ("W2", (4, 3)), ("b1", (4,)),
                                                              ("W1", (6, 4))]), tol=TOL),
        Case("a filter (column) of zeros", direction_case(92, NET_SHAPES, zero_column=("W2", 1)), tol=TOL),
        Case("one weight matrix, no bias", direction_case(93, [("W", (7, 2))]), tol=TOL),
        Case("one input (a 1-row matrix)", direction_case(94, [("W_in", (1, 5)), ("b_in", (5,))]), tol=TOL),
        Case("float32 parameters", direction_case(95, NET_SHAPES, dtype=np.float32), tol=FLOAT32_TOL),
    ]


# ---------------------------------------------------------------------------
# Hessian-vector products and power iteration
# ---------------------------------------------------------------------------
def symmetric(rng, D):
    A = rng.standard_normal((D, D))
    return (A + A.T) / 2


def quadratic_gradient(rng, D):
    """The gradient of 0.5 w.A.w + c.w: linear, so the Hessian is A everywhere."""
    A, c = symmetric(rng, D), rng.standard_normal(D)
    return lambda w: A @ w + c


def logcosh_gradient(rng, D):
    """The gradient of sum(log cosh(B w)) + 0.1 sum(w**4): not quadratic."""
    B = rng.standard_normal((D + 2, D))
    return lambda w: B.T @ np.tanh(B @ w) + 0.4 * w ** 3


def softmax_regression_gradient(rng, D):
    """The gradient of the softmax loss of a linear classifier, w = W.ravel() with W (D // 3, 3)."""
    X, y = rng.standard_normal((10, D // 3)), rng.integers(0, 3, 10)

    def gradient(w):
        scores = X @ w.reshape(-1, 3)
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        probs[np.arange(10), y] -= 1
        return (X.T @ probs / 10).ravel()
    return gradient


def hvp_case(seed, D, gradient, h=None, zero_v=False):
    def make():
        rng = np.random.default_rng(seed)
        grad_fn = gradient(rng, D)
        w, v = rng.standard_normal(D), rng.standard_normal(D)
        return {"grad_fn": grad_fn, "w": w, "v": np.zeros(D) if zero_v else v, "h": h}
    return make


def call_hessian_vector_product(func, inputs):
    w, v, h = inputs["w"], inputs["v"], inputs["h"]
    given_w, given_v = w.copy(), v.copy()
    Hv = func(inputs["grad_fn"], given_w, given_v) if h is None else func(inputs["grad_fn"], given_w, given_v, h)
    unchanged("hessian_vector_product (w)", w, given_w)
    unchanged("hessian_vector_product (v)", v, given_v)
    return {"Hv": as_array("hessian_vector_product(...)", Hv, w.shape)}


def hvp_cases():
    return [
        Case("a quadratic (exact Hessian), default h, seed 100", hvp_case(100, 6, quadratic_gradient), tol=TOL),
        Case("log-cosh plus quartic, default h (not passed)", hvp_case(101, 5, logcosh_gradient), tol=TOL),
        Case("log-cosh plus quartic, h = 1e-2", hvp_case(102, 4, logcosh_gradient, h=1e-2), tol=TOL),
        Case("softmax regression, h = 1e-3", hvp_case(103, 12, softmax_regression_gradient, h=1e-3), tol=TOL),
        Case("v = 0", hvp_case(104, 5, logcosh_gradient, zero_v=True), tol=TOL),
        Case("one parameter (D=1), h = 0.1", hvp_case(105, 1, logcosh_gradient, h=0.1), tol=TOL),
    ]


def power_case(seed, D, spectrum=None, num_iters=None):
    """A symmetric matrix with the given eigenvalues (random ones when None), as an hvp function."""
    def make():
        rng = np.random.default_rng(seed)
        if spectrum is None:
            A = symmetric(rng, D)
        else:
            Q, _ = np.linalg.qr(rng.standard_normal((D, D)))
            A = (Q * np.asarray(spectrum, dtype=np.float64)) @ Q.T
        return {"hvp_fn": lambda v: A @ v, "dim": D, "seed": seed + 500, "num_iters": num_iters}
    return make


def call_power_iteration(func, inputs):
    rng = np.random.default_rng(inputs["seed"])
    if inputs["num_iters"] is None:
        result = func(inputs["hvp_fn"], inputs["dim"], rng)
    else:
        result = func(inputs["hvp_fn"], inputs["dim"], rng, inputs["num_iters"])
    eigenvalue, vector = as_tuple("power_iteration", result, 2, "(eigenvalue, v)")
    return {"eigenvalue": as_number("eigenvalue", eigenvalue), "v": as_array("v", vector, (inputs["dim"],)),
            "next_draw_of_rng": np.float64(rng.random())}


def power_cases():
    return [
        Case("a random symmetric 6 x 6 matrix, default num_iters, seed 110", power_case(110, 6), tol=TOL),
        Case("positive top eigenvalue, 50 iterations", power_case(111, 5, [4.37, 1.52, -1.13, 0.55, 0.12], 50), tol=TOL),
        Case("negative eigenvalue of largest size", power_case(112, 4, [-5.21, 2.07, 1.13, -0.48], 30), tol=TOL),
        Case("one iteration", power_case(113, 5, num_iters=1), tol=TOL),
        Case("three iterations", power_case(114, 4, [3.14, 2.62, 1.09, -2.23], 3), tol=TOL),
        Case("two equal top eigenvalues", power_case(115, 5, [2.29, 2.29, 1.07, 0.46, -0.31], 40), tol=TOL),
        Case("one dimension", power_case(116, 1, [-1.73], 5), tol=TOL),
    ]


PARTS = {
    "compose_affine": Part("compose_affine", call_compose_affine, compose_cases()),
    "sigmoid_forward": Part("sigmoid_forward", call_saturating_forward, saturating_cases()),
    "sigmoid_backward": Part("sigmoid_backward", call_sigmoid_backward, saturating_cases()),
    "tanh_forward": Part("tanh_forward", call_saturating_forward, saturating_cases()),
    "tanh_backward": Part("tanh_backward", call_tanh_backward, saturating_cases()),
    "leaky_relu_forward": Part("leaky_relu_forward", piecewise_forward_caller(0.01), leaky_relu_cases()),
    "leaky_relu_backward": Part("leaky_relu_backward", piecewise_backward_caller(0.01), leaky_relu_cases()),
    "elu_forward": Part("elu_forward", piecewise_forward_caller(1.0), elu_cases()),
    "elu_backward": Part("elu_backward", piecewise_backward_caller(1.0), elu_cases()),
    "maxout_forward": Part("maxout_forward", call_maxout_forward, maxout_cases()),
    "maxout_backward": Part("maxout_backward", call_maxout_backward, maxout_cases()),
    "xavier_init": Part("xavier_init", call_init, init_cases()),
    "he_init": Part("he_init", call_init, init_cases()),
    "hue_histogram": Part("hue_histogram", call_hue_histogram, hue_cases()),
    "hog_features": Part("hog_features", call_hog_features, hog_cases()),
    "residual_forward": Part("residual_forward", call_residual_forward, residual_cases()),
    "residual_backward": Part("residual_backward", call_residual_backward, residual_cases()),
    "filter_normalized_direction": Part("filter_normalized_direction", call_filter_normalized_direction,
                                        direction_cases()),
    "hessian_vector_product": Part("hessian_vector_product", call_hessian_vector_product, hvp_cases()),
    "power_iteration": Part("power_iteration", call_power_iteration, power_cases()),
}


# ---------------------------------------------------------------- the contracts
# What each graded function's docstring allows or promises, and the hidden case that covers it
# (tests/unit/test_contracts.py checks every graded part has its table and every case exists).
# The outputs are compared as float64 arrays, so no row claims an output's dtype.
SATURATING = (("x of shape (N, D)", "2-D input, seed 10"),
              ("x of any shape (3-D)", "3-D input, wider spread, seed 11"),
              ("N = 1", "one example (N=1)"),
              ("any finite x: no overflow up to |x| = 1000", "large |x| (up to 1000)"),
              ("x float32", "float32 inputs"),
              ("x float32 and large |x|", "float32, large |x|"))
SATURATING_FORWARD = SATURATING + (("cache is out", "2-D input, seed 10"),
                                   ("x not modified", "2-D input, seed 10"))
LEAKY_RELU = (("alpha left out (0.01)", "default alpha (not passed), seed 20"),
              ("alpha given, x of any shape (3-D)", "alpha = 0.2, 3-D input"),
              ("alpha = 0: the plain ReLU", "alpha = 0: plain ReLU"),
              ("x == 0 exactly: the negative side", "exact zeros in x (the kink), alpha = 0.1"),
              ("x == 0 exactly with alpha = 0", "exact zeros in x, plain ReLU"),
              ("N = 1", "one example (N=1)"),
              ("x float32", "float32 inputs"))
ELU = (("alpha left out (1.0)", "default alpha (not passed), seed 30"),
       ("alpha given, x of any shape (3-D)", "alpha = 0.5, 3-D input"),
       ("x == 0 exactly: the negative side", "x = 0 exactly (the kink), alpha = 0.5"),
       ("x == 0 exactly, alpha left out", "x = 0 exactly, default alpha"),
       ("large |x| (exp saturates), alpha > 1", "large negative and positive x"),
       ("N = 1", "one example (N=1)"),
       ("x float32", "float32 inputs"))


def piecewise_forward_rows(case_name):
    return (("cache is (x, alpha)", case_name), ("x not modified", case_name))


MAXOUT = (("k = 3 pieces", "k = 3 pieces, seed 40"),
          ("k = 1", "k = 1 (a plain linear layer)"),
          ("exact ties: the first piece wins", "exact ties between two pieces"),
          ("N = 1", "one example (N=1)"),
          ("M = 1", "one output unit (M=1)"),
          ("float32 inputs", "float32 inputs"))
INIT = (("fan_in 1, fan_out 1", "fan_in 1, fan_out 1"),
        ("fan_in 1", "fan_in 1, fan_out 4"),
        ("fan_in < fan_out", "fan_out larger than fan_in"),
        ("fan_in > fan_out", "fan_in 5, fan_out 3, seed 50"),
        ("a large fan_in", "fan_in 200, fan_out 10"),
        ("one draw of standard_normal((fan_in, fan_out)), nothing else", "fan_in 5, fan_out 3, seed 50"))
RESIDUAL = (("H != D", "N=4, D=5, H=6, seed 80"),
            ("H = D", "square block (H = D)"),
            ("z == 0 exactly: the ReLU's gradient is 0", "exact zeros in z = x @ W1 + b1 (the kink)"),
            ("N = 1", "one example (N=1)"),
            ("float32 inputs", "float32 inputs"))
CONTRACTS = {
    "compose_affine": (
        ("L > 1 layers of different widths", "three layers 3 -> 4 -> 2 -> 5, seed 0"),
        ("L = 1", "one layer"),
        ("square layers", "two square layers (4 x 4)"),
        ("D_L = 1", "five layers down to one output"),
        ("float32 layers", "float32 layers"),
        ("layers not modified", "three layers 3 -> 4 -> 2 -> 5, seed 0"),
    ),
    "sigmoid_forward": SATURATING_FORWARD,
    "sigmoid_backward": SATURATING,
    "tanh_forward": SATURATING_FORWARD,
    "tanh_backward": SATURATING,
    "leaky_relu_forward": LEAKY_RELU + piecewise_forward_rows("alpha = 0.2, 3-D input"),
    "leaky_relu_backward": LEAKY_RELU,
    "elu_forward": ELU + piecewise_forward_rows("alpha = 0.5, 3-D input"),
    "elu_backward": ELU,
    "maxout_forward": MAXOUT + (("cache holds z of shape (k, N, M)", "k = 3 pieces, seed 40"),),
    "maxout_backward": MAXOUT,
    "xavier_init": INIT,
    "he_init": INIT,
    "hue_histogram": (
        ("float images", "float images, default num_bins (not passed), seed 60"),
        ("num_bins left out (10)", "float images, default num_bins (not passed), seed 60"),
        ("uint8 images, num_bins given", "uint8 images, 9 bins"),
        ("integer images (int64)", "integer pixels as int64, 7 bins"),
        ("pure colours (hues 0 and 1/2 on bin edges), black and white", "pure colours, black, white and grays"),
        ("gray pixels (max == min): hue 0", "gray images only"),
        ("N = 1", "one image (N=1), 16 bins"),
        ("num_bins = 1", "one bin"),
        ("images not modified", "uint8 images, 9 bins"),
    ),
    "hog_features": (
        ("float images", "float images 16 x 16, default cell_size and num_bins, seed 70"),
        ("cell_size and num_bins left out (8, 9)", "float images 16 x 16, default cell_size and num_bins, seed 70"),
        ("uint8 images, H != W", "uint8 images 16 x 24"),
        ("cell_size and num_bins given", "cell_size 4, 6 bins"),
        ("180 degrees folded to 0; zero gradients", "gradients pointing left (180 degrees) and a flat image"),
        ("N = 1", "one image (N=1), cell_size 2, 5 bins, uint8"),
        ("one cell per image", "one cell per image (cell_size = image size)"),
        ("images not modified", "uint8 images 16 x 24"),
    ),
    "residual_forward": RESIDUAL + (("cache holds z before the ReLU", "N=4, D=5, H=6, seed 80"),),
    "residual_backward": RESIDUAL,
    "filter_normalized_direction": (
        ("weight matrices and biases (biases: zeros)", "two layers with biases, seed 90"),
        ("names visited in sorted order", "keys not in sorted order"),
        ("a column of zeros stays zeros", "a filter (column) of zeros"),
        ("no bias", "one weight matrix, no bias"),
        ("a 1-row weight matrix", "one input (a 1-row matrix)"),
        ("float32 parameters", "float32 parameters"),
        ("one draw per weight matrix, nothing else", "two layers with biases, seed 90"),
        ("params not modified", "two layers with biases, seed 90"),
    ),
    "hessian_vector_product": (
        ("exact when the loss is quadratic", "a quadratic (exact Hessian), default h, seed 100"),
        ("h left out (1e-4)", "log-cosh plus quartic, default h (not passed)"),
        ("h given", "log-cosh plus quartic, h = 1e-2"),
        ("a gradient with coupled coordinates", "softmax regression, h = 1e-3"),
        ("v = 0", "v = 0"),
        ("D = 1", "one parameter (D=1), h = 0.1"),
        ("w and v not modified", "log-cosh plus quartic, h = 1e-2"),
    ),
    "power_iteration": (
        ("num_iters left out (20)", "a random symmetric 6 x 6 matrix, default num_iters, seed 110"),
        ("num_iters given", "positive top eigenvalue, 50 iterations"),
        ("num_iters = 1", "one iteration"),
        ("few iterations: the quotient of v before its update", "three iterations"),
        ("a negative eigenvalue of largest size", "negative eigenvalue of largest size"),
        ("two equal top eigenvalues", "two equal top eigenvalues"),
        ("dim = 1", "one dimension"),
        ("the start is one draw, nothing else", "one iteration"),
    ),
}
