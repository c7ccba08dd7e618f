"""The committed release (notebooks and known_bugs.json) equals a fresh one and gives nothing away.

The fresh release is the session's (tests/conftest.py, `released_course`: every assignment
released into a temporary folder). The suite's graded batch uses a copy of the committed one
(`committed_course`), which these tests show to be the same."""
import json

import pytest

from autograder.course import Course
from autograder.release.release import find_leaks

REPO = Course.from_repo()


def json_of(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("assignment_id", REPO.assignment_ids())
def test_committed_release_equals_a_fresh_release(released_course, assignment_id):
    fresh = released_course.assignments_dir / assignment_id
    committed = REPO.assignments_dir / assignment_id
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert fresh_files == committed_files
    for relative in fresh_files:
        if relative.suffix in (".ipynb", ".json"):  # the notebook, and the known bugs' fingerprints
            assert json_of(fresh / relative) == json_of(committed / relative), \
                f"{relative} is stale: run `python -m autograder release {assignment_id}`"
    assert find_leaks(REPO, committed, assignment_id) == []
