"""Catalog of known variants of each graded function (instructor-only).

`wrong` variants are typical student bugs: each must lose the points of its
own part and only that part. `correct` variants are right answers written
differently: each must keep full points.

This module holds what every assignment module (assignment1.py ...) uses:
the `Variant` record, the helpers that build one (`wrong`, `correct`), the
helper that derives a source from a reference one (`fix`), and
`variants_for`, which looks an assignment's catalog up.
"""
import importlib
import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """One known implementation of a graded part.

    name: short id; part: the graded part it affects; kind: "wrong" or "correct";
    description: one line on what it does; hint: what to tell a student who has it;
    cell: grade_id of the solution cell it replaces; source: that cell's new code.
    """
    name: str
    part: str
    kind: str
    description: str
    hint: str
    cell: str
    source: str


def solution_cell(part):
    """The grade_id of the solution cell of `part` when the part has a cell of its own."""
    return f"{part}_code"


def wrong(name, part, description, hint, source, cell=None):
    """A "wrong" Variant: a typical bug, with the hint a student who has it gets.

    `cell` defaults to the part's own solution cell; give it when several parts
    share one cell (the methods of a class).
    """
    return Variant(name, part, "wrong", description, hint, cell or solution_cell(part), source)


def correct(name, part, description, source, cell=None):
    """A "correct" Variant: a right answer written differently (it has no hint)."""
    return Variant(name, part, "correct", description, "", cell or solution_cell(part), source)


def fix(source, *edits):
    """`source` with each (old, new) edit applied exactly once."""
    for old, new in edits:
        assert source.count(old) == 1, f"edit does not apply: {old!r}"
        source = source.replace(old, new)
    return source


def variants_for(assignment_id):
    """The catalogued variants of one assignment ([] when it has no catalog yet)."""
    name = f"autograder.catalog.{assignment_id}"
    return importlib.import_module(name).VARIANTS if importlib.util.find_spec(name) else []
