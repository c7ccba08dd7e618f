"""Hidden-test cases: the inputs the hidden tests feed to each graded part.

One module per assignment defines ``PARTS``, a dict from part name (the test
cell's grade_id without ``test_``) to a :class:`autograder.cases.base.Part`,
``STATE_PARTS`` for the parts that check notebook state
(:class:`autograder.cases.base.StatePart`), and may define ``DEPENDS_ON`` (parts
computed from other parts). Reference
outputs for these inputs are generated from the solutions by
``python -m autograder references``; nothing here holds a reference number.
"""
import importlib
import importlib.util
import os

EXTRA_FOLDERS_VAR = "AUTOGRADER_EXTRA_CASES"
# More folders holding cases modules (the tests' small assignments); grading
# kernels inherit the variable, so they find the same modules.
__path__.extend(folder for folder in os.environ.get(EXTRA_FOLDERS_VAR, "").split(os.pathsep) if folder)


def add_cases_folder(folder):
    """Also look for cases modules in `folder`, here and in every kernel started from now on."""
    folder = str(folder)
    if folder not in __path__:
        __path__.append(folder)
    os.environ[EXTRA_FOLDERS_VAR] = os.pathsep.join(p for p in (os.environ.get(EXTRA_FOLDERS_VAR), folder) if p)


def cases_module(assignment_id):
    """The assignment's cases module, or None when it has no hidden-test cases."""
    name = f"autograder.cases.{assignment_id}"
    return importlib.import_module(name) if importlib.util.find_spec(name) else None


def parts_for(assignment_id):
    """The dict of graded parts with hidden cases for one assignment."""
    return getattr(cases_module(assignment_id), "PARTS", {})


def state_parts_for(assignment_id):
    """The dict of graded parts that check notebook state (autograder.cases.base.StatePart) for one assignment."""
    return getattr(cases_module(assignment_id), "STATE_PARTS", {})


def dependencies_for(assignment_id):
    """{dependent part: [parts it is computed from]} for one assignment ({} if none)."""
    return getattr(cases_module(assignment_id), "DEPENDS_ON", {})


def contracts_for(assignment_id):
    """{part: ((what the docstring allows, the hidden case that covers it), ...)} for one assignment ({} if none)."""
    return getattr(cases_module(assignment_id), "CONTRACTS", {})
