"""Comparing a student's outputs with reference outputs, in plain words.

Messages name the output, the element and the relative error, never the
reference value itself.
"""
import numpy as np

# Elements far smaller than the largest reference element are compared on the
# scale of that element, so round-off near zero is not reported as a bug.
FLOOR_FRACTION = 1e-6


def relative_error(actual, expected):
    """Largest elementwise relative error and the index where it occurs.

    Inputs: two arrays of the same shape. Error per element is
    |a - e| / max(|a|, |e|, FLOOR_FRACTION * max|e|); 0 where both are 0.
    Returns (error, index) with index a tuple (empty for scalars).
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    scale = FLOOR_FRACTION * np.max(np.abs(expected), initial=0.0)
    denom = np.maximum(np.maximum(np.abs(actual), np.abs(expected)), scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.where(denom > 0, np.abs(actual - expected) / np.where(denom > 0, denom, 1.0), 0.0)
    err = np.where(np.isfinite(actual), err, np.inf)
    flat = int(np.argmax(err)) if err.size else 0
    index = np.unravel_index(flat, err.shape) if err.ndim else ()
    return float(err.reshape(-1)[flat]) if err.size else 0.0, tuple(int(i) for i in index)


def describe_index(index):
    return f" at element {index if len(index) > 1 else index[0]}" if index else ""


def compare_outputs(outputs, reference, tol):
    """Compare named outputs with the reference; return a list of problems (strings).

    outputs, reference: dicts from output name to number or array.
    An empty list means every output matches within `tol` (max relative error).
    """
    problems = []
    for name, expected in reference.items():
        if name not in outputs:
            problems.append(f"{name} is missing from what your code returned")
            continue
        actual = np.asarray(outputs[name], dtype=np.float64)
        expected = np.asarray(expected, dtype=np.float64)
        if actual.shape != expected.shape:
            problems.append(f"{name} has shape {actual.shape}, expected shape {expected.shape}")
            continue
        error, index = relative_error(actual, expected)
        if not np.isfinite(error):
            problems.append(f"{name} contains nan or inf{describe_index(index)}")
        elif error > tol:
            problems.append(f"{name} is off by a relative error of {error:.1e}{describe_index(index)} "
                            f"(allowed: {tol:.0e})")
    return problems
