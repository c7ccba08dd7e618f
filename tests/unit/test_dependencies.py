"""Which failed parts are re-graded with the reference in place of a failed dependency, and the
notebook the rerun runs."""
import nbformat
import pytest

from autograder.course import Course
from autograder.cases import dependencies_for, parts_for
from autograder.grading.dependencies import blamed_dependencies, dependency_cell, repaired_notebook
from autograder.examples import solution_cells, through_tests_of
from autograder.grading.results import PartResult
from coursekit.cells import nbgrader_meta
from tests.support.toy import solution_cell, test_cell

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


def notebook(*grade_ids):
    """A notebook whose cells carry these grade_ids (`test_*` ones test cells, the rest solution
    cells), each with an output."""
    cells = [test_cell(f"# {g}", g, 1) if g.startswith("test_") else solution_cell(f"# {g}", g) for g in grade_ids]
    for cell in cells:
        cell.outputs = [nbformat.v4.new_output("stream", text="printed\n")]
    return nbformat.v4.new_notebook(cells=cells)


GRADE_IDS = ("loss_code", "test_loss", "sanity_code", "test_sanity", "search_code", "test_search", "plots")


def test_through_tests_of_ends_with_the_last_test_cell_of_the_parts_and_leaves_the_notebook_alone():
    nb = notebook(*GRADE_IDS)
    ids = lambda node: [nbgrader_meta(c)["grade_id"] for c in node.cells]
    assert ids(through_tests_of(nb, {"loss", "sanity"})) == list(GRADE_IDS[:4])
    assert ids(through_tests_of(nb, {"search"})) == list(GRADE_IDS[:6])
    assert ids(through_tests_of(nb, {"nowhere"})) == list(GRADE_IDS)   # no test cell of theirs: all of it
    assert ids(nb) == list(GRADE_IDS)


def test_the_rerun_runs_up_to_the_last_test_cell_of_the_blamed_parts_with_the_references_in(tmp_path):
    path = tmp_path / "graded.ipynb"
    nbformat.write(notebook(*GRADE_IDS), str(path))
    rerun = repaired_notebook(path, {"loss_code": "reference"}, {"sanity"})
    assert [c.source for c in rerun.cells] == ["reference", "# test_loss", "# sanity_code", "# test_sanity"]
    assert all(c.outputs == [] and c.execution_count is None for c in rerun.cells)
