"""Verdicts decided in the grader's own process, never in the student's kernel.

Every graded part of the course is judged here from plain numbers:
- a part with hidden cases, from what the student's code returned on them in the judge
  runner (autograder/cases/runner.py): compared with the references and, on a failure,
  with the catalog of bugs;
- a part that checks notebook state, from what its test cell recorded (a trained W, sanity
  values) and, where the values are a function of the student's graded functions, the same
  values recomputed in the runner: the recorded ones must match them, and the check of the
  state part (autograder/cases/<assignment>.py, STATE_PARTS) must pass.
A part earns its points only when its verdict passes. Its test cell's visible tests, run in
the student's kernel, can only take points away (a failure there can only hurt the student
whose code ran there); a cell that "passed" never gives any. grading/gradebook.py writes
every part's score from these verdicts.
"""
from dataclasses import dataclass, field

import numpy as np

from autograder.cases import parts_for, state_parts_for
from autograder.cases.base import StudentOutputError
from autograder.cases.records import ERROR_KEY
from autograder.judging.compare import compare_outputs
from autograder.judging.diagnose import describe, likely_bug
from autograder.judging.references import load_references
from coursekit.cells import error_message

MAX_MESSAGE_CHARS = 300
MAX_CASES_LISTED = 3
MAX_PROBLEMS_LISTED = 3
RECOMPUTED_RTOL = 1e-9   # recorded vs recomputed: the same code on the same inputs, up to summation order


@dataclass
class Verdict:
    """The grader's verdict on one part: passed, the message for the student and, for a part
    with hidden cases, {case name: passed}."""
    passed: bool
    message: str
    cases: dict = field(default_factory=dict)


def short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "..."


def case_problems(result, reference, tol):
    """What is wrong with one case's outcome (empty when it passes)."""
    kind, value = result
    if kind == "error":
        if value.startswith(StudentOutputError.__name__):
            return [short(value.split(": ", 1)[1])]
        return [f"your code raised {short(value)}"]
    return compare_outputs(value, reference, tol)


def not_implemented(outcomes):
    return any(kind == "error" and value.startswith("NotImplementedError") for kind, value in outcomes)


def judge(course, assignment_id, part_name, outcomes):
    """(passed, message, {case name: passed}) for one part's outcomes, one per hidden case in order.

    The message lists the first failing cases (output, element, relative
    error) and, when the outputs match a catalogued bug, names it; it never
    shows a reference value.
    """
    part = parts_for(assignment_id)[part_name]
    if not_implemented(outcomes):
        return False, f"{part_name}: not implemented yet (your code still raises NotImplementedError).", {}
    references = load_references(course, assignment_id)[part_name]
    failures, diagnosis, cases = [], None, {}
    for case, result in zip(part.cases, outcomes):
        problems = case_problems(result, references[case.name], case.tol)
        cases[case.name] = not problems
        if problems:
            failures.append(f"case '{case.name}': " + "; ".join(problems))
            if diagnosis is None:
                diagnosis = likely_bug(assignment_id, part_name, part, case, result)
    if not failures:
        return True, f"{part_name}: all {len(part.cases)} hidden test cases pass.", cases
    listed = "\n  ".join(failures[:MAX_CASES_LISTED])
    more = f"\n  (and {len(failures) - MAX_CASES_LISTED} more)" if len(failures) > MAX_CASES_LISTED else ""
    cause = f"\n{describe(diagnosis)}" if diagnosis else ""
    return False, (f"{part_name}: {len(failures)} of {len(part.cases)} hidden test cases failed.\n"
                   f"  {listed}{more}{cause}"), cases


def cases_verdict(course, assignment_id, part_name, outcomes):
    """The Verdict of a part with hidden cases from its outcomes in the runner."""
    if not_implemented(outcomes):
        return Verdict(False, error_message("NotImplementedError", ""))
    passed, message, cases = judge(course, assignment_id, part_name, outcomes)
    return Verdict(passed, "passed" if passed else error_message("AssertionError", message), cases)


def same_values(recorded, recomputed):
    """True when a recorded value equals the recomputed one (nan where it is nan)."""
    if recorded is None or np.shape(recorded) != np.shape(recomputed):
        return False
    scale = float(np.max(np.abs(recomputed[np.isfinite(recomputed)]), initial=0.0))
    return bool(np.allclose(recorded, recomputed, rtol=RECOMPUTED_RTOL, atol=RECOMPUTED_RTOL * scale,
                            equal_nan=True))


def unmatched(recorded, recomputed):
    """Names of the recorded values that differ from the ones recomputed with the student's functions."""
    return [name for name, value in recomputed.items() if not same_values(recorded.get(name), value)]


def state_verdict(assignment_id, part_name, recorded, recomputed=None, rechecked=None):
    """The Verdict of a state part.

    recorded: what its test cell recorded ({name: array}, {ERROR_KEY: message}, or None
    when nothing came); recomputed: the same values from the student's functions in the
    runner (None for a part without a recomputation), which the recorded ones must match;
    rechecked: for the dependency rerun, the values recomputed with the reference in place
    of failed dependencies, which are checked instead of the recorded ones.
    """
    check = state_parts_for(assignment_id)[part_name].check
    if recorded is None:
        return Verdict(False, "its test cell recorded nothing: did the cell run?")
    if ERROR_KEY in recorded:
        return Verdict(False, recorded[ERROR_KEY])
    problems = check(recorded) if rechecked is None else []
    if not problems and recomputed is not None:
        if ERROR_KEY in recomputed:
            problems = [f"running your functions on the same inputs again raised {short(recomputed[ERROR_KEY])}"]
        elif unmatched(recorded, recomputed):
            problems = [f"{', '.join(unmatched(recorded, recomputed))} in the notebook differ from what your "
                        "functions give when the grader runs them again on the same inputs: compute them with "
                        "your functions, as the cell above asks"]
    if not problems and rechecked is not None:
        problems = [rechecked[ERROR_KEY]] if ERROR_KEY in rechecked else check({**recorded, **rechecked})
    if problems:
        return Verdict(False, "; ".join(problems[:MAX_PROBLEMS_LISTED]) + ".")
    return Verdict(True, "passed")


def combined(cell, verdict):
    """(passed, message) of a part: its verdict, unless its visible tests failed in the kernel.

    cell: (passed, message) of its test cell, or None when the notebook has none for it;
    verdict: the part's Verdict, or None for a part of an assignment that has neither hidden
    cases nor state checks (a plain nbgrader assignment: the cell decides, as in nbgrader).
    A failed verdict explains more than the cell (it names the bug), so its message wins.
    """
    cell_passed, cell_message = cell if cell is not None else (False, "its test cell could not be found.")
    if verdict is None:
        return cell_passed, cell_message
    if not verdict.passed:
        return False, verdict.message
    return cell_passed, cell_message
