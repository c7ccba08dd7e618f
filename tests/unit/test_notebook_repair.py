"""Repairing a submitted notebook's structure before nbgrader sees it
(autograder/grading/notebook_repair.py), without a kernel: every kind of damage the
reliability batch grades (tests/grading/test_reliability.py) is repaired here on the toy
notebook, checking the repaired structure itself and the note."""
import json

import nbformat
import pytest

from autograder.examples import cell_by_grade_id, with_cell_source
from autograder.examples import faults as fx
from autograder.grading.notebook_repair import NotebookDamaged, read_unvalidated, repair, repair_file
from coursekit.cells import nbgrader_meta
from tests.support.toy import toy_source_notebook


def released():
    nb = toy_source_notebook()
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    return nb


def roles(nb):
    """[(grade_id or None, cell type)] in order: what nbgrader will see."""
    return [(nbgrader_meta(c).get("grade_id"), c.cell_type) for c in nb.cells]


RELEASED_ROLES = [(None, "markdown"), ("add_code", "code"), ("test_add", "code"), ("mul_code", "code"),
                  ("test_mul", "code")]


def repaired(built):
    """(repaired notebook, notes) of a builder's notebook node or file text, as repair_file reads it."""
    text = built if isinstance(built, str) else json.dumps(built)  # as saved, not validated (nor corrected)
    nb = nbformat.convert(nbformat.reader.reads(text), 4)
    notes = repair(nb, released())
    nbformat.validate(nb)
    return nb, notes


def test_an_intact_notebook_is_left_as_it_is():
    nb, notes = repaired(released())
    assert notes == [] and roles(nb) == RELEASED_ROLES
    assert [c.get("id") for c in nb.cells] == [f"cell-{i}" for i in range(5)]


def test_a_copied_answer_cell_keeps_its_role_on_the_last_copy():
    nb, notes = repaired(fx.with_duplicated_cell(released(), "add_code", before=True,
                                                 source="def add(a, b):\n    return 0"))
    assert notes == ["The notebook had 2 copies of cell 'add_code' (a copied or split cell); the last copy was "
                     "graded in its place and the others ran as ordinary code."]
    assert roles(nb)[1:3] == [(None, "code"), ("add_code", "code")]
    assert "return 0" in nb.cells[1].source and "return a + b" in nb.cells[2].source
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)  # the copy's id was replaced


def test_a_split_answer_keeps_both_halves_and_one_role():
    split = fx.with_split_cell(with_cell_source(released(), "add_code", "import math\ndef add(a, b):\n    return a + b"),
                               "add_code", 1)
    nb, notes = repaired(split)
    assert "2 copies of cell 'add_code'" in notes[0]
    assert roles(nb)[1:3] == [(None, "code"), ("add_code", "code")] and nb.cells[1].source == "import math"


def test_a_copied_test_cell_is_graded_once():
    nb, notes = repaired(fx.with_duplicated_cell(released(), "test_mul", before=True))
    assert "2 copies of cell 'test_mul'" in notes[0]
    assert [gid for gid, _ in roles(nb)].count("test_mul") == 1


def test_duplicated_and_missing_cell_ids_are_replaced_deterministically():
    nb, notes = repaired(fx.with_duplicated_cell_ids(released()))
    ids = [c["id"] for c in nb.cells]
    assert notes == [] and len(set(ids)) == len(ids) and roles(nb) == RELEASED_ROLES
    assert repaired(fx.with_duplicated_cell_ids(released()))[0] == nb  # regrading gives the same file
    broken = released()
    broken.cells[2]["id"] = "not a valid id!"
    assert repaired(broken)[0].cells[2]["id"] == "repaired-2"


def test_changed_grading_settings_of_a_test_cell_are_restored():
    nb, notes = repaired(fx.with_nbgrader_metadata(released(), "test_mul", grade=False, points=100, locked=False))
    assert notes == ["The grading settings of cell 'test_mul' had been changed (grade was False, locked was False, "
                     "points was 100); they were restored from the released notebook."]
    assert nbgrader_meta(cell_by_grade_id(nb, "test_mul")) == nbgrader_meta(cell_by_grade_id(released(), "test_mul"))


def test_an_answer_turned_into_a_test_is_an_answer_again():
    nb, notes = repaired(fx.with_nbgrader_metadata(released(), "mul_code", solution=False, grade=True, points=5,
                                                   locked=True))
    assert "grading settings of cell 'mul_code' had been changed" in notes[0]
    meta = nbgrader_meta(cell_by_grade_id(nb, "mul_code"))
    assert meta["solution"] is True and meta["grade"] is False and "points" not in meta


def test_grading_metadata_the_release_does_not_have_is_dropped():
    nb, notes = repaired(fx.with_nbgrader_metadata(released(), "mul_code", grade_id="my_mul"))
    assert notes == ["A cell carried grading metadata with the id 'my_mul', which the released notebook does not "
                     "have; it ran as an ordinary cell."]
    assert "nbgrader" not in nb.cells[3].metadata and "return a * b" in nb.cells[3].source
    nb, notes = repaired(fx.with_nbgrader_metadata(released(), "test_mul", grade_id=None))
    assert "with no grade_id" in notes[0] and "test_mul" not in [gid for gid, _ in roles(nb)]  # nbgrader restores it
    odd = released()
    odd.cells[0].metadata["nbgrader"] = "not a dict"
    nb, notes = repaired(odd)
    assert notes == [] and "nbgrader" not in nb.cells[0].metadata


def test_an_answer_turned_into_markdown_is_graded_as_code():
    nb, notes = repaired(fx.with_cell_type(released(), "mul_code", "markdown"))
    assert notes == ["Cell 'mul_code' had been turned into a markdown cell; it was graded as the code cell it is in "
                     "the released notebook."]


def test_a_test_moved_above_its_answer_runs_after_it_again():
    nb, notes = repaired(fx.with_cells_moved(released(), ["test_mul"], "mul_code"))
    assert notes == ["The test cell 'test_mul' had been moved above cell 'mul_code', the code it tests; it was run "
                     "after that code, as in the released notebook."]
    assert roles(nb) == RELEASED_ROLES


def test_swapped_parts_and_scratch_cells_need_no_repair():
    nb, notes = repaired(fx.with_cells_moved(released(), ["mul_code", "test_mul"], "add_code"))
    assert notes == [] and [gid for gid, _ in roles(nb)][1:] == ["mul_code", "test_mul", "add_code", "test_add"]
    nb, notes = repaired(fx.with_scratch_cells(released()))
    assert notes == [] and [gid for gid, _ in roles(nb) if gid] == [gid for gid, _ in RELEASED_ROLES if gid]


@pytest.mark.parametrize("save", [fx.as_nbformat_44, fx.as_nbformat_v3, fx.as_jupyterlab4, fx.as_vscode],
                         ids=lambda f: f.__name__)
def test_older_formats_and_other_editors_are_read_and_their_run_state_cleared(save):
    nb, notes = repaired(save(released()))
    assert notes == [] and roles(nb) == RELEASED_ROLES and (nb.nbformat, nb.nbformat_minor) >= (4, 0)
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert [c.source for c in nb.cells] == [c.source for c in released().cells]


def test_an_invalid_structure_is_refused_with_a_plain_reason(tmp_path):
    data = json.loads(nbformat.writes(released()))
    data["cells"][1]["cell_type"] = "python"
    source = tmp_path / "bad.ipynb"
    source.write_text(json.dumps(data))
    released_path = tmp_path / "released.ipynb"
    nbformat.write(released(), str(released_path))
    with pytest.raises(NotebookDamaged, match=r"structure is invalid and could not be repaired \(cell 2, of type "
                                              r"'python', is not a valid notebook cell\)"):
        repair_file(source, tmp_path / "out.ipynb", released_path)
    assert not (tmp_path / "out.ipynb").exists()


def test_a_file_that_is_no_notebook_is_refused(tmp_path):
    path = tmp_path / "toy.ipynb"
    path.write_text('{"cells": [')
    with pytest.raises(NotebookDamaged, match="toy.ipynb could not be read as a notebook"):
        read_unvalidated(path)


def test_repair_file_writes_the_repaired_copy_and_returns_the_notes(tmp_path):
    source, target, released_path = tmp_path / "in.ipynb", tmp_path / "out.ipynb", tmp_path / "released.ipynb"
    nbformat.write(released(), str(released_path))
    source.write_text(fx.as_jupyterlab4(fx.with_duplicated_cell(released(), "add_code")))
    notes = repair_file(source, target, released_path)
    assert "2 copies of cell 'add_code'" in notes[0]
    written = nbformat.read(str(target), as_version=4)
    assert [gid for gid, _ in roles(written)].count("add_code") == 1
