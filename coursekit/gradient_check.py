"""Numerical gradient checks (a compact helper; Assignment 2 covers the topic in depth)."""
import numpy as np


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0, verbose=True):
    """Compare an analytic gradient with centered differences at a few random entries.

    Inputs:
    - f: function of one argument, f(x) -> scalar loss. It is called with `x`
      itself after one entry was changed in place (the entry is restored).
    - x: numpy array (use float64: float32 is too coarse for finite differences).
    - analytic_grad: array of the same shape as x, the gradient to check.
    - num_checks: how many random entries to check.
    - h: step of the centered difference (f(x + h) - f(x - h)) / (2h).
    - seed: seed of the entry choice, so a check is reproducible.
    - verbose: print one line per checked entry.

    Returns the list of relative errors |num - ana| / max(|num|, |ana|)
    (0 where both are 0), one per checked entry.
    """
    analytic_grad = np.asarray(analytic_grad)
    if analytic_grad.shape != x.shape:
        raise ValueError(f"the analytic gradient has shape {analytic_grad.shape}, "
                         f"but x has shape {x.shape}; they must match.")
    if x.dtype != np.float64 and verbose:
        print(f"warning: x is {x.dtype}; finite differences need float64 to be accurate.")
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[ix]
        x[ix] = old + h
        f_plus = float(f(x))
        x[ix] = old - h
        f_minus = float(f(x))
        x[ix] = old
        numeric = (f_plus - f_minus) / (2 * h)
        analytic = float(analytic_grad[ix])
        scale = max(abs(numeric), abs(analytic))
        error = abs(numeric - analytic) / scale if scale > 0 else 0.0
        errors.append(error)
        if verbose:
            print(f"numerical: {numeric:+.6e}  analytic: {analytic:+.6e}  relative error: {error:.2e}")
    return errors
