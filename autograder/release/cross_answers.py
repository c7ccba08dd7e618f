"""No provided code answers another assignment's graded part.

What a released assignment gives its students (its provided code cells, and any module released
with it) must not pass a graded part of another assignment that is
not yet due: a student could hand it in as their own answer. For every name that code defines
(its top-level imports, functions and classes) and that another assignment grades, the release
runs that part's hidden cases on it and judges them as the grader does
(autograder/judging/verdicts.py); a part that passes them all makes the release refuse.

Which assignments are due comes from the course's due dates ({assignment: aware datetime}); an
assignment without one is never due, so with no dates every other assignment is checked.
"""
import contextlib
import io
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from autograder.cases import parts_for
from autograder.cases.records import outcome
from autograder.judging.solution_code import cell_definitions, definitions_source
from autograder.judging.verdicts import judge
from autograder.trusted import helper_functions
from coursekit.cells import is_test_cell, nbgrader_meta, part_name


def provided_source(released_dir):
    """The top-level definitions a released folder gives its students: those of its notebooks'
    code cells except the test cells (the answer cells hold nbgrader's stubs, which raise
    NotImplementedError, and provided code may build on them) and those of its released modules."""
    pieces = [definitions_source(path) for path in sorted(Path(released_dir).glob("*.ipynb"))]
    pieces += ["\n\n".join(cell_definitions(path.read_text())) for path in sorted(Path(released_dir).glob("*.py"))]
    return "\n\n".join(pieces) + "\n"


def provided_namespace(released_dir, assignment_id):
    """The provided definitions, executed (instructor code, as the solutions are for references)."""
    namespace = {"__name__": f"provided_{assignment_id}"}
    exec(compile(provided_source(released_dir), f"<provided code of {assignment_id}>", "exec"), namespace)
    return namespace


def not_yet_due(course, assignment_id, due_dates, now):
    """The course's other assignments whose due date (if any) has not passed at `now`."""
    return [other for other in course.assignment_ids()
            if other != assignment_id and not (other in due_dates and due_dates[other] <= now)]


def part_points(course, assignment_id):
    """{part: points} of an assignment's graded test cells."""
    return {part_name(cell): nbgrader_meta(cell).get("points", 0) for path in course.source_notebooks(assignment_id)
            for cell in nbformat.read(str(path), as_version=4).cells if is_test_cell(cell)}


def passes_hidden_tests(course, assignment_id, name, part, obj):
    with contextlib.redirect_stdout(io.StringIO()):   # provided checkers may print per check
        trusted = helper_functions(assignment_id, part.trusted)
        outcomes = [outcome(obj, part, case.make_inputs(), trusted) for case in part.cases]
    return judge(course, assignment_id, name, outcomes)[0]


def cross_answers(course, assignment_id, released_dir, due_dates=None, now=None):
    """Messages naming each graded part of another, not yet due assignment that the released
    folder's provided code passes (empty when there is none)."""
    now = now or datetime.now(timezone.utc)
    namespace = provided_namespace(released_dir, assignment_id)
    found = []
    for other in not_yet_due(course, assignment_id, due_dates or {}, now):
        points = part_points(course, other)
        for name, part in parts_for(other).items():
            if part.target in namespace and passes_hidden_tests(course, other, name, part, namespace[part.target]):
                found.append(f"its provided code defines {part.target}, which passes every hidden test of "
                             f"{other}'s graded part {name} ({points.get(name, 0):g} points)")
    return found
