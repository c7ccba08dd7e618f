"""What a hidden test cell calls: `check_part(assignment, part, obj)`.

It runs the student's function or class on every hidden case of the part.
What happens next depends on where it runs:

- in a grading kernel (the grader sets AUTOGRADER_RECORD_DIR), it only
  writes the outputs to a record (autograder/cases/records.py); the comparison with
  the references and the verdict happen in the grader's own process after the
  notebook has run (autograder/judging/verdicts.py), where the student's code cannot
  reach them;
- anywhere else (a solution notebook run by hand or by the tests, where the
  references are readable), it compares right away with the same judge and
  raises AssertionError with the same message the feedback would show.

Either way an unimplemented part raises NotImplementedError, and no message
shows a reference value or hidden-test source.
"""
import os

from autograder.cases import parts_for
from autograder.cases.records import RECORD_DIR_VAR, outcome, write_record


def run_cases(part, obj):
    """The outcome of every hidden case of `part`, in case order."""
    return [outcome(obj, part, case.make_inputs()) for case in part.cases]


def not_implemented(outcomes):
    return any(kind == "error" and value.startswith("NotImplementedError") for kind, value in outcomes)


def check_part(assignment_id, part_name, obj):
    """Run one part's hidden cases; record them for the grader, or judge them here.

    Raises NotImplementedError when the code still raises it, and (outside
    the grader) AssertionError listing the first failing cases and, when the
    outputs match a catalogued bug, naming it.
    """
    part = parts_for(assignment_id)[part_name]
    outcomes = run_cases(part, obj)
    if not_implemented(outcomes):
        raise NotImplementedError(f"{part_name} is not implemented yet.")
    record_dir = os.environ.get(RECORD_DIR_VAR)
    if record_dir:
        write_record(record_dir, part_name, outcomes)
        print(f"{part_name}: the outputs of {len(part.cases)} hidden test cases were recorded; "
              "they are compared with the references after the notebook has run.")
        return
    # Outside the grader only: judging needs the references (instructor side).
    from autograder.course import Course
    from autograder.judging.verdicts import judge
    passed, message, _ = judge(Course.from_repo(), assignment_id, part_name, outcomes)
    if not passed:
        raise AssertionError(message)
    print(message)
