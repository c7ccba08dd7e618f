"""Pass/fail and a plain-words message for each graded test cell of a notebook.

Shared by the student's `check` command and the instructor's grader, so both
say the same thing about the same cell. A test cell passes when it raised no
error; output on stderr (a warning) does not fail it.
"""
MAX_MESSAGE_LINES = 6
TIMEOUT_NAMES = ("CellTimeoutError", "TimeoutError")


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell):
    """A graded, autograded test cell (nbgrader grade cell that is not a solution)."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution")


def part_name(cell):
    """The part a test cell grades: its grade_id without the 'test_' prefix."""
    grade_id = nbgrader_meta(cell).get("grade_id", "")
    return grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id


def error_message(ename, evalue):
    """Turn an error into a short, kind message for the student."""
    evalue = "\n".join(str(evalue).strip().splitlines()[:MAX_MESSAGE_LINES])
    if ename in TIMEOUT_NAMES:
        return ("timed out: this cell ran past the time limit. Look for an infinite loop, "
                "or code far slower than needed, in the function it tests.")
    if ename == "NotImplementedError":
        return "not implemented yet: the code it tests still raises NotImplementedError."
    if ename == "NameError":
        return (f"NameError: {evalue}. Did the cell that defines it run without errors? "
                "Run the notebook from the top.")
    if ename == "MemoryError":
        return (f"ran out of memory (MemoryError: {evalue}). Look for an array far larger than needed, "
                "e.g. an (N, N) or (N, D, C) intermediate where (N, C) would do. Grading gives each "
                "notebook a fixed amount of memory.")
    if ename == "KeyboardInterrupt":
        return "interrupted (KeyboardInterrupt): the cell was stopped before it finished."
    return f"{ename}: {evalue}" if evalue else ename


def cell_verdict(cell):
    """(passed, message) for an executed test cell."""
    errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    if not errors:
        return True, "passed"
    last = errors[-1]
    return False, error_message(last.get("ename", "Error"), last.get("evalue", ""))


def is_written_answer(cell):
    """A written answer: a markdown answer cell graded by hand (nbgrader solution and grade cell)."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "markdown" and bool(meta.get("grade")) and bool(meta.get("solution"))
