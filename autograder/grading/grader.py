"""Grading one submission: intake's Submission in, part results and notes out.

A submission travels one straight line, each stage once:
1. repair: its notebooks, repaired (notebook_repair.py), go where nbgrader looks;
2. run: nbgrader autograde runs them in the sandboxed kernel (kernel/), restoring
   deleted test cells and overwriting edited ones, with a per-cell timeout; meanwhile the
   judge runner (judge_runner.py, a sandboxed process of its own) runs the hidden cases on
   the student's definitions from the repaired copy, which no kernel can write, and
   recomputes the state parts' values that are a function of the student's functions;
3. read: the test cells' outcomes (results.py) and the state records the test cells
   sent on the kernel channel (kernel/record_channel.py);
4. judge: every part's verdict outside the kernel (judgement.py): hidden cases from the
   runner's outcomes, state parts from their records (checked against the runner's
   recomputation where there is one); then the dependency rerun's decision
   (dependencies.py);
5. write: one gradebook write of every part's score, from the verdicts (gradebook.py).
The batch (batch.py) reads the submissions and writes the reports.
"""
import shutil
from contextlib import ExitStack
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)

from autograder.cases import parts_for, state_parts_for
from autograder.grading.dependencies import RerunContext, count_bugs_once
from autograder.grading.failures import failure_reason, notebook_notes
from autograder.grading.gradebook import gradebook_scores, record_scores, record_verdicts, with_driver
from autograder.grading.intake import IntakeLimits, collect_submissions, open_batch
from autograder.grading.judge_runner import (BackgroundJobs, JudgeRunner, RunnerUnavailable, needs_runner,
                                             submission_definitions)
from autograder.grading.judgement import judge_parts, read_state_records, usable
from autograder.grading.notebook_repair import NotebookDamaged, repair_file
from autograder.grading.preprocessors import StderrIsNotFailure
from autograder.grading.results import assignment_parts, cell_outcomes, not_graded_results, zero_results
from autograder.kernel.execute import GradingSession, guarded_execute
from autograder.kernel.limits import Limits
from autograder.kernel.sandbox import RemoveUnsafeFiles
from autograder.nbgrader_setup import course_config, create_gradebook, nbgrader_api, raise_on_failure

DEFAULT_CELL_TIMEOUT = 600


class NotGraded(Exception):
    """The grading machine, not the submission, failed (a kernel or a judge runner that could not
    start, a sandbox that could not be set up): the submission is tried again, else reported as
    not graded."""


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
        self.records_dir = self.output_dir / "state_records"   # the grader's alone: no kernel sees it
        self.scratch_dir = self.output_dir / "scratch"         # the dependency rerun's working copies
        self.session = GradingSession(self.limits, cell_timeout, self.records_dir)
        self.api = nbgrader_api(autograde_config(self.course_root, self.db_url, self.session))
        self.parts = {a: assignment_parts(course, a) for a in self.assignment_ids}

    def prepare(self):
        """Copy the sources in (with any earlier assignment's code released with them, which
        nbgrader's autograde copies next to each graded notebook) and record every assignment's
        cells in the gradebook."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        create_gradebook(self.db_url)
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

    def run(self, submission, runners, stack):
        """Repair and autograde a submission's notebooks, their runner jobs run meanwhile in
        `runners` (launch_runners); return (failure reason or None, notes, {notebook: BackgroundJobs})."""
        notes = list(submission.notes)
        if submission.notebooks:
            notes += self.stage(submission)
            shutil.rmtree(self.records_dir / submission.student_id / submission.assignment_id, ignore_errors=True)
        if not set(submission.notebooks) - set(submission.problems):
            record_scores(self.db_url, submission, self.parts[submission.assignment_id], {})
            return None, notes, {}
        jobs = self.start_runner_jobs(submission, runners, stack)
        outcome = self.api.autograde(submission.assignment_id, submission.student_id)
        if self.session.infrastructure_failures:
            raise NotGraded(self.session.infrastructure_failures[0])
        return (None if outcome["success"] else f"grading failed: {failure_reason(outcome)}"), notes, jobs

    def launch_runners(self, submission, stack):
        """{notebook: JudgeRunner}, entered on `stack` now (without the student's code), for the
        submitted notebooks with a part judged in a runner: they start while the notebooks run."""
        return {notebook: stack.enter_context(JudgeRunner(submission.assignment_id, None, self.cell_timeout,
                                                          self.limits))
                for notebook, notebook_parts in self.parts[submission.assignment_id].items()
                if notebook in submission.notebooks
                and needs_runner(submission.assignment_id, [part for part, _, _ in notebook_parts])}

    def definitions(self, submission, notebook):
        """The student's definitions of one notebook, from the staged submission (which no kernel
        can write), locked cells as released."""
        submitted = self.course_root / "submitted" / submission.student_id / submission.assignment_id
        released = nbformat.read(str(self.course_root / "release" / submission.assignment_id / f"{notebook}.ipynb"),
                                 as_version=4)
        return submission_definitions(submitted / f"{notebook}.ipynb", released)

    def start_runner_jobs(self, submission, runners, stack):
        """{notebook: BackgroundJobs}: each staged notebook's hidden cases and state recomputations,
        started now in its runner;
        `stack` waits for them when the submission ends early."""
        hidden, state = parts_for(submission.assignment_id), state_parts_for(submission.assignment_id)
        started = {}
        for notebook, runner in runners.items():
            if notebook in submission.problems:
                continue
            names = [part for part, _, _ in self.parts[submission.assignment_id][notebook]]
            started[notebook] = BackgroundJobs(runner, self.definitions(submission, notebook),
                                                [part for part in names if part in hidden],
                                                [part for part in names if part in state and state[part].recompute])
            stack.callback(started[notebook].thread.join)
        return started

    def judge_notebook(self, submission, notebook, notebook_parts, runner=None, jobs=None):
        """Judge and record one graded notebook with its JudgeRunner and the BackgroundJobs started
        in it (None when no part of it needs one); return (results, notes)."""
        assignment_id = submission.assignment_id
        graded = self.graded_path(submission, notebook)
        cells, notes = cell_outcomes(graded, notebook_parts)
        recorded = read_state_records(self.records_dir, submission, notebook, state_parts_for(assignment_id))
        needed = lambda part: usable(recorded.get(part))
        outcomes, recomputed = jobs.result(needed) if jobs is not None else ({}, {})
        results, first = judge_parts(self.course, assignment_id, notebook_parts, cells, recorded, outcomes,
                                     recomputed)
        context = RerunContext(self.course, assignment_id, notebook, graded, first, runner, self.scratch_dir,
                               self.session)
        given_back = count_bugs_once(context, results)
        notes += notebook_notes(graded)
        record_verdicts(self.db_url, submission, notebook, notebook_parts, results, given_back)
        return results, notes

    def grade_submission(self, submission):
        """Autograde one submission; return (part results, notes). Raises NotGraded when the grading
        machine failed."""
        self.session.start_submission()
        with ExitStack() as stack:
            try:
                runners = self.launch_runners(submission, stack)
            except RunnerUnavailable as error:
                raise NotGraded(str(error)) from None
            failure, notes, jobs = self.run(submission, runners, stack)
            results = []
            for notebook, notebook_parts in self.parts[submission.assignment_id].items():
                reason = submission.problems.get(notebook) or failure
                if reason or not self.graded_path(submission, notebook).exists():
                    reason = reason or "the notebook could not be graded."
                    results += zero_results(submission.assignment_id, notebook_parts, reason)
                    notes.append(f"{submission.assignment_id}/{notebook}.ipynb: {reason}")
                    continue
                try:
                    part_results, part_notes = self.judge_notebook(submission, notebook, notebook_parts,
                                                                   runners.get(notebook), jobs.get(notebook))
                except RunnerUnavailable as error:
                    raise NotGraded(str(error)) from None
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
