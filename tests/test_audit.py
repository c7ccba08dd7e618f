"""The mutation audit through the real grade path: every catalogued wrong
variant loses exactly its part and is named; every right one keeps full marks."""
import pytest

from autograder.audit import audit_assignment
from autograder.variants import variants_for

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, requires_cifar):
    return {v.variant.name: v for v in audit_assignment("assignment1", tmp_path_factory.mktemp("audit"), jobs=2)}


@pytest.mark.parametrize("variant", variants_for("assignment1"), ids=lambda v: f"{v.kind}-{v.name}")
def test_variant_is_graded_as_it_should_be(verdicts, variant):
    verdict = verdicts[variant.name]
    assert verdict.ok, verdict.detail
    assert verdict.named, f"{variant.name}: the feedback does not name the bug"
