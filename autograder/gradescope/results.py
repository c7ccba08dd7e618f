"""A graded submission as Gradescope's results.json.

Gradescope's format (gradescope-autograders.readthedocs.io, "Autograder Specifications"): a
top-level "score", "output" and "tests", each test with "name", "score", "max_score",
"output" and "visibility". One test per graded part, always visible, with its score and what
the notebook's own test cell said (what the student can see by running the notebook). When a
part lost points to its hidden tests, their details (which cases failed, the likely bug) are a
second test with no points, shown "after_due_date", so that resubmitting cannot be used to
probe the hidden tests before the deadline.
"""
VISIBLE, AFTER_DUE_DATE = "visible", "after_due_date"
PASSED = "Its tests pass."
HIDDEN_FAILED = ("The tests in the notebook pass, but hidden tests (more cases) failed. "
                 "What failed is shown here after the due date.")


def part_tests(result, cell_passed, cell_message):
    """The Gradescope tests of one PartResult, given how its test cell in the notebook ended."""
    if result.passed:
        output = PASSED
    elif cell_passed:
        output = HIDDEN_FAILED
    else:
        output = cell_message
    tests = [{"name": result.part, "score": result.score, "max_score": result.max_score,
              "output": output, "visibility": VISIBLE}]
    if not result.passed and result.message != cell_message:
        tests.append({"name": f"{result.part}: hidden tests", "output": result.message,
                      "visibility": AFTER_DUE_DATE})
    return tests


def results_json(report, cell_verdicts):
    """results.json's content for one student's grades of one assignment (reports/model.py StudentGrades).

    cell_verdicts: {part: (passed, message)} of the graded notebook's test cells (a part
    missing from it, e.g. in a notebook that could not be graded, counts as failed there with
    the grader's message)."""
    tests = []
    for result in report.parts:
        passed, message = cell_verdicts.get(result.part, (False, result.message))
        tests += part_tests(result, passed, message)
    return {"score": report.total, "output": "\n".join(report.notes), "visibility": VISIBLE,
            "stdout_visibility": "hidden", "tests": tests}


def failure_json(reason):
    """results.json when the grader itself could not run: no points, and why."""
    return {"score": 0.0, "output": f"The autograder could not grade this submission: {reason} "
                                    "Please tell your instructor.", "visibility": VISIBLE, "tests": []}
