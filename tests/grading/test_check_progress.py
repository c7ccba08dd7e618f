"""`check` reports each graded part while the notebook is still running (it ran 8 minutes
silent on full data before): on the toy assignment, the last cell waits for a line on a named
pipe, which the test writes only once it has read both parts' lines."""
import os
import queue
import subprocess
import sys
import threading

import nbformat
import pytest

from autograder.examples import perfect_notebook
from tests.support.toy import ASSIGNMENT, NOTEBOOK

WAIT = 120  # seconds: the most any step may take before the test gives up


def lines_of(stream):
    """A queue that receives the stream's lines as they come (None at its end)."""
    lines = queue.Queue()

    def read():
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def test_check_prints_each_part_before_the_notebook_has_finished(toy_course, tmp_path):
    fifo = tmp_path / "go"
    os.mkfifo(fifo)
    # Held open for reading and writing, the pipe never blocks the cell's open(), and the line
    # written below waits in it until the cell reads it, whichever comes first.
    pipe = os.open(fifo, os.O_RDWR)
    nb = perfect_notebook(toy_course, ASSIGNMENT, NOTEBOOK)
    nb.cells.append(nbformat.v4.new_code_cell(f"with open({str(fifo)!r}) as _wait:\n    _wait.readline()"))
    path = tmp_path / f"{NOTEBOOK}.ipynb"
    nbformat.write(nb, str(path))
    # Into a pipe, as into `tee` or a CI log, Python buffers what it prints unless told otherwise.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    check = subprocess.Popen([sys.executable, "-m", "coursekit.check", str(path)], cwd=tmp_path, text=True, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        lines = lines_of(check.stdout)
        seen = []
        while len([line for line in seen if line.startswith("[PASS]")]) < 2:
            try:
                line = lines.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"check printed no part within {WAIT} s while the notebook ran: {seen}")
            assert line is not None, f"check ended before the notebook did: {seen}"
            seen.append(line)
        assert check.poll() is None, "the notebook was still waiting: check must still be running"
        assert "on the small data size" in seen[0]
        assert [line.split(" [")[0] for line in seen[1:]] == ["[PASS] add (2 points)", "[PASS] mul (3 points)"]
    finally:
        os.write(pipe, b"go\n")
        check.wait(timeout=WAIT)
        os.close(pipe)
    assert check.returncode == 0
    rest = []
    while (line := lines.get(timeout=WAIT)) is not None:
        rest.append(line)
    assert rest[-1].startswith("Visible tests: 2 of 2 parts pass (5 of 5 points)")


TEXT_ONLY_CELLS = [
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
    "from IPython.display import display\ndisplay({'application/x-record': 'kept'}, raw=True)\nprint('printed')",
    "raise ValueError('kept too')",
]


@pytest.mark.parametrize("figures", [True, False])
def test_a_text_only_run_draws_no_figure_and_keeps_everything_else(figures, tmp_path):
    """`check` and the dependency rerun draw no figures (nobody sees them); the rest of the outputs,
    the grader's raw records among them, stay as they are."""
    from coursekit.check import execute
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in TEXT_ONLY_CELLS])
    execute(nb, tmp_path, timeout=WAIT, figures=figures)
    figure, record, error = (cell.outputs for cell in nb.cells)
    assert any("image/png" in out.get("data", {}) for out in figure) == figures
    assert any(out.get("data", {}).get("text/plain", "").startswith("<Figure") for out in figure)
    assert [out["data"] for out in record if out["output_type"] == "display_data"] == [{"application/x-record": "kept"}]
    assert [out["text"] for out in record if out["output_type"] == "stream"] == ["printed\n"]
    assert [(out["ename"], out["evalue"]) for out in error] == [("ValueError", "kept too")]
