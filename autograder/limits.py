"""Limits on what one submission may use while it is graded: memory and output.

- Memory: every grading kernel runs under an address-space limit (RLIMIT_AS,
  `--memory-limit`, default 4 GB). A huge allocation then fails inside the
  student's code with a MemoryError, costing only the part it is in, instead
  of exhausting the machine that grades everyone else. The limit is set by a
  few lines of Python that exec the kernel, so it holds for any user the
  kernel runs as and needs no tool beyond the Python that runs the kernel.
- Output: each cell keeps at most `--max-output` characters of output (default
  50,000). The rest is dropped as it arrives, so a flood of prints never piles
  up in the grader's memory or in the graded notebook; a note says how much
  was left out.
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

GB = 2 ** 30
DEFAULT_MEMORY_LIMIT = 4 * GB
# A Python kernel with numpy reserves about 1 GB of address space before running any
# cell (thread stacks, malloc arenas, BLAS buffers); below this it cannot start.
MIN_MEMORY_LIMIT = GB + GB // 2
DEFAULT_MAX_OUTPUT_CHARS = 50_000
# Images and other non-text data (a plot is 20-100 kB of base64) get a budget of their own.
MAX_RICH_OUTPUT_CHARS = 5_000_000

# Runs as `python -c LIMITED_EXEC <bytes> <kernel command...>`: sets the limit on
# itself, then becomes the kernel, which inherits it (as do its children).
LIMITED_EXEC = ("import os, resource, sys; limit = int(sys.argv[1]); "
                "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); os.execv(sys.argv[2], sys.argv[2:])")


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


def kernel_manager_with_limit(memory_limit):
    """A LimitedKernelManager class for `memory_limit` bytes (nbclient wants a class)."""
    return type("LimitedKernelManager", (LimitedKernelManager,), {"memory_limit": int(memory_limit)})


def output_chars(output):
    """(text characters, non-text characters) an output adds to the notebook."""
    if output.output_type == "stream":
        return len(output.text), 0
    if output.output_type == "error":
        return len(output.get("evalue", "")) + sum(len(line) for line in output.get("traceback", [])), 0
    sizes = {mime: len(value) if isinstance(value, str) else len(str(value))
             for mime, value in output.get("data", {}).items()}
    text = sum(size for mime, size in sizes.items() if mime.startswith("text/"))
    return text, sum(sizes.values()) - text


TRUNCATION_MARK = "[output truncated:"


def truncated(text, limit):
    """`text` cut to `limit` characters, with a note saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n{TRUNCATION_MARK} {len(text) - limit} characters omitted]"


# Run in every grading kernel at start-up (IPython's exec_lines): stdout and
# stderr drop what goes past the cap as cheaply as possible, and at the end of
# each cell say how much they dropped. Printing megabytes through ipykernel
# costs about 50 microseconds per kilobyte; dropping costs almost nothing. The
# student's code could undo this, so the grader's own cap (OutputBudget)
# still holds; this only saves the time.
KERNEL_OUTPUT_CAP = """
import sys as _sys

class _CappedStream:
    def __init__(self, stream, budget):
        self._stream, self._budget = stream, budget

    def write(self, text):
        room = self._budget[0]
        if room > 0:
            self._stream.write(text if len(text) <= room else text[:room])
        self._budget[0] = room - len(text)
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)

def _install_output_cap(cap, mark):
    budget = [cap]
    streams = _sys.stdout, _sys.stderr
    _sys.stdout, _sys.stderr = _CappedStream(streams[0], budget), _CappedStream(streams[1], budget)

    def reset(*args):
        budget[0] = cap

    def report(*args):
        if budget[0] < 0:
            streams[0].flush()  # the note goes in a message of its own
            streams[0].write("\\n%s %d characters omitted by the grader]\\n" % (mark, -budget[0]))
            streams[0].flush()

    get_ipython().events.register("pre_run_cell", reset)
    get_ipython().events.register("post_run_cell", report)

_install_output_cap(CAP, MARK)
del _install_output_cap, _CappedStream
"""


def kernel_output_cap(max_output_chars):
    """Kernel command-line arguments that install the output cap at start-up."""
    code = KERNEL_OUTPUT_CAP.replace("CAP, MARK", f"{int(max_output_chars)}, {TRUNCATION_MARK!r}")
    return [f"--IPKernelApp.exec_lines={code}"]


def truncation_note(omitted):
    return new_output("stream", name="stdout",
                      text=f"\n{TRUNCATION_MARK} {omitted} characters omitted by the grader]\n")


class OutputBudget:
    """Characters of output one cell may still keep (text, and non-text data), and how many it lost."""

    def __init__(self, limit, rich_limit=MAX_RICH_OUTPUT_CHARS):
        self.limit, self.rich_limit = limit, rich_limit
        self.kept = self.rich_kept = self.omitted = 0

    def admit(self, output):
        """Shrink `output` in place to fit; return False when it must be dropped."""
        text, rich = output_chars(output)
        if output.output_type == "error":
            return self.admit_error(output, text)
        if output.output_type == "stream" and output.text.lstrip().startswith(TRUNCATION_MARK):
            return True  # the kernel's own note (KERNEL_OUTPUT_CAP) on what it dropped
        room = max(self.limit - self.kept, 0)
        if text <= room and self.rich_kept + rich <= self.rich_limit:
            self.kept, self.rich_kept = self.kept + text, self.rich_kept + rich
            return True
        if output.output_type == "stream" and room > 0:
            output.text = output.text[:room]
            self.kept, self.omitted = self.limit, self.omitted + text - room
            return True
        self.omitted += text + rich
        return False

    def admit_error(self, output, text):
        """Errors are always kept, since they decide the verdict, but cut to the limit."""
        if text > self.limit:
            output.evalue = output.get("evalue", "")[:self.limit]
            output.traceback = [line[:self.limit // 20] for line in output.get("traceback", [])[-20:]]
            self.omitted += text - output_chars(output)[0]
        return True


class OutputCap:
    """Mixin for nbclient's NotebookClient (or a subclass): caps each cell's output.

    Subclasses call start_cell() before a cell runs and finish_cell(cell) after.
    """
    max_output_chars = DEFAULT_MAX_OUTPUT_CHARS

    def start_cell(self):
        self._budget = OutputBudget(self.max_output_chars)

    def cap_kernel_output(self):
        """Have the kernel drop output past the cap itself (KERNEL_OUTPUT_CAP)."""
        self.extra_arguments = [*self.extra_arguments, *kernel_output_cap(self.max_output_chars)]

    def finish_cell(self, cell):
        if self._budget.omitted:
            cell.outputs.append(truncation_note(self._budget.omitted))

    def output(self, outs, msg, display_id, cell_index):
        if self.clear_before_next_output:  # the base class is about to empty `outs`
            self._budget.kept = self._budget.rich_kept = 0
        out = super().output(outs, msg, display_id, cell_index)
        if out is None or self._budget.admit(out):
            return out
        if display_id:  # keep its slot: a later update_display_data refers to it by index
            out.data, out.metadata = {"text/plain": ""}, {}
        else:
            outs.pop()
        return None

    def clear_output(self, outs, msg, cell_index):
        super().clear_output(outs, msg, cell_index)
        if not outs:
            self._budget.kept = self._budget.rich_kept = 0


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kernel_manager_class = kernel_manager_with_limit(self.memory_limit)
        self.cap_kernel_output()
        self.start_cell()

    def preprocess(self, nb, resources=None, km=None):
        self.restarts = 0
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
        for earlier_index, earlier in enumerate(self.nb.cells[:index]):
            if earlier.cell_type == "code" and not died_here(earlier):
                self.start_cell()
                self.execute_cell(copy.deepcopy(earlier), earlier_index, store_history=True)


class LimitedNotebookClient(OutputCap, NotebookClient):
    """An nbclient NotebookClient with the memory limit and the output cap, for
    grading runs outside nbgrader (the dependency rerun)."""

    def __init__(self, nb, limits, **kwargs):
        super().__init__(nb, kernel_manager_class=kernel_manager_with_limit(limits.memory_limit), **kwargs)
        self.max_output_chars = limits.max_output_chars
        self.cap_kernel_output()
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

    def configure(self, config):
        """Put these limits into an nbgrader config that autogrades with GuardedExecute."""
        config.GuardedExecute.memory_limit = self.memory_limit
        config.GuardedExecute.max_output_chars = self.max_output_chars
        # One rule for output size: ours, in characters. nbgrader's line limit
        # would otherwise also drop our note saying how much was left out.
        config.LimitOutput.max_lines = -1
        return config
