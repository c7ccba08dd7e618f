"""Hostile solution-cell code for the forge tests (tests/grading/test_forge.py and
tests/course/test_forge_real.py): each writes what it could reach into REPORT, or tries to win
points it did not earn."""
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


# Finding 5 of issue 13, three ways, and finding 6 (tests/course/test_forge_real.py):
# 1. nothing implemented, and every later cell wrapped in try/except BaseException by an
#    IPython AST transformer, so that every test cell "passes" in the kernel;
SWALLOW_EVERYTHING = """
import ast

class _SwallowEverything(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
        wrapped = ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])
        return ast.fix_missing_locations(ast.Module(body=[wrapped], type_ignores=[]))

get_ipython().ast_transformers.append(_SwallowEverything())

def svm_loss_naive(W, X, y, reg):
    raise NotImplementedError()
"""

# 2. regularization_penalty taken from the grader's trusted helper, wherever the kernel can find
#    it, and its record written from it (a file in the working copy, a message on the channel);
USE_TRUSTED_PENALTY = """
import base64, importlib, io, json, os
import numpy as np
from IPython.display import display

found = []
for module, name in [("autograder.cases.assignment1", "trusted_regularization_penalty"),
                     ("autograder.trusted.assignment1", "regularization_penalty"),
                     ("autograder.trusted", "helper_functions")]:
    try:
        found.append(getattr(importlib.import_module(module), name))
    except Exception:
        pass
with open(REPORT, "w") as handle:
    json.dump([f"{f.__module__}.{f.__name__}" for f in found], handle)

def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    if found:
        return found[0](W, reg, penalty, l1_ratio)
    raise NotImplementedError()

def forge_records():
    from autograder.cases.assignment1 import PARTS
    part = PARTS["regularization_penalty"]
    outputs = {}
    for index, case in enumerate(part.cases):
        inputs = case.make_inputs()
        value, grad = (found[0] if found else lambda *a, **k: (0.0, 0 * inputs["W"]))(
            inputs["W"], inputs["reg"], inputs["penalty"], inputs["l1_ratio"])
        outputs[f"{index}|loss"], outputs[f"{index}|dW"] = np.asarray(value), np.asarray(grad)
    buffer = io.BytesIO()
    np.savez(buffer, **outputs)
    os.makedirs(".autograder-records", exist_ok=True)
    with open(".autograder-records/regularization_penalty.npz", "wb") as handle:
        handle.write(buffer.getvalue())
    display({"application/vnd.autograder.record+json": {
        "assignment": "assignment1", "part": "regularization_penalty",
        "npz": base64.b64encode(buffer.getvalue()).decode()}}, raw=True)

get_ipython().events.register("post_run_cell", lambda *args: forge_records())
"""

# 3. a wrong regularization_penalty, and a background thread that keeps rewriting its record
#    (and sending it on the channel) with the outputs of a correct penalty.
REWRITE_RECORDS_LATER = """
import base64, io, os, threading, time
import numpy as np
from IPython.display import display

def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    l1, l2 = np.sum(np.abs(W)), np.sum(W * W)          # the L2 half forgotten
    a = {"l2": 0.0, "l1": 1.0, "elastic_net": l1_ratio}[penalty]
    return reg * (a * l1 + (1 - a) * l2), reg * (a * np.sign(W) + 2 * (1 - a) * W)

def correct_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    a = {"l2": 0.0, "l1": 1.0, "elastic_net": l1_ratio}[penalty]
    return reg * (a * np.sum(np.abs(W)) + (1 - a) * 0.5 * np.sum(W * W)), reg * (a * np.sign(W) + (1 - a) * W)

def rewrite_forever():
    from autograder.cases.assignment1 import PARTS
    outputs = {}
    for index, case in enumerate(PARTS["regularization_penalty"].cases):
        inputs = case.make_inputs()
        value, grad = correct_penalty(inputs["W"], inputs["reg"], inputs["penalty"], inputs["l1_ratio"])
        outputs[f"{index}|loss"], outputs[f"{index}|dW"] = np.asarray(value), np.asarray(grad)
    buffer = io.BytesIO()
    np.savez(buffer, **outputs)
    message = {"application/vnd.autograder.record+json": {
        "assignment": "assignment1", "part": "regularization_penalty",
        "npz": base64.b64encode(buffer.getvalue()).decode()}}
    while True:
        os.makedirs(".autograder-records", exist_ok=True)
        with open(".autograder-records/regularization_penalty.npz", "wb") as handle:
            handle.write(buffer.getvalue())
        display(message, raw=True)
        time.sleep(0.05)

threading.Thread(target=rewrite_forever, daemon=True).start()
"""

# Finding 6: with a buggy svm_loss_vectorized, the searches are rerun with the reference in its
# place. After every cell, this saves the code the kernel ran (the reference, in the rerun) and
# overwrites the notebook in the working copy with a clean one, without its own cell.
REWRITE_THE_EVIDENCE = """
import nbformat

def _cover_tracks(*args):
    ran = [source for source in In if source and "_cover_tracks" not in source]
    with open("stolen_reference.py", "w") as handle:
        handle.write("\\n\\n".join(ran))
    clean = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in ran])
    nbformat.write(clean, "linear_classifiers.ipynb")

get_ipython().events.register("post_run_cell", _cover_tracks)
"""
