"""The mutation audit through the real grade path for Assignment 1: every wrong variant
loses its part (and no other) and is named; every right one keeps full marks.

Assignment 1's packed variant submissions are graded in the suite's one batch
(tests/support/assignment1_batch.py) and judged with the audit's own `judge`;
audit_assignment is checked to build and judge exactly that batch. The other
assignments' audits are in tests/full/test_audit_full.py; every variant of every
assignment is also checked alone at the hidden-test level (tests/unit/test_hidden_tests.py)."""
import filecmp

import pytest

from autograder import audit
from autograder.audit import audit_assignment, judge
from autograder.catalog import variants_for
from tests.support.assignment1_batch import A1, CELL_TIMEOUT, assignment_report

VARIANTS = [pytest.param(v, id=f"{A1}-{v.kind}-{v.name}") for v in variants_for(A1)]


@pytest.fixture(scope="module")
def verdicts(course_batch):
    """{variant name: (ok, named, detail)} of Assignment 1's catalog, from the shared batch."""
    found = {}
    for student, group in course_batch["audit"].items():
        report = assignment_report(course_batch["reports"][student])
        for variant in group:
            found[variant.name] = judge(variant, group, report)
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_is_graded_as_it_should_be(verdicts, variant):
    ok, named, detail = verdicts[variant.name]
    assert ok, detail
    assert named, f"{variant.name}: the feedback does not name the bug"


def test_every_variant_is_in_the_batch(course_batch):
    packed = sorted(v.name for group in course_batch["audit"].values() for v in group)
    assert packed == sorted(v.name for v in variants_for(A1))


def test_audit_assignment_grades_the_packed_batch_and_judges_it(course_batch, tmp_path, monkeypatch):
    """audit_assignment writes the same submissions, grades them in one call and returns the
    verdicts of `judge` (its grading is the shared batch's: the stand-in checks the batch)."""
    def grade(course, batch, output, assignment_ids, cell_timeout, quiet, jobs):
        assert course == course_batch["course"] and assignment_ids == [A1] and cell_timeout == CELL_TIMEOUT
        assert sorted(p.name for p in batch.iterdir()) == sorted(course_batch["audit"])
        for student in course_batch["audit"]:
            comparison = filecmp.dircmp(batch / student / A1, course_batch["batch"] / student / A1)
            assert not comparison.diff_files and not comparison.left_only and not comparison.right_only, student
        return [assignment_report(course_batch["reports"][s]) for s in course_batch["audit"]]

    monkeypatch.setattr(audit, "grade", grade)
    found = audit_assignment(course_batch["course"], A1, tmp_path, jobs=2)
    assert sorted(v.variant.name for v in found) == sorted(v.name for v in variants_for(A1))
    assert all(v.ok and v.named for v in found), [v.detail for v in found if not (v.ok and v.named)]
