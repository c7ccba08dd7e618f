"""Per-part results of a graded submission."""
from dataclasses import dataclass, field

import nbformat

from coursekit.cells import cell_verdict, is_test_cell, nbgrader_meta, part_name
from autograder.kernel.output_cap import truncated

RESTORED_MARKER = "was missing from the submission"
MAX_MESSAGE_CHARS = 2000  # per part, in grades.csv and the feedback page


@dataclass
class PartResult:
    """The outcome of one graded part for one student."""
    assignment_id: str
    part: str
    score: float
    max_score: float
    message: str
    graded: bool = True  # False: the grading machine failed (not the submission); a rerun grades it
    cases: dict = field(default_factory=dict)  # hidden case name -> passed, for the parts judged from a record

    @property
    def passed(self):
        return self.graded and self.score >= self.max_score > 0


def graded_parts(notebook_path):
    """[(part, grade_id, points)] of the test cells of a source notebook, in order."""
    nb = nbformat.read(str(notebook_path), as_version=4)
    return [(part_name(c), nbgrader_meta(c)["grade_id"], float(nbgrader_meta(c).get("points", 0)))
            for c in nb.cells if is_test_cell(c)]


def assignment_parts(course, assignment_id):
    """{notebook name: [(part, grade_id, points)]} for one assignment."""
    return {p.stem: graded_parts(p) for p in course.source_notebooks(assignment_id)}


def zero_results(assignment_id, parts, reason):
    return [PartResult(assignment_id, part, 0.0, points, reason) for part, _, points in parts]


NOT_GRADED = ("not graded: {reason}. This is a problem of the grading machine, not of the submission: run the "
              "same grade command again to grade it.")


def not_graded_results(assignment_id, parts, reason):
    """Results of parts that could not be graded (not 0: blank in grades.csv, and graded by a rerun)."""
    return [PartResult(assignment_id, part, 0.0, points, NOT_GRADED.format(reason=reason), graded=False)
            for part, _, points in parts]


def cell_outcomes(autograded_path, parts):
    """What the test cells of one graded notebook say, and notes on restored cells.

    parts: [(part, grade_id, points)]. Returns ({part: (passed, message)}, notes); a part
    whose test cell is not in the notebook is left out.
    """
    nb = nbformat.read(str(autograded_path), as_version=4)
    cells = {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if is_test_cell(c)}
    outcomes, notes = {}, []
    for part, grade_id, _ in parts:
        cell = cells.get(grade_id)
        if cell is None:
            continue
        passed, message = cell_verdict(cell)
        outcomes[part] = passed, truncated(message, MAX_MESSAGE_CHARS)
        if RESTORED_MARKER in cell.source:
            notes.append(f"The test cell of {part} was missing and was restored before grading.")
    return outcomes, notes
