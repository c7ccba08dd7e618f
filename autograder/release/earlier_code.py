"""Code of earlier assignments, released with a later one once they are due.

A source notebook may name, in its metadata (`"course": {"imports": ["assignment3"]}`), earlier
assignments whose code it may import. When one of them is due (its due date has passed), the
release writes that assignment's solution code (the top-level imports, functions and classes of
its solution notebooks, without the solution markers) to `<assignment>_code.py` next to the
released notebook, so the notebook can `from assignment3_code import TwoLayerNet`; grading copies
it next to the graded notebook. An assignment without a due date is never due: with no dates
nothing is shipped, and a notebook must work without the module.
"""
from pathlib import Path

import nbformat

from autograder.course import EARLIER_CODE_SUFFIX
from autograder.examples import without_markers
from autograder.judging.solution_code import solution_source

HEADER = '"""The code of {earlier}, released with {later} because {earlier} was due on {due}."""\n\n'


def imported_assignments(course, assignment_id):
    """The earlier assignments the source notebooks of `assignment_id` may import code from."""
    names = []
    for path in course.source_notebooks(assignment_id):
        metadata = nbformat.read(str(path), as_version=4).metadata
        names += [name for name in metadata.get("course", {}).get("imports", []) if name not in names]
    return names


def ship_earlier_code(course, assignment_id, released_dir, due_dates, now):
    """Write <earlier>_code.py into released_dir for every imported assignment due at `now`;
    return the paths written."""
    written = []
    for earlier in imported_assignments(course, assignment_id):
        due = due_dates.get(earlier)
        if due is None or due > now:
            continue
        path = Path(released_dir) / f"{earlier}{EARLIER_CODE_SUFFIX}"
        header = HEADER.format(earlier=earlier, later=assignment_id, due=due.isoformat())
        path.write_text(header + without_markers(solution_source(course, earlier)) + "\n")
        written.append(path)
    return written
