"""Every released notebook, submitted untouched, is graded without crashing the
grader and scores 0, each part saying it is not implemented yet."""
import pytest

from autograder import paths
from autograder.examples import released_notebook, write_submission
from autograder.grading.grader import grade

pytestmark = pytest.mark.notebook

ASSIGNMENTS = paths.assignment_ids()


@pytest.fixture(scope="module")
def report(tmp_path_factory, requires_cifar):
    root = tmp_path_factory.mktemp("untouched")
    for assignment_id in ASSIGNMENTS:
        for source in paths.source_notebooks(assignment_id):
            write_submission(root / "batch", "untouched", assignment_id, source.stem,
                             released_notebook(assignment_id, source.stem))
    found = grade(root / "batch", root / "graded", ASSIGNMENTS, cell_timeout=120, data_size="small",
                  quiet=True, jobs=2)
    (report,) = found
    return report


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_untouched_release_scores_zero_and_says_why(report, assignment_id):
    parts = [p for p in report.parts if p.assignment_id == assignment_id]
    assert parts, f"{assignment_id} was not graded"
    assert sum(p.score for p in parts) == 0, [(p.part, p.score) for p in parts if p.score]
    assert all("grading failed" not in p.message for p in parts)
    assert any("not implemented yet" in p.message for p in parts)
