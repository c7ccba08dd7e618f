"""`grade` on a toy course, in a process of its own, optionally killed mid-batch.

    python -m tests.support.toy_grader COURSE_ROOT BATCH OUTPUT ASSIGNMENT [--db-url URL] [--jobs N]
                                       [--kill-after N]

(run from the repository's root). --kill-after N: once N submissions are finished,
the process grades the next one (with --jobs 1, nbgrader commits its scores) and
SIGKILLs itself before that submission is marked finished: the worst moment for a
crash, and a deterministic one.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.course import REPO_ROOT, Course
from tests.support.batch_checks import finished_count
from tests.support.toy import ASSIGNMENT


def toy_grader_command(course, batch, output, assignment, *options):
    """The command line (run it with cwd=REPO_ROOT)."""
    root = course.solutions_dir.parent
    return [sys.executable, "-m", "tests.support.toy_grader", str(root), str(batch), str(output), assignment,
            *options]


def run_toy_grader(course, batch, output, *options, assignment=ASSIGNMENT):
    """Grade `batch` in a separate process; return its exit code. Its output goes
    to a file, not a pipe: a worker it left behind would hold a pipe open forever."""
    with tempfile.TemporaryFile() as log:
        return subprocess.run(toy_grader_command(course, batch, output, assignment, *options), cwd=REPO_ROOT,
                              stdout=log, stderr=subprocess.STDOUT).returncode


def crash_then_resume(course, batch, output, db_url, counting_grader, kill_after=2, jobs=1):
    """Kill a grader (grading with `jobs` processes) after `kill_after` finished
    submissions, then rerun in this process; return the students the rerun graded."""
    from autograder.grading.batch import grade
    code = run_toy_grader(course, batch, output, "--db-url", db_url, "--kill-after", str(kill_after),
                          "--jobs", str(jobs))
    assert code == -signal.SIGKILL
    assert finished_count(db_url, ASSIGNMENT) == kill_after
    grade(course, batch, output, [ASSIGNMENT], cell_timeout=5, db_url=db_url, quiet=True)
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
    from autograder.grading.batch import grade
    if args.kill_after is not None:
        kill_after(args.kill_after)
    grade(Course.under(args.course_root), args.batch, args.output, [args.assignment], cell_timeout=5,
          db_url=args.db_url, quiet=True, jobs=args.jobs)


if __name__ == "__main__":
    main()
