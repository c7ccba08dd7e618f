"""Checks that a released notebook gives nothing away.

A released file must not contain a solution block, a hidden test, an output
from a solution run, or any reference number the hidden tests compare against.
"""
import re

import nbformat
import numpy as np

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "autograder.hidden", "check_part(")
# Numbers with at least five significant digits are specific enough to be a leak.
NUMBER = re.compile(r"-?\d*\.\d+(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+")
MIN_SIGNIFICANT_DIGITS = 5


def significant_digits(token):
    mantissa = re.split(r"[eE]", token.lstrip("-"))[0].replace(".", "").lstrip("0")
    return len(mantissa)


def reference_values(references):
    """Sorted array of every distinct non-trivial number in the references."""
    values = [np.ravel(v) for cases in references.values() for outputs in cases.values() for v in outputs.values()]
    values = np.unique(np.concatenate(values)) if values else np.array([])
    return values[np.isfinite(values) & (values != np.round(values))]


def matches_reference(number, sorted_values, rtol=1e-6):
    i = np.searchsorted(sorted_values, number)
    neighbours = sorted_values[max(i - 1, 0):i + 1]
    return bool(np.any(np.abs(neighbours - number) <= rtol * abs(number)))


def leaks_in_text(text, sorted_values):
    """Leak descriptions found in one cell's text."""
    found = [f"contains '{m}'" for m in MARKERS if m in text]
    for token in NUMBER.findall(text):
        if significant_digits(token) >= MIN_SIGNIFICANT_DIGITS and sorted_values.size:
            if matches_reference(float(token), sorted_values):
                found.append(f"contains the reference value {token}")
    return found


def notebook_leaks(path, references=None):
    """List of leak descriptions for a released notebook (empty when clean)."""
    nb = nbformat.read(str(path), as_version=4)
    sorted_values = reference_values(references or {})
    leaks = []
    for index, cell in enumerate(nb.cells):
        where = f"{path.name}, cell {index}"
        leaks += [f"{where} {leak}" for leak in leaks_in_text(cell.source, sorted_values)]
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            leaks.append(f"{where} has outputs from a run")
    return leaks
