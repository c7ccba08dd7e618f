"""Naming the likely bug on the student's side, through `check`: every wrong variant of
Assignment 1, filled into the released notebook, fails its visible tests (except those only
the hidden tests catch) and `check` names it (tests/full/test_check_audit_full.py: the others)."""
import pytest

from autograder.audit import audit_check
from autograder.catalog import variants_for
from tests.support.check_audit import assert_check_names

A1 = "assignment1"
WRONG = [pytest.param(v, id=f"{A1}-{v.name}") for v in variants_for(A1) if v.kind == "wrong"]


@pytest.fixture(scope="module")
def verdicts(committed_course, tmp_path_factory):
    return {v.variant.name: v for v in audit_check(committed_course, A1, tmp_path_factory.mktemp("check-a1"), jobs=2)}


@pytest.mark.parametrize("variant", WRONG)
def test_check_names_every_wrong_variant_its_visible_tests_catch(verdicts, variant):
    assert_check_names(verdicts, A1, variant)
