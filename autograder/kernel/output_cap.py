"""The output cap: each cell of a graded notebook keeps at most `--max-output`
characters of output (default 50,000).

The rest is dropped as it arrives, twice over: inside the kernel, where
dropping is nearly free (KERNEL_OUTPUT_CAP), and in the grader, which does not
rely on the kernel's cooperation (OutputCap). A flood of prints therefore never
piles up in the grader's memory or in the graded notebook; a note in the cell
says how much was left out.
"""
from nbformat.v4 import new_output

DEFAULT_MAX_OUTPUT_CHARS = 50_000
# Images and other non-text data (a plot is 20-100 kB of base64) get a budget of their own.
MAX_RICH_OUTPUT_CHARS = 5_000_000


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
