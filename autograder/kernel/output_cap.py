"""The output cap: each cell of a graded notebook keeps at most `--max-output`
characters of output (default 50,000), and the whole notebook at most
`--max-notebook-output` (default 20,000,000), whatever way the output arrives.

The rest is dropped as it arrives, twice over: inside the kernel, where
dropping is nearly free (KERNEL_OUTPUT_CAP), and in the grader, which does not
rely on the kernel's cooperation (OutputCap). A flood of prints therefore never
piles up in the grader's memory or in the graded notebook; a note in the cell
says how much was left out. The notebook's total counts every output ever
admitted, so clearing output and printing again does not reset it, and an
update of a display (update_display_data, or a new display with the same
display_id) counts once for every output it rewrites. Widget messages (comms)
are ignored: grading needs no widgets, and their state would be stored unchecked.
"""
import json

from nbformat.v4 import new_output

DEFAULT_MAX_OUTPUT_CHARS = 50_000
# Images and other non-text data (a plot is 20-100 kB of base64) get a budget of their own.
MAX_RICH_OUTPUT_CHARS = 5_000_000
DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS = 20 * 2 ** 20  # "20M", as grade --max-notebook-output says
MAX_ERROR_NAME_CHARS = 200


def data_chars(data, metadata=None):
    """(text characters, other characters) of a display's data and metadata."""
    sizes = {mime: len(value) if isinstance(value, str) else len(json.dumps(value, default=str))
             for mime, value in (data or {}).items()}
    text = sum(size for mime, size in sizes.items() if mime.startswith("text/"))
    return text, sum(sizes.values()) - text + (len(json.dumps(metadata, default=str)) if metadata else 0)


def output_chars(output):
    """(text characters, non-text characters) an output adds to the notebook."""
    if output.output_type == "stream":
        return len(output.text), 0
    if output.output_type == "error":
        return (len(output.get("ename", "")) + len(output.get("evalue", ""))
                + sum(len(line) for line in output.get("traceback", [])), 0)
    return data_chars(output.get("data"), output.get("metadata"))


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


class NotebookTotal:
    """Characters of output the whole notebook may still admit; never given back (not by
    clear_output either), so the graded notebook's size is bounded whatever the kernel sends."""

    def __init__(self, limit=DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS):
        self.limit, self.kept = limit, 0

    @property
    def room(self):
        return max(self.limit - self.kept, 0)

    def take(self, chars):
        """Count `chars` in if they fit; return whether they did."""
        if chars > self.room:
            return False
        self.kept += chars
        return True


class OutputBudget:
    """Characters of output one cell may still keep (text, and non-text data), and how many it lost.
    `notebook` (a NotebookTotal) is the notebook's total, which every admitted output also counts against."""

    def __init__(self, limit, rich_limit=MAX_RICH_OUTPUT_CHARS, notebook=None):
        self.limit, self.rich_limit = limit, rich_limit
        self.notebook = notebook or NotebookTotal()
        self.kept = self.rich_kept = self.omitted = 0

    def admit(self, output):
        """Shrink `output` in place to fit; return False when it must be dropped."""
        text, rich = output_chars(output)
        if output.output_type == "error":
            return self.admit_error(output, text)
        if output.output_type == "stream" and output.text.lstrip().startswith(TRUNCATION_MARK):
            return True  # the kernel's own note (KERNEL_OUTPUT_CAP) on what it dropped
        room = min(max(self.limit - self.kept, 0), self.notebook.room)
        if text <= room and self.rich_kept + rich <= self.rich_limit and self.notebook.take(text + rich):
            self.kept, self.rich_kept = self.kept + text, self.rich_kept + rich
            return True
        if output.output_type == "stream" and room > 0:
            output.text = output.text[:room]
            self.notebook.take(room)
            self.kept, self.omitted = self.kept + room, self.omitted + text - room
            return True
        self.omitted += text + rich
        return False

    def admit_error(self, output, text):
        """Errors are always kept, since they decide the verdict, but cut to the limit."""
        output.ename = str(output.get("ename", ""))[:MAX_ERROR_NAME_CHARS]
        if text > self.limit:
            output.evalue = output.get("evalue", "")[:self.limit]
            output.traceback = [line[:self.limit // 20] for line in output.get("traceback", [])[-20:]]
            self.omitted += text - output_chars(output)[0]
        self.notebook.kept += output_chars(output)[0]  # at most the per-cell limit, and always kept
        return True

    def admit_update(self, data, metadata, targets):
        """Whether an update of a display shown `targets` times may replace their data and
        metadata (each target counts), else count it as omitted."""
        text, rich = data_chars(data, metadata)
        if text <= self.limit and rich <= self.rich_limit and self.notebook.take(targets * (text + rich)):
            return True
        self.omitted += targets * (text + rich)
        return False


def dropped_update_note():
    return {"text/plain": f"{TRUNCATION_MARK} a display update was dropped by the grader]"}


class OutputCap:
    """Mixin for nbclient's NotebookClient (or a subclass): caps each cell's output and the notebook's.

    Subclasses call start_notebook() before the first cell, start_cell() before each cell and
    finish_cell(cell) after it.
    """
    max_output_chars = DEFAULT_MAX_OUTPUT_CHARS
    max_notebook_output_chars = DEFAULT_MAX_NOTEBOOK_OUTPUT_CHARS

    def start_notebook(self):
        self._notebook_total = NotebookTotal(self.max_notebook_output_chars)

    def start_cell(self):
        if not hasattr(self, "_notebook_total"):
            self.start_notebook()
        self._budget = OutputBudget(self.max_output_chars, notebook=self._notebook_total)

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

    def _update_display_id(self, display_id, msg):
        """nbclient rewrites every output shown with `display_id` (in any cell) to the update's data:
        each of them counts against the notebook's total, and an update that does not fit is
        replaced by a short note."""
        targets = sum(len(indices) for indices in self._display_id_map.get(display_id, {}).values())
        content = msg["content"]
        if targets and not self._budget.admit_update(content.get("data"), content.get("metadata"), targets):
            msg = {**msg, "content": {**content, "data": dropped_update_note(), "metadata": {}}}
        super()._update_display_id(display_id, msg)

    def handle_comm_msg(self, outs, msg, cell_index):
        """Ignore widget messages: grading needs no widgets, and nbclient would store their
        state (and an Output widget's captured output) in the notebook unchecked."""
