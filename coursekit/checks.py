"""Helpers behind the visible tests: compare, check shapes, time.

Every helper prints what it checked, so a passing test shows its numbers too,
and raises AssertionError with a message that says what differs and what to
try when a check fails; when the failure is exactly what a catalogued bug
does, the message also names that bug (coursekit/known_bugs.py).

The assert_* helpers return None on purpose: nbgrader reads a number shown as
the result of a test cell (its last expression) as partial credit, so a test
cell ending in a check must not display a value.
"""
import statistics
import time
from contextlib import contextmanager

import numpy as np

from coursekit.known_bugs import text_material, value_material, with_likely_cause


def _fail(message, material=None):
    """Raise AssertionError(message), naming the likely bug when this failure is a catalogued bug's.

    The exception keeps the failure's fingerprint (coursekit/known_bugs.py) as
    `.fingerprint`, so the release can record what each catalogued bug does here.
    """
    material = material or text_material("AssertionError", message)
    error = AssertionError(with_likely_cause(message, material))
    error.fingerprint = material
    raise error


def _fmt(number):
    """Short scientific notation: 1e-07 -> '1e-7', 3.1e-10 stays '3.1e-10'."""
    if number >= 1e-3:
        return f"{number:g}"
    text = f"{number:.0e}" if number == float(f"{number:.0e}") else f"{number:.1e}"
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else text


def _where_worst(errors):
    """Describe the element where the elementwise errors are largest (no values)."""
    if errors.ndim == 0:
        return ""
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(errors)), errors.shape))
    return f" (largest at index {index if len(index) > 1 else index[0]})"


def assert_close(name, actual, expected, tol, hint=None):
    """Check that `actual` matches `expected` to a relative error below `tol`.

    Prints "name: relative error 3.1e-10 (ok, < 1e-7)" on success. On failure
    raises AssertionError saying whether the shape, a nan/inf or the values
    differ, where, and (with `hint`) what to try.
    """
    actual_arr = np.asarray(actual, dtype=np.float64)
    expected_arr = np.asarray(expected, dtype=np.float64)
    advice = f"\n  Hint: {hint}" if hint else ""
    if actual_arr.shape != expected_arr.shape:
        _fail(f"{name}: your result has shape {actual_arr.shape}, but shape {expected_arr.shape} was expected."
              f"{advice or chr(10) + '  Hint: check which axis you sum or index over, and keepdims.'}")
    if not np.all(np.isfinite(actual_arr)):
        bad = np.argwhere(~np.isfinite(actual_arr))
        where = f" at index {tuple(int(i) for i in bad[0])}" if actual_arr.ndim else ""
        _fail(f"{name}: your result contains nan or inf{where}."
              f"{advice or chr(10) + '  Hint: look for overflow in exp, log of 0, or division by 0.'}")
    # The relative error is computed here, inline, on purpose: the student package must not
    # offer a function that answers a graded part (Assignment 2 grades `rel_error`).
    denom = np.maximum(np.abs(actual_arr), np.abs(expected_arr))
    with np.errstate(invalid="ignore", over="ignore"):
        errors = np.abs(actual_arr - expected_arr) / np.where(denom > 0, denom, 1.0)
    err = float(np.max(errors, initial=0.0)) if np.all(np.isfinite(expected_arr)) else float("inf")
    if err < tol:
        print(f"{name}: relative error {err:.1e} (ok, < {_fmt(tol)})")
        return None
    _fail(f"{name}: your result differs from the expected one by a relative error of {err:.1e}"
          f"{_where_worst(errors)}; it must stay below {_fmt(tol)}.{advice}",
          value_material(name, actual_arr))


def assert_below(name, value, tol, hint=None):
    """Check that a number (or the largest of several numbers) is below `tol`.

    Used for gradient-check errors: prints "name: max relative error 2.0e-10
    (ok, < 1e-7)" or raises AssertionError with `hint`.
    """
    values = np.asarray(value, dtype=np.float64).ravel()
    worst = float(np.max(values)) if values.size else 0.0
    if values.size and not np.all(np.isfinite(values)):
        worst = float("inf")
    if worst < tol:
        print(f"{name}: max relative error {worst:.1e} (ok, < {_fmt(tol)})")
        return None
    advice = f"\n  Hint: {hint}" if hint else ""
    _fail(f"{name}: max relative error {worst:.1e} is above the allowed {_fmt(tol)}.{advice}",
          value_material(name, values))


def assert_shape(name, array, expected_shape, hint=None):
    """Check that `array` has shape `expected_shape` (a tuple); print it when it does."""
    shape = np.shape(array)
    expected_shape = tuple(expected_shape)
    if shape != expected_shape:
        advice = f"\n  Hint: {hint}" if hint else ""
        _fail(f"{name}: shape {shape}, but shape {expected_shape} was expected.{advice}")
    print(f"{name}: shape {shape} (ok)")


def time_function(f, *args, repeat=3):
    """Call f(*args) `repeat` times; return the median wall-clock time in seconds."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        f(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def stand_in(func, name, replacement):
    """Temporarily replace the global `name` that `func` looks up (e.g. a helper it calls).

    A test uses this to check one function on its own: while the `with` block
    runs, `func` calls `replacement` instead of your own helper, so a bug in
    the helper cannot make this test fail (the helper has its own test).
    """
    namespace = func.__globals__
    missing = object()
    saved = namespace.get(name, missing)
    namespace[name] = replacement
    try:
        yield replacement
    finally:
        if saved is missing:
            namespace.pop(name, None)
        else:
            namespace[name] = saved


class PenaltyStandIn:
    """Stands in for `regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5)` in tests.

    Returns (value_per_reg * reg, an array like W filled with grad_per_reg * reg),
    numbers that are easy to recognise, and records each call's arguments in
    `self.calls` (a list of dicts with keys W, reg, penalty, l1_ratio).
    """

    def __init__(self, value_per_reg=0.0, grad_per_reg=0.0):
        self.value_per_reg = value_per_reg
        self.grad_per_reg = grad_per_reg
        self.calls = []

    def __call__(self, W, reg, penalty="l2", l1_ratio=0.5):
        self.calls.append({"W": W, "reg": reg, "penalty": penalty, "l1_ratio": l1_ratio})
        return self.value_per_reg * reg, np.full(np.shape(W), self.grad_per_reg * reg)
