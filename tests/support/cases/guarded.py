"""Hidden-test cases of the tests' small 'guarded' assignment (tests/guarded_assignment.py):
two parts, a scalar one and an array one, graded by check_part like the real ones."""
import numpy as np

from autograder.cases.base import Case, Part, StudentOutputError


def call_add(func, inputs):
    value = np.asarray(func(inputs["a"], inputs["b"]), dtype=np.float64)
    if value.shape != ():
        raise StudentOutputError(f"add should return one number; it returned shape {value.shape}.")
    return {"sum": value}


def call_scale(func, inputs):
    x = inputs["x"]
    value = np.asarray(func(x.copy(), inputs["k"]), dtype=np.float64)
    if value.shape != x.shape:
        raise StudentOutputError(f"scale should return an array of shape {x.shape}; it returned {value.shape}.")
    return {"scaled": value}


def pair(a, b):
    return lambda: {"a": a, "b": b}


def vector(seed, k, n=5):
    return lambda: {"x": np.random.default_rng(seed).standard_normal(n), "k": k}


PARTS = {
    "add": Part("add", call_add, [Case("negative numbers", pair(-2.5, 7.0)), Case("large numbers", pair(1e9, 3.0))]),
    "scale": Part("scale", call_scale, [Case("seed 0, k=3", vector(0, 3.0)), Case("seed 1, k=-0.5", vector(1, -0.5))]),
}
