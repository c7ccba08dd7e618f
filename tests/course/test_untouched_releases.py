"""Every released notebook, submitted untouched, is graded without crashing the
grader and scores 0, each part saying it is not implemented yet (student `untouched`
of the suite's graded batch, tests/support/assignment1_batch.py)."""
import pytest

from autograder.course import Course

ASSIGNMENTS = Course.from_repo().assignment_ids()


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_untouched_release_scores_zero_and_says_why(course_batch, assignment_id):
    parts = [p for p in course_batch["reports"]["untouched"].parts if p.assignment_id == assignment_id]
    assert parts, f"{assignment_id} was not graded"
    assert sum(p.score for p in parts) == 0, [(p.part, p.score) for p in parts if p.score]
    assert all("grading failed" not in p.message for p in parts)
    assert any("not implemented yet" in p.message for p in parts)
    assert all(f"no {assignment_id}/ folder" not in note for note in course_batch["reports"]["untouched"].notes)
