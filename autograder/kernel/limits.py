"""What one submission may use while it is graded, and the time budget of one notebook.

Each limit has a `grade` option; docs/reliability.md states them with their defaults:
- memory: every process under an address-space limit (RLIMIT_AS, `--memory-limit`, default
  4 GB), so a huge allocation fails with a MemoryError in the student's code; and, where cgroups
  can be used, the same limit on the resident memory of the kernel, its children and its /tmp
  together (a memory cgroup);
- processes: at most `--max-processes` (default 256) tasks per kernel (a pids cgroup, else
  RLIMIT_NPROC for the kernel's own user);
- CPU: `--cpus` (default 1) cores' worth of CPU time per kernel, with an equal share for all;
- disk: a private /tmp of `--tmp-size` (default 512 MB) and at most `--disk-limit` (default
  512 MB) written into the working copy (also the largest file any process may write);
- time: `--timeout` per cell, and a budget per notebook (`--notebook-timeout`, default three
  times the cell timeout) shared by every process started for it: the grading kernel, its
  replays after a kernel death and the dependency rerun;
- output: output_cap.py.
The sandbox (sandbox.py) applies them; execute.py runs notebooks under them.
"""
import json
import sys
import time
from dataclasses import dataclass

from autograder.kernel.output_cap import DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS, DEFAULT_MAX_OUTPUT_CHARS

MB = 2 ** 20
GB = 2 ** 30
DEFAULT_MEMORY_LIMIT = 4 * GB
# A Python kernel with numpy reserves about 1 GB of address space before running any
# cell (thread stacks, malloc arenas, BLAS buffers); below this it cannot start.
MIN_MEMORY_LIMIT = GB + GB // 2
DEFAULT_MAX_PROCESSES = 256
DEFAULT_CPUS = 1.0
DEFAULT_TMP_SIZE = 512 * MB
DEFAULT_DISK_LIMIT = 512 * MB
NOTEBOOK_TIMEOUT_FACTOR = 3  # the default budget per notebook, in cell timeouts


def parse_size(text):
    """'4G', '1.5 GB', '800M' or a number of bytes -> bytes (int)."""
    text = str(text).strip().upper().removesuffix("B").strip()
    units = {"K": 2 ** 10, "M": MB, "G": GB, "T": 2 ** 40}
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    return int(float(number) * factor)


def describe_size(size):
    return f"{size / GB:g} GB" if size >= GB else f"{size / MB:g} MB"


def check_memory_limit(size):
    """The limit in bytes, or a ValueError saying why it cannot work."""
    if size < MIN_MEMORY_LIMIT:
        raise ValueError(f"a memory limit of {describe_size(size)} is too small: a Python kernel with numpy "
                         f"needs about 1 GB of address space just to start; use at least "
                         f"{describe_size(MIN_MEMORY_LIMIT)}.")
    return size


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded (picklable: workers receive it)."""
    memory_limit: int = DEFAULT_MEMORY_LIMIT   # bytes of address space per process, and of memory per kernel
    max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS  # output characters kept per cell
    max_notebook_output_chars: int = DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS  # output characters kept per notebook
    max_processes: int = DEFAULT_MAX_PROCESSES  # processes and threads per kernel
    cpus: float = DEFAULT_CPUS                 # cores' worth of CPU time per kernel
    tmp_size: int = DEFAULT_TMP_SIZE           # bytes of the kernel's private /tmp
    disk_limit: int = DEFAULT_DISK_LIMIT       # bytes a kernel may write into its working copy
    notebook_timeout: float | None = None      # seconds per notebook; None: NOTEBOOK_TIMEOUT_FACTOR cell timeouts

    def notebook_seconds(self, cell_timeout):
        return self.notebook_timeout or NOTEBOOK_TIMEOUT_FACTOR * cell_timeout

    def configure(self, config):
        """Settings an nbgrader config needs besides GuardedExecute (execute.py) for these limits."""
        # One rule for output size: ours, in characters. nbgrader's line limit
        # would otherwise also drop our note saying how much was left out.
        config.LimitOutput.max_lines = -1
        return config


class Budget:
    """The wall-clock seconds one notebook may use across every process started for it. The
    grader makes one per notebook and passes it to each of them; the clock starts with the first."""

    def __init__(self, seconds):
        self.seconds = float(seconds)
        self.started = None

    def start(self):
        if self.started is None:
            self.started = time.monotonic()
        return self

    def spent(self):
        return 0.0 if self.started is None else time.monotonic() - self.started

    def remaining(self):
        return max(self.seconds - self.spent(), 0.0)

    def expired(self):
        return self.started is not None and self.remaining() <= 0

    def reason(self):
        return (f"the notebook used up its time budget of {self.seconds:g} s (the time allowed for running the "
                "whole notebook, including any restart); the cells from here on were not run")


# Runs as `python -c LAUNCHER <json> <command...>` before anything else of a sandboxed process, as
# the grader's user (root, when there is a sandbox): joins the process's cgroups, sets its rlimits,
# then becomes the command, which inherits both (as do all its children). Rlimits the system
# refuses are skipped; a cgroup that cannot be joined stops the start (exit 70).
LAUNCHER = """import json, os, sys
spec = json.loads(sys.argv[1])
for procs in spec["cgroups"]:
    try:
        with open(procs, "w") as handle:
            handle.write(str(os.getpid()))
    except OSError as error:
        sys.stderr.write("autograder: could not join the cgroup %s: %s\\n" % (procs, error))
        sys.exit(70)
try:
    import resource
    for name, value in spec["rlimits"].items():
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError):
            pass
except ImportError:
    pass
os.execv(sys.argv[2], sys.argv[2:])
"""
LAUNCH_FAILED = 70


def launcher_command(command, cgroup_procs=(), rlimits=None):
    """`command` started by LAUNCHER: in the cgroups whose cgroup.procs files are given, under `rlimits`
    ({"RLIMIT_AS": bytes, ...})."""
    spec = json.dumps({"cgroups": list(cgroup_procs), "rlimits": dict(rlimits or {})})
    # -I -S: the launcher needs the standard library only; without `site` it starts in a third of
    # the time (16 ms against 48 ms, measured), once per kernel and per judge runner.
    return [sys.executable, "-I", "-S", "-c", LAUNCHER, spec, *command]
