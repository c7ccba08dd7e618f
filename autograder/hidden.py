"""What a hidden test cell calls: `check_part(assignment, part, obj)`.

It runs the student's function or class on every hidden case of the part,
compares the outputs with the stored references and raises AssertionError
with a message that says which case and which output went wrong, without
showing any reference value or hidden-test source.
"""
from autograder.cases import parts_for
from autograder.cases.base import StudentOutputError
from autograder.compare import compare_outputs
from autograder.diagnose import describe, likely_bug, outcome
from autograder.references import load_references

MAX_MESSAGE_CHARS = 300
MAX_CASES_LISTED = 3


def short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "..."


def run_case(part, case, obj, reference):
    """(problems, outcome) of one case; problems is empty when it passes.
    outcome is ("outputs", dict) or ("error", "Type: message"), for diagnosis."""
    kind, value = result = outcome(obj, part, case.make_inputs())
    if kind == "error":
        if value.startswith(StudentOutputError.__name__):
            return [short(value.split(": ", 1)[1])], result
        return [f"your code raised {short(value)}"], result
    return compare_outputs(value, reference, case.tol), result


def check_part(assignment_id, part_name, obj):
    """Grade one part on its hidden cases; raise AssertionError if any fails.

    The message lists the first failing cases (output, element, relative
    error) and, when the outputs match a catalogued bug, names it.
    """
    part = parts_for(assignment_id)[part_name]
    references = load_references(assignment_id)[part_name]
    failures, diagnosis = [], None
    for case in part.cases:
        problems, result = run_case(part, case, obj, references[case.name])
        if result[0] == "error" and result[1].startswith("NotImplementedError"):
            raise NotImplementedError(f"{part_name} is not implemented yet.")
        if problems:
            failures.append(f"case '{case.name}': " + "; ".join(problems))
            if diagnosis is None:
                diagnosis = likely_bug(assignment_id, part_name, part, case, result)
    if failures:
        listed = "\n  ".join(failures[:MAX_CASES_LISTED])
        more = f"\n  (and {len(failures) - MAX_CASES_LISTED} more)" if len(failures) > MAX_CASES_LISTED else ""
        cause = f"\n{describe(diagnosis)}" if diagnosis else ""
        raise AssertionError(
            f"{part_name}: {len(failures)} of {len(part.cases)} hidden test cases failed.\n  {listed}{more}{cause}")
    print(f"{part_name}: all {len(part.cases)} hidden test cases pass.")
