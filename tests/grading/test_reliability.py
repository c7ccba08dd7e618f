"""The reliability group (`pytest -m reliability`): hostile and broken
submissions graded through the real grader (nbgrader autograde).

One batch of toy-assignment submissions (tests/support/toy.py: parts add, 2
points, and mul, 3 points) holds every case: infinite loops, a 50 GB and a
6 GB allocation, output floods, a killed kernel, and the ways notebooks get
damaged (copied, split and moved cells, changed grading metadata, older
formats, JupyterLab 4 and VS Code files). Each must be graded correctly, or
fail with a clear reason, without costing another part or another student.
tests/course/test_reliability_real.py checks the same on a real assignment.
"""
import csv
import json
import random

import nbformat
import pytest

from autograder.examples import faults as fx
from autograder.examples import perfect_notebook, with_cell_source, write_submission
from autograder.grading.batch import grade
from autograder.grading.grader import Grader
from autograder.kernel.limits import DEFAULT_MEMORY_LIMIT, Limits, parse_size
from autograder.kernel.output_cap import DEFAULT_MAX_OUTPUT_CHARS, TRUNCATION_MARK
from autograder.grading.results import MAX_MESSAGE_CHARS
from tests.support.toy import ASSIGNMENT, NOTEBOOK

pytestmark = pytest.mark.reliability

ADD = "def add(a, b):\n    return a + b"
MUL = "def mul(a, b):\n    return a * b"


def body(name, statement, result):
    """A toy answer: function `name` that runs `statement`, then returns `result`."""
    lines = "\n".join("    " + line for line in statement.splitlines())
    return f"def {name}(a, b):\n{lines}\n    return {result}"


def answer(cell, source):
    return lambda p: with_cell_source(p, cell, source)


def invalid_cell_type(p):
    data = json.loads(nbformat.writes(p))
    data["cells"][1]["cell_type"] = "python"
    return json.dumps(data)


# student: (kind, build(perfect notebook) -> notebook or file text, (add, mul) points, text expected in the notes)
CASES = {
    "perfect": ("control", lambda p: p, (2, 3), None),
    "loop_in_function": ("hostile", answer("add_code", body("add", fx.INFINITE_LOOP, "a + b")), (0, 3), "timed out"),
    "loop_in_cell": ("hostile", answer("mul_code", fx.INFINITE_LOOP + "\n" + MUL), (2, 0),
                     "name 'mul' is not defined"),
    "memory_50gb": ("hostile", answer("mul_code", body("mul", fx.MEMORY_HOG, "a * b")), (2, 0),
                    "ran out of memory (MemoryError: Unable to allocate 50.0 GiB"),
    "memory_6gb": ("hostile", answer("add_code", body("add", fx.MEMORY_HOG_6GB, "a + b")), (0, 3),
                   "ran out of memory (MemoryError: Unable to allocate 6.00 GiB"),
    "flood_in_cell": ("hostile", answer("add_code", fx.OUTPUT_FLOOD + "\n" + ADD), (2, 3), "was truncated"),
    "flood_in_test": ("hostile", answer("mul_code", body("mul", "print('x' * 10**7)", "a * b")), (2, 3),
                      "was truncated"),
    "huge_error": ("hostile", answer("mul_code", body("mul", "raise ValueError('y' * 10**6)", "0")), (2, 0),
                   "toy.mul: ValueError: " + "y" * 150),  # its head: the whole (cut) message is on the feedback page
    "kills_kernel_in_cell": ("hostile", answer("mul_code", fx.KILL_KERNEL + "\n" + MUL), (2, 0),
                             "the Python process stopped while running the cell that starts with `import os, signal`"),
    "kills_kernel_in_test": ("hostile", answer("add_code", body("add", fx.KILL_KERNEL, "a + b")), (0, 3),
                             "add: KernelDied: the Python process running the notebook stopped while this cell ran"),
    "duplicate_cell_ids": ("broken", fx.with_duplicated_cell_ids, (2, 3), None),
    "copied_answer_above": ("broken", lambda p: fx.with_duplicated_cell(p, "add_code", before=True,
                                                                          source="def add(a, b):\n    return 0"),
                            (2, 3), "2 copies of cell 'add_code'"),
    "copied_test_above": ("broken", lambda p: fx.with_duplicated_cell(p, "test_mul", before=True), (2, 3), "2 copies"),
    "split_answer": ("broken", lambda p: fx.with_split_cell(with_cell_source(p, "add_code", "import math\n" + ADD),
                                                            "add_code", 1), (2, 3), "2 copies of cell 'add_code'"),
    "test_settings_changed": ("broken", lambda p: fx.with_nbgrader_metadata(p, "test_mul", grade=False, points=100,
                                                                              locked=False), (2, 3),
                              "cell 'test_mul' had been changed (grade was False, locked was False, points was 100)"),
    "answer_made_test": ("broken", lambda p: fx.with_nbgrader_metadata(p, "mul_code", solution=False, grade=True,
                                                                         points=5, locked=True), (2, 3),
                         "grading settings of cell 'mul_code' had been changed"),
    "answer_id_renamed": ("broken", lambda p: fx.with_nbgrader_metadata(p, "mul_code", grade_id="my_mul"), (2, 3),
                          "with the id 'my_mul', which the released notebook does not have"),
    "test_id_removed": ("broken", lambda p: fx.with_nbgrader_metadata(p, "test_mul", grade_id=None), (2, 3),
                        "The test cell of mul was missing and was restored"),
    "answer_to_markdown": ("broken", lambda p: fx.with_cell_type(p, "mul_code", "markdown"), (2, 3),
                           "had been turned into a markdown cell"),
    "parts_swapped": ("broken", lambda p: fx.with_cells_moved(p, ["mul_code", "test_mul"], "add_code"), (2, 3), None),
    "test_above_answer": ("broken", lambda p: fx.with_cells_moved(p, ["test_mul"], "mul_code"), (2, 3),
                          "had been moved above cell 'mul_code'"),
    "scratch_cells": ("broken", fx.with_scratch_cells, (2, 3), None),
    "nbformat_4_4": ("broken", fx.as_nbformat_44, (2, 3), None),
    "nbformat_3": ("broken", fx.as_nbformat_v3, (2, 3), None),
    "jupyterlab4_wrong_mul": ("broken", lambda p: fx.as_jupyterlab4(answer("mul_code", "def mul(a, b):\n    return a + b")(p)),
                              (2, 0), "mul(2, 3) should be 6"),
    "vscode": ("broken", fx.as_vscode, (2, 3), None),
    "invalid_structure": ("broken", invalid_cell_type, (0, 0),
                          "structure is invalid and could not be repaired (cell 2, of type 'python'"),
}
TIMEOUT = 15


def write_case(batch, student, built):
    if isinstance(built, str):
        path = batch / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(built)
        return path
    return write_submission(batch, student, ASSIGNMENT, NOTEBOOK, built)


@pytest.fixture(scope="module")
def batch(toy_course, tmp_path_factory):
    perfect = perfect_notebook(toy_course, ASSIGNMENT, NOTEBOOK)
    folder = tmp_path_factory.mktemp("reliability") / "batch"
    for student, (_, build, _, _) in CASES.items():
        write_case(folder, student, build(perfect))
    return folder


@pytest.fixture(scope="module")
def graded(batch, toy_course):
    output = batch.parent / "graded"
    grade(toy_course, batch, output, [ASSIGNMENT], cell_timeout=TIMEOUT, jobs=2, quiet=True)
    with open(output / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"rows": rows, "output": output}


def graded_notebook(graded, student):
    return graded["output"] / "course" / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"


@pytest.mark.parametrize("student", CASES)
def test_case_is_graded_correctly_or_fails_with_a_clear_reason(graded, student):
    _, _, (add, mul), note = CASES[student]
    row = graded["rows"][student]
    assert (float(row["toy.add"]), float(row["toy.mul"])) == (add, mul), row["notes"]
    assert float(row["max_total"]) == 5
    if note:
        assert note in row["notes"]


def test_the_whole_batch_is_graded(graded):
    assert sorted(graded["rows"]) == sorted(CASES)
    for student in CASES:
        assert (graded["output"] / "feedback" / f"{student}.html").exists()


def test_memory_error_is_explained_in_the_feedback(graded):
    page = (graded["output"] / "feedback" / "memory_50gb.html").read_text()
    assert "ran out of memory" in page and "2 / 5" in page.replace("<strong>", "").replace("</strong>", "")


def test_flood_is_cut_as_it_arrives_with_a_note(graded):
    nb = nbformat.read(str(graded_notebook(graded, "flood_in_cell")), as_version=4)
    texts = [out.text for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
             if out.output_type == "stream"]
    note = next(text for text in texts if TRUNCATION_MARK in text)
    omitted = int(note.split(TRUNCATION_MARK)[1].split()[0])
    assert omitted > 9_000_000  # 100,000 lines of about 100 characters
    assert sum(map(len, texts)) < DEFAULT_MAX_OUTPUT_CHARS + 200
    assert graded_notebook(graded, "flood_in_cell").stat().st_size < 4 * DEFAULT_MAX_OUTPUT_CHARS


def test_a_huge_error_message_is_cut_in_the_feedback(graded):
    page = (graded["output"] / "feedback" / "huge_error.html").read_text()
    assert TRUNCATION_MARK in page and "y" * 500 in page
    assert len(page) < 4 * MAX_MESSAGE_CHARS + 5000
    assert len(graded["rows"]["huge_error"]["notes"]) <= 1000


def test_memory_limit_option():
    from autograder.cli import main
    assert parse_size("4G") == DEFAULT_MEMORY_LIMIT == Limits().memory_limit
    assert parse_size("1500M") == 1500 * 2**20
    assert main(["grade", "nowhere", "--memory-limit", "500M"]) == 2  # too small for a kernel to start


DETERMINISM_CASES = ["flood_in_cell", "jupyterlab4_wrong_mul"]


def test_grades_are_identical_over_five_runs_in_any_order(graded, batch, toy_course, tmp_path):
    """The batch run (two workers) and four more runs, each in a shuffled order,
    in one gradebook: every part's score and message are the same every time."""
    def outcome(results, notes):
        return sorted((r.part, r.score, r.message) for r in results), sorted(notes)

    grader = Grader(toy_course, tmp_path / "determinism", [ASSIGNMENT], TIMEOUT)
    grader.prepare()
    submissions = [s for s in grader.submissions(batch) if s.student_id in DETERMINISM_CASES]
    first = {}
    for run in range(4):
        order = list(submissions)
        random.Random(run).shuffle(order)
        runs = {s.student_id: outcome(*grader.grade_submission(s)) for s in order}
        first = first or runs
        assert runs == first, f"run {run + 2} differs"
    for student in DETERMINISM_CASES:
        row = graded["rows"][student]
        scores = dict((part, score) for part, score, _ in first[student][0])
        assert (scores["add"], scores["mul"]) == (float(row["toy.add"]), float(row["toy.mul"]))
