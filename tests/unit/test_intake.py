"""Reading a batch: folders, zips, renamed, missing and damaged notebooks."""
import zipfile

import nbformat
import pytest

from autograder.grading.intake import collect_submissions, open_batch, safe_extract

EXPECTED = {"assignment1": ["linear_classifiers"]}


def write_notebook(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), str(path))
    return path


def only(submissions, student):
    [found] = [s for s in submissions if s.student_id == student]
    return found


def test_good_renamed_missing_and_damaged(tmp_path):
    write_notebook(tmp_path / "alice" / "assignment1" / "linear_classifiers.ipynb")
    write_notebook(tmp_path / "bob" / "assignment1" / "my copy.ipynb")
    (tmp_path / "carol" / "assignment1").mkdir(parents=True)
    broken = tmp_path / "dave" / "assignment1" / "linear_classifiers.ipynb"
    write_notebook(broken)
    broken.write_text(broken.read_text()[:40])
    (tmp_path / "erin").mkdir()

    subs = collect_submissions(tmp_path, EXPECTED)
    assert [s.student_id for s in subs] == ["alice", "bob", "carol", "dave", "erin"]
    assert list(only(subs, "alice").notebooks) == ["linear_classifiers"] and not only(subs, "alice").problems
    bob = only(subs, "bob")
    assert bob.notebooks["linear_classifiers"].name == "my copy.ipynb"
    assert "was graded as linear_classifiers.ipynb" in bob.notes[0]
    assert only(subs, "carol").problems["linear_classifiers"] == "linear_classifiers.ipynb was not submitted."
    assert "not valid notebook JSON" in only(subs, "dave").problems["linear_classifiers"]
    assert "no assignment1/ folder" in only(subs, "erin").problems["linear_classifiers"]


def test_two_unexpected_notebooks_are_not_guessed(tmp_path):
    write_notebook(tmp_path / "alice" / "assignment1" / "a.ipynb")
    write_notebook(tmp_path / "alice" / "assignment1" / "b.ipynb")
    [alice] = collect_submissions(tmp_path, EXPECTED)
    assert not alice.notebooks and "not submitted" in alice.problems["linear_classifiers"]


def test_zip_with_a_wrapping_folder(tmp_path):
    write_notebook(tmp_path / "src" / "alice" / "assignment1" / "linear_classifiers.ipynb")
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(tmp_path / "src" / "alice" / "assignment1" / "linear_classifiers.ipynb",
                "course-export/alice/assignment1/linear_classifiers.ipynb")
    root = open_batch(archive, tmp_path / "work", ["assignment1"])
    assert root.name == "course-export"
    [alice] = collect_submissions(root, EXPECTED)
    assert alice.student_id == "alice" and "linear_classifiers" in alice.notebooks


def test_zip_with_unsafe_paths_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../outside.txt", "x")
    with pytest.raises(ValueError, match="unsafe path"):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "outside.txt").exists()

