"""Building blocks of hidden-test cases."""
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Case:
    """One hidden-test input.

    name: short description shown to students ("one example (N=1)").
    make_inputs: zero-argument function returning a dict of fresh inputs
        (built from fixed seeds, so every run sees the same numbers).
    tol: largest relative error that still passes (max over elements).
    """
    name: str
    make_inputs: Callable[[], dict]
    tol: float = 1e-6


@dataclass(frozen=True)
class Part:
    """A graded part: which object it grades, how to call it, and on which cases.

    target: the name the notebook defines (a function or a class).
    cell: grade_id of the solution cell that defines it.
    call(obj, inputs) runs the student's function or class on one case and
    returns a dict of named outputs (numbers or arrays). It raises
    StudentOutputError when the result has the wrong type or shape.
    """
    target: str
    call: Callable[[object, dict], dict]
    cases: list = field(default_factory=list)

    @property
    def cell(self):
        return f"{self.target}_code"


class StudentOutputError(Exception):
    """The student's code returned something of the wrong kind or shape."""
