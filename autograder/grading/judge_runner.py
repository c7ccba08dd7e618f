"""The grader's side of the judge runner (autograder/cases/runner.py): one sandboxed process
per graded notebook that runs the student's code on the hidden cases outside the kernel.

The grader starts the runner before the notebook runs and gives it the student's definitions
from the repaired submitted notebook (the copy the grader staged, with locked cells as
released; never the kernel's working copy). Every first-run job needs nothing but those
definitions, so all of them run while the notebook runs, on a thread of the grader's
(BackgroundJobs): the hidden cases, then the state parts' recomputations (used only where the
notebook's record of the part is usable). Only the dependency rerun's jobs come after the
notebook. One job at a time, each kind in notebook order. What comes back is a record of plain numbers, read
strictly here (autograder/cases/records.py); the verdicts are then decided in this process
(autograder/judging/verdicts.py).

Trusted helpers (autograder/trusted/) go with the job of the part that needs them, and only
then, so the part a helper implements has already been judged by a child that never had it.

A runner that dies during a job (student code may kill its parent) costs that job's part and
is started again for the next job; a runner that cannot start at all is an infrastructure
failure (RunnerUnavailable): the submission is not graded, not given zeros.
"""
import json
import subprocess
import tempfile
import threading
import time

import nbformat

from autograder.cases import parts_for, state_parts_for
from autograder.cases.records import (ERROR_KEY, MalformedRecord, MAX_RECORD_BYTES, unpack_outcomes,
                                      unpack_state)
from autograder.cases.runner import ChannelClosed, read_frame, write_frame
from autograder.judging.solution_code import notebook_definitions
from autograder.kernel.limits import Limits
from autograder.kernel.runner_sandbox import runner_process
from autograder.kernel.sandbox import SandboxSetupError
from autograder.trusted import helper_sources

READY_TIMEOUT = 120     # seconds for the runner to start and import numpy and matplotlib
JOB_SLACK = 30          # seconds the runner may need beyond a job's own time limit
PREPARE_TIMEOUT = 300   # seconds a state part's prepare() may take (loading CIFAR-10)
MAX_STDERR_CHARS = 2000


class RunnerUnavailable(RuntimeError):
    """The judge runner could not be started: the submission cannot be graded right now."""


def stopped(part_name, what):
    return f"ProcessStopped: the Python process running the hidden tests of {part_name} {what}"


class JudgeRunner:
    """A judge runner for one notebook of one submission (a context manager).

    assignment_id: the assignment; definitions: the student's definitions (list of source
    texts, notebook_definitions()), or None to give them later with give_definitions() (the
    process starts on entering, and waits for them); cell_timeout: seconds per job (a part's
    hidden cases, as a test cell gets); limits: the submission's Limits, as its grading kernel
    gets them.
    """

    def __init__(self, assignment_id, definitions, cell_timeout, limits=Limits()):
        self.assignment_id = assignment_id
        self.setup = {"assignment": assignment_id, "timeout": cell_timeout,
                      "definitions": None if definitions is None else list(definitions)}
        self.cell_timeout = cell_timeout
        self.process = self.runner = None
        self.ready = False
        self.process_context = runner_process(limits)

    def __enter__(self):
        try:
            self.runner = self.process_context.__enter__()
        except SandboxSetupError as error:
            raise RunnerUnavailable(f"the judge runner could not start ({error})") from None
        self.setup["scratch"] = self.runner.scratch
        try:
            self.launch()
            if self.setup["definitions"] is not None:
                self.send_setup()
        except RunnerUnavailable:
            self.process_context.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        self.process_context.__exit__(*exc)

    def give_definitions(self, definitions):
        """The student's definitions, for a runner entered without them: the process, started
        earlier, gets them now. RunnerUnavailable when it does not come up."""
        self.setup["definitions"] = list(definitions)
        if self.process is not None:
            self.send_setup()

    def start(self):
        """Start the runner and send it the setup; RunnerUnavailable when it does not come up."""
        self.launch()
        self.send_setup()

    def launch(self):
        """Start the runner's process (it imports its libraries and waits for the setup)."""
        self.stderr = tempfile.TemporaryFile()
        self.ready = False
        self.process = subprocess.Popen(self.runner.argv, env=self.runner.env, cwd=self.runner.cwd,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                        start_new_session=True)
        self.runner.sandbox.watch(self.process.pid)

    def send_setup(self):
        """Send the setup and wait for the runner to say it is ready; RunnerUnavailable when it does not."""
        try:
            write_frame(self.process.stdin.fileno(), json.dumps(self.setup).encode())
            if read_frame(self.process.stdout.fileno(), deadline=time.monotonic() + READY_TIMEOUT) != b"ready":
                raise ChannelClosed("the runner did not say it was ready")
            self.ready = True
        except (OSError, ChannelClosed, TimeoutError) as error:
            detail = self.error_output()
            self.stop()
            raise RunnerUnavailable(f"the judge runner could not start ({type(error).__name__}: {error}) "
                                    f"{detail}".strip()) from None

    def error_output(self):
        self.stderr.seek(0)
        return self.stderr.read()[-MAX_STDERR_CHARS:].decode(errors="replace")

    def stop(self):
        """Kill the runner: it keeps nothing worth a clean exit (0.25 s per submission)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            stream.close()
        self.process = None

    def run(self, job, timeout):
        """The record bytes of one job; None when the runner stopped or hung (it is started again)."""
        if self.process is None:
            self.start()
        try:
            write_frame(self.process.stdin.fileno(), json.dumps(job).encode())
            return read_frame(self.process.stdout.fileno(), limit=MAX_RECORD_BYTES,
                              deadline=time.monotonic() + timeout + JOB_SLACK)
        except (OSError, ChannelClosed, TimeoutError):
            self.stop()
            return None

    def cases(self, part_name):
        """The outcomes of one part's hidden cases (one per case, as records.unpack_outcomes gives)."""
        part = parts_for(self.assignment_id)[part_name]
        job = {"kind": "cases", "part": part_name, "timeout": self.cell_timeout,
               "trusted": helper_sources(self.assignment_id, part.trusted)}
        data = self.run(job, self.cell_timeout)
        if data is None:
            return [("error", stopped(part_name, "stopped before they finished"))] * len(part.cases)
        try:
            return unpack_outcomes(data, len(part.cases))
        except MalformedRecord as error:
            return [("error", f"MalformedRecord: the outputs could not be read ({error})")] * len(part.cases)

    def recompute(self, part_name, replace=()):
        """A state part's values recomputed with the student's functions ({name: array}), or with
        the reference code `replace` (sources) in place of some of them; {ERROR_KEY: message} on failure."""
        job = {"kind": "state", "part": part_name, "timeout": self.cell_timeout, "replace": list(replace)}
        data = self.run(job, self.cell_timeout + PREPARE_TIMEOUT)
        if data is None:
            return {ERROR_KEY: stopped(part_name, "stopped while recomputing its values")}
        try:
            return unpack_state(data)
        except MalformedRecord as error:
            return {ERROR_KEY: f"MalformedRecord: the recomputed values could not be read ({error})"}


class BackgroundJobs:
    """The first-run jobs of one notebook, run in its JudgeRunner on a thread while the notebook
    runs: give the runner the definitions, run `part_names`' hidden cases, then recompute the
    values of `state_names` (state parts recomputed in the runner) with the student's functions,
    each in notebook order. result(needed) waits for them and gives ({part: outcomes}, {part:
    recomputed values}), as JudgeRunner.cases and JudgeRunner.recompute give them, or raises what
    stopped them (RunnerUnavailable when the runner could not start)."""

    def __init__(self, runner, definitions, part_names, state_names=()):
        self.runner, self.outcomes, self.recomputed, self.error = runner, {}, {}, None
        self.needed = lambda part: True  # until the notebook has run, every recomputation may be
        self.thread = threading.Thread(target=self.judge, args=(list(definitions), list(part_names),
                                                                list(state_names)), daemon=True)
        self.thread.start()

    def judge(self, definitions, part_names, state_names):
        try:
            self.runner.give_definitions(definitions)
            for part in part_names:
                self.outcomes[part] = self.runner.cases(part)
            for part in state_names:
                if self.needed(part):
                    self.recomputed[part] = self.runner.recompute(part)
        except Exception as error:  # raised in the grader's thread by result()
            self.error = error

    def result(self, needed=lambda part: True):
        """Wait for the jobs; the recomputations not yet started are made only for the state parts
        `needed` says (those whose record is usable: a notebook stopped by a hanging function costs
        no more time here than before)."""
        self.needed = needed
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.outcomes, self.recomputed


def submission_definitions(submitted_path, released_nb):
    """The definitions the runner runs: from the staged (repaired) submission, locked cells as released."""
    return notebook_definitions(nbformat.read(str(submitted_path), as_version=4), released_nb)


def needs_runner(assignment_id, part_names):
    """Whether any of these parts is judged in the runner (hidden cases, or state recomputed there)."""
    hidden, state = parts_for(assignment_id), state_parts_for(assignment_id)
    return any(p in hidden or (p in state and state[p].recompute) for p in part_names)

