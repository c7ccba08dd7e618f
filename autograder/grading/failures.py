"""Plain-words reasons for what went wrong while grading one notebook, for
grades.csv and the feedback page (nbgrader's own last line is usually
"Please see the above traceback", which tells a student nothing)."""
import re

import nbformat

from autograder.kernel.execute import died_here, stopped_here
from autograder.kernel.output_cap import TRUNCATION_MARK
from coursekit.cells import is_test_cell

ERROR_LINE = re.compile(r"^\s*(?:[\w.]+\.)?(\w+(?:Error|Exception|Interrupt)):\s*(.*)$")
UNHELPFUL = ("NbGraderException",)
KERNEL_DIED = ("DeadKernelError", "RuntimeError: Kernel died", "Kernel died before replying")
EXPLAINED = {
    "DeadKernelError": ("the Python process running the notebook stopped (it crashed, or was killed "
                        "for using too much memory) before the notebook finished"),
    "CellTimeoutError": "a cell ran past the time limit",
}


def error_lines(text):
    """[(error name, message)] of the exception lines in a log or traceback, in order."""
    found = []
    for line in (text or "").splitlines():
        match = ERROR_LINE.match(line)
        if match and match.group(1) not in UNHELPFUL:
            found.append((match.group(1), match.group(2).strip()))
    return found


def failure_reason(outcome):
    """Why nbgrader could not autograde a notebook, from its result dict."""
    text = "\n".join(filter(None, [outcome.get("log"), outcome.get("error")]))
    if any(marker in text for marker in KERNEL_DIED):
        return EXPLAINED["DeadKernelError"] + "."
    errors = error_lines(text)
    if not errors:
        return "nbgrader could not process the notebook (see the grader log)."
    name, message = errors[-1]
    return f"nbgrader could not process the notebook ({EXPLAINED.get(name, name)}: {message[:300]})."


def notebook_notes(graded_path):
    """Notes on a graded notebook: output the grader shortened, and a kernel that
    died outside a test cell (its test cells then say only that a name is missing)."""
    nb = nbformat.read(str(graded_path), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    notes = []
    cut = sum(1 for cell in code for out in cell.outputs if out.output_type == "stream" and TRUNCATION_MARK in out.text)
    if cut:
        notes.append(f"{graded_path.name}: the output of {cut} cell(s) was longer than the grader keeps; it was "
                     "truncated (this costs no points).")
    stopped = next((reason for cell in code if (reason := stopped_here(cell))), None)
    if stopped:
        notes.append(f"{graded_path.name}: {stopped}. The parts in those cells lost their points.")
    for cell in code:
        if died_here(cell) and not is_test_cell(cell):
            first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            notes.append(f"{graded_path.name}: the Python process stopped while running the cell that starts with "
                         f"`{first_line[:80]}` (it crashed, or was killed for using too much memory). The grader "
                         "started a new one and went on; the parts that needed that cell lost their points.")
    return notes
