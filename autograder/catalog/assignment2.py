"""Known variants of Assignment 2's graded functions: typical bugs ("wrong")
and right answers written differently ("correct").

Each variant is the full source of the solution cell it replaces. Where several
share most of their lines, they are `fix` edits of the right version (CENTERED,
FORWARD, ARRAY, SPARSE), and the lines they share are named constants.
"""
from autograder.catalog import correct, fix, wrong

# The lines that evaluate f at x + h and at x - h and put x[ix] back, shared by
# the centered differences below.
CENTERED_PROBE = '''        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
'''

# The right eval_numerical_gradient: a centered difference at every coordinate.
NUMGRAD_HEAD = "def eval_numerical_gradient(f, x, h=1e-5):"
CENTERED = '''
''' + NUMGRAD_HEAD + '''
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
''' + CENTERED_PROBE + '''        grad[ix] = (fp - fm) / (2 * h)
    return grad
'''

# The right forward_difference_gradient: f(x) once, then one step forward per coordinate.
FORWARD_HEAD = "def forward_difference_gradient(f, x, h):"
FORWARD = '''
''' + FORWARD_HEAD + '''
    grad = np.zeros(x.shape)
    fx = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = old
    return grad
'''

NUMGRAD_FORWARD = fix(FORWARD, (FORWARD_HEAD, NUMGRAD_HEAD))

NUMGRAD_DIVIDE_BY_H = fix(CENTERED, ("(fp - fm) / (2 * h)", "(fp - fm) / h"))

NUMGRAD_RESTORE_BY_ADDING = fix(CENTERED, (CENTERED_PROBE, '''        x[ix] += h
        fp = f(x)
        x[ix] -= 2 * h
        fm = f(x)
        x[ix] += h
'''))

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

# CS231n's loop over the coordinates, around the probe of each one.
NDITER_START = '''    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
'''
NDITER_END = '''        it.iternext()
    return grad
'''

NUMGRAD_NDITER = '''
def eval_numerical_gradient(f, x, h=1e-5):
    fx = f(x)  # CS231n evaluates f once at the start
''' + NDITER_START + '''        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
''' + NDITER_END

# The right eval_numerical_gradient_array: copies of both outputs, weighted by df.
ARRAY = '''
def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
    return grad
'''

ARRAY_NO_COPY = fix(ARRAY, ("pos = f(x).copy()", "pos = f(x)"), ("neg = f(x).copy()", "neg = f(x)"))

ARRAY_IGNORES_DF = fix(ARRAY, ("np.sum((pos - neg) * df)", "np.sum(pos - neg)"))

ARRAY_MEAN = fix(ARRAY, ("np.sum(", "np.mean("))

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
''' + NDITER_START + '''        oldval = x[ix]
        x[ix] = oldval + h
        pos = f(x).copy()
        x[ix] = oldval - h
        neg = f(x).copy()
        x[ix] = oldval
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
''' + NDITER_END

FORWARD_CENTERED = fix(CENTERED, (NUMGRAD_HEAD, FORWARD_HEAD))

FORWARD_BACKWARD = fix(FORWARD, ("old + h", "old - h"), ("(f(x) - fx) / h", "(fx - f(x)) / h"))

FORWARD_DIVIDE_BY_2H = fix(FORWARD, ("(f(x) - fx) / h", "(f(x) - fx) / (2 * h)"))

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
''' + NDITER_START + '''        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = old
''' + NDITER_END

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

# The right grad_check_sparse: num_checks seeded coordinates, a centered difference at each.
SPARSE = SPARSE_HEAD + '''    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
''' + CENTERED_PROBE + '''        errors.append(rel_error((fp - fm) / (2 * h), analytic_grad[ix]))
    return errors
'''

SPARSE_FORWARD = fix(SPARSE, ("    errors = []\n", "    errors = []\n    fx = f(x)\n"),
                     (CENTERED_PROBE + "        errors.append(rel_error((fp - fm) / (2 * h), analytic_grad[ix]))\n",
                      '''        old = x[ix]
        x[ix] = old + h
        numeric = (f(x) - fx) / h
        x[ix] = old
        errors.append(rel_error(numeric, analytic_grad[ix]))
'''))

SPARSE_UNSEEDED = fix(SPARSE, ("np.random.default_rng(seed)", "np.random.default_rng()"))

SPARSE_NOT_RESTORED = fix(SPARSE, ("        x[ix] = old\n        errors.append", "        errors.append"))

SPARSE_RETURNS_MAX = fix(SPARSE, ("    return errors\n", "    return max(errors)\n"))

SPARSE_NO_REPLACEMENT = fix(SPARSE, ('''    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
''', '''    flat = rng.choice(x.size, size=num_checks, replace=False)
    errors = []
    for i in flat:
        ix = np.unravel_index(i, x.shape)
'''))

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
    # eval_numerical_gradient
    wrong("numgrad_forward", NG, "uses the forward difference (f(x+h) - f(x)) / h",
          "use the centered difference (f(x+h) - f(x-h)) / (2h)", NUMGRAD_FORWARD),
    wrong("numgrad_divide_by_h", NG, "divides the centered difference by h instead of 2h",
          "the two points x+h and x-h are 2h apart: divide by 2 * h", NUMGRAD_DIVIDE_BY_H),
    wrong("numgrad_restore_by_adding", NG, "restores x by adding and subtracting h, so x does not come back bitwise",
          "save the old value and put it back: x[ix] = old", NUMGRAD_RESTORE_BY_ADDING),
    correct("numgrad_copies", NG, "perturbs copies of x through the flat index", NUMGRAD_COPIES),
    correct("numgrad_nditer", NG, "CS231n's np.nditer loop (with an unused f(x) at the start)", NUMGRAD_NDITER),
    # eval_numerical_gradient_array
    wrong("array_no_copy", NGA, "stores f(x) without a copy: wrong when f returns a view of x",
          "store a copy of each output: f(x).copy()", ARRAY_NO_COPY),
    wrong("array_ignores_df", NGA, "sums the output difference without weighting by df",
          "multiply by the upstream gradient df before summing", ARRAY_IGNORES_DF),
    wrong("array_mean", NGA, "averages (np.mean) instead of summing over the output",
          "the chain rule sums over the outputs: np.sum", ARRAY_MEAN),
    correct("array_copies_input", NGA, "perturbs copies of x", ARRAY_COPIES_INPUT),
    correct("array_cs231n", NGA, "CS231n's np.nditer loop", ARRAY_CS231N),
    # forward_difference_gradient
    wrong("forward_centered", FD, "computes the centered difference instead",
          "use (f(x+h) - f(x)) / h, one-sided", FORWARD_CENTERED),
    wrong("forward_backward", FD, "computes the backward difference (f(x) - f(x-h)) / h",
          "step forward: x + h", FORWARD_BACKWARD),
    wrong("forward_divide_by_2h", FD, "divides by 2h",
          "the points x and x+h are h apart: divide by h", FORWARD_DIVIDE_BY_2H),
    correct("forward_recompute", FD, "recomputes f(x) for every coordinate, on copies", FORWARD_RECOMPUTE),
    correct("forward_nditer", FD, "CS231n's np.nditer loop, f(x) computed once", FORWARD_NDITER),
    # rel_error
    wrong("rel_mean", RE, "averages the elementwise errors",
          "take the maximum, not the mean", REL_MEAN),
    wrong("rel_cs231n", RE, "CS231n's |a-b| / max(1e-8, |a|+|b|)",
          "divide by max(|a|, |b|), with 0 where both are 0", REL_CS231N),
    wrong("rel_nan_at_zero", RE, "divides by 0 where both are 0 (nan)",
          "define the error as 0 where a and b are both 0", REL_NAN_AT_ZERO),
    wrong("rel_no_abs", RE, "uses max(a, b) without absolute values",
          "the denominator is max(|a|, |b|)", REL_NO_ABS),
    correct("rel_loop", RE, "a loop over the elements", REL_LOOP),
    correct("rel_nanmax", RE, "replaces the 0/0 nans by 0 afterwards", REL_NANMAX),
    # grad_check_sparse
    wrong("sparse_forward", GS, "uses the forward difference at each coordinate",
          "use the centered difference", SPARSE_FORWARD),
    wrong("sparse_unseeded", GS, "ignores the seed: every call checks other coordinates",
          "create the generator with np.random.default_rng(seed)", SPARSE_UNSEEDED),
    wrong("sparse_not_restored", GS, "leaves each checked entry at x - h",
          "put the old value back after the two evaluations", SPARSE_NOT_RESTORED),
    wrong("sparse_returns_max", GS, "returns the largest error instead of the list",
          "return the list of num_checks errors", SPARSE_RETURNS_MAX),
    wrong("sparse_no_replacement", GS, "samples without replacement: fails when num_checks > x.size",
          "draw each coordinate independently (with replacement)", SPARSE_NO_REPLACEMENT),
    correct("sparse_flat_index", GS, "draws flat indices and returns an array", SPARSE_FLAT_INDEX),
    correct("sparse_copy", GS, "perturbs copies of x", SPARSE_COPY),
    # kink_crossed
    wrong("kink_ge", KC, "counts a value equal to the kink as the z side winning",
          "a tie at the kink belongs to the flat side: compare with >", KINK_GE),
    wrong("kink_sign_product", KC, "tests (z- - k)(z+ - k) < 0: misses crossings that end on the kink",
          "compare the winners (z > kink) on both sides", KINK_SIGN_PRODUCT),
    wrong("kink_ignores_kink", KC, "always compares with 0",
          "use the kink you are given", KINK_IGNORES_KINK),
    wrong("kink_one_sided", KC, "only detects crossings from the flat side to the z side",
          "a crossing can go either way: compare the two winners with !=", KINK_ONE_SIDED),
    correct("kink_xor", KC, "np.logical_xor of the two comparisons", KINK_XOR),
    correct("kink_winners", KC, "explicit winner indices on each side", KINK_WINNERS),
]
