"""Trusted helpers of Assignment 2 (see autograder/trusted/__init__.py)."""
import numpy as np


def rel_error(a, b):
    """The rel_error grad_check_sparse gets during its hidden tests."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.abs(a - b) / np.where(denom > 0, denom, 1.0)))
