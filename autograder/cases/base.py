"""Building blocks of hidden-test cases."""
from contextlib import contextmanager
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
    trusted: names of the trusted helpers (autograder/trusted/<assignment>.py,
    instructor only) the call needs; a part that names any is called as
    call(obj, inputs, trusted) with trusted = {name: function}.
    """
    target: str
    call: Callable[..., dict]
    cases: list = field(default_factory=list)
    trusted: tuple = ()

    @property
    def cell(self):
        return f"{self.target}_code"

    def run(self, obj, inputs, trusted=None):
        """The outputs of call on one case's inputs, with the trusted helpers when the part needs them."""
        if self.trusted:
            return self.call(obj, inputs, {name: (trusted or {})[name] for name in self.trusted})
        return self.call(obj, inputs)


class StudentOutputError(Exception):
    """The student's code returned something of the wrong kind or shape."""


def globals_of(obj):
    """The globals a student's function sees (for a class: those of its methods)."""
    if hasattr(obj, "__globals__"):
        return obj.__globals__
    for klass in obj.__mro__[:-1] if isinstance(obj, type) else ():
        for value in vars(klass).values():
            if hasattr(value, "__globals__"):
                return value.__globals__
    return {}


@contextmanager
def stand_ins(obj, replacements):
    """Temporarily put `replacements` ({name: function}) in the globals the student's `obj`
    sees, in place of the student's own functions of those names."""
    namespace = globals_of(obj)
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


@dataclass(frozen=True)
class StatePart:
    """A graded part that checks the notebook's state (sanity values, an experiment, a trained model).

    record(namespace) -> {name: array}: in the student's kernel, what the part's restored
        test cell records of the notebook's globals (plain numbers); raises when they are
        missing or malformed (the message says what to fix).
    check(values) -> [problem, ...]: in the grader's process, the verdict on the values
        (the recorded ones, with the recomputed ones in their place); [] when the part passes.
    recompute(namespace) -> {name: array} or None: in the judge runner, the same values
        computed again with the student's functions (the namespace of their definitions) on
        inputs the grader chooses. The recorded values must match them, so a record is
        only as good as the student's own functions; the dependency rerun recomputes them
        with the reference in place of a failed dependency.
    prepare(): loads what recompute needs (data) once in the runner, before the fork.
    """
    record: Callable[[dict], dict]
    check: Callable[[dict], list]
    recompute: Callable[[dict], dict] | None = None
    prepare: Callable[[], None] = lambda: None
