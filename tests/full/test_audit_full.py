"""The grade-path mutation audit of every catalogued assignment but Assignment 1 (which the
default tier audits in tests/course/test_audit.py): 47 more graded notebooks, the packed
submissions of all five assignments graded in one `grade` call (two workers), each judged
with the audit's own `judge`."""
import pytest

from autograder.audit import judge
from autograder.catalog import variants_for
from autograder.course import Course
from autograder.grading.batch import grade
from tests.support.assignment1_batch import CELL_TIMEOUT, assignment_report, write_audit_submissions

COURSE = Course.from_repo("small")
CATALOGUED = [a for a in COURSE.assignment_ids() if variants_for(a) and a != "assignment1"]
VARIANTS = [pytest.param(a, v, id=f"{a}-{v.kind}-{v.name}") for a in CATALOGUED for v in variants_for(a)]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, requires_cifar):
    """{(assignment id, variant name): (ok, named, detail)}."""
    root = tmp_path_factory.mktemp("audit-full")
    groups = {a: write_audit_submissions(COURSE, root / "batch", a) for a in CATALOGUED}
    reports = {r.student_id: r for r in grade(COURSE, root / "batch", root / "graded", CATALOGUED,
                                              cell_timeout=CELL_TIMEOUT, quiet=True, jobs=2)}
    found = {}
    for assignment_id, by_student in groups.items():
        for student, group in by_student.items():
            report = assignment_report(reports[student], assignment_id)
            for variant in group:
                found[assignment_id, variant.name] = judge(variant, group, report)
    return found


@pytest.mark.parametrize("assignment_id, variant", VARIANTS)
def test_variant_is_graded_as_it_should_be(verdicts, assignment_id, variant):
    ok, named, detail = verdicts[assignment_id, variant.name]
    assert ok, detail
    assert named, f"{variant.name}: the feedback does not name the bug"
