"""`grade` on a toy course, in a process of its own, optionally killed mid-batch.

    python tests/toy_grader.py COURSE_ROOT BATCH OUTPUT ASSIGNMENT [--db-url URL] [--jobs N]
                               [--kill-after N]

--kill-after N: once N submissions are finished, the process grades the next
one (with --jobs 1, nbgrader commits its scores) and SIGKILLs itself before
that submission is marked finished: the worst moment for a crash, and a
deterministic one.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_checks import finished_count  # noqa: E402
from toy_assignment import ASSIGNMENT  # noqa: E402

TOY_GRADER = Path(__file__).resolve()


def run_toy_grader(root, output, *options, assignment=ASSIGNMENT):
    """Grade root/batch in a separate process; return its exit code. Its output goes
    to a file, not a pipe: a worker it left behind would hold a pipe open forever."""
    with tempfile.TemporaryFile() as log:
        return subprocess.run([sys.executable, str(TOY_GRADER), str(root), str(root / "batch"), str(output),
                               assignment, *options], stdout=log, stderr=subprocess.STDOUT).returncode


def crash_then_resume(root, output, db_url, counting_grader, kill_after=2, jobs=1):
    """Kill a grader (grading with `jobs` processes) after `kill_after` finished
    submissions, then rerun in this process; return the students the rerun graded."""
    from autograder.grading.grader import grade
    code = run_toy_grader(root, output, "--db-url", db_url, "--kill-after", str(kill_after), "--jobs", str(jobs))
    assert code == -signal.SIGKILL
    assert finished_count(db_url, ASSIGNMENT) == kill_after
    grade(root / "batch", output, [ASSIGNMENT], cell_timeout=5, db_url=db_url, quiet=True)
    return list(counting_grader)


def kill_after(count):
    """Make this process SIGKILL itself while the submission after the first
    `count` is graded but not yet marked finished."""
    from autograder.grading.journal import Journal
    original_write = Journal.write
    marked = []

    def write(self, connection, submission, results, notes):
        if len(marked) == count:
            os.kill(os.getpid(), signal.SIGKILL)
        original_write(self, connection, submission, results, notes)
        marked.append(submission.student_id)

    Journal.write = write


def main():
    parser = argparse.ArgumentParser()
    for name in ("course_root", "batch", "output"):
        parser.add_argument(name, type=Path)
    parser.add_argument("assignment")
    parser.add_argument("--db-url")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--kill-after", type=int)
    args = parser.parse_args()
    import pytest
    from autograder.grading.grader import grade
    from toy_assignment import point_paths_at
    point_paths_at(args.course_root, pytest.MonkeyPatch())
    if args.kill_after is not None:
        kill_after(args.kill_after)
    grade(args.batch, args.output, [args.assignment], cell_timeout=5, db_url=args.db_url, quiet=True, jobs=args.jobs)


if __name__ == "__main__":
    main()
