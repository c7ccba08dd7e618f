"""Known variants of Assignment 2's graded functions."""
from autograder.catalog import Variant

NUMGRAD_FORWARD = '''
def eval_numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = old
    return grad
'''

NUMGRAD_DIVIDE_BY_H = '''
def eval_numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        grad[ix] = (fp - fm) / h
    return grad
'''

NUMGRAD_RESTORE_BY_ADDING = '''
def eval_numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        fp = f(x)
        x[ix] -= 2 * h
        fm = f(x)
        x[ix] += h
        grad[ix] = (fp - fm) / (2 * h)
    return grad
'''

NUMGRAD_COPIES = '''
def eval_numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus.flat[i] += h
        x_minus.flat[i] -= h
        grad.flat[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
'''

NUMGRAD_NDITER = '''
def eval_numerical_gradient(f, x, h=1e-5):
    fx = f(x)  # CS231n evaluates f once at the start
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
'''

ARRAY_NO_COPY = '''
def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = f(x)
        x[ix] = old - h
        neg = f(x)
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
    return grad
'''

ARRAY_IGNORES_DF = '''
def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum(pos - neg) / (2 * h)
    return grad
'''

ARRAY_MEAN = '''
def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.mean((pos - neg) * df) / (2 * h)
    return grad
'''

ARRAY_COPIES_INPUT = '''
def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus.flat[i] += h
        x_minus.flat[i] -= h
        grad.flat[i] = np.sum((f(x_plus) - f(x_minus)) * df) / (2 * h)
    return grad
'''

ARRAY_CS231N = '''
def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        pos = f(x).copy()
        x[ix] = oldval - h
        neg = f(x).copy()
        x[ix] = oldval
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad
'''

FORWARD_CENTERED = '''
def forward_difference_gradient(f, x, h):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        grad[ix] = (fp - fm) / (2 * h)
    return grad
'''

FORWARD_BACKWARD = '''
def forward_difference_gradient(f, x, h):
    grad = np.zeros(x.shape)
    fx = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old - h
        grad[ix] = (fx - f(x)) / h
        x[ix] = old
    return grad
'''

FORWARD_DIVIDE_BY_2H = '''
def forward_difference_gradient(f, x, h):
    grad = np.zeros(x.shape)
    fx = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / (2 * h)
        x[ix] = old
    return grad
'''

FORWARD_RECOMPUTE = '''
def forward_difference_gradient(f, x, h):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        x_plus = x.copy()
        x_plus.flat[i] += h
        grad.flat[i] = (f(x_plus) - f(x)) / h
    return grad
'''

FORWARD_NDITER = '''
def forward_difference_gradient(f, x, h):
    fx = f(x)
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = old
        it.iternext()
    return grad
'''

REL_MEAN = '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denom = np.maximum(np.abs(a), np.abs(b))
    return float(np.mean(np.abs(a - b) / np.where(denom > 0, denom, 1.0)))
'''

REL_CS231N = '''
def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
'''

REL_NAN_AT_ZERO = '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))
'''

REL_NO_ABS = '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denom = np.maximum(a, b)
    return float(np.max(np.abs(a - b) / np.where(denom != 0, denom, 1.0)))
'''

REL_LOOP = '''
def rel_error(a, b):
    a = np.atleast_1d(np.asarray(a, dtype=float)).ravel()
    b = np.atleast_1d(np.asarray(b, dtype=float)).ravel()
    worst = 0.0
    for ai, bi in zip(a, b):
        scale = max(abs(ai), abs(bi))
        if scale > 0:
            worst = max(worst, abs(ai - bi) / scale)
    return worst
'''

REL_NANMAX = '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        err = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.nan_to_num(err, nan=0.0)))
'''

SPARSE_HEAD = '''
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0):
'''

SPARSE_FORWARD = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    errors = []
    fx = f(x)
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[ix]
        x[ix] = old + h
        numeric = (f(x) - fx) / h
        x[ix] = old
        errors.append(rel_error(numeric, analytic_grad[ix]))
    return errors
'''

SPARSE_UNSEEDED = SPARSE_HEAD + '''    rng = np.random.default_rng()
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        errors.append(rel_error((fp - fm) / (2 * h), analytic_grad[ix]))
    return errors
'''

SPARSE_NOT_RESTORED = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        errors.append(rel_error((fp - fm) / (2 * h), analytic_grad[ix]))
    return errors
'''

SPARSE_RETURNS_MAX = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        errors.append(rel_error((fp - fm) / (2 * h), analytic_grad[ix]))
    return max(errors)
'''

SPARSE_NO_REPLACEMENT = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    flat = rng.choice(x.size, size=num_checks, replace=False)
    errors = []
    for i in flat:
        ix = np.unravel_index(i, x.shape)
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        errors.append(rel_error((fp - fm) / (2 * h), analytic_grad[ix]))
    return errors
'''

SPARSE_FLAT_INDEX = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    errors = []
    for i in rng.integers(0, x.size, size=num_checks):
        ix = np.unravel_index(int(i), x.shape)
        old = x[ix]
        x[ix] = old + h
        fp = float(f(x))
        x[ix] = old - h
        fm = float(f(x))
        x[ix] = old
        num, ana = (fp - fm) / (2 * h), float(analytic_grad[ix])
        scale = max(abs(num), abs(ana))
        errors.append(abs(num - ana) / scale if scale > 0 else 0.0)
        print(ix, num, ana, errors[-1])
    return np.array(errors)
'''

SPARSE_COPY = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(rng.integers(n) for n in x.shape)
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[ix] += h
        x_minus[ix] -= h
        num = (f(x_plus) - f(x_minus)) / (2 * h)
        errors.append(rel_error(num, analytic_grad[ix]))
    return errors
'''

KINK_GE = '''
def kink_crossed(z_minus, z_plus, kink=0.0):
    return (np.asarray(z_minus) >= kink) != (np.asarray(z_plus) >= kink)
'''

KINK_SIGN_PRODUCT = '''
def kink_crossed(z_minus, z_plus, kink=0.0):
    return (np.asarray(z_minus) - kink) * (np.asarray(z_plus) - kink) < 0
'''

KINK_IGNORES_KINK = '''
def kink_crossed(z_minus, z_plus, kink=0.0):
    return (np.asarray(z_minus) > 0) != (np.asarray(z_plus) > 0)
'''

KINK_ONE_SIDED = '''
def kink_crossed(z_minus, z_plus, kink=0.0):
    return np.logical_and(np.asarray(z_minus) <= kink, np.asarray(z_plus) > kink)
'''

KINK_XOR = '''
def kink_crossed(z_minus, z_plus, kink=0.0):
    return np.logical_xor(np.greater(z_minus, kink), np.greater(z_plus, kink))
'''

KINK_WINNERS = '''
def kink_crossed(z_minus, z_plus, kink=0.0):
    z_minus, z_plus, kink = np.broadcast_arrays(np.asarray(z_minus, float), np.asarray(z_plus, float),
                                                np.asarray(kink, float))
    winner_minus = np.where(z_minus > kink, 1, 0)   # 1: z wins, 0: the constant wins
    winner_plus = np.where(z_plus > kink, 1, 0)
    return winner_minus != winner_plus
'''

NG, NGA, FD, RE, GS, KC = ("eval_numerical_gradient", "eval_numerical_gradient_array",
                          "forward_difference_gradient", "rel_error", "grad_check_sparse", "kink_crossed")

VARIANTS = [
    Variant("numgrad_forward", NG, "wrong", "uses the forward difference (f(x+h) - f(x)) / h",
            "use the centered difference (f(x+h) - f(x-h)) / (2h)", f"{NG}_code", NUMGRAD_FORWARD),
    Variant("numgrad_divide_by_h", NG, "wrong", "divides the centered difference by h instead of 2h",
            "the two points x+h and x-h are 2h apart: divide by 2 * h", f"{NG}_code", NUMGRAD_DIVIDE_BY_H),
    Variant("numgrad_restore_by_adding", NG, "wrong",
            "restores x by adding and subtracting h, so x does not come back bitwise",
            "save the old value and put it back: x[ix] = old", f"{NG}_code", NUMGRAD_RESTORE_BY_ADDING),
    Variant("numgrad_copies", NG, "correct", "perturbs copies of x through the flat index", "",
            f"{NG}_code", NUMGRAD_COPIES),
    Variant("numgrad_nditer", NG, "correct", "CS231n's np.nditer loop (with an unused f(x) at the start)", "",
            f"{NG}_code", NUMGRAD_NDITER),
    Variant("array_no_copy", NGA, "wrong", "stores f(x) without a copy: wrong when f returns a view of x",
            "store a copy of each output: f(x).copy()", f"{NGA}_code", ARRAY_NO_COPY),
    Variant("array_ignores_df", NGA, "wrong", "sums the output difference without weighting by df",
            "multiply by the upstream gradient df before summing", f"{NGA}_code", ARRAY_IGNORES_DF),
    Variant("array_mean", NGA, "wrong", "averages (np.mean) instead of summing over the output",
            "the chain rule sums over the outputs: np.sum", f"{NGA}_code", ARRAY_MEAN),
    Variant("array_copies_input", NGA, "correct", "perturbs copies of x", "", f"{NGA}_code", ARRAY_COPIES_INPUT),
    Variant("array_cs231n", NGA, "correct", "CS231n's np.nditer loop", "", f"{NGA}_code", ARRAY_CS231N),
    Variant("forward_centered", FD, "wrong", "computes the centered difference instead",
            "use (f(x+h) - f(x)) / h, one-sided", f"{FD}_code", FORWARD_CENTERED),
    Variant("forward_backward", FD, "wrong", "computes the backward difference (f(x) - f(x-h)) / h",
            "step forward: x + h", f"{FD}_code", FORWARD_BACKWARD),
    Variant("forward_divide_by_2h", FD, "wrong", "divides by 2h", "the points x and x+h are h apart: divide by h",
            f"{FD}_code", FORWARD_DIVIDE_BY_2H),
    Variant("forward_recompute", FD, "correct", "recomputes f(x) for every coordinate, on copies", "",
            f"{FD}_code", FORWARD_RECOMPUTE),
    Variant("forward_nditer", FD, "correct", "CS231n's np.nditer loop, f(x) computed once", "",
            f"{FD}_code", FORWARD_NDITER),
    Variant("rel_mean", RE, "wrong", "averages the elementwise errors", "take the maximum, not the mean",
            f"{RE}_code", REL_MEAN),
    Variant("rel_cs231n", RE, "wrong", "CS231n's |a-b| / max(1e-8, |a|+|b|)",
            "divide by max(|a|, |b|), with 0 where both are 0", f"{RE}_code", REL_CS231N),
    Variant("rel_nan_at_zero", RE, "wrong", "divides by 0 where both are 0 (nan)",
            "define the error as 0 where a and b are both 0", f"{RE}_code", REL_NAN_AT_ZERO),
    Variant("rel_no_abs", RE, "wrong", "uses max(a, b) without absolute values",
            "the denominator is max(|a|, |b|)", f"{RE}_code", REL_NO_ABS),
    Variant("rel_loop", RE, "correct", "a loop over the elements", "", f"{RE}_code", REL_LOOP),
    Variant("rel_nanmax", RE, "correct", "replaces the 0/0 nans by 0 afterwards", "", f"{RE}_code", REL_NANMAX),
    Variant("sparse_forward", GS, "wrong", "uses the forward difference at each coordinate",
            "use the centered difference", f"{GS}_code", SPARSE_FORWARD),
    Variant("sparse_unseeded", GS, "wrong", "ignores the seed: every call checks other coordinates",
            "create the generator with np.random.default_rng(seed)", f"{GS}_code", SPARSE_UNSEEDED),
    Variant("sparse_not_restored", GS, "wrong", "leaves each checked entry at x - h",
            "put the old value back after the two evaluations", f"{GS}_code", SPARSE_NOT_RESTORED),
    Variant("sparse_returns_max", GS, "wrong", "returns the largest error instead of the list",
            "return the list of num_checks errors", f"{GS}_code", SPARSE_RETURNS_MAX),
    Variant("sparse_no_replacement", GS, "wrong", "samples without replacement: fails when num_checks > x.size",
            "draw each coordinate independently (with replacement)", f"{GS}_code", SPARSE_NO_REPLACEMENT),
    Variant("sparse_flat_index", GS, "correct", "draws flat indices and returns an array", "",
            f"{GS}_code", SPARSE_FLAT_INDEX),
    Variant("sparse_copy", GS, "correct", "perturbs copies of x", "", f"{GS}_code", SPARSE_COPY),
    Variant("kink_ge", KC, "wrong", "counts a value equal to the kink as the z side winning",
            "a tie at the kink belongs to the flat side: compare with >", f"{KC}_code", KINK_GE),
    Variant("kink_sign_product", KC, "wrong", "tests (z- - k)(z+ - k) < 0: misses crossings that end on the kink",
            "compare the winners (z > kink) on both sides", f"{KC}_code", KINK_SIGN_PRODUCT),
    Variant("kink_ignores_kink", KC, "wrong", "always compares with 0", "use the kink you are given",
            f"{KC}_code", KINK_IGNORES_KINK),
    Variant("kink_one_sided", KC, "wrong", "only detects crossings from the flat side to the z side",
            "a crossing can go either way: compare the two winners with !=", f"{KC}_code", KINK_ONE_SIDED),
    Variant("kink_xor", KC, "correct", "np.logical_xor of the two comparisons", "", f"{KC}_code", KINK_XOR),
    Variant("kink_winners", KC, "correct", "explicit winner indices on each side", "", f"{KC}_code", KINK_WINNERS),
]
