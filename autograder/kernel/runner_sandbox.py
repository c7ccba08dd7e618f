"""The judge runner's process (autograder/cases/runner.py) in a Sandbox of its own (sandbox.py).

This is the one place the runner's sandbox is made. It is the same per-process sandbox as a
grading kernel's: the exact read-only view (instructor folders emptied, autograder/trusted/
among them), no network, an allowlisted environment, a user from the pool, a cgroup with the
submission's limits, a private size-limited /tmp and the disk-limit watchdog. Its working
folder is an empty folder of its own that nothing reads back. The runner empties that folder
and its /tmp after every job and kills whatever the job left running, so one child cannot
leave anything for a later one.
"""
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from autograder.cases import EXTRA_FOLDERS_VAR
from autograder.kernel.limits import Limits
from autograder.kernel.sandbox import SANDBOX_TMP, Sandbox, sandbox_available

RUNNER_MODULE = "autograder.cases.runner"


@dataclass
class RunnerProcess:
    """How to start the runner: `argv` with environment `env` in folder `cwd`; `scratch`, the
    folders the runner empties after each job (None without bubblewrap: it must not touch the
    host's /tmp); `sandbox`, whose watch(pid) the caller calls once the process runs."""
    argv: list
    env: dict
    cwd: str
    scratch: list | None
    sandbox: Sandbox


@contextmanager
def runner_process(limits=Limits()):
    """A RunnerProcess valid inside the with-block (then every process of it is killed, its user
    and cgroup released, its folder removed). Raises SandboxSetupError when the machine cannot
    provide the sandbox."""
    with tempfile.TemporaryDirectory(prefix="autograder-runner-") as folder:
        with Sandbox(folder, limits) as box:
            argv, env = box.wrap([sys.executable, "-m", RUNNER_MODULE], os.environ, also=(EXTRA_FOLDERS_VAR,))
            scratch = [SANDBOX_TMP, str(box.working_dir)] if sandbox_available() else None
            yield RunnerProcess(argv, env, str(box.working_dir), scratch, box)
