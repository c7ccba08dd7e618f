"""What hidden test cells call: `check_part(assignment, part, obj)` in a part with hidden
cases, `record_state(assignment, part, globals())` in a part that checks notebook state.

What they do depends on where they run:

- in a grading kernel (the grader sets GRADING_VAR), nothing is judged: check_part returns
  at once (the grader runs the part's hidden cases itself, in the judge runner, on the
  student's definitions), and record_state sends what the part needs (a trained W, the
  sanity values) to the grader as a display message on the kernel channel, which the
  grader takes out of the notebook as it arrives (autograder/kernel/record_channel.py).
  Every verdict is decided in the grader's own process (autograder/judging/verdicts.py),
  where the student's code cannot reach it;
- anywhere else (a solution notebook run by hand or by the tests, where the references
  and trusted helpers are readable), both judge right away with the same verdicts and
  raise AssertionError with the same message the feedback would show.

No message shows a reference value or hidden-test source.
"""
import os

from autograder.cases import parts_for, state_parts_for
from autograder.cases.records import ERROR_KEY, GRADING_VAR, outcome, pack_state, state_message, unpack_state


def in_grading_kernel():
    return bool(os.environ.get(GRADING_VAR))


def check_part(assignment_id, part_name, obj):
    """Run one part's hidden cases and judge them here (outside the grader).

    Raises NotImplementedError when the code still raises it, and AssertionError listing
    the first failing cases and, when the outputs match a catalogued bug, naming it. In a
    grading kernel it does nothing: the grader judges the part outside the kernel.
    """
    if in_grading_kernel():
        return
    # Outside the grader only: the trusted helpers and the references are instructor material.
    from autograder.course import Course
    from autograder.judging.verdicts import judge, not_implemented
    from autograder.trusted import helper_functions
    part = parts_for(assignment_id)[part_name]
    trusted = helper_functions(assignment_id, part.trusted)
    outcomes = [outcome(obj, part, case.make_inputs(), trusted) for case in part.cases]
    if not_implemented(outcomes):
        raise NotImplementedError(f"{part_name} is not implemented yet.")
    passed, message, _ = judge(Course.from_repo(), assignment_id, part_name, outcomes)
    if not passed:
        raise AssertionError(message)
    print(message)


def recorded_state(assignment_id, part_name, namespace):
    """What the state part records of `namespace`, or {ERROR_KEY: why it cannot}."""
    try:
        return state_parts_for(assignment_id)[part_name].record(namespace)
    except Exception as error:  # the student's message: what is missing or malformed
        return {ERROR_KEY: str(error) if isinstance(error, (AssertionError, NameError)) else
                f"{type(error).__name__}: {error}"}


def record_state(assignment_id, part_name, namespace):
    """Record a state part's values for the grader (in a grading kernel), or judge them here.

    namespace: the notebook's globals(). Outside the grader, raises AssertionError with the
    verdict's message when the part fails, and prints "passed" when it passes.
    """
    values = recorded_state(assignment_id, part_name, namespace)
    if in_grading_kernel():
        from IPython.display import display
        display(state_message(assignment_id, part_name, values), raw=True)
        return
    from autograder.judging.verdicts import state_verdict
    spec = state_parts_for(assignment_id)[part_name]
    recomputed = spec.recompute(namespace) if spec.recompute and ERROR_KEY not in values else None
    as_recorded = lambda found: None if found is None else unpack_state(pack_state(found))  # as the grader reads them
    verdict = state_verdict(assignment_id, part_name, as_recorded(values), as_recorded(recomputed))
    if not verdict.passed:
        raise AssertionError(f"{part_name}: {verdict.message}")
    print(f"{part_name}: the grader's checks pass.")
