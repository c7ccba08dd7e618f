"""`python -m autograder grade SUBMISSIONS`: autograde a batch with nbgrader.

Pipeline, per run:
1. put the source notebooks into a course folder and run nbgrader
   generate_assignment, which records every test cell (hidden tests
   included) in the gradebook;
2. read the batch (intake.py): missing, damaged or renamed notebooks are
   dealt with here, one submission at a time;
3. nbgrader autograde each submission, restoring deleted test cells and
   overwriting edited ones, with a per-cell timeout;
4. read scores from the gradebook and messages from the graded notebooks,
   then write grades.csv, one HTML feedback file per student and a summary.
"""
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor
from tqdm import tqdm

from autograder import paths
from autograder.dependencies import count_bugs_once
from autograder.feedback import write_feedback
from autograder.gradebook import add_students, record_scores, schema_lock, with_driver
from autograder.intake import collect_submissions, open_batch
from autograder.journal import Journal
from autograder.limits import GuardedExecute, Limits
from autograder.notebook_repair import NotebookDamaged, repair_file
from autograder.nbgrader_setup import course_config, nbgrader_api, raise_on_failure
from autograder.preprocessors import StderrIsNotFailure
from autograder.failures import failure_reason, notebook_notes
from autograder.sandbox import RemoveUnsafeFiles, SandboxedKernelManager, clear_records, warn_if_off
from autograder.report import print_summary, write_canvas_csv, write_grades_csv
from autograder.summary_page import write_summary_pages
from autograder.results import StudentReport, assignment_parts, graded_results, zero_results
from autograder.verdicts import judged_results

DEFAULT_CELL_TIMEOUT = 600
DATA_SIZE_VAR = "COURSE_DATA_SIZE"


def autograde_config(course_root, db_url, cell_timeout, limits=Limits()):
    config = course_config(course_root, db_url)
    config.Execute.timeout = cell_timeout
    config.Execute.interrupt_on_timeout = True
    config.OverwriteCells.add_missing_cells = True
    config.Autograde.autograde_preprocessors = [
        GuardedExecute, RemoveUnsafeFiles, StderrIsNotFailure, IgnorePattern, ClearMetadataPreprocessor,
        LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    # GuardedExecute builds its memory-limited kernel manager on this one (the sandbox's).
    config.Execute.kernel_manager_class = SandboxedKernelManager
    return limits.configure(config)


def kernel_settings(data_size):
    """Environment for the kernels nbgrader starts (they inherit ours): the data
    size, and one BLAS thread per kernel, since a batch keeps every core busy
    with submissions and oversubscribed BLAS threads run many times slower."""
    settings = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if data_size:
        settings[DATA_SIZE_VAR] = data_size
    return settings


# Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers (distributed.nanny.pre-spawn-environ),
# and in the process that starts a LocalCluster too. A kernel that inherits it gives memory back after
# every large free: Assignment 1 ran 1.7x slower (13 s vs 7.7 s), and a Dask worker graded at half speed.
NOT_FOR_KERNELS = ("MALLOC_TRIM_THRESHOLD_",)


@contextmanager
def kernel_environment(data_size):
    """Apply kernel_settings(data_size), without the NOT_FOR_KERNELS variables, for the duration of the block."""
    settings = kernel_settings(data_size)
    saved = {name: os.environ.get(name) for name in (*settings, *NOT_FOR_KERNELS)}
    os.environ.update(settings)
    for name in NOT_FOR_KERNELS:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Grader:
    """Grades batches of submissions into one course folder and gradebook."""

    def __init__(self, output_dir, assignment_ids=None, cell_timeout=DEFAULT_CELL_TIMEOUT, db_url=None,
                 limits=None):
        self.output_dir = Path(output_dir).resolve()
        self.course_root = self.output_dir / "course"
        self.assignment_ids = list(assignment_ids or paths.assignment_ids())
        self.db_url = with_driver(db_url) if db_url else f"sqlite:///{self.output_dir / 'gradebook.db'}"
        self.cell_timeout = cell_timeout
        self.limits = limits or Limits()
        self.api = nbgrader_api(autograde_config(self.course_root, self.db_url, cell_timeout, self.limits))
        self.parts = {a: assignment_parts(a) for a in self.assignment_ids}
        self.journal = None  # set by grade_batch: which submissions are finished

    def prepare(self):
        """Copy the sources in and record every assignment's cells in the gradebook."""
        for assignment_id in self.assignment_ids:
            source = self.course_root / "source" / assignment_id
            shutil.rmtree(source, ignore_errors=True)
            shutil.copytree(paths.SOLUTIONS_DIR / assignment_id, source,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            raise_on_failure(self.api.generate_assignment(assignment_id), "generate_assignment")

    def stage(self, submission):
        """Put a submission's gradable notebooks, repaired (notebook_repair.py), where
        nbgrader looks for them; return notes on the repairs. A notebook beyond
        repair is not staged: its reason goes into submission.problems."""
        target = self.course_root / "submitted" / submission.student_id / submission.assignment_id
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        notes = []
        for name, path in submission.notebooks.items():
            released = self.course_root / "release" / submission.assignment_id / f"{name}.ipynb"
            try:
                notes += repair_file(path, target / f"{name}.ipynb", released)
            except NotebookDamaged as error:
                submission.problems[name] = str(error)
        return notes

    def graded_path(self, submission, notebook):
        return (self.course_root / "autograded" / submission.student_id / submission.assignment_id
                / f"{notebook}.ipynb")

    def gradebook_scores(self, submission, notebook):
        """{grade_id: (auto_score, manual_score)} of one graded notebook ({} if not graded)."""
        with Gradebook(self.db_url) as gradebook:
            try:
                graded = gradebook.find_submission_notebook(notebook, submission.assignment_id,
                                                            submission.student_id)
            except MissingEntry:
                return {}
            return {grade.name: (grade.auto_score, grade.manual_score) for grade in graded.grades}

    def scores(self, submission, notebook):
        """{grade_id: score}, the manual score (if any) taking precedence, as in nbgrader."""
        return {gid: manual if manual is not None else auto
                for gid, (auto, manual) in self.gradebook_scores(submission, notebook).items()}

    def grade_submission(self, submission):
        """Autograde one submission; return (part results, notes)."""
        parts = self.parts[submission.assignment_id]
        notes = list(submission.notes)
        failure = None
        if submission.notebooks:
            notes += self.stage(submission)
            clear_records(self.graded_path(submission, "any").parent)
        if set(submission.notebooks) - set(submission.problems):
            outcome = self.api.autograde(submission.assignment_id, submission.student_id)
            if not outcome["success"]:
                failure = f"grading failed: {failure_reason(outcome)}"
        else:
            record_scores(self.db_url, submission, parts, {})
        results = []
        for notebook, notebook_parts in parts.items():
            reason = submission.problems.get(notebook) or failure
            graded = self.graded_path(submission, notebook)
            if reason or not graded.exists():
                reason = reason or "the notebook could not be graded."
                results += zero_results(submission.assignment_id, notebook_parts, reason)
                notes.append(f"{submission.assignment_id}/{notebook}.ipynb: {reason}")
                continue
            part_results, part_notes = graded_results(submission.assignment_id, notebook_parts, graded,
                                                      self.scores(submission, notebook))
            judged_results(self.db_url, submission, notebook, notebook_parts, part_results, graded.parent)
            part_notes += notebook_notes(graded)
            results += count_bugs_once(self, submission, notebook, part_results, graded)
            notes += part_notes
        return results, notes

    def unexpected_failure(self, submission, error):
        """Zero results for a submission whose grading raised: it costs this submission, not the batch."""
        reason = f"grading failed: {type(error).__name__}: {error}"
        results = [r for parts in self.parts[submission.assignment_id].values()
                   for r in zero_results(submission.assignment_id, parts, reason)]
        return results, [f"{submission.assignment_id}: {reason}"]

    def submissions(self, batch_path):
        """The batch's submissions, in a fixed order (student, then assignment)."""
        batch_root = open_batch(batch_path, self.output_dir, self.assignment_ids)
        return collect_submissions(batch_root, {a: list(self.parts[a]) for a in self.assignment_ids})

    def grade_and_mark(self, submission):
        """Grade one submission and mark it finished in the journal. An unexpected error costs only
        this submission, which stays unfinished so that a rerun tries it again."""
        try:
            results, notes = self.grade_submission(submission)
        except Exception as error:
            return self.unexpected_failure(submission, error)
        self.journal.mark(submission, results, notes)
        return results, notes

    def open_gradebook(self, submissions, data_size):
        """Record the assignments and students, and open the journal (one grader at a time)."""
        with schema_lock(self.db_url):
            self.prepare()
            add_students(self.db_url, [s.student_id for s in submissions])
            self.journal = Journal(self.db_url, self.assignment_ids, self.cell_timeout, data_size)

    def finished(self, submissions, force, quiet):
        """{index: (results, notes)} of the submissions a previous run finished (none if force)."""
        done = {} if force else self.journal.finished(submissions)
        if done and not quiet:
            print(f"Resuming: {len(done)} of {len(submissions)} submissions were already graded into this "
                  "gradebook and are kept (--force grades them again).")
        return done

    def grade_batch(self, batch_path, data_size=None, jobs=1, quiet=False, cluster=None, force=False):
        """Grade every submission in a folder or zip; return the StudentReports."""
        submissions = self.submissions(batch_path)
        warn_if_off()
        with kernel_environment(data_size):
            self.open_gradebook(submissions, data_size)
            outcomes = self.finished(submissions, force, quiet)
            todo = [i for i in range(len(submissions)) if i not in outcomes]
            pending = [submissions[i] for i in todo]
            if cluster:
                from autograder.distributed import grade_on_cluster
                graded = grade_on_cluster(self, pending, data_size, cluster, quiet)
            elif jobs > 1:
                from autograder.parallel import grade_in_workers
                graded = grade_in_workers(self, pending, data_size, jobs, quiet)
            else:
                graded = [self.grade_and_mark(s) for s in progress(pending, quiet)]
            outcomes.update(zip(todo, graded))
            self.journal.close()
        reports = {}
        for i, submission in enumerate(submissions):
            results, notes = outcomes[i]
            report = reports.setdefault(submission.student_id, StudentReport(submission.student_id))
            report.parts += results
            report.notes += notes
        return list(reports.values())


def progress(items, quiet, total=None):
    """A progress bar with the time left (on stderr), unless quiet."""
    return items if quiet else tqdm(items, total=total, desc="grading", unit="submission")


def grade(batch_path, output_dir, assignment_ids=None, cell_timeout=DEFAULT_CELL_TIMEOUT, db_url=None,
          data_size=None, quiet=False, jobs=1, cluster=None, force=False, limits=None):
    """Grade a batch, write grades.csv and feedback/, print a summary; return the reports."""
    grader = Grader(output_dir, assignment_ids, cell_timeout, db_url, limits)
    reports = grader.grade_batch(batch_path, data_size, jobs, quiet, cluster, force)
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
