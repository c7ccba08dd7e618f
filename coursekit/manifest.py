"""What the release recorded about each released notebook: `assignments/<assignment>/manifest.json`.

For every released notebook of an assignment the manifest holds
- ``grade_ids``: the nbgrader grade_id of every cell nbgrader tracks, in notebook order;
- ``locked``: {grade_id: digest of its source} for every cell nbgrader locks (the test
  cells and the provided code), so that `submit` can tell the released notebook from a
  renamed, edited or foreign one without shipping anything but digests;
- ``parts``: every graded part in order, with its points and the parts it is computed
  from (``depends_on``), so that `check` can say when a failure may follow from another.

Cells are matched by grade_id, not by cell id: Jupyter, JupyterLab and Colab may rewrite cell
ids, never nbgrader's metadata. The instructor side writes the file
(autograder/release/manifest.py); this module reads it and computes the same digests.
"""
import hashlib
import json
import os
from pathlib import Path

from coursekit.cells import is_test_cell, nbgrader_meta, part_name
from coursekit.locations import released_dir

FILE_NAME = "manifest.json"
FORMAT = 1


def source_digest(source):
    """sha256 of a cell's source, ignoring trailing spaces and blank lines at either end
    (editors differ there; nothing that runs does)."""
    text = "\n".join(line.rstrip() for line in str(source).strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()


def tracked_cells(nb):
    """[(grade_id, cell)] of the cells nbgrader tracks, in notebook order."""
    return [(nbgrader_meta(c)["grade_id"], c) for c in nb.cells if nbgrader_meta(c).get("grade_id")]


def notebook_record(nb, depends_on):
    """The manifest entry of one released notebook (a dict); depends_on: {part: [parts]}."""
    tracked = tracked_cells(nb)
    return {
        "grade_ids": [grade_id for grade_id, _ in tracked],
        "locked": {grade_id: source_digest(cell.source) for grade_id, cell in tracked
                   if nbgrader_meta(cell).get("locked")},
        "parts": [{"part": part_name(cell), "points": nbgrader_meta(cell).get("points", 0),
                   "depends_on": list(depends_on.get(part_name(cell), []))}
                  for _, cell in tracked if is_test_cell(cell)],
    }


def read_manifest(path):
    """The manifest at `path` (a dict), or None when it is missing or not a manifest."""
    try:
        manifest = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def manifest_files(notebook_dir=None):
    """manifest.json beside the notebook (or in the working folder), then every released
    assignment's (coursekit/locations.py)."""
    here = Path(notebook_dir or os.getcwd()) / FILE_NAME
    return [here] * here.is_file() + sorted(released_dir().glob(f"*/{FILE_NAME}"))


def released_notebooks(notebook_dir=None):
    """{notebook name: (assignment id, record)} of every released notebook found; the first
    manifest that names a notebook wins (the one beside the notebook first)."""
    found = {}
    for path in manifest_files(notebook_dir):
        manifest = read_manifest(path) or {}
        for name, record in manifest.get("notebooks", {}).items():
            found.setdefault(name, (manifest.get("assignment"), record))
    return found
