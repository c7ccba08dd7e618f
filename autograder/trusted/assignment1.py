"""Trusted helpers of Assignment 1 (see autograder/trusted/__init__.py)."""
import numpy as np


def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    """The penalty the vectorized losses get during their hidden tests (so a bug in the
    student's regularization_penalty costs only its own part)."""
    l1, l2 = np.sum(np.abs(W)), 0.5 * np.sum(W * W)
    weights = {"l2": (0.0, 1.0), "l1": (1.0, 0.0), "elastic_net": (l1_ratio, 1.0 - l1_ratio)}
    if penalty not in weights:
        raise ValueError(f"unknown penalty {penalty!r}")
    a, b = weights[penalty]
    return reg * (a * l1 + b * l2), reg * (a * np.sign(W) + b * W)
