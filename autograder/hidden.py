"""What a hidden test cell calls: `check_part(assignment, part, obj)`.

It runs the student's function or class on every hidden case of the part,
compares the outputs with the stored references and raises AssertionError
with a message that says which case and which output went wrong, without
showing any reference value or hidden-test source.
"""
from autograder.cases import parts_for
from autograder.cases.base import StudentOutputError
from autograder.compare import compare_outputs
from autograder.references import load_references

MAX_MESSAGE_CHARS = 300
MAX_CASES_LISTED = 3


def short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "..."


def case_problems(part, case, obj, reference):
    """Problems (strings) of one case; an empty list when it passes."""
    try:
        outputs = part.call(obj, case.make_inputs())
    except StudentOutputError as error:
        return [short(error)]
    except Exception as error:  # the student's code failed on this input
        return [f"your code raised {type(error).__name__}: {short(error)}"]
    return compare_outputs(outputs, reference, case.tol)


def check_part(assignment_id, part_name, obj):
    """Grade one part on its hidden cases; raise AssertionError if any fails."""
    part = parts_for(assignment_id)[part_name]
    references = load_references(assignment_id)[part_name]
    failures = []
    for case in part.cases:
        problems = case_problems(part, case, obj, references[case.name])
        if problems:
            failures.append(f"case '{case.name}': " + "; ".join(problems))
    if failures:
        listed = "\n  ".join(failures[:MAX_CASES_LISTED])
        more = f"\n  (and {len(failures) - MAX_CASES_LISTED} more)" if len(failures) > MAX_CASES_LISTED else ""
        raise AssertionError(
            f"{part_name}: {len(failures)} of {len(part.cases)} hidden test cases failed.\n  {listed}{more}")
    print(f"{part_name}: all {len(part.cases)} hidden test cases pass.")
