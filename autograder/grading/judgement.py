"""Judging one graded notebook: every part's verdict, in notebook order.

- a part with hidden cases: the judge runner runs them on the student's definitions
  (judge_runner.py); its verdict comes from the outputs (judging/verdicts.py);
- a part that checks notebook state: what its test cell recorded on the kernel channel
  (kernel/record_channel.py) and, where the values are a function of the student's
  functions, the same values recomputed in the runner;
- a part of an assignment that has neither (a plain nbgrader assignment): its cell.

The jobs go to the runner in notebook order, so a trusted helper (sent with the first part
that needs it) always comes after the part it implements has been judged.
"""
from dataclasses import dataclass, field

from autograder.cases import parts_for, state_parts_for
from autograder.cases.records import ERROR_KEY, MalformedRecord, unpack_state
from autograder.grading.results import MAX_MESSAGE_CHARS, PartResult
from autograder.judging.verdicts import cases_verdict, combined, state_verdict
from autograder.kernel.output_cap import truncated
from autograder.kernel.record_channel import state_record_path


@dataclass
class FirstRun:
    """What the first judgement of a notebook saw of its state parts (the dependency rerun reuses it)."""
    recorded: dict = field(default_factory=dict)    # part -> values its test cell recorded (or None)
    recomputed: dict = field(default_factory=dict)  # part -> the same values from the student's functions


def read_state_records(records_dir, submission, notebook, state_parts):
    """{part: recorded values, {ERROR_KEY: why they cannot be read}, or None when none came}."""
    recorded = {}
    for part in state_parts:
        path = state_record_path(records_dir, submission.student_id, submission.assignment_id, notebook, part)
        try:
            recorded[part] = unpack_state(path.read_bytes()) if path.is_file() else None
        except MalformedRecord as error:
            recorded[part] = {ERROR_KEY: f"its record could not be read ({error})"}
    return recorded


def usable(values):
    return values is not None and ERROR_KEY not in values


def judge_parts(course, assignment_id, notebook_parts, cells, recorded, outcomes, recomputed):
    """([PartResult], FirstRun) of one graded notebook.

    notebook_parts: [(part, grade_id, points)] in notebook order; cells: {part: (passed,
    message)} of its test cells; recorded: read_state_records(); outcomes: {part: outcomes of its
    hidden cases}, for every part with hidden cases, and recomputed: {part: its values recomputed
    with the student's functions}, for every state part recomputed in the runner (both from
    judge_runner.BackgroundJobs). A recomputation counts only where the record is usable.
    """
    hidden, state = parts_for(assignment_id), state_parts_for(assignment_id)
    first, results = FirstRun(recorded), []
    for part, _, points in notebook_parts:
        if part in hidden:
            verdict = cases_verdict(course, assignment_id, part, outcomes[part])
        elif part in state:
            if state[part].recompute and usable(recorded.get(part)):
                first.recomputed[part] = recomputed[part]
            verdict = state_verdict(assignment_id, part, recorded.get(part), first.recomputed.get(part))
        else:
            verdict = None
        passed, message = combined(cells.get(part), verdict)
        results.append(PartResult(assignment_id, part, points if passed else 0.0, points,
                                  truncated(message, MAX_MESSAGE_CHARS), cases=verdict.cases if verdict else {}))
    return results, first
