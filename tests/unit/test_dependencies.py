"""Which failed parts are re-graded with the reference in place of a failed dependency."""
import pytest

from autograder.course import Course
from autograder.cases import dependencies_for, parts_for
from autograder.grading.dependencies import blamed_dependencies, dependency_cell
from autograder.examples import solution_cells
from autograder.grading.results import PartResult

COURSE = Course.from_repo()


def test_a_failed_dependency_is_blamed_only_for_attempted_dependents():
    results = [PartResult("a", "loss", 0, 5, "wrong"), PartResult("a", "sanity", 0, 2, "off"),
               PartResult("a", "search", 0, 3, "low"), PartResult("a", "other", 4, 4, "passed")]
    depends_on = {"sanity": ["loss"], "search": ["loss", "other"], "other": ["loss"]}
    assert blamed_dependencies(results, depends_on, lambda part: True) == {"sanity": ["loss"], "search": ["loss"]}
    assert blamed_dependencies(results, depends_on, lambda part: part != "search") == {"sanity": ["loss"]}


@pytest.mark.parametrize("assignment_id", [a for a in COURSE.assignment_ids() if dependencies_for(a)])
def test_every_dependency_names_a_solution_cell_of_the_source(assignment_id):
    cells = {grade_id for notebook in COURSE.source_notebooks(assignment_id)
             for grade_id in solution_cells(COURSE, assignment_id, notebook.stem)}
    parts = parts_for(assignment_id)
    for dependent, dependencies in dependencies_for(assignment_id).items():
        for dependency in dependencies:
            assert dependency_cell(parts, dependency) in cells, f"{dependent} depends on {dependency}"
