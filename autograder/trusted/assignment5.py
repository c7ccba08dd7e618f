"""Trusted helpers of Assignment 5 (see autograder/trusted/__init__.py)."""
import numpy as np

IMPLEMENTS = {"bn_cache": "batchnorm_forward"}   # the cache is what batchnorm_forward returns


def bn_cache(inputs):
    """The cache (x, x_hat, mu, var, gamma, eps) batchnorm_backward gets during its hidden tests,
    built from a case's inputs (so a bug in batchnorm_forward costs only its own part)."""
    x, gamma = inputs["x"], inputs["gamma"]
    eps = inputs["bn_param"].get("eps", 1e-5)
    mu, var = x.mean(axis=0), x.var(axis=0)
    return (x.copy(), (x - mu) / np.sqrt(var + eps), mu, var, gamma.copy(), eps)
