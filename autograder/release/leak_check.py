"""Checks that a released notebook gives nothing away.

A released file must not contain a solution block, a hidden test, an output
from a solution run, any reference number the hidden tests compare against, or
a line of a written answer's model answer or rubric.
"""
import re

import nbformat
import numpy as np

from coursekit.cells import nbgrader_meta

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "autograder.hidden", "check_part(")
# Numbers with at least five significant digits are specific enough to be a leak.
NUMBER = re.compile(r"-?\d*\.\d+(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+")
MIN_SIGNIFICANT_DIGITS = 5
# A line of a model answer or rubric this long is specific enough to be a leak.
MIN_ANSWER_LINE_CHARS = 30


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


def solution_region_lines(source):
    """The lines between BEGIN SOLUTION and END SOLUTION (all lines if the cell has no markers)."""
    if "BEGIN SOLUTION" not in source:
        return source.splitlines()
    lines, inside = [], False
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
            inside = "BEGIN SOLUTION" in line
        elif inside:
            lines.append(line)
    return lines


def written_answer_lines(source_path):
    """The lines (stripped, of at least MIN_ANSWER_LINE_CHARS) of the model answers and rubrics in a
    source notebook: its markdown answer cells' solution regions, which nbgrader replaces on release."""
    nb = nbformat.read(str(source_path), as_version=4)
    return {line.strip() for cell in nb.cells
            if cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution")
            for line in solution_region_lines(cell.source) if len(line.strip()) >= MIN_ANSWER_LINE_CHARS}


def written_answer_leaks(name, text, answer_lines):
    """Leak descriptions for the model-answer or rubric lines found in `text` (a released file's text)."""
    return [f"{name} contains a line of a written answer's model answer or rubric: {line[:60]!r}"
            for line in sorted(answer_lines) if line in text]
