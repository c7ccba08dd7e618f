"""Helpers for the parts that check notebook state (autograder.cases.base.StatePart).

- reading the notebook's globals in a test cell (`value`, `number`, `numbers`, `params`):
  each raises with a message that tells the student what to run or fix;
- the CIFAR-10 splits exactly as the notebooks load them (`splits`), cached per process,
  for the runner's recomputations and the grader's checks;
- the checks' common pieces (`accuracy_of`, `two_layer_scores`, `threshold`).
"""
import functools

import numpy as np

from coursekit import datasize
from coursekit.data import get_cifar10_splits


def value(namespace, name, hint="run the cell above after filling it in"):
    """The notebook's global `name`; NameError with a hint when it is not defined (or is None)."""
    if namespace.get(name) is None:
        raise NameError(f"{name} is not defined: {hint}.")
    return namespace[name]


def numbers(name, found):
    """A plain numeric array of what the notebook holds in `name` (TypeError when it is not numbers)."""
    try:
        array = np.array(found)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "fiub":
        raise TypeError(f"{name} should hold numbers; it holds {type(found).__name__}.")
    return array


def number(namespace, name, hint="run the cell above after filling it in"):
    """The notebook's global `name` as one float."""
    array = numbers(name, value(namespace, name, hint)).astype(np.float64)
    if array.size != 1:
        raise TypeError(f"{name} should be a single number; it has shape {array.shape}.")
    return array.reshape(())


def params(name, model, keys=("W1", "b1", "W2", "b2")):
    """{f"{name}.{key}": array} of a model's params dict (as stored: float32 stays float32)."""
    found = getattr(model, "params", None)
    if not isinstance(found, dict) or not all(k in found for k in keys):
        raise TypeError(f"{name} should be a network with params {', '.join(keys)}.")
    return {f"{name}.{key}": numbers(f"{name}.params['{key}']", found[key]) for key in keys}


def unpacked(values, name, keys=("W1", "b1", "W2", "b2")):
    """The params of `name` from recorded values (the inverse of params())."""
    return {key: values[f"{name}.{key}"] for key in keys}


def is_instance(namespace, obj, class_name):
    """1.0 when `obj` is an instance of the notebook's class `class_name`, else 0.0."""
    cls = namespace.get(class_name)
    return float(isinstance(cls, type) and isinstance(obj, cls))


def first_of(result, name):
    """The loss of a (loss, grad) result, as a float array."""
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError(f"{name} should return a tuple (loss, grad); it returned {type(result).__name__}.")
    return numbers(f"the loss of {name}", result[0]).astype(np.float64).reshape(())


@functools.cache
def splits(bias_trick, keep, head=None):
    """{name: array} of the CIFAR-10 splits named in `keep` (a tuple; their first `head` rows when
    given), exactly as a notebook loads them (float32, the data size of this run), cached per process."""
    data = get_cifar10_splits(**datasize.split_sizes(), bias_trick=bias_trick, dtype=np.float32)
    return {name: data[name][:head].copy() for name in keep}


def threshold(small, full):
    """The accuracy a check requires at the data size of this run."""
    return small if datasize.is_small() else full


def accuracy_of(scores, y):
    return float(np.mean(np.argmax(scores, axis=1) == y))


def two_layer_scores(p, X):
    """Scores of affine - ReLU - affine with params p (float64, as the visible tests compute them)."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in p.items()}
    return np.maximum(0, np.asarray(X, dtype=np.float64) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def record_losses_by_reg(ns):
    """The sanity check's losses, one per value of the notebook's `regs`."""
    return {"losses": numbers("losses_by_reg", value(ns, "losses_by_reg")).astype(np.float64).ravel()}


def losses_rise_with_reg(regs):
    """The check of a sanity check's losses_by_reg: one finite loss per reg, rising with it."""
    def check(values):
        losses = values["losses"]
        if losses.shape != (len(regs),):
            return [f"losses_by_reg should hold one loss per value in regs ({len(regs)}); it holds {losses.size}"]
        if not np.all(np.isfinite(losses)):
            return ["losses_by_reg contains nan or inf"]
        if not np.all(np.diff(losses) > 0):
            return [f"the loss should increase with reg, but losses_by_reg = {np.round(losses, 4).tolist()}: "
                    "is the penalty added with the right sign?"]
        return []
    return check


def initial_losses_near(softmax_name, svm_name, softmax_tol, svm_tol):
    """The check of a sanity check's initial losses with tiny weights: softmax near ln(10), SVM near 9."""
    def check(values):
        problems = []
        softmax, svm = float(values["softmax"]), float(values["svm"])
        if not abs(softmax - np.log(10)) < softmax_tol:
            problems.append(f"{softmax_name} is {softmax:.4f}, but with tiny weights it should be close to ln(10) = "
                            f"{np.log(10):.4f}: check that the loss averages over N")
        if not abs(svm - 9) < svm_tol:
            problems.append(f"{svm_name} is {svm:.4f}, but with tiny weights each of the 9 wrong classes has a "
                            "margin of about 1, so it should be close to 9")
        return problems
    return check
