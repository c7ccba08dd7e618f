"""Every assignment's solutions pass all their tests, visible and hidden, on the reduced data
size: the perfect submissions (the released notebook with the solution cells filled in from
the source) of the suite's graded batch, submitted by solved_by(assignment)
(tests/full/test_solution_notebooks_full.py runs the source notebooks themselves on full
CIFAR-10)."""
import nbformat
import pytest

from autograder.course import Course
from tests.support.assignment1_batch import solved_by

ASSIGNMENTS = Course.from_repo().assignment_ids()


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_solutions_pass_every_part_on_small_data(course_batch, assignment_id):
    student = solved_by(assignment_id)
    report = course_batch["reports"][student]
    parts = [p for p in report.parts if p.assignment_id == assignment_id]
    assert parts, f"{assignment_id} was not graded"
    assert all(p.passed for p in parts), [(p.part, p.message) for p in parts if not p.passed]
    problems = [n for n in report.notes if n.startswith(f"{assignment_id}/")]
    assert problems == [], problems
    for source in Course.from_repo().source_notebooks(assignment_id):   # every cell ran without an error
        graded = course_batch["output"] / "course" / "autograded" / student / assignment_id / source.name
        nb = nbformat.read(str(graded), as_version=4)
        errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == [], errors
