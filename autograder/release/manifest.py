"""The released manifest.json (coursekit/manifest.py): each released notebook's tracked cells,
the digests of its locked cells, and its parts with their points and dependencies.

The dependencies come from the hidden-test cases (``DEPENDS_ON`` in autograder/cases/); the
file holds names, points and digests only, nothing a student could not read in the notebook.
"""
import json
from pathlib import Path

import nbformat

from autograder.cases import dependencies_for
from coursekit.manifest import FILE_NAME, FORMAT, notebook_record


def assignment_manifest(assignment_id, released_dir):
    """The manifest (a dict) of the notebooks released into released_dir."""
    depends_on = dependencies_for(assignment_id)
    notebooks = {path.stem: notebook_record(nbformat.read(str(path), as_version=4), depends_on)
                 for path in sorted(Path(released_dir).glob("*.ipynb"))}
    return {"format": FORMAT, "assignment": assignment_id, "notebooks": notebooks}


def write_manifest(assignment_id, released_dir):
    """Write released_dir/manifest.json; return its path."""
    path = Path(released_dir) / FILE_NAME
    path.write_text(json.dumps(assignment_manifest(assignment_id, released_dir), indent=1) + "\n")
    return path
