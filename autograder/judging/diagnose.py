"""Naming the likely bug: does a failing output match a catalogued wrong variant?

When a student's code does on a hidden case what a known buggy implementation
does on the same inputs (the same outputs to rounding, or the same error), the
message names that bug
and gives its hint, e.g. "sums the data loss over the batch instead of
averaging: divide the data loss and its gradient by N".
"""
import numpy as np

from autograder.cases.records import outcome
from autograder.catalog import variants_for
from autograder.trusted import helper_functions

MATCH_RTOL = 1e-5


def outputs_match(actual, expected):
    """True when every named output agrees to MATCH_RTOL (nan and inf in the same places)."""
    for name, value in expected.items():
        a = np.asarray(actual.get(name), dtype=np.float64)
        b = np.asarray(value, dtype=np.float64)
        if a.shape != b.shape:
            return False
        scale = np.max(np.abs(b[np.isfinite(b)]), initial=0.0)
        if not np.allclose(a, b, rtol=MATCH_RTOL, atol=MATCH_RTOL * scale, equal_nan=True):
            return False
    return True


def same_outcome(first, second):
    (kind_a, value_a), (kind_b, value_b) = first, second
    if kind_a != kind_b:
        return False
    return value_a == value_b if kind_a == "error" else outputs_match(value_a, value_b)


def variant_outcome(assignment_id, variant, part, inputs):
    """What a catalogued variant does on one case's inputs."""
    namespace = {"np": np, "__name__": f"variant_{variant.name}"}
    exec(compile(variant.source, f"<variant {variant.name}>", "exec"), namespace)
    return outcome(namespace[part.target], part, inputs, helper_functions(assignment_id, part.trusted))


def likely_bug(assignment_id, part_name, part, case, student_outcome):
    """The wrong variant that does what the student's code does on `case`, or None.

    student_outcome: ("outputs", dict) or ("error", "Type: message"), as from outcome().
    """
    for variant in variants_for(assignment_id):
        if variant.part == part_name and variant.kind == "wrong":
            if same_outcome(student_outcome, variant_outcome(assignment_id, variant, part, case.make_inputs())):
                return variant
    return None


def describe(variant):
    return f"Likely cause: your code {variant.description}. Hint: {variant.hint}."
