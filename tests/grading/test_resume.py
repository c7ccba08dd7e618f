"""Crash safety: a grader killed with SIGKILL mid-batch, then run again, finishes
the batch with every grade present once and a consistent gradebook; a rerun
grades only the unfinished submissions unless --force."""
import os
import select
import shutil
import signal

import pytest

from autograder.examples import perfect_notebook, write_submission
from autograder.grading.batch import grade
from tests.support.batch_checks import finished_count, gradebook_totals
from tests.support.toy import ASSIGNMENT, EXPECTED_TOTALS, NOTEBOOK, write_toy_batch
from tests.support.toy_grader import crash_then_resume

KINDS = ("missing", "perfect", "untouched", "wrong_mul")  # graded in this (student id) order


@pytest.fixture(scope="module")
def batch(toy_course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("resume") / "batch"
    write_toy_batch(toy_course, folder, KINDS)
    return folder


def test_sigkill_mid_batch_then_rerun_completes_without_duplicates(toy_course, batch, counting_grader, tmp_path):
    course = toy_course
    output = tmp_path / "crashed"
    db_url = f"sqlite:///{output / 'gradebook.db'}"
    regraded = crash_then_resume(course, batch, output, db_url, counting_grader)
    # missing and perfect were finished; untouched was graded into the gradebook
    # when the grader died, so the rerun grades it again, and wrong_mul.
    assert regraded == ["untouched", "wrong_mul"]
    totals, rows = gradebook_totals(db_url, ASSIGNMENT)
    assert totals == {s: EXPECTED_TOTALS[s] for s in KINDS} and rows == len(KINDS)
    assert finished_count(db_url, ASSIGNMENT) == len(KINDS)
    resumed_csv = (output / "grades.csv").read_text()
    assert resumed_csv.count("\n") == len(KINDS) + 1

    counting_grader.clear()
    grade(course, batch, output, [ASSIGNMENT], cell_timeout=5, quiet=True)
    assert counting_grader == [] and (output / "grades.csv").read_text() == resumed_csv

    grade(course, batch, output, [ASSIGNMENT], cell_timeout=5, quiet=True, force=True)
    assert sorted(counting_grader) == sorted(KINDS)
    assert (output / "grades.csv").read_text() == resumed_csv
    assert gradebook_totals(db_url, ASSIGNMENT) == (totals, rows)

    # a resubmitted notebook has another fingerprint: only it is graded again
    counting_grader.clear()
    fixed = shutil.copytree(batch, tmp_path / "batch_fixed")
    write_submission(fixed, "wrong_mul", ASSIGNMENT, NOTEBOOK, perfect_notebook(course, ASSIGNMENT, NOTEBOOK))
    reports = {r.student_id: r for r in grade(course, fixed, output, [ASSIGNMENT], cell_timeout=5, quiet=True)}
    assert counting_grader == ["wrong_mul"] and reports["wrong_mul"].total == 5


def ends_within(pid, seconds):
    """Wait (on a pidfd, no polling) until process `pid` has ended; False after `seconds`."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], seconds)[0])
    finally:
        os.close(handle)


def test_killed_parallel_grader_leaves_no_worker_behind_and_resumes(toy_course, batch, tmp_path, counting_grader):
    output = tmp_path / "crashed_jobs2"
    db_url = f"sqlite:///{output / 'gradebook.db'}"
    regraded = crash_then_resume(toy_course, batch, output, db_url, counting_grader, kill_after=1, jobs=2)
    assert len(regraded) == len(KINDS) - 1
    crashed_workers = [int(p.name.split("-")[1]) for p in (output / "workers").glob("worker-*")]
    assert len(crashed_workers) == 2
    left_behind = [pid for pid in crashed_workers if not ends_within(pid, 30)]
    for pid in left_behind:
        os.kill(pid, signal.SIGKILL)
    assert not left_behind, "worker processes outlived the killed grader"
    totals, rows = gradebook_totals(db_url, ASSIGNMENT)
    assert totals == {s: EXPECTED_TOTALS[s] for s in KINDS} and rows == len(KINDS)
    assert finished_count(db_url, ASSIGNMENT) == len(KINDS)
