"""Catalog of known variants of each graded function (instructor-only).

`wrong` variants are typical student bugs: each must lose the points of its
own part and only that part. `correct` variants are right answers written
differently: each must keep full points.
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


def variants_for(assignment_id):
    """The catalogued variants of one assignment ([] when it has no catalog yet)."""
    name = f"autograder.catalog.{assignment_id}"
    return importlib.import_module(name).VARIANTS if importlib.util.find_spec(name) else []
