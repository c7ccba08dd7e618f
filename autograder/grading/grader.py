"""Grading one submission: intake's Submission in, part results and notes out.

A submission travels one straight line, each stage once:
1. repair: its notebooks, repaired (notebook_repair.py), go where nbgrader looks;
2. run: nbgrader autograde runs them in the sandboxed kernel (kernel/), restoring
   deleted test cells and overwriting edited ones, with a per-cell timeout;
3. read: the test cells' outcomes and nbgrader's scores (results.py);
4. judge: the out-of-kernel verdicts from the hidden-test records
   (judging/verdicts.py), then the dependency rerun's decision (dependencies.py);
5. write: one gradebook write of what was decided (gradebook.py).
The batch (batch.py) reads the submissions and writes the reports.
"""
import shutil
from pathlib import Path

from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor

from autograder.cases.records import clear_records
from autograder.grading.dependencies import count_bugs_once
from autograder.grading.failures import failure_reason, notebook_notes
from autograder.grading.gradebook import gradebook_scores, record_decisions, record_scores, with_driver
from autograder.grading.intake import IntakeLimits, collect_submissions, open_batch
from autograder.grading.notebook_repair import NotebookDamaged, repair_file
from autograder.grading.preprocessors import StderrIsNotFailure
from autograder.grading.results import assignment_parts, graded_results, not_graded_results, zero_results
from autograder.judging.verdicts import judged_results
from autograder.kernel.execute import GradingSession, guarded_execute
from autograder.kernel.limits import Limits
from autograder.kernel.sandbox import RemoveUnsafeFiles
from autograder.nbgrader_setup import course_config, nbgrader_api, raise_on_failure

DEFAULT_CELL_TIMEOUT = 600


class NotGraded(Exception):
    """The grading machine, not the submission, failed (a kernel that could not start, a sandbox
    that could not be set up): the submission is tried again, else reported as not graded."""


def autograde_config(course_root, db_url, session):
    """nbgrader's config for autograding under `session` (a kernel.execute.GradingSession)."""
    config = course_config(course_root, db_url)
    config.Execute.timeout = session.cell_timeout
    config.Execute.interrupt_on_timeout = True
    config.OverwriteCells.add_missing_cells = True
    config.Autograde.autograde_preprocessors = [
        guarded_execute(session), RemoveUnsafeFiles, StderrIsNotFailure, IgnorePattern, ClearMetadataPreprocessor,
        LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    return session.limits.configure(config)


class Grader:
    """Grades submissions of one course into one nbgrader course folder and gradebook."""

    def __init__(self, course, output_dir, assignment_ids=None, cell_timeout=DEFAULT_CELL_TIMEOUT, db_url=None,
                 limits=None):
        self.course = course
        self.output_dir = Path(output_dir).resolve()
        self.course_root = self.output_dir / "course"
        self.assignment_ids = list(assignment_ids or course.assignment_ids())
        self.db_url = with_driver(db_url) if db_url else f"sqlite:///{self.output_dir / 'gradebook.db'}"
        self.cell_timeout = cell_timeout
        self.limits = limits or Limits()
        self.session = GradingSession(self.limits, cell_timeout)
        self.api = nbgrader_api(autograde_config(self.course_root, self.db_url, self.session))
        self.parts = {a: assignment_parts(course, a) for a in self.assignment_ids}

    def prepare(self):
        """Copy the sources in (with any earlier assignment's code released with them, which
        nbgrader's autograde copies next to each graded notebook) and record every assignment's
        cells in the gradebook."""
        for assignment_id in self.assignment_ids:
            source = self.course_root / "source" / assignment_id
            shutil.rmtree(source, ignore_errors=True)
            shutil.copytree(self.course.solutions_dir / assignment_id, source,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            for module in self.course.earlier_code(assignment_id):
                shutil.copy(module, source / module.name)
            raise_on_failure(self.api.generate_assignment(assignment_id), "generate_assignment")

    def read_batch(self, batch_path, limits=IntakeLimits()):
        """(the batch's submissions, in a fixed order (student, then assignment), notes on what
        intake skipped or refused and why)."""
        skipped = {}
        batch_root, notes = open_batch(batch_path, self.output_dir, self.assignment_ids, limits, skipped)
        submissions, refused = collect_submissions(batch_root, {a: list(self.parts[a]) for a in self.assignment_ids},
                                                   limits, skipped)
        return submissions, notes + refused

    def submissions(self, batch_path):
        """The batch's submissions, in a fixed order (student, then assignment)."""
        return self.read_batch(batch_path)[0]

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
            except RecursionError:
                submission.problems[name] = f"{path.name} could not be read as a notebook: it is nested too deeply."
            except Exception as error:  # whatever goes wrong with one notebook costs only that notebook
                submission.problems[name] = f"{path.name} could not be repaired: {type(error).__name__}: {error}"
        return notes

    def graded_path(self, submission, notebook):
        return (self.course_root / "autograded" / submission.student_id / submission.assignment_id
                / f"{notebook}.ipynb")

    def gradebook_scores(self, submission, notebook):
        """{grade_id: (auto_score, manual_score)} of one graded notebook ({} if not graded)."""
        return gradebook_scores(self.db_url, submission, notebook)

    def scores(self, submission, notebook):
        """{grade_id: score}, the manual score (if any) taking precedence, as in nbgrader."""
        return {gid: manual if manual is not None else auto
                for gid, (auto, manual) in self.gradebook_scores(submission, notebook).items()}

    def run(self, submission):
        """Repair and autograde a submission's notebooks; return (failure reason or None, notes)."""
        notes = list(submission.notes)
        if submission.notebooks:
            notes += self.stage(submission)
            clear_records(self.graded_path(submission, "any").parent)
        if not set(submission.notebooks) - set(submission.problems):
            record_scores(self.db_url, submission, self.parts[submission.assignment_id], {})
            return None, notes
        outcome = self.api.autograde(submission.assignment_id, submission.student_id)
        if self.session.infrastructure_failures:
            raise NotGraded(self.session.infrastructure_failures[0])
        return (None if outcome["success"] else f"grading failed: {failure_reason(outcome)}"), notes

    def judge_notebook(self, submission, notebook, notebook_parts):
        """Read, judge and record one graded notebook; return (results, notes)."""
        graded = self.graded_path(submission, notebook)
        results, notes = graded_results(submission.assignment_id, notebook_parts, graded,
                                        self.scores(submission, notebook))
        revoked = judged_results(self.course, submission.assignment_id, results, graded.parent)
        notes += notebook_notes(graded)
        given_back = count_bugs_once(self.course, submission.assignment_id, notebook, results, graded, self.session)
        record_decisions(self.db_url, submission, notebook, notebook_parts, revoked, given_back)
        return results, notes

    def grade_submission(self, submission):
        """Autograde one submission; return (part results, notes). Raises NotGraded when the grading
        machine failed."""
        self.session.start_submission()
        failure, notes = self.run(submission)
        results = []
        for notebook, notebook_parts in self.parts[submission.assignment_id].items():
            reason = submission.problems.get(notebook) or failure
            if reason or not self.graded_path(submission, notebook).exists():
                reason = reason or "the notebook could not be graded."
                results += zero_results(submission.assignment_id, notebook_parts, reason)
                notes.append(f"{submission.assignment_id}/{notebook}.ipynb: {reason}")
                continue
            part_results, part_notes = self.judge_notebook(submission, notebook, notebook_parts)
            results += part_results
            notes += part_notes
        return results, notes

    def grade_or_not(self, submission, attempts=2):
        """(part results, notes, graded): grade_submission(), tried again when the grading machine
        fails. If it keeps failing, or on an unexpected error, the results say "not graded" (it costs
        only this submission, and nothing: a rerun grades it)."""
        for _ in range(attempts):
            try:
                return *self.grade_submission(submission), True
            except NotGraded as error:
                reason = str(error)
            except Exception as error:
                reason = f"the grader failed ({type(error).__name__}: {error})"
                break
        return *self.not_graded(submission, reason), False

    def not_graded(self, submission, reason):
        """Results of a submission that could not be graded: it costs this submission nothing and the
        batch nothing; it is not marked finished, so a rerun grades it."""
        results = [r for parts in self.parts[submission.assignment_id].values()
                   for r in not_graded_results(submission.assignment_id, parts, reason)]
        return results, [f"{submission.assignment_id}: {results[0].message}" if results else reason]
