"""Hostile solution-cell code for the forge tests (tests/grading/test_forge.py and
tests/course/test_assignment1_batch.py): each writes what it could reach into REPORT."""
import json
import os
import textwrap

import pytest

from autograder.kernel.sandbox import bwrap_problem

REPORT = "attack_report.json"


def require_sandbox():
    """Tests of what the sandbox blocks: skipped without bwrap, except in CI, where they fail."""
    problem = bwrap_problem()
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"the grading sandbox is required in CI: {problem}")
    if problem:
        pytest.skip(f"the grading sandbox is off here ({problem}); install bubblewrap to run this test")


def attack(code, **targets):
    """Source of a solution cell running `code` with the target paths bound as names."""
    bindings = "".join(f"{name} = {json.dumps([str(p) for p in paths_])}\n" for name, paths_ in targets.items())
    return f"REPORT = {REPORT!r}\n" + bindings + textwrap.dedent(code)


# One hostile submission of a real assignment: disables one hidden test and the visible
# tests' helpers, and tries to read the instructor's files.
A1_ATTACK = """
import json, os
import autograder.hidden

honest_check = autograder.hidden.check_part
autograder.hidden.check_part = lambda a, part, obj: None if part == "svm_loss_naive" else honest_check(a, part, obj)
assert_close = assert_below = assert_shape = lambda *args, **kwargs: None   # the visible tests' helpers

readable = []
for path in TARGETS:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        readable.append(path)
    except OSError:
        pass
with open(REPORT, "w") as handle:
    json.dump(readable, handle)
"""


def attack_report(output, student, assignment_id):
    """What the attack wrote, wherever it was graded (the parent's course folder or a worker's)."""
    found = sorted(output.rglob(f"autograded/{student}/{assignment_id}/{REPORT}"))
    assert found, f"{student} wrote no {REPORT}: did the attack run?"
    return json.loads(found[0].read_text())
