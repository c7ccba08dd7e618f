"""The audit through `check` of every catalogued assignment but Assignment 1
(tests/course/test_check_audit.py)."""
import pytest

from autograder.audit import audit_check
from autograder.catalog import variants_for
from autograder.course import Course
from tests.support.check_audit import assert_check_names

COURSE = Course.from_repo("small")
WRONG = [pytest.param(a, v, id=f"{a}-{v.name}") for a in COURSE.assignment_ids() if a != "assignment1"
         for v in variants_for(a) if v.kind == "wrong"]


@pytest.fixture(scope="module")
def check_verdicts(tmp_path_factory, requires_cifar):
    """{assignment: {variant name: CheckVerdict}}: each `check` runs one single-threaded
    kernel, and the machine has two cores, so two notebooks at a time."""
    assignment_ids = sorted({a for a, _ in (p.values for p in WRONG)})
    return {a: {v.variant.name: v for v in audit_check(COURSE, a, tmp_path_factory.mktemp(f"check-{a}"), jobs=2)}
            for a in assignment_ids}


@pytest.mark.parametrize("assignment_id, variant", WRONG)
def test_check_names_every_wrong_variant_its_visible_tests_catch(check_verdicts, assignment_id, variant):
    assert_check_names(check_verdicts[assignment_id], assignment_id, variant)
