"""`python -m autograder grade SUBMISSIONS`: autograde a batch with nbgrader.

Per run:
1. read the batch (intake.py): missing, damaged or renamed notebooks are
   dealt with here, one submission at a time. The batch is graded for the
   assignments somebody handed in (of those asked for): a student with no
   folder for an assignment has no submission of it, and is not graded on it;
2. put those assignments' source notebooks into a course folder and run
   nbgrader generate_assignment, which records every test cell (hidden tests
   included) in the gradebook; record each submission's time
   (submission_time.py) against its due date and extension (the course file);
3. grade each submission not finished by an earlier run (grader.py), in this
   process, in worker processes (workers.py, --jobs) or on a Dask cluster
   (cluster.py, --cluster); each is marked finished in the journal;
4. write the nbgrader_config.py formgrader needs into the course folder, and
   export grades.csv, canvas.csv, the feedback and summary pages from the
   gradebook (exports/), for this batch's assignments and students.
"""
import sys
from contextlib import nullcontext

from autograder.exports.export import export_all
from autograder.grading.cluster import grade_on_cluster
from autograder.grading.gradebook import add_students, record_submission_times, schema_lock
from autograder.grading.grader import DEFAULT_CELL_TIMEOUT, Grader
from autograder.grading.intake import IntakeLimits
from autograder.grading.journal import Journal
from autograder.grading.progress import progress
from autograder.grading.submission_time import leave_for_formgrader, submission_time, zip_entry_times
from autograder.grading.workers import grade_in_workers, worker_pool
from autograder.kernel.kernel_env import kernel_environment
from autograder.kernel.sandbox import warn_if_off
from autograder.nbgrader_setup import write_nbgrader_config


def grade_and_mark(grader, journal, submission):
    """Grade one submission and mark it finished in the journal, unless it could not be graded:
    it is then recorded as unfinished (the exports show why), so that a rerun grades it."""
    results, notes, graded = grader.grade_or_not(submission)
    if graded:
        journal.mark(submission, results, notes)
    else:
        journal.mark_unfinished(submission, results, notes)
    return results, notes


def open_gradebook(grader, student_ids):
    """Record the assignments and students; return the journal (one grader at a time)."""
    with schema_lock(grader.db_url):
        grader.prepare()
        add_students(grader.db_url, student_ids)
        return Journal(grader.course, grader.db_url, grader.assignment_ids, grader.cell_timeout)


def record_times(grader, batch_path, submissions):
    """Record when each submission was handed in (and how we know), against its due date;
    return [(submission, time, source)]."""
    entries = zip_entry_times(batch_path)
    calendar = grader.course.calendar
    timed = [(s, *submission_time(s, entries, calendar)) for s in submissions]
    record_submission_times(grader.db_url, timed, calendar)
    return timed


def already_finished(journal, submissions, force, quiet):
    """{index: (results, notes)} of the submissions a previous run finished (none if force)."""
    done = {} if force else journal.finished(submissions)
    if done and not quiet:
        print(f"Resuming: {len(done)} of {len(submissions)} submissions were already graded into this "
              "gradebook and are kept (--force grades them again).")
    return done


def report_intake(notes, out=None):
    """Print what intake skipped or refused, with the reasons (even when quiet: nothing is dropped unsaid)."""
    if notes:
        print(f"Not graded from this batch ({len(notes)}):", *(f"  {note}" for note in notes), sep="\n",
              file=out or sys.stderr)


def grade_batch(grader, batch_path, jobs=1, quiet=False, cluster=None, force=False, intake=IntakeLimits()):
    """Grade every submission in a folder or zip for the assignments handed in; narrow
    grader.assignment_ids to those; return the batch's student ids."""
    everything, notes = grader.read_batch(batch_path, intake)
    report_intake(notes)
    submissions = [s for s in everything if s.folder.is_dir()]
    grader.assignment_ids = [a for a in grader.assignment_ids if any(s.assignment_id == a for s in submissions)]
    students = sorted({s.student_id for s in everything})
    if not quiet:
        print(f"Grading {', '.join(grader.assignment_ids) or 'nothing'}: {len(submissions)} submission(s) "
              f"of {len(students)} student(s).")
    warn_if_off()
    # the --jobs workers start (imports, their own course folders) while this process prepares the gradebook
    workers = worker_pool(grader, min(jobs, len(submissions))) if jobs > 1 and submissions and not cluster else None
    with kernel_environment(grader.course.data_size), workers or nullcontext() as pool:
        journal = open_gradebook(grader, students)
        timed = record_times(grader, batch_path, submissions)
        done = already_finished(journal, submissions, force, quiet)
        pending = [s for i, s in enumerate(submissions) if i not in done]
        if pending and cluster:
            grade_on_cluster(grader, journal, pending, cluster, quiet)
        elif pending and pool:
            grade_in_workers(pool, grader, journal, pending, quiet)
        else:
            for submission in progress(pending, quiet):
                grade_and_mark(grader, journal, submission)
        for submission, moment, _ in timed:
            leave_for_formgrader(grader.course_root, submission, moment)
        journal.close()
    return students


def grade(course, batch_path, output_dir, assignment_ids=None, cell_timeout=DEFAULT_CELL_TIMEOUT, db_url=None,
          quiet=False, jobs=1, cluster=None, force=False, limits=None, intake=IntakeLimits(), missing_as_zero=False):
    """Grade a batch of `course` (at course.data_size), write the nbgrader_config.py formgrader
    needs, export from the gradebook for the batch's assignments and students (exports/), print a
    summary; return the exported students (reports/model.py StudentGrades). limits:
    kernel.limits.Limits; intake: intake.IntakeLimits."""
    grader = Grader(course, output_dir, assignment_ids, cell_timeout, db_url, limits)
    students = grade_batch(grader, batch_path, jobs, quiet, cluster, force, intake)
    config = write_nbgrader_config(grader.course_root, grader.db_url)
    export = export_all(course, grader.db_url, grader.output_dir, grader.assignment_ids, students, missing_as_zero,
                        grader.course_root, quiet)
    if not quiet:
        print(f"Gradebook:   {grader.db_url}\nFormgrader:  `nbgrader formgrader` (or `jupyter lab`) in "
              f"{grader.course_root} ({config})")
    return export.students
