"""The suite's two pytest-xdist workers (tests/conftest.py): a session fixture that grades a
batch is built once only if every module that uses it runs in the same worker group."""
import re

import pytest

from tests.conftest import TESTS, worker_group

SHARED_BATCHES = ("course_batch", "released_course", "toy_graded")
SOURCES = {f"tests/{m.relative_to(TESTS).as_posix()}": m.read_text() for m in sorted(TESTS.rglob("test_*.py"))}


def uses(module, fixture):
    """Does a test or fixture of `module` (a node id's file part) take `fixture` as an argument?"""
    return re.search(rf"def \w+\([^)]*\b{fixture}\b", SOURCES[module]) is not None


@pytest.mark.parametrize("fixture", SHARED_BATCHES)
def test_the_modules_of_a_shared_batch_are_one_group(fixture):
    users = [m for m in SOURCES if uses(m, fixture)]
    assert users, f"no module uses {fixture}: the list above is out of date"
    groups = {worker_group(f"{m}::test") for m in users}
    assert len(groups) == 1, f"{fixture} would be built in each of {sorted(groups)}"


def test_any_other_module_is_a_group_of_its_own():
    alone = [m for m in SOURCES if not any(uses(m, f) for f in SHARED_BATCHES) and not m.startswith("tests/course/")]
    assert [worker_group(f"{m}::test_x[a-b]") for m in alone] == alone
