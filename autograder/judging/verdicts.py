"""Verdicts decided in the grader's own process, never in the student's kernel.

After nbgrader has run a notebook, each part with hidden cases is judged here
from its record (autograder/cases/records.py): the recorded outputs are compared
with the references and, on a failure, with the catalog of bugs. A part keeps
its points only if its nbgrader test cell passed AND this verdict passed; a
missing or malformed record fails the part. The verdicts say which parts lose
the score nbgrader gave them; grading/gradebook.py writes that down.
"""
from autograder.cases import parts_for
from autograder.cases.base import StudentOutputError
from autograder.judging.compare import compare_outputs
from autograder.judging.diagnose import describe, likely_bug
from autograder.cases.records import MalformedRecord, read_record, records_dir
from autograder.judging.references import load_references
from coursekit.cells import error_message

MAX_MESSAGE_CHARS = 300
MAX_CASES_LISTED = 3


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


def judge(course, assignment_id, part_name, outcomes):
    """(passed, message, {case name: passed}) for one part's outcomes, one per hidden case in order.

    The message lists the first failing cases (output, element, relative
    error) and, when the outputs match a catalogued bug, names it; it never
    shows a reference value.
    """
    part = parts_for(assignment_id)[part_name]
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


def record_verdict(course, assignment_id, part_name, record_dir):
    """(passed, message, recorded, {case name: passed}) of one part from its record; recorded is False
    (and the cases empty) when it is missing or bad."""
    part = parts_for(assignment_id)[part_name]
    try:
        outcomes = read_record(record_dir, part_name, len(part.cases))
    except MalformedRecord as error:
        return False, f"the hidden tests of {part_name} could not be checked: {error}.", False, {}
    passed, message, cases = judge(course, assignment_id, part_name, outcomes)
    return passed, error_message("AssertionError", message), True, cases


def combined(cell_passed, cell_message, verdict):
    """(passed, message) of a part from its nbgrader cell and its out-of-kernel verdict.

    A failed hidden verdict explains more than the cell (it names the bug), so
    its message wins; a missing record is explained by the cell's own error.
    """
    passed, message, recorded = verdict[:3]
    if passed:
        return cell_passed, cell_message
    if recorded or cell_passed:
        return False, message
    return False, cell_message


def apply_verdicts(course, assignment_id, results, record_dir):
    """Judge every part with hidden cases from its record; update `results` in place.

    Returns the parts whose nbgrader score was taken away (their cell passed,
    their verdict did not).
    """
    hidden = parts_for(assignment_id)
    revoked = []
    for result in results:
        if result.part not in hidden:
            continue
        verdict = record_verdict(course, assignment_id, result.part, record_dir)
        passed, result.message = combined(result.passed, result.message, verdict)
        result.cases = verdict[3]
        if not passed and result.score > 0:
            result.score = 0.0
            revoked.append(result.part)
    return revoked


def judged_results(course, assignment_id, results, working_dir):
    """Apply the out-of-kernel verdicts of one graded notebook to its results (in place);
    return the parts whose gradebook score must be taken away."""
    return apply_verdicts(course, assignment_id, results, records_dir(working_dir))
