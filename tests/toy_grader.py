"""`grade` on a toy course, in a process of its own, optionally killed mid-batch.

    python tests/toy_grader.py COURSE_ROOT BATCH OUTPUT ASSIGNMENT [--db-url URL] [--jobs N]
                               [--kill-after N]

--kill-after N: once N submissions are finished, the process grades the next
one (nbgrader commits its scores) and SIGKILLs itself before that submission
is marked finished: the worst moment for a crash, and a deterministic one.
"""
import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def kill_after(finished_count):
    """Make this process SIGKILL itself while the submission after the first
    `finished_count` is graded but not yet marked finished."""
    from autograder.journal import Journal
    original_mark = Journal.mark
    marked = []

    def mark(self, submission, results, notes):
        if len(marked) == finished_count:
            os.kill(os.getpid(), signal.SIGKILL)
        original_mark(self, submission, results, notes)
        marked.append(submission.student_id)

    Journal.mark = mark


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
    from autograder.grade import grade
    from toy_assignment import point_paths_at
    point_paths_at(args.course_root, pytest.MonkeyPatch())
    if args.kill_after is not None:
        kill_after(args.kill_after)
    grade(args.batch, args.output, [args.assignment], cell_timeout=5, db_url=args.db_url, quiet=True, jobs=args.jobs)


if __name__ == "__main__":
    main()
