"""The judge runner: `python -m autograder.cases.runner`, the one process per submission in
which the grader runs the student's code on the hidden cases, outside the student's kernel.

It is started by the grader (autograder/grading/judge_runner.py) in a sandbox of its own
(autograder/kernel/runner_sandbox.py: a user and cgroup from the pool, no network, an
empty working folder that nothing reads back), while the notebook runs, and talks to
the grader over its standard input and output only:

1. it imports the libraries notebooks use; when the grader has staged the submission, it sends
   the setup: the assignment and the student's definitions (imports, functions, classes
   and literal constants of the notebook, autograder/judging/solution_code.py);
2. then one job at a time, in notebook order: a part to judge ("cases": run its hidden
   cases; "state": recompute a state part's values with the student's functions), the
   trusted helpers that part needs (their source, sent with that job only), and, for the
   dependency rerun, reference code to put in place of the student's;
3. for each job the runner forks a child, which runs the definitions (student code runs
   only in children, never in this process), then the job, and writes back a record of
   plain numbers (autograder/cases/records.py); the runner sends it to the grader.

A child never sees a trusted helper before the grader sends it for the job that needs it:
the part a helper implements is judged earlier, in a child that never had it, so no later
child, whatever it does, can change that verdict. A child cannot reach the grader's pipes
(it closes them before any student code runs), nor this process's memory (not dumpable),
and leaves nothing for a later child: after every job this process kills whatever the job
left running and empties the only writable places, its working folder and private /tmp. A child that dies, hangs past the time limit or writes garbage costs only its own part.
"""
import ctypes
import importlib
import json
import os
import select
import signal
import struct
import sys
import time

import numpy as np

from autograder.cases import parts_for, state_parts_for
from autograder.cases.records import ERROR_KEY, MAX_RECORD_BYTES, outcome, pack_outcomes, pack_state

FRAME_HEADER = struct.Struct(">Q")
MAX_FRAME_BYTES = 256 * 2**20       # a setup message with a long notebook, or a record
PRELOADED = ("numpy", "matplotlib.pyplot", "coursekit.checks", "coursekit.data", "coursekit.datasize",
             "coursekit.plots")
PR_SET_DUMPABLE = 4


class ChannelClosed(Exception):
    """The other side closed the pipe (or sent a frame cut short)."""


class FrameTooLarge(ChannelClosed):
    """The other side sent a frame larger than allowed."""


def write_frame(fd, data):
    """Send bytes, length first."""
    view = memoryview(FRAME_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def read_exactly(fd, size, deadline=None):
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(missing, 2**20))
        if not chunk:
            raise ChannelClosed("the pipe closed")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def read_frame(fd, limit=MAX_FRAME_BYTES, deadline=None):
    """Receive one frame's bytes; ChannelClosed when the pipe closes, TimeoutError past `deadline`."""
    (size,) = FRAME_HEADER.unpack(read_exactly(fd, FRAME_HEADER.size, deadline))
    if size > limit:
        raise FrameTooLarge(f"a frame of {size} bytes is larger than the {limit} allowed")
    return read_exactly(fd, size, deadline)


def failure_record(setup, job, message):
    """The record of a job whose child produced none: every case (or the state) failed with `message`."""
    if job["kind"] == "cases":
        return pack_outcomes([("error", message)] * len(parts_for(setup["assignment"])[job["part"]].cases))
    return pack_state({ERROR_KEY: message})


def run_definitions(sources, namespace):
    """Run each definition on its own: one that fails (as its cell would in the kernel) leaves the rest."""
    for index, source in enumerate(sources):
        try:
            exec(compile(source, f"<notebook definition {index}>", "exec"), namespace)
        except BaseException:  # noqa: B036 - student code may raise anything, SystemExit included
            pass


def trusted_helpers(sources):
    """{name: function} from the trusted helpers' source, each run with numpy only (autograder/trusted/)."""
    helpers = {}
    for name, source in sources.items():
        space = {"np": np}
        exec(compile(source, f"<trusted {name}>", "exec"), space)
        helpers[name] = space[name]
    return helpers


def job_record(setup, job):
    """The record of one job, made in the child: the student's definitions, then the reference code
    the job puts in their place, then the part's hidden cases or the state part's recomputation."""
    namespace = {"__name__": "__main__"}
    run_definitions(setup["definitions"], namespace)
    for source in job.get("replace", []):
        exec(compile(source, "<reference>", "exec"), namespace)
    assignment_id, part_name = setup["assignment"], job["part"]
    if job["kind"] == "state":
        try:
            values = state_parts_for(assignment_id)[part_name].recompute(namespace)
        except Exception as error:
            values = {ERROR_KEY: f"{type(error).__name__}: {error}"}
        return pack_state(values)
    part = parts_for(assignment_id)[part_name]
    if part.target not in namespace:
        message = (f"NameError: {part.target} is not defined (did the cell that defines it run without errors, "
                   "and does it keep its name?)")
        return pack_outcomes([("error", message)] * len(part.cases))
    trusted = trusted_helpers(job.get("trusted", {}))
    return pack_outcomes([outcome(namespace[part.target], part, case.make_inputs(), trusted) for case in part.cases])


def child(setup, job, result_fd, private_fds):
    """In the forked child: close the grader's pipes first, then run the job and write its record."""
    for fd in private_fds:
        os.close(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.setpgid(0, 0)
    try:
        data = job_record(setup, job)
    except BaseException as error:  # noqa: B036
        data = failure_record(setup, job, f"{type(error).__name__}: {error}")
    try:
        write_frame(result_fd, data)
    finally:
        os._exit(0)


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_job(setup, job, private_fds):
    """Fork a child for one job; return its record, or a failure record when it dies or hangs."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        child(setup, job, write_fd, private_fds)
    os.close(write_fd)
    timeout = float(job.get("timeout", setup.get("timeout", 600)))
    try:
        return read_frame(read_fd, limit=MAX_RECORD_BYTES, deadline=time.monotonic() + timeout)
    except FrameTooLarge:
        return failure_record(setup, job, f"RecordTooLarge: the outputs of {job['part']} are larger than "
                              f"{MAX_RECORD_BYTES // 2**20} MB")
    except TimeoutError:
        return failure_record(setup, job, f"TimeoutError: the hidden tests of {job['part']} ran past the time "
                              f"limit ({timeout:g} s)")
    except ChannelClosed:
        return failure_record(setup, job, "ProcessStopped: the Python process running the hidden tests of "
                              f"{job['part']} stopped before they finished (it crashed, exited, or was killed "
                              "for using too much memory)")
    finally:
        os.close(read_fd)
        kill_group(pid)
        os.waitpid(pid, 0)


def kill_leftovers():
    """Kill every process of this sandbox but this one and the sandbox's init (pid 1): what a job
    left running (a daemon, a child that escaped its process group). Only ever called inside the
    sandbox's own pid namespace."""
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, os.getpid()):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def empty(folder):
    """Remove whatever a job left in `folder` (the sandbox's /tmp, its working folder); what this process
    may not remove (the sandbox's own read-only mounts) stays."""
    for root, dirs, _ in os.walk(folder):
        for name in dirs:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                try:
                    os.chmod(path, 0o700)   # a folder the job made unreadable
                except OSError:
                    pass
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files + dirs:
            path = os.path.join(root, name)
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    os.rmdir(path)
                else:
                    os.unlink(path)
            except OSError:
                pass


def clean_up(setup):
    """After a job, in the sandbox: nothing of it may reach the next one."""
    if setup.get("scratch"):
        kill_leftovers()
        for folder in setup["scratch"]:
            empty(folder)


def preload(modules):
    """Import the libraries notebooks use, once, before any fork (no student code runs here)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional library is the child's problem, when it imports it
            pass


def not_dumpable():
    """No same-user process (a child's leftovers) may read this process's memory or attach to it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main():
    channel_in, channel_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)  # what children read or print goes nowhere (stderr too, see child())
    not_dumpable()
    preload(PRELOADED)   # before the setup: the grader may start this process while the notebook runs
    try:
        setup = json.loads(read_frame(channel_in))
        write_frame(channel_out, b"ready")
        while True:
            job = json.loads(read_frame(channel_in))   # the grader kills this process when it is done
            if job["kind"] == "state":
                state_parts_for(setup["assignment"])[job["part"]].prepare()
            record = run_job(setup, job, (channel_in, channel_out))
            clean_up(setup)
            write_frame(channel_out, record)
    except ChannelClosed:
        return 0


if __name__ == "__main__":
    sys.exit(main())
