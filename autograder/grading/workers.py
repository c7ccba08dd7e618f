"""`grade --jobs N`: grading submissions in N worker processes.

Each worker grades in its own course folder with its own SQLite gradebook,
since nbgrader's SQLite gradebook is not safe for concurrent writers. The
parent process is the only writer of the real gradebook: it records each
finished submission in one transaction and keeps its graded notebooks, so the
result is the same as grading with one process.
"""
import multiprocessing
import os
import select
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.gradebook import record_scores
from autograder.grading.grader import Grader
from autograder.grading.progress import progress
from autograder.kernel.kernel_env import set_kernel_environment

_worker = None  # the Grader of this worker process


@dataclass
class Outcome:
    """What a worker sends back for one submission (picklable)."""
    results: list
    notes: list
    scores: dict = field(default_factory=dict)     # notebook -> {grade_id: (auto, manual)}
    notebooks: dict = field(default_factory=dict)  # notebook -> graded notebook text
    finished: bool = True  # False when it could not be graded (a worker crashed, ...): a rerun grades it


def start_worker(work_root, course, assignment_ids, cell_timeout, limits=None):
    """Process initializer: a Grader with its own course folder and gradebook,
    reading the same course (solutions, releases, references) as the parent."""
    global _worker
    set_kernel_environment(course.data_size)  # a Dask worker has the NOT_FOR_KERNELS; its kernels must not
    _worker = Grader(course, Path(work_root) / f"worker-{os.getpid()}", assignment_ids, cell_timeout, limits=limits)
    _worker.prepare()


def exit_with_grader(grader_pid):
    """On Linux, end this worker (SIGTERM) when the grader that started it dies, even by SIGKILL:
    otherwise it would live on, grading for nobody, beside the rerun. The worker is a fork of the
    forkserver, not of the grader (so PR_SET_PDEATHSIG cannot see it go): a thread waits on it."""
    try:
        grader = os.pidfd_open(grader_pid)
    except ProcessLookupError:  # already gone
        os.kill(os.getpid(), signal.SIGTERM)
        return
    except (AttributeError, OSError):  # not Linux 5.3 or later
        return

    def end_with_grader():
        select.select([grader], [], [])
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=end_with_grader, daemon=True).start()


def start_pool_worker(grader_pid, cwd, environ, *args):
    """Initializer of a worker_pool process: end with the grader, take its working folder and
    environment as they are now (a fork of the forkserver has the forkserver's), then start_worker(*args)."""
    exit_with_grader(grader_pid)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environ)
    start_worker(*args)


def grade_one(submission):
    """Grade one submission in this worker; return an Outcome."""
    results, notes, graded = _worker.grade_or_not(submission)
    outcome = Outcome(results, notes, finished=graded)
    if not graded:
        return outcome
    for notebook in _worker.parts[submission.assignment_id]:
        path = _worker.graded_path(submission, notebook)
        if notebook in submission.notebooks and path.exists():
            outcome.scores[notebook] = _worker.gradebook_scores(submission, notebook)
            outcome.notebooks[notebook] = path.read_text()
    return outcome


def record(grader, journal, submission, outcome):
    """Write one worker's outcome into the parent's course folder and gradebook: the scores and the
    journal's finished mark in one transaction. A submission that could not be graded leaves the
    scores untouched and is recorded as unfinished (the exports show why; a rerun grades it)."""
    if not outcome.finished:
        journal.mark_unfinished(submission, outcome.results, outcome.notes)
        return
    for notebook, text in outcome.notebooks.items():
        path = grader.graded_path(submission, notebook)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    mark = lambda session: journal.write(session, submission, outcome.results, outcome.notes)
    record_scores(grader.db_url, submission, grader.parts[submission.assignment_id], outcome.scores, mark)


def failed_outcome(submission, grader, error):
    """The Outcome of a submission whose worker died or failed: not graded."""
    reason = f"the worker process grading it failed ({type(error).__name__}: {error})"
    return Outcome(*grader.not_graded(submission, reason), finished=False)


@contextmanager
def worker_pool(grader, jobs):
    """A pool of `jobs` worker processes, started now: each prepares its course folder while the
    caller prepares the gradebook. Yields the executor."""
    # Workers are forks of a forkserver, a fresh process that has imported the grader once (about
    # 1.2 s, most of it nbgrader's package), never of this one, which may hold ZMQ sockets and threads.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=start_pool_worker,
                             initargs=(os.getpid(), os.getcwd(), dict(os.environ), grader.output_dir / "workers",
                                       grader.course, grader.assignment_ids, grader.cell_timeout,
                                       grader.limits)) as pool:
        for _ in range(jobs):  # the executor starts a process per submitted task, up to `jobs`
            pool.submit(int)
        yield pool


def submit(pool, submission):
    """The future of grading `submission` in `pool`; a pool whose workers could not start (a
    failed initializer breaks it) gives a failed future, so the submission is not graded."""
    try:
        return pool.submit(grade_one, submission)
    except BrokenProcessPool as error:
        future = Future()
        future.set_exception(error)
        return future


def grade_in_workers(pool, grader, journal, submissions, quiet):
    """Grade `submissions` in the processes of `pool` (worker_pool); return [(results, notes)] in
    submission order."""
    futures = {submit(pool, s): i for i, s in enumerate(submissions)}
    return collect(grader, journal, submissions, futures, as_completed, quiet)


def collect(grader, journal, submissions, futures, completed, quiet):
    """Record each outcome as its future completes (the single writer); return
    [(results, notes)] in submission order. futures: future -> index in
    submissions; completed: the as_completed of the futures' library."""
    outcomes = [None] * len(submissions)
    for future in progress(completed(futures), quiet, total=len(futures)):
        i = futures[future]
        try:
            outcomes[i] = future.result()
        except Exception as error:  # a crashed worker costs only its submission
            outcomes[i] = failed_outcome(submissions[i], grader, error)
        record(grader, journal, submissions[i], outcomes[i])
    return [(o.results, o.notes) for o in outcomes]
