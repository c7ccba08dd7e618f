"""Trusted helpers (instructor only): correct implementations of graded parts that the
hidden tests of *other* parts stand in for the student's own.

A vectorized loss is graded with a trusted `regularization_penalty` in place of the
student's, a two-layer network with trusted layers, a batch-norm backward pass with a
trusted cache, so that one bug costs only the part it is in. Each is a correct answer
to a graded part, so none may be reachable from the code judged for the part it
implements: this folder is hidden from the student's kernel and from the judge runner
(kernel/sandbox.py), and the grader sends a helper's source to the runner only for the
part that needs it, after the part it implements has been judged (grading/judge_runner.py).

One module per assignment, `<assignment>.py`, defines the helpers as plain functions
that use nothing but numpy (`np`), so that their source runs on its own, and, for a
helper not named after the part it implements, IMPLEMENTS = {helper: part}. A Part names
the helpers its call needs (`Part.trusted`, autograder/cases/base.py).
"""
import importlib
import inspect


def helper_functions(assignment_id, names):
    """{name: function} of the named trusted helpers of one assignment (instructor side)."""
    if not names:
        return {}
    module = importlib.import_module(f"autograder.trusted.{assignment_id}")
    return {name: getattr(module, name) for name in names}


def helper_sources(assignment_id, names):
    """{name: source text} of the named trusted helpers, for the judge runner."""
    return {name: inspect.getsource(function) for name, function in helper_functions(assignment_id, names).items()}


def implemented_part(assignment_id, name):
    """The graded part a trusted helper is a correct answer to: the part of the same name, unless
    the assignment's module says otherwise in IMPLEMENTS ({helper: part})."""
    module = importlib.import_module(f"autograder.trusted.{assignment_id}")
    return getattr(module, "IMPLEMENTS", {}).get(name, name)
