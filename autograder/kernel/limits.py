"""Limits on what one submission may use while it is graded, and the kernel
that runs it under them.

- Memory: every grading kernel runs under an address-space limit (RLIMIT_AS,
  `--memory-limit`, default 4 GB). A huge allocation then fails inside the
  student's code with a MemoryError, costing only the part it is in, instead
  of exhausting the machine that grades everyone else. The limit is set by a
  few lines of Python that exec the kernel, so it holds for any user the
  kernel runs as and needs no tool beyond the Python that runs the kernel.
- Output: each cell keeps at most `--max-output` characters of output
  (output_cap.py).
- A kernel that dies (killed, crashed) is replaced by a new one that runs the
  cells above again, so only the parts that need the cell it died in are lost.
"""
import copy
import sys
from dataclasses import dataclass

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

from autograder.kernel.output_cap import DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS, DEFAULT_MAX_OUTPUT_CHARS, OutputCap

GB = 2 ** 30
DEFAULT_MEMORY_LIMIT = 4 * GB
# A Python kernel with numpy reserves about 1 GB of address space before running any
# cell (thread stacks, malloc arenas, BLAS buffers); below this it cannot start.
MIN_MEMORY_LIMIT = GB + GB // 2

# Runs as `python -c LIMITED_EXEC <bytes> <kernel command...>`: sets the limit on
# itself, then becomes the kernel, which inherits it (as do its children). Where
# the system has no such limit (Windows) or refuses it, the kernel runs without.
LIMITED_EXEC = """import os, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
except (ImportError, ValueError, OSError):
    pass
os.execv(sys.argv[2], sys.argv[2:])
"""


def parse_size(text):
    """'4G', '1.5 GB', '800M' or a number of bytes -> bytes (int)."""
    text = str(text).strip().upper().removesuffix("B").strip()
    units = {"K": 2 ** 10, "M": 2 ** 20, "G": GB, "T": 2 ** 40}
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    return int(float(number) * factor)


def describe_size(size):
    return f"{size / GB:g} GB"


def check_memory_limit(size):
    """The limit in bytes, or a ValueError saying why it cannot work."""
    if size < MIN_MEMORY_LIMIT:
        raise ValueError(f"a memory limit of {describe_size(size)} is too small: a Python kernel with numpy "
                         f"needs about 1 GB of address space just to start; use at least "
                         f"{describe_size(MIN_MEMORY_LIMIT)}.")
    return size


def limited_command(command, memory_limit):
    """`command` run under an address-space limit of `memory_limit` bytes."""
    return [sys.executable, "-c", LIMITED_EXEC, str(int(memory_limit)), *command]


class LimitedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start under `memory_limit` (class attribute)."""
    memory_limit = DEFAULT_MEMORY_LIMIT

    def format_kernel_cmd(self, extra_arguments=None):
        return limited_command(super().format_kernel_cmd(extra_arguments), self.memory_limit)


def kernel_manager_with_limit(memory_limit, base=AsyncKernelManager):
    """A kernel manager class (nbclient wants a class) that starts kernels the way
    `base` does, under a limit of `memory_limit` bytes. A `base` that wraps the
    command further (a sandbox) keeps working: the limit is inherited through it."""
    if issubclass(base, LimitedKernelManager):
        base = base.__bases__[-1]
    return type("LimitedKernelManager", (LimitedKernelManager, base), {"memory_limit": int(memory_limit)})


KERNEL_DIED = "KernelDied"
MAX_KERNEL_RESTARTS = 3  # per notebook


def kernel_died_output():
    return new_output("error", ename=KERNEL_DIED, traceback=[], evalue=(
        "the Python process running the notebook stopped while this cell ran (it crashed, or was killed "
        "for using too much memory). The grader started a new one and ran the cells above again."))


def died_here(cell):
    return any(out.get("ename") == KERNEL_DIED for out in cell.get("outputs", []))


class GuardedExecute(OutputCap, Execute):
    """nbgrader's Execute with the memory limit and the output cap.

    Configure with `GuardedExecute.memory_limit` (bytes) and
    `GuardedExecute.max_output_chars` (per cell).
    """
    memory_limit = Integer(DEFAULT_MEMORY_LIMIT, help="address-space limit of each kernel, in bytes").tag(config=True)
    max_output_chars = Integer(DEFAULT_MAX_OUTPUT_CHARS, help="output characters kept per cell").tag(config=True)
    max_notebook_output_chars = Integer(DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS,
                                        help="output characters kept in the whole notebook").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap_kernel_output()
        self.start_cell()

    def create_kernel_manager(self):
        # Wrapped here, on the configured kernel manager class (e.g. the sandbox's), not in place of
        # it: nbconvert's preprocess() runs NotebookClient.__init__ again, which resets the class.
        self.kernel_manager_class = kernel_manager_with_limit(self.memory_limit, self.kernel_manager_class)
        return super().create_kernel_manager()

    def preprocess(self, nb, resources=None, km=None):
        self.restarts = 0
        self.start_notebook()
        try:
            return super().preprocess(nb, resources, km)
        except RuntimeError as error:
            # A kernel that dies while starting (before any cell ran), e.g. because
            # another process took one of its ports, gets one more try.
            if "before replying to kernel_info" not in str(error):
                raise
            return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        # nbconvert runs cells through here (its execute_cell does not reach an
        # override of async_execute_cell).
        self.start_cell()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if self.restarts >= MAX_KERNEL_RESTARTS:
                raise
            cell.outputs.append(kernel_died_output())
            self.restart_and_replay(index)
        self.finish_cell(cell)
        return cell, resources

    def restart_and_replay(self, index):
        """A new kernel that has run the code cells above cell `index` again (their outputs are not kept),
        so that only the parts that need the cell that killed the kernel lose their points."""
        self.restarts += 1
        # A new kernel on new ports: restarting on the dead kernel's ports races
        # with other grading processes that may have picked them up meanwhile.
        self._cleanup_kernel()
        self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        kept = self._notebook_total.kept  # the replay's outputs are thrown away: they cost no room
        for earlier_index, earlier in enumerate(self.nb.cells[:index]):
            if earlier.cell_type == "code" and not died_here(earlier):
                self.start_cell()
                self.execute_cell(copy.deepcopy(earlier), earlier_index, store_history=True)
        self._notebook_total.kept = kept


class LimitedNotebookClient(OutputCap, NotebookClient):
    """An nbclient NotebookClient with the memory limit and the output cap, for
    grading runs outside nbgrader (the dependency rerun)."""

    def __init__(self, nb, limits, kernel_manager_class=AsyncKernelManager, **kwargs):
        super().__init__(nb, kernel_manager_class=kernel_manager_with_limit(limits.memory_limit, kernel_manager_class),
                         **kwargs)
        self.max_output_chars = limits.max_output_chars
        self.max_notebook_output_chars = limits.max_notebook_output_chars
        self.cap_kernel_output()
        self.start_notebook()
        self.start_cell()

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.start_cell()
        result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self.finish_cell(cell)
        return result


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded."""
    memory_limit: int = DEFAULT_MEMORY_LIMIT   # bytes of address space per kernel
    max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS  # output characters kept per cell
    max_notebook_output_chars: int = DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS  # output characters kept per notebook

    def configure(self, config):
        """Put these limits into an nbgrader config that autogrades with GuardedExecute."""
        config.GuardedExecute.memory_limit = self.memory_limit
        config.GuardedExecute.max_output_chars = self.max_output_chars
        config.GuardedExecute.max_notebook_output_chars = self.max_notebook_output_chars
        # One rule for output size: ours, in characters. nbgrader's line limit
        # would otherwise also drop our note saying how much was left out.
        config.LimitOutput.max_lines = -1
        return config
