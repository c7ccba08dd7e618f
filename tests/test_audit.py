"""The mutation audit through the real grade path, for every assignment with a
catalog: every wrong variant loses its part (and no other) and is named; every
right one keeps full marks."""
import pytest

from autograder import paths
from autograder.audit import audit_assignment, pack
from autograder.variants import Variant, variants_for

pytestmark = pytest.mark.notebook

CATALOGUED = [a for a in paths.assignment_ids() if variants_for(a)]
VARIANTS = [(a, v) for a in CATALOGUED for v in variants_for(a)]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, requires_cifar):
    found = {}
    for assignment_id in CATALOGUED:
        for verdict in audit_assignment(assignment_id, tmp_path_factory.mktemp(f"audit-{assignment_id}"), jobs=2):
            found[assignment_id, verdict.variant.name] = verdict
    return found


@pytest.mark.parametrize("assignment_id, variant", VARIANTS, ids=[f"{a}-{v.kind}-{v.name}" for a, v in VARIANTS])
def test_variant_is_graded_as_it_should_be(verdicts, assignment_id, variant):
    verdict = verdicts[assignment_id, variant.name]
    assert verdict.ok, verdict.detail
    assert verdict.named, f"{variant.name}: the feedback does not name the bug"


def test_pack_never_puts_two_variants_on_one_part_or_cell_nor_mixes_kinds():
    def variant(name, part, cell, kind="wrong"):
        return Variant(name, part, kind, "", "", cell, "")
    catalog = [variant("a", "p1", "c1"), variant("b", "p1", "c1"), variant("c", "p2", "c1"),
               variant("d", "p3", "c3"), variant("e", "p3", "c3", kind="correct")]
    groups = [[v.name for v in group] for group in pack(catalog)]
    assert groups == [["a", "d"], ["b"], ["c"], ["e"]]
