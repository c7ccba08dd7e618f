"""The suite's two pytest-xdist workers (tests/conftest.py): a session fixture that grades a
batch is built once only if every module that uses it runs in the same worker group."""
import re
from pathlib import Path

import pytest

from tests.conftest import TESTS, worker_group

SHARED_BATCHES = ("course_batch", "released_course", "toy_graded")
MODULES = sorted(TESTS.rglob("test_*.py"))


def uses(module, fixture):
    """Does a test or fixture of `module` take `fixture` as an argument?"""
    return re.search(rf"def \w+\([^)]*\b{fixture}\b", module.read_text()) is not None


@pytest.mark.parametrize("fixture", SHARED_BATCHES)
def test_the_modules_of_a_shared_batch_are_one_group(fixture):
    users = [m for m in MODULES if uses(m, fixture)]
    assert users, f"no module uses {fixture}: the list above is out of date"
    groups = {worker_group(f"tests/{m.relative_to(TESTS).as_posix()}::test") for m in users}
    assert len(groups) == 1, f"{fixture} would be built in each of {sorted(groups)}"


def test_any_other_module_is_a_group_of_its_own():
    alone = [m for m in MODULES if not any(uses(m, f) for f in SHARED_BATCHES) and "course" not in m.parts]
    names = [f"tests/{m.relative_to(TESTS).as_posix()}" for m in alone]
    assert [worker_group(f"{n}::test_x[a-b]") for n in names] == names
