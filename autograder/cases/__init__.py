"""Hidden-test cases: the inputs the hidden tests feed to each graded part.

One module per assignment defines ``PARTS``, a dict from part name (the test
cell's grade_id without ``test_``) to a :class:`autograder.cases.base.Part`.
Reference outputs for these inputs are generated from the solutions by
``python -m autograder references``; nothing here holds a reference number.
"""
import importlib


def parts_for(assignment_id):
    """The dict of graded parts with hidden cases for one assignment."""
    return importlib.import_module(f"autograder.cases.{assignment_id}").PARTS
