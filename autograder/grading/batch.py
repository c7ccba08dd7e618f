"""`python -m autograder grade SUBMISSIONS`: autograde a batch with nbgrader.

Per run:
1. put the source notebooks into a course folder and run nbgrader
   generate_assignment, which records every test cell (hidden tests
   included) in the gradebook;
2. read the batch (intake.py): missing, damaged or renamed notebooks are
   dealt with here, one submission at a time;
3. grade each submission not finished by an earlier run (grader.py), in this
   process, in worker processes (workers.py, --jobs) or on a Dask cluster
   (cluster.py, --cluster); each is marked finished in the journal;
4. write grades.csv, one HTML feedback file per student and a summary (reports/).
"""
import sys

from autograder.grading.cluster import grade_on_cluster
from autograder.grading.gradebook import add_students, schema_lock
from autograder.grading.grader import DEFAULT_CELL_TIMEOUT, Grader
from autograder.grading.intake import IntakeLimits
from autograder.grading.journal import Journal
from autograder.grading.progress import progress
from autograder.grading.results import StudentReport
from autograder.grading.workers import grade_in_workers
from autograder.kernel.kernel_env import kernel_environment
from autograder.kernel.sandbox import warn_if_off
from autograder.reports.feedback import write_feedback
from autograder.reports.grade_table import print_summary, write_canvas_csv, write_grades_csv
from autograder.reports.summary_page import write_summary_pages


def grade_and_mark(grader, journal, submission):
    """Grade one submission and mark it finished in the journal, unless it could not be graded:
    it is then recorded as unfinished (the exports show why), so that a rerun grades it."""
    results, notes, graded = grader.grade_or_not(submission)
    if graded:
        journal.mark(submission, results, notes)
    else:
        journal.mark_unfinished(submission, results, notes)
    return results, notes


def open_gradebook(grader, submissions):
    """Record the assignments and students; return the journal (one grader at a time)."""
    with schema_lock(grader.db_url):
        grader.prepare()
        add_students(grader.db_url, [s.student_id for s in submissions])
        return Journal(grader.course, grader.db_url, grader.assignment_ids, grader.cell_timeout)


def already_finished(journal, submissions, force, quiet):
    """{index: (results, notes)} of the submissions a previous run finished (none if force)."""
    done = {} if force else journal.finished(submissions)
    if done and not quiet:
        print(f"Resuming: {len(done)} of {len(submissions)} submissions were already graded into this "
              "gradebook and are kept (--force grades them again).")
    return done


def student_reports(submissions, outcomes):
    """One StudentReport per student, parts and notes in submission order."""
    reports = {}
    for i, submission in enumerate(submissions):
        results, notes = outcomes[i]
        report = reports.setdefault(submission.student_id, StudentReport(submission.student_id))
        report.parts += results
        report.notes += notes
    return list(reports.values())


def report_intake(notes, out=None):
    """Print what intake skipped or refused, with the reasons (even when quiet: nothing is dropped unsaid)."""
    if notes:
        print(f"Not graded from this batch ({len(notes)}):", *(f"  {note}" for note in notes), sep="\n",
              file=out or sys.stderr)


def grade_batch(grader, batch_path, jobs=1, quiet=False, cluster=None, force=False, intake=IntakeLimits()):
    """Grade every submission in a folder or zip; return the StudentReports."""
    submissions, notes = grader.read_batch(batch_path, intake)
    report_intake(notes)
    warn_if_off()
    with kernel_environment(grader.course.data_size):
        journal = open_gradebook(grader, submissions)
        outcomes = already_finished(journal, submissions, force, quiet)
        todo = [i for i in range(len(submissions)) if i not in outcomes]
        pending = [submissions[i] for i in todo]
        if cluster:
            graded = grade_on_cluster(grader, journal, pending, cluster, quiet)
        elif jobs > 1:
            graded = grade_in_workers(grader, journal, pending, jobs, quiet)
        else:
            graded = [grade_and_mark(grader, journal, s) for s in progress(pending, quiet)]
        outcomes.update(zip(todo, graded))
        journal.close()
    return student_reports(submissions, outcomes)


def grade(course, batch_path, output_dir, assignment_ids=None, cell_timeout=DEFAULT_CELL_TIMEOUT, db_url=None,
          quiet=False, jobs=1, cluster=None, force=False, limits=None, intake=IntakeLimits()):
    """Grade a batch of `course` (at course.data_size), write grades.csv and feedback/, print a
    summary; return the reports. limits: kernel.limits.Limits; intake: intake.IntakeLimits."""
    grader = Grader(course, output_dir, assignment_ids, cell_timeout, db_url, limits)
    reports = grade_batch(grader, batch_path, jobs, quiet, cluster, force, intake)
    columns = [(a, part, points) for a in grader.assignment_ids
               for notebook_parts in grader.parts[a].values() for part, _, points in notebook_parts]
    csv_path = write_grades_csv(reports, columns, grader.output_dir / "grades.csv")
    write_canvas_csv(reports, columns, grader.output_dir / "canvas.csv")
    feedback_dir = write_feedback(reports, grader.output_dir / "feedback")
    summaries = write_summary_pages(reports, columns, grader.output_dir)
    if not quiet:
        print_summary(reports, columns)
        print(f"\nGrade table: {csv_path} (and canvas.csv for an LMS)\n"
              f"Feedback:    {feedback_dir}/<student>.html\n"
              f"Summary:     {', '.join(str(p) for p in summaries)}\nGradebook:   {grader.db_url}")
    return reports
