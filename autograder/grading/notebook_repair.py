"""Repairing what editors and students do to a notebook's structure, before
nbgrader sees it.

nbgrader identifies graded cells by the `grade_id` in their metadata, and a
whole notebook fails to autograde when that metadata is duplicated (a copied
or split cell: nbgrader issues #1083 and #1941), refers to a cell the release
does not have, or was toggled (a test cell no longer marked as graded).
Each repair here is checked against the released notebook, keeps the
student's code, and leaves a note that says what was done:

- grading metadata the release does not have is removed (the cell runs as
  ordinary code; a test cell lost that way is restored by nbgrader);
- a cell whose grade_id appears more than once keeps its role on its last
  copy; the other copies run as ordinary code;
- grading settings (graded, answer, locked, points) that differ from the
  release are restored;
- a test cell moved above the answer it tests is run after that answer again;
- missing, duplicated or malformed cell ids are replaced.

Older formats (nbformat 3, 4.0-4.4) are read and upgraded by nbformat.
"""
import re
from pathlib import Path

import nbformat
from nbformat import ValidationError

from coursekit.cells import nbgrader_meta

ROLE_KEYS = ("grade", "solution", "locked", "points", "task")
CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


class NotebookDamaged(Exception):
    """The notebook cannot be made gradable; the message says why, in plain words."""


def grading_meta(cell):
    """The cell's nbgrader metadata if it is a well-formed dict, else None."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else None


def drop_grading_meta(cell):
    cell.setdefault("metadata", {}).pop("nbgrader", None)


def cell_label(grade_id):
    return f"cell '{grade_id}'"


def remove_unknown_grading_meta(nb, known):
    """Strip nbgrader metadata that names no cell of the release."""
    notes = []
    for cell in nb.cells:
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        meta = grading_meta(cell)
        grade_id = meta.get("grade_id") if meta else None
        if grade_id in known:
            continue
        drop_grading_meta(cell)
        if meta and (meta.get("grade") or meta.get("solution")):
            what = f"the id '{grade_id}'" if grade_id else "no grade_id"
            notes.append(f"A cell carried grading metadata with {what}, which the released notebook does not "
                         "have; it ran as an ordinary cell.")
    return notes


def remove_duplicate_roles(nb):
    """Keep each grade_id on its last cell only (copied or split cells)."""
    notes = []
    by_id = {}
    for cell in nb.cells:
        meta = grading_meta(cell)
        if meta:
            by_id.setdefault(meta["grade_id"], []).append(cell)
    for grade_id, cells in by_id.items():
        if len(cells) > 1:
            for cell in cells[:-1]:
                drop_grading_meta(cell)
            notes.append(f"The notebook had {len(cells)} copies of {cell_label(grade_id)} (a copied or split "
                         "cell); the last copy was graded in its place and the others ran as ordinary code.")
    return notes


def restore_roles(nb, known):
    """Put back the release's grading settings where a student's differ."""
    notes = []
    for cell in nb.cells:
        meta = grading_meta(cell)
        if not meta:
            continue
        released = known[meta["grade_id"]]
        released_meta = nbgrader_meta(released)
        changed = [key for key in ROLE_KEYS if meta.get(key) != released_meta.get(key)
                   and (key in meta or key in released_meta)]
        if changed:
            cell.metadata["nbgrader"] = nbformat.from_dict(dict(released_meta))
            settings = ", ".join(f"{key} was {meta.get(key)!r}" for key in changed)
            notes.append(f"The grading settings of {cell_label(meta['grade_id'])} had been changed ({settings}); "
                         "they were restored from the released notebook.")
        if cell.cell_type != released.cell_type:
            notes.append(f"{cell_label(meta['grade_id']).capitalize()} had been turned into a {cell.cell_type} cell; it was "
                         f"graded as the {released.cell_type} cell it is in the released notebook.")
    return notes


def preceding_answers(released):
    """{test grade_id: grade_id of the answer cell closest above it in the release}."""
    answers, last_answer = {}, None
    for cell in released.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            last_answer = meta["grade_id"]
        elif meta.get("grade") and last_answer:
            answers[meta["grade_id"]] = last_answer
    return answers


def restore_test_order(nb, released):
    """Move a test cell that sits above the answer it tests to just below it."""
    notes = []
    for test_id, answer_id in preceding_answers(released).items():
        index = {(grading_meta(c) or {}).get("grade_id"): i for i, c in enumerate(nb.cells)}
        if test_id in index and answer_id in index and index[test_id] < index[answer_id]:
            test = nb.cells.pop(index[test_id])
            nb.cells.insert(index[answer_id], test)  # the answer moved up by one
            notes.append(f"The test {cell_label(test_id)} had been moved above {cell_label(answer_id)}, "
                         "the code it tests; it was run after that code, as in the released notebook.")
    return notes


def fix_cell_ids(nb):
    """Unique, valid cell ids (nbformat 4.5+); deterministic, so regrading gives the same file."""
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        return
    seen = set()
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not CELL_ID.match(cell_id) or cell_id in seen:
            cell_id = f"repaired-{index}"
            cell["id"] = cell_id
        seen.add(cell_id)


def clear_run_state(nb):
    """Outputs and counts from the student's run (nbgrader clears them too);
    malformed ones would otherwise make the file invalid."""
    for cell in nb.cells:
        cell.setdefault("metadata", {})
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        else:  # left behind when a code cell was turned into markdown by some editors
            cell.pop("outputs", None)
            cell.pop("execution_count", None)


def repair(nb, released):
    """Repair notebook node `nb` in place against the released notebook; return notes for the student."""
    known = {nbgrader_meta(c)["grade_id"]: c for c in released.cells if nbgrader_meta(c).get("grade_id")}
    clear_run_state(nb)
    fix_cell_ids(nb)
    notes = remove_unknown_grading_meta(nb, known)
    notes += remove_duplicate_roles(nb)
    notes += restore_roles(nb, known)
    notes += restore_test_order(nb, released)
    try:
        nbformat.validate(nb)
    except ValidationError as error:
        raise NotebookDamaged(f"the notebook's structure is invalid and could not be repaired "
                              f"({what_is_invalid(nb, error)}). Open it in Jupyter, save it, and submit it again.")
    return notes


def what_is_invalid(nb, error):
    """A short description of a validation error (jsonschema's own is a whole cell's repr)."""
    where = list(getattr(error, "path", []))
    if where[:1] == ["cells"] and len(where) > 1:
        cell = nb.cells[where[1]]
        return f"cell {where[1] + 1}, of type {cell.get('cell_type')!r}, is not a valid notebook cell"
    return str(getattr(error, "message", error))[:200]


def read_unvalidated(path):
    """The notebook at `path` as nbformat v4, upgraded from older formats but not
    yet validated (validation would replace duplicate ids with random ones)."""
    try:
        return nbformat.convert(nbformat.reader.reads(Path(path).read_text(encoding="utf-8")), 4)
    except Exception as error:  # nbformat's readers raise many kinds
        raise NotebookDamaged(f"{Path(path).name} could not be read as a notebook "
                              f"({type(error).__name__}: {error}).") from error


def repair_file(source, target, released_path):
    """Write a repaired copy of notebook `source` to `target`; return the notes."""
    nb = read_unvalidated(source)
    notes = repair(nb, nbformat.read(str(released_path), as_version=4))
    nbformat.write(nb, str(target))
    return notes
