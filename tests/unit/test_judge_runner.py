"""The judge runner (autograder/cases/runner.py, grading/judge_runner.py): the student's code on
the hidden cases in a fresh sandboxed process, outside any Jupyter kernel. No kernel here: a
notebook's definitions are sent straight to a real runner, and each test reads what comes back
over its pipe, strictly."""
import sys
import tempfile
import textwrap
import time

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.cases.records import ERROR_KEY
from autograder.course import Course
from autograder.examples import perfect_notebook, released_notebook, with_cell_source
from autograder.grading.judge_runner import BackgroundJobs, JudgeRunner, RunnerUnavailable
from autograder.judging.solution_code import notebook_definitions
from autograder.judging.verdicts import judge
from tests.support.attacks import require_sandbox

COURSE = Course.from_repo()
A1, NOTEBOOK = "assignment1", "linear_classifiers"
GB = 2 ** 30


def definitions(*sources):
    return [textwrap.dedent(source) for source in sources]


def runner(sources, timeout=60):
    return JudgeRunner(A1, definitions("import numpy as np", *sources), timeout)


def errors(outcomes):
    return {value for kind, value in outcomes if kind == "error"}


def test_the_loader_keeps_definitions_and_skips_what_loads_trains_or_prints():
    nb = new_notebook(cells=[
        new_code_cell("%matplotlib inline\nimport numpy as np\nfrom math import pi"),
        new_code_cell("EPS = 1e-8\nSIZES = (1, -2)\nrelu = lambda x: np.maximum(0, x)\ndata = load()\nW = train(data)\n"
                      "print('hello')\nX = data['X']"),
        new_code_cell("def f(x):\n    return x + EPS\n\nclass Model:\n    pass\n\nfor i in range(3):\n    train()"),
        new_code_cell("this is not python"),
    ])
    test = new_code_cell("def hidden_helper():\n    pass")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_f", "points": 1}
    nb.cells.append(test)
    kept = notebook_definitions(nb)
    assert kept == ["import numpy as np", "from math import pi", "EPS = 1e-8", "SIZES = (1, -2)",
                    "relu = lambda x: np.maximum(0, x)", "def f(x):\n    return x + EPS", "class Model:\n    pass"]


def test_the_loader_takes_locked_cells_as_released():
    released = released_notebook(COURSE, A1, NOTEBOOK)
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    locked = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "provided_gradient_check")
    locked.source = "def rel_error(a, b):\n    return 0.0"   # a student's edit of a locked cell
    kept = notebook_definitions(nb, released)
    assert "def rel_error(a, b):\n    return 0.0" not in kept
    assert any(piece.startswith("def rel_error(x, y):\n    \"\"\"Largest relative error") for piece in kept)


def test_a_perfect_submission_passes_every_hidden_part_in_the_runner():
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    with JudgeRunner(A1, notebook_definitions(nb, released_notebook(COURSE, A1, NOTEBOOK)), 60) as judge_runner:
        for part in ("svm_loss_naive", "regularization_penalty", "svm_loss_vectorized", "linear_classifier_train"):
            passed, message, _ = judge(COURSE, A1, part, judge_runner.cases(part))
            assert passed, message



def test_a_runner_started_before_the_notebook_gets_the_code_later_and_judges_the_same():
    # The grader starts the runner while the notebook runs and sends the definitions after.
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    with JudgeRunner(A1, None, 60) as judge_runner:
        assert judge_runner.process.poll() is None and not judge_runner.ready
        judge_runner.give_definitions(notebook_definitions(nb, released_notebook(COURSE, A1, NOTEBOOK)))
        passed, message, _ = judge(COURSE, A1, "svm_loss_naive", judge_runner.cases("svm_loss_naive"))
        assert passed, message
    with runner(["def svm_loss_naive(W, X, y, reg):\n    return 0.0, W"]) as judge_runner:
        assert not judge(COURSE, A1, "svm_loss_naive", judge_runner.cases("svm_loss_naive"))[0]


def test_cases_judged_in_the_background_are_those_judged_in_turn():
    # The grader judges the hidden cases on a thread while the notebook runs (BackgroundJobs).
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    nb = with_cell_source(nb, "svm_loss_vectorized_code", "def svm_loss_vectorized(W, X, y, reg):\n    return 0.0, W")
    code = notebook_definitions(nb, released_notebook(COURSE, A1, NOTEBOOK))
    parts = ["svm_loss_naive", "svm_loss_vectorized", "linear_classifier_predict"]
    with JudgeRunner(A1, None, 60) as judge_runner:
        background, recomputed = BackgroundJobs(judge_runner, code, parts).result()
    with JudgeRunner(A1, code, 60) as judge_runner:
        in_turn = {part: judge_runner.cases(part) for part in parts}
    assert list(background) == parts and recomputed == {}
    assert [judge(COURSE, A1, p, background[p])[:2] for p in parts] == [judge(COURSE, A1, p, in_turn[p])[:2]
                                                                          for p in parts]
    assert [judge(COURSE, A1, p, background[p])[0] for p in parts] == [True, False, True]


def test_state_parts_recomputed_in_the_background_are_those_recomputed_in_turn():
    # The state parts' values are recomputed from the definitions alone, so while the notebook runs too.
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    nb = with_cell_source(nb, "softmax_loss_vectorized_code",
                          "def softmax_loss_vectorized(W, X, y, reg, penalty='l2', l1_ratio=0.5):\n"
                          "    raise NotImplementedError()")
    code = notebook_definitions(nb, released_notebook(COURSE, A1, NOTEBOOK))
    state = ["sanity_initial_losses", "sanity_reg_increases_loss"]
    with JudgeRunner(A1, None, 60) as judge_runner:
        outcomes, background = BackgroundJobs(judge_runner, code, ["svm_loss_naive"], state).result()
    with JudgeRunner(A1, code, 60) as judge_runner:
        in_turn = {part: judge_runner.recompute(part) for part in state}
    assert list(outcomes) == ["svm_loss_naive"] and list(background) == state
    assert background["sanity_reg_increases_loss"][ERROR_KEY].startswith("NotImplementedError")
    assert background.keys() == in_turn.keys()
    for part in state:
        assert background[part].keys() == in_turn[part].keys()
        for key, value in in_turn[part].items():
            assert np.array_equal(background[part][key], value) if key != ERROR_KEY else background[part][key] == value


def test_recomputations_not_needed_once_the_notebook_has_run_are_not_made():
    # A state part whose record is unusable (its cell hung or failed) gets no recomputation that
    # has not started yet: a hanging function costs its time once, as before.
    code = notebook_definitions(perfect_notebook(COURSE, A1, NOTEBOOK), released_notebook(COURSE, A1, NOTEBOOK))
    state = ["sanity_initial_losses", "sanity_reg_increases_loss"]
    with JudgeRunner(A1, None, 60) as judge_runner:
        # result() comes long before the runner has imported its libraries and taken the definitions
        outcomes, recomputed = BackgroundJobs(judge_runner, code, ["svm_loss_naive"], state).result(
            lambda part: part == "sanity_reg_increases_loss")
    assert list(outcomes) == ["svm_loss_naive"] and list(recomputed) == ["sanity_reg_increases_loss"]


def test_background_cases_whose_runner_cannot_start_say_so():
    with JudgeRunner(A1, None, 60) as judge_runner:
        judge_runner.process.kill()
        judge_runner.process.wait()
        background = BackgroundJobs(judge_runner, definitions("import numpy as np"), ["svm_loss_naive"])
        with pytest.raises(RunnerUnavailable, match="could not start"):
            background.result()


def test_a_runner_stops_at_once_whether_or_not_it_got_code():
    with JudgeRunner(A1, None, 60) as judge_runner:
        process = judge_runner.process
        leaving = time.monotonic()
    assert time.monotonic() - leaving < 5
    assert process.poll() is not None and judge_runner.process is None
    with runner(["def f():\n    pass"]) as judge_runner:
        process = judge_runner.process
    assert process.poll() is not None


PROBE_PENALTY = """
def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    # Look everywhere this process can for the grader's trusted penalty, and use it if found.
    import gc, os, sys
    found = [o for o in gc.get_objects() if callable(o) and getattr(o, "__name__", "") == "regularization_penalty"
             and o is not regularization_penalty]
    frames, frame = [], sys._getframe()
    while frame:
        frames.append(frame)
        frame = frame.f_back
    marker = "weights = {" + '"l2": (0.0, 1.0)'   # in the trusted source, not in this one
    text = [v for f in frames for v in f.f_locals.values() if isinstance(v, (str, dict, list)) and v is not marker
            and marker in str(v)]
    files = []
    for root in ("/tmp", os.getcwd()):
        for folder, _, names in os.walk(root):
            files += [os.path.join(folder, n) for n in names]
    try:
        import autograder.trusted.assignment1 as trusted
        found.append(trusted.regularization_penalty)
    except ImportError:
        pass
    if found:
        return found[0](W, reg, penalty, l1_ratio)
    raise RuntimeError(f"nothing found: {len(text)} sources, files {files}")
"""

VECTORIZED_REPORTS_ITS_PENALTY = """
def svm_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
    # Reports whose penalty it got: the job of this part holds the trusted one, as it should.
    source = regularization_penalty.__code__.co_filename
    raise RuntimeError(f"penalty from {source}")
"""


def test_a_part_never_sees_the_trusted_helper_that_implements_it():
    """regularization_penalty is judged before any job that carries the trusted penalty: whatever
    its code searches (objects, frames, files, the trusted module), it finds nothing; the later
    vectorized loss gets the trusted penalty in place of the student's."""
    with runner([PROBE_PENALTY, VECTORIZED_REPORTS_ITS_PENALTY]) as judge_runner:
        penalty = errors(judge_runner.cases("regularization_penalty"))
        vectorized = errors(judge_runner.cases("svm_loss_vectorized"))
    assert len(penalty) == 1 and next(iter(penalty)).startswith("RuntimeError: nothing found: 0 sources"), penalty
    assert vectorized == {"RuntimeError: penalty from <trusted regularization_penalty>"}


KILLS_THE_RUNNER = """
def svm_loss_naive(W, X, y, reg):
    import os, signal
    os.kill(os.getppid(), signal.SIGKILL)
"""

HANGS = """
def softmax_loss_naive(W, X, y, reg):
    while True:
        pass
"""

SCRIBBLES_ON_ITS_PIPE = """
def regularization_penalty(W, reg, penalty="l2", l1_ratio=0.5):
    import os
    for fd in range(3, 64):
        try:
            os.write(fd, b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x10not an npz file")
        except OSError:
            pass
    os._exit(0)
"""


def test_a_part_that_kills_hangs_or_scribbles_costs_only_itself():
    perfect = notebook_definitions(perfect_notebook(COURSE, A1, NOTEBOOK))
    honest = [p for p in perfect if p.startswith("def svm_loss_vectorized")]
    with JudgeRunner(A1, perfect + definitions(KILLS_THE_RUNNER, HANGS, SCRIBBLES_ON_ITS_PIPE), 5) as judge_runner:
        killed = errors(judge_runner.cases("svm_loss_naive"))
        hung = errors(judge_runner.cases("softmax_loss_naive"))
        scribbled = errors(judge_runner.cases("regularization_penalty"))
        after = judge_runner.cases("svm_loss_vectorized")
    assert len(killed) == 1 and next(iter(killed)).startswith("ProcessStopped")
    assert len(hung) == 1 and "ran past the time limit (5 s)" in next(iter(hung))
    assert len(scribbled) == 1 and next(iter(scribbled)).startswith(("MalformedRecord", "ProcessStopped")), scribbled
    assert honest and judge(COURSE, A1, "svm_loss_vectorized", after)[0]


LEAVES_TRACES = """
def svm_loss_naive(W, X, y, reg):
    import os, subprocess, sys
    written = []
    for path in ("/tmp/left-behind", os.path.join(os.getcwd(), "left-behind"), sys.prefix + "/left-behind"):
        try:
            with open(path, "w") as handle:
                handle.write("a message for a later part")
            written.append(path)
        except OSError:
            pass
    subprocess.Popen([sys.executable, "-c", "import time\\nwhile True: open('/tmp/daemon', 'w').write('x'); time.sleep(0.01)"],
                     start_new_session=True)
    raise RuntimeError(f"wrote {written}")

def softmax_loss_naive(W, X, y, reg):
    import os, time
    time.sleep(0.5)   # time for a surviving daemon to write again
    raise RuntimeError(f"found {sorted(os.listdir('/tmp'))} {sorted(os.listdir(os.getcwd()))}")
"""


def test_a_part_leaves_nothing_for_a_later_one(monkeypatch):
    """In its sandbox the runner may write only its private /tmp and its own empty working folder
    (never the venv or the course), and after each job it kills what the job left running and
    empties both."""
    require_sandbox()
    monkeypatch.setattr(tempfile, "tempdir", "/var/tmp")   # its working folder outside its /tmp
    with runner([LEAVES_TRACES]) as judge_runner:
        first = errors(judge_runner.cases("svm_loss_naive"))
        later = errors(judge_runner.cases("softmax_loss_naive"))
    [written] = first
    assert written.startswith("RuntimeError: wrote ['/tmp/left-behind', '/var/tmp/autograder-runner-"), written
    assert sys.prefix not in written
    assert len(later) == 1
    assert "left-behind" not in next(iter(later)) and "daemon" not in next(iter(later)), later


def test_a_state_part_is_recomputed_with_the_students_functions_or_with_the_reference():
    perfect = notebook_definitions(perfect_notebook(COURSE, A1, NOTEBOOK))
    broken = definitions("""
        def softmax_loss_vectorized(W, X, y, reg, penalty="l2", l1_ratio=0.5):
            raise NotImplementedError()
    """)
    reference = [p for p in perfect if p.startswith("def softmax_loss_vectorized")]
    with JudgeRunner(A1, perfect + broken, 60) as judge_runner:
        mine = judge_runner.recompute("sanity_reg_increases_loss")
        with_reference = judge_runner.recompute("sanity_reg_increases_loss", reference)
    assert mine[ERROR_KEY].startswith("NotImplementedError")
    assert with_reference["losses"].shape == (4,) and all(with_reference["losses"][1:] > with_reference["losses"][:-1])
