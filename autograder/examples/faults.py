"""Hostile and broken submissions, built from a working notebook: what students'
editors and habits do to notebook files, and code that tests the grader's limits.

Each builder takes a notebook node (nbformat v4) and returns a new one, or the
file text for formats nbformat would not write as-is (older formats, editor
layouts). The reliability tests grade every one of them through nbgrader.
"""
import ast
import copy
import json
import uuid

import nbformat

from autograder.examples import cell_by_grade_id, with_cell_source

# Statements a student might leave in an answer.
INFINITE_LOOP = "while True:\n    pass"
MEMORY_HOG = "_big = __import__('numpy').ones(50 * 2**30 // 8)  # 50 GB"
# Fits in this machine's RAM as far as the kernel's overcommit check is concerned
# (np.empty touches no page), so only the grader's memory limit stops it.
MEMORY_HOG_6GB = "_big = __import__('numpy').empty(6 * 2**30 // 8)  # 6 GB"
OUTPUT_FLOOD = "for _i in range(100_000):\n    print('debug: still looping over the data', _i, '.' * 60)"  # ~10 MB
KILL_KERNEL = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"


def copied(nb):
    return nbformat.from_dict(copy.deepcopy(nb))


def with_prelude(nb, grade_id, code):
    """`nb` with `code` run at the start of the solution cell `grade_id`."""
    cell = cell_by_grade_id(nb, grade_id)
    return with_cell_source(nb, grade_id, code + "\n\n" + cell.source)


def with_statement_in_function(nb, grade_id, statement):
    """`nb` with `statement` run first thing in the first function that cell `grade_id` defines."""
    cell = cell_by_grade_id(nb, grade_id)
    lines = cell.source.splitlines()
    function = next(node for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef))
    first = lines[function.body[0].lineno - 1]
    indent = first[:len(first) - len(first.lstrip())]
    body = "\n".join(indent + line for line in statement.splitlines())
    at = function.body[0].lineno - 1
    return with_cell_source(nb, grade_id, "\n".join(lines[:at] + [body] + lines[at:]))


def position(nb, grade_id):
    return nb.cells.index(cell_by_grade_id(nb, grade_id))


def with_duplicated_cell(nb, grade_id, before=False, source=None):
    """A copy/paste of cell `grade_id` (its nbgrader metadata and cell id come
    along, nbgrader issue #1083), placed right after it, or right before it."""
    copy_ = copied(nb)
    original = cell_by_grade_id(copy_, grade_id)
    duplicate = copy.deepcopy(original)
    if source is not None:
        duplicate.source = source
    index = copy_.cells.index(original)
    copy_.cells.insert(index if before else index + 1, duplicate)
    return copy_


def with_split_cell(nb, grade_id, first_lines):
    """JupyterLab's "Split Cell": both halves keep the cell's nbgrader metadata;
    the second gets a new cell id."""
    copy_ = copied(nb)
    cell = cell_by_grade_id(copy_, grade_id)
    lines = cell.source.splitlines()
    second = copy.deepcopy(cell)
    cell.source, second.source = "\n".join(lines[:first_lines]), "\n".join(lines[first_lines:])
    second["id"] = str(uuid.UUID(int=1))
    copy_.cells.insert(copy_.cells.index(cell) + 1, second)
    return copy_


def with_duplicated_cell_ids(nb):
    """Every code cell carries the same cell id (a copy/paste in an old editor, or a bad merge)."""
    copy_ = copied(nb)
    code = [c for c in copy_.cells if c.cell_type == "code"]
    for cell in code[1:]:
        cell["id"] = code[0]["id"]
    return copy_


def with_nbgrader_metadata(nb, cell_id, **changes):
    """Cell `cell_id` (a grade_id) with its nbgrader metadata changed (a value of None removes the key)."""
    copy_ = copied(nb)
    meta = cell_by_grade_id(copy_, cell_id).metadata.nbgrader
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return copy_


def with_cell_type(nb, grade_id, cell_type):
    """Cell `grade_id` turned into another cell type (nbgrader issue #1941)."""
    copy_ = copied(nb)
    cell = cell_by_grade_id(copy_, grade_id)
    cell.cell_type = cell_type
    if cell_type != "code":
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return copy_


def with_cells_moved(nb, grade_ids, before_grade_id):
    """The cells `grade_ids` (in order) moved to just before cell `before_grade_id`."""
    copy_ = copied(nb)
    moving = [cell_by_grade_id(copy_, g) for g in grade_ids]
    copy_.cells = [c for c in copy_.cells if c not in moving]
    index = position(copy_, before_grade_id)
    copy_.cells[index:index] = moving
    return copy_


def with_scratch_cells(nb):
    """Cells a student inserts while working: notes, experiments, a redefinition
    of a helper name, between and after the graded cells."""
    copy_ = copied(nb)
    scratch = [nbformat.v4.new_markdown_cell("My notes: check the shapes first."),
               nbformat.v4.new_code_cell("tmp = [1, 2, 3]\nprint(len(tmp))"),
               nbformat.v4.new_code_cell("def helper(x):\n    return x")]
    for offset, cell in enumerate(scratch):
        copy_.cells.insert(1 + 2 * offset, cell)
    copy_.cells.append(nbformat.v4.new_code_cell("# scratch at the end\nprint('done')"))
    return copy_


def as_nbformat_44(nb):
    """File text in nbformat 4.4: no cell ids (notebooks saved before 2021)."""
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 4
    for cell in data["cells"]:
        cell.pop("id", None)
    return json.dumps(data, indent=1)


def as_nbformat_v3(nb):
    """File text in nbformat 3 (worksheets, IPython 2 era)."""
    v4 = copied(nb)
    for cell in v4.cells:
        cell.pop("id", None)
    v4.nbformat_minor = 4
    return nbformat.writes(nbformat.convert(v4, 3), version=3)


EXECUTION_TIMES = {"iopub.execute_input": "2026-11-20T14:03:11.482913Z",
                   "iopub.status.busy": "2026-11-20T14:03:11.482301Z",
                   "iopub.status.idle": "2026-11-20T14:03:11.517655Z",
                   "shell.execute_reply": "2026-11-20T14:03:11.516881Z",
                   "shell.execute_reply.started": "2026-11-20T14:03:11.483102Z"}

LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": "3.11.7"}


def executed_outputs(cell, count):
    """Outputs an editor saves after running a cell: a printed line, a result, an error with ANSI colours."""
    cell.execution_count = count
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="checking...\n"),
                    nbformat.v4.new_output("error", ename="AssertionError", evalue="not yet",
                                           traceback=["\x1b[0;31mAssertionError\x1b[0m: not yet"])]


def as_jupyterlab4(nb):
    """File text as JupyterLab 4 saves it: UUID cell ids, timing metadata
    (`execution`), `tags`, `jupyter.outputs_hidden`, editable/deletable flags,
    the widget-state block, outputs from a run, 1-space indent."""
    copy_ = copied(nb)
    for index, cell in enumerate(copy_.cells):
        cell["id"] = str(uuid.UUID(int=index + 2 ** 64))
        cell.metadata.setdefault("tags", [])
        if cell.cell_type == "code":
            cell.metadata["execution"] = dict(EXECUTION_TIMES)
            executed_outputs(cell, index + 1)
            if cell.metadata.get("nbgrader", {}).get("locked"):
                cell.metadata.update({"editable": False, "deletable": False})
                cell.metadata["jupyter"] = {"outputs_hidden": True}
    copy_.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                    "name": "python3"}
    copy_.metadata["language_info"] = LANGUAGE_INFO
    copy_.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0}}
    return json.dumps(copy_, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def as_vscode(nb):
    """File text as VS Code's Jupyter extension saves a notebook it created:
    nbformat 4.2 without cell ids, the venv's kernel name and display name,
    `vscode.interpreter` metadata, per-cell `vscode.languageId`, outputs from a run."""
    copy_ = copied(nb)
    for index, cell in enumerate(copy_.cells):
        cell.pop("id", None)
        if cell.cell_type == "code":
            executed_outputs(cell, index + 1)
            cell.metadata["vscode"] = {"languageId": "python"}
    copy_.metadata["kernelspec"] = {"display_name": ".venv (Python 3.11.7)", "language": "python",
                                    "name": "venv-course"}
    copy_.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python",
                                       "file_extension": ".py", "pygments_lexer": "ipython3",
                                       "codemirror_mode": {"name": "ipython", "version": 3},
                                       "nbconvert_exporter": "python"}
    copy_.metadata["vscode"] = {"interpreter": {"hash": "5c7b4f1e2a9d8c3b6e0f4a1d7c2b9e8f3a6d0c5b"}}
    data = json.loads(json.dumps(copy_))
    data["nbformat_minor"] = 2
    return json.dumps(data, indent=1) + "\n"
