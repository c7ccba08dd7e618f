"""The output cap (autograder/kernel/output_cap.py) without a kernel: the grader's budget per
cell, the mixin's bookkeeping around nbclient's output handling, and the code the kernels run
at start-up (run here on stand-in streams)."""
import io
import sys

import nbformat
import pytest
from nbformat.v4 import new_output

from nbclient import NotebookClient

from autograder.kernel.output_cap import (DEFAULT_MAX_OUTPUT_CHARS, KERNEL_OUTPUT_CAP, TRUNCATION_MARK, OutputBudget,
                                          OutputCap, kernel_output_cap, output_chars, truncated, truncation_note)


def stream(text):
    return new_output("stream", name="stdout", text=text)


def test_output_chars_counts_text_and_rich_data_apart():
    assert output_chars(stream("abc")) == (3, 0)
    error = new_output("error", ename="ValueError", evalue="12345", traceback=["ab", "cde"])
    assert output_chars(error) == (20, 0)
    display = new_output("display_data", data={"text/plain": "xy", "image/png": "A" * 100})
    assert output_chars(display) == (2, 100)


def test_truncated_cuts_and_says_how_much():
    assert truncated("short", 10) == "short"
    assert truncated("x" * 25, 10) == "x" * 10 + f"\n{TRUNCATION_MARK} 15 characters omitted]"


def test_the_budget_keeps_text_up_to_the_limit_and_counts_the_rest():
    budget = OutputBudget(10)
    first, second, third = stream("123456"), stream("abcdefgh"), stream("zz")
    assert budget.admit(first) and first.text == "123456"
    assert budget.admit(second) and second.text == "abcd"          # cut to what is left
    assert not budget.admit(third)                                   # nothing left: dropped
    assert budget.kept == 10 and budget.omitted == 4 + 2


def test_the_budget_always_keeps_errors_but_cuts_them():
    budget = OutputBudget(100)
    error = new_output("error", ename="ValueError", evalue="y" * 1000, traceback=["t" * 50] * 30)
    assert budget.admit(error)
    assert len(error.evalue) == 100 and len(error.traceback) == 20 and all(len(t) == 5 for t in error.traceback)
    assert budget.omitted == (1000 + 50 * 30) - (100 + 5 * 20)
    small = new_output("error", ename="E", evalue="short", traceback=[])
    assert OutputBudget(100).admit(small) and small.evalue == "short"


def test_rich_data_has_a_budget_of_its_own_and_the_kernels_note_always_passes():
    budget = OutputBudget(10, rich_limit=100)
    assert budget.admit(new_output("display_data", data={"text/plain": "p", "image/png": "A" * 90}))
    assert not budget.admit(new_output("display_data", data={"text/plain": "p", "image/png": "A" * 20}))
    full = OutputBudget(1)
    assert full.admit(stream("x"))
    assert full.admit(stream(f"\n{TRUNCATION_MARK} 99 characters omitted by the grader]\n"))
    assert full.omitted == 0


class FakeClient:
    """nbclient's side of the mixin: output() appends what arrives, clear_output() empties."""
    clear_before_next_output = False

    def __init__(self):
        self.extra_arguments = ["--existing"]

    def output(self, outs, msg, display_id, cell_index):
        if self.clear_before_next_output:
            outs.clear()
            self.clear_before_next_output = False
        outs.append(msg)
        return msg

    def clear_output(self, outs, msg, cell_index):
        outs.clear()


class Capped(OutputCap, FakeClient):
    max_output_chars = 10


def test_the_mixin_drops_what_goes_past_the_cap_and_notes_it():
    client, cell = Capped(), nbformat.v4.new_code_cell("print(...)")
    client.start_cell()
    for text in ["12345678", "abcdef", "more", "and more"]:
        client.output(cell.outputs, stream(text), None, 0)
    assert [o.text for o in cell.outputs] == ["12345678", "ab"]
    client.finish_cell(cell)
    assert cell.outputs[-1] == truncation_note(4 + 4 + 8)
    assert f"{TRUNCATION_MARK} 16 characters omitted by the grader]" in cell.outputs[-1].text


def test_a_dropped_display_keeps_its_slot_and_clearing_gives_the_budget_back():
    client, outs = Capped(), []
    client.start_cell()
    client.output(outs, stream("x" * 10), None, 0)
    dropped = new_output("display_data", data={"text/plain": "a long display"})
    assert client.output(outs, dropped, "display-1", 0) is None
    assert len(outs) == 2 and outs[1].data == {"text/plain": ""}   # updates refer to it by index
    client.clear_output(outs, None, 0)
    assert client.output(outs, stream("fresh"), None, 0) is not None and outs[0].text == "fresh"
    client.clear_before_next_output = True
    assert client.output(outs, stream("0123456789"), None, 0).text == "0123456789"


def test_the_mixin_asks_the_kernel_to_cap_its_output_too():
    client = Capped()
    client.cap_kernel_output()
    assert client.extra_arguments[0] == "--existing"
    [argument] = client.extra_arguments[1:]
    assert argument == kernel_output_cap(10)[0] and argument.startswith("--IPKernelApp.exec_lines=")
    assert "_install_output_cap(10, '[output truncated:')" in argument
    assert "CAP, MARK" not in argument and DEFAULT_MAX_OUTPUT_CHARS == 50_000


class FakeEvents:
    def __init__(self):
        self.handlers = {}

    def register(self, event, handler):
        self.handlers.setdefault(event, []).append(handler)

    def trigger(self, event):
        for handler in self.handlers.get(event, []):
            handler()


def test_the_kernels_start_up_code_drops_past_the_cap_and_reports_per_cell():
    events = FakeEvents()
    ipython = type("IPython", (), {"events": events})()
    out, err = io.StringIO(), io.StringIO()
    code = kernel_output_cap(10)[0].split("=", 1)[1]
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        exec(code, {"get_ipython": lambda: ipython})
        events.trigger("pre_run_cell")
        print("12345678")       # 9 characters with the newline
        sys.stderr.write("abc")  # stdout and stderr share one budget
        print("dropped")
        events.trigger("post_run_cell")
        events.trigger("pre_run_cell")
        print("ok")
        events.trigger("post_run_cell")
        assert sys.stdout.isatty == out.isatty   # everything else is the real stream's
    finally:
        sys.stdout, sys.stderr = saved
    assert err.getvalue() == "a"
    assert out.getvalue() == f"12345678\n\n{TRUNCATION_MARK} 10 characters omitted by the grader]\nok\n"
    assert "CAP" in KERNEL_OUTPUT_CAP


@pytest.mark.parametrize("limit", [1, 1000])
def test_a_stream_exactly_at_the_limit_is_kept_whole(limit):
    budget = OutputBudget(limit)
    output = stream("x" * limit)
    assert budget.admit(output) and output.text == "x" * limit and budget.omitted == 0


# --- The whole notebook, through nbclient's own message handling (no kernel needed) -----------

def message(msg_type, content, parent="cell"):
    return {"msg_type": msg_type, "header": {"msg_type": msg_type}, "parent_header": {"msg_id": parent},
            "content": content, "metadata": {}}


def display(text, display_id=None, msg_type="display_data", metadata=None):
    return message(msg_type, {"data": {"text/plain": text}, "metadata": metadata or {},
                              "transient": {"display_id": display_id} if display_id else {}})


class CappedClient(OutputCap, NotebookClient):
    """nbclient's real NotebookClient (its process_message, output, clear_output and display-id
    bookkeeping) with the cap; messages are fed by hand."""

    def __init__(self, nb, per_cell, per_notebook):
        super().__init__(nb)
        self.max_output_chars, self.max_notebook_output_chars = per_cell, per_notebook
        self.reset_execution_trackers()
        self.start_notebook()

    def run_cell(self, index, messages):
        self.start_cell()
        self.clear_before_next_output = False
        cell = self.nb.cells[index]
        for msg in messages:
            self.process_message(msg, cell, index)
        self.finish_cell(cell)
        return cell


def notebook_of(cells):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("...") for _ in range(cells)])


def kept_chars(nb):
    return sum(sum(output_chars(o)) for cell in nb.cells for o in cell.outputs
               if TRUNCATION_MARK not in str(o.get("text", "")) + str(o.get("data", "")))


def test_the_notebook_total_caps_what_every_cell_may_keep():
    nb = notebook_of(3)
    client = CappedClient(nb, per_cell=100, per_notebook=150)
    client.run_cell(0, [message("stream", {"name": "stdout", "text": "a" * 100})])
    client.run_cell(1, [message("stream", {"name": "stdout", "text": "b" * 100})])
    cell = client.run_cell(2, [message("stream", {"name": "stdout", "text": "c" * 100})])
    assert kept_chars(nb) == 150 and nb.cells[1].outputs[0].text == "b" * 50
    assert cell.outputs == [truncation_note(100)]


def test_clearing_output_again_and_again_does_not_reset_the_notebook_total():
    nb = notebook_of(1)
    client = CappedClient(nb, per_cell=100, per_notebook=1000)
    flood = []
    for _ in range(50):  # 50 x 100 characters, each cleared before the next: 5,000 admitted if it reset
        flood += [message("stream", {"name": "stdout", "text": "x" * 100}), message("clear_output", {"wait": True})]
    client.run_cell(0, flood + [message("stream", {"name": "stdout", "text": "last"})])
    assert client._notebook_total.kept <= 1000
    assert nb.cells[0].outputs[-1] == truncation_note(4 + 40 * 100)


def test_a_display_shown_many_times_cannot_be_updated_past_the_caps():
    """200 outputs share one display_id, then one update of 2 MB: each would hold the 2 MB (400 MB)."""
    nb = notebook_of(2)
    client = CappedClient(nb, per_cell=DEFAULT_MAX_OUTPUT_CHARS, per_notebook=20_000_000)
    client.run_cell(0, [display("small", "d1") for _ in range(200)])
    assert len(nb.cells[0].outputs) == 200
    client.run_cell(1, [display("u" * 2_000_000, "d1", "update_display_data")])
    assert {o.data["text/plain"] for o in nb.cells[0].outputs} == {
        f"{TRUNCATION_MARK} a display update was dropped by the grader]"}
    assert len(nbformat.writes(nb)) < 100_000
    assert TRUNCATION_MARK in nb.cells[1].outputs[-1].text  # the cell that sent it says so
    client.run_cell(1, [display("ok", "d1", "update_display_data")])  # a small update still arrives
    assert {o.data["text/plain"] for o in nb.cells[0].outputs} == {"ok"}
    assert client._notebook_total.kept >= 200 * 2


def test_metadata_counts_and_widget_messages_are_ignored():
    nb = notebook_of(1)
    client = CappedClient(nb, per_cell=100, per_notebook=10_000)
    cell = client.run_cell(0, [
        display("x", metadata={"padding": "m" * 100_000}),
        message("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget",
                              "data": {"state": {"value": "w" * 100_000}, "buffer_paths": []}}),
        message("comm_msg", {"comm_id": "c1", "data": {"method": "update", "state": {"value": "w" * 100_000}}}),
    ])
    assert cell.outputs == [truncation_note(1 + len('{"padding": ""}') + 100_000)]
    assert client.widget_state == {} and len(nbformat.writes(nb)) < 10_000
