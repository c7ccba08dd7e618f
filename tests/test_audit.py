"""The mutation audit through the real grade path, for every assignment with a
catalog: every wrong variant loses its part (and no other) and is named; every
right one keeps full marks.

Assignment 1's audit runs in the default suite; the other assignments' audits
(34 more graded notebooks) run in the second tier (marker `full`), which CI runs
too, to keep the default suite under 15 minutes. Every variant of every
assignment is also checked alone at the hidden-test level in the default suite
(test_hidden_tests.py)."""
import pytest

from autograder import paths
from autograder.audit import audit_assignment, pack
from autograder.catalog import Variant, variants_for

pytestmark = pytest.mark.notebook

DEFAULT_TIER = "assignment1"
CATALOGUED = [a for a in paths.assignment_ids() if variants_for(a)]
VARIANTS = [pytest.param(a, v, id=f"{a}-{v.kind}-{v.name}", marks=[] if a == DEFAULT_TIER else [pytest.mark.full])
            for a in CATALOGUED for v in variants_for(a)]


@pytest.fixture(scope="module")
def verdicts_of(tmp_path_factory, requires_cifar):
    """assignment id -> {variant name: Verdict}, each assignment audited once, when first needed."""
    found = {}

    def verdicts(assignment_id):
        if assignment_id not in found:
            work_dir = tmp_path_factory.mktemp(f"audit-{assignment_id}")
            found[assignment_id] = {v.variant.name: v for v in audit_assignment(assignment_id, work_dir, jobs=2)}
        return found[assignment_id]
    return verdicts


@pytest.mark.parametrize("assignment_id, variant", VARIANTS)
def test_variant_is_graded_as_it_should_be(verdicts_of, assignment_id, variant):
    verdict = verdicts_of(assignment_id)[variant.name]
    assert verdict.ok, verdict.detail
    assert verdict.named, f"{variant.name}: the feedback does not name the bug"


def test_pack_never_puts_two_variants_on_one_part_or_cell_nor_mixes_kinds():
    def variant(name, part, cell, kind="wrong"):
        return Variant(name, part, kind, "", "", cell, "")
    catalog = [variant("a", "p1", "c1"), variant("b", "p1", "c1"), variant("c", "p2", "c1"),
               variant("d", "p3", "c3"), variant("e", "p3", "c3", kind="correct")]
    groups = [[v.name for v in group] for group in pack(catalog)]
    assert groups == [["a", "d"], ["b"], ["c"], ["e"]]
