"""The committed release (notebooks and known_bugs.json) equals a fresh one and gives nothing away."""
import json

import pytest

from autograder import paths
from autograder.release.release import LeakError, find_leaks, release

pytestmark = pytest.mark.notebook


def json_of(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("assignment_id", paths.assignment_ids())
def test_committed_release_equals_a_fresh_release(assignment_id, tmp_path):
    fresh = release(assignment_id, tmp_path)
    committed = paths.ASSIGNMENTS_DIR / assignment_id
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert fresh_files == committed_files
    for relative in fresh_files:
        if relative.suffix in (".ipynb", ".json"):  # the notebook, and the known bugs' fingerprints
            assert json_of(fresh / relative) == json_of(committed / relative), \
                f"{relative} is stale: run `python -m autograder release {assignment_id}`"
    assert find_leaks(committed, assignment_id) == []


def test_release_refuses_a_reference_value_in_the_source(tmp_path, monkeypatch):
    import nbformat
    from autograder.judging.references import load_references
    from autograder.release.leak_check import reference_values
    value = reference_values(load_references("assignment1"))[-1]
    solutions = tmp_path / "solutions"
    source = paths.SOLUTIONS_DIR / "assignment1"
    (solutions / "assignment1").mkdir(parents=True)
    for notebook in source.glob("*.ipynb"):
        nb = nbformat.read(str(notebook), as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"The loss should be {value!r}."))
        nbformat.write(nb, str(solutions / "assignment1" / notebook.name))
    monkeypatch.setattr(paths, "SOLUTIONS_DIR", solutions)
    with pytest.raises(LeakError, match="reference value"):
        release("assignment1", tmp_path / "released")
    assert not (tmp_path / "released" / "assignment1").exists()


def test_release_refuses_a_catalogued_bug_description_in_the_source(tmp_path, monkeypatch):
    import nbformat
    from autograder.catalog import variants_for
    bug = next(v for v in variants_for("assignment1") if v.kind == "wrong")
    solutions = tmp_path / "solutions"
    (solutions / "assignment1").mkdir(parents=True)
    for notebook in (paths.SOLUTIONS_DIR / "assignment1").glob("*.ipynb"):
        nb = nbformat.read(str(notebook), as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"A common bug: your code {bug.description}."))
        nbformat.write(nb, str(solutions / "assignment1" / notebook.name))
    monkeypatch.setattr(paths, "SOLUTIONS_DIR", solutions)
    with pytest.raises(LeakError, match=f"description of the catalogued bug {bug.name}"):
        release("assignment1", tmp_path / "released")
    assert not (tmp_path / "released" / "assignment1").exists()
