"""Reading a batch: folders, zips, renamed, missing and damaged notebooks; hostile zips,
notebooks and student ids cost only themselves, each with a reason; CSV cells are escaped."""
import csv
import zipfile

import nbformat

from autograder.grading import intake
from autograder.grading.intake import IntakeLimits, collect_submissions, extract_zip, open_batch, student_id_problem
from autograder.reports.model import AssignmentInfo, GradebookExport, PartGrade, StudentGrades, SubmissionGrades
from autograder.reports.grade_table import spreadsheet_text, write_canvas_csv, write_grades_csv
from tests.support.zips import MB, add_symlink, write_zip_bomb

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

    subs, notes = collect_submissions(tmp_path, EXPECTED)
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
    [alice], _ = collect_submissions(tmp_path, EXPECTED)
    assert not alice.notebooks and "not submitted" in alice.problems["linear_classifiers"]


def test_zip_with_a_wrapping_folder(tmp_path):
    write_notebook(tmp_path / "src" / "alice" / "assignment1" / "linear_classifiers.ipynb")
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(tmp_path / "src" / "alice" / "assignment1" / "linear_classifiers.ipynb",
                "course-export/alice/assignment1/linear_classifiers.ipynb")
    root, notes = open_batch(archive, tmp_path / "work", ["assignment1"])
    assert root.name == "course-export" and notes == []
    [alice], _ = collect_submissions(root, EXPECTED)
    assert alice.student_id == "alice" and "linear_classifiers" in alice.notebooks


def test_bad_zip_entries_are_skipped_with_a_note_and_the_rest_is_unpacked(tmp_path):
    archive = tmp_path / "batch.zip"
    outside = tmp_path / "outside.txt"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../outside.txt", "x")
        z.writestr(str(outside), "x")
        z.writestr("alice/assignment1/..\\..\\outside.txt", "x")
        add_symlink(z, "mallory/assignment1/linear_classifiers.ipynb", "/etc/shadow")
        z.writestr("alice/assignment1/linear_classifiers.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
    root, notes = open_batch(archive, tmp_path / "work", ["assignment1"])
    assert not outside.exists() and not (tmp_path / "work" / "outside.txt").exists()
    assert len(notes) == 4, notes
    assert "'../outside.txt' in batch.zip: its path leads out of the batch (..)" in notes[0]
    assert "its path is absolute" in notes[1] and "leads out of the batch" in notes[2]
    assert "mallory/assignment1/linear_classifiers.ipynb" in notes[3] and "symbolic link" in notes[3]
    assert not any(p.is_symlink() for p in (tmp_path / "work").rglob("*"))
    subs, _ = collect_submissions(root, EXPECTED)
    assert "linear_classifiers" in only(subs, "alice").notebooks
    assert [s.student_id for s in subs] == ["alice"]  # mallory's only file was the link: the note names it


def test_a_zip_bomb_is_stopped_while_streaming(tmp_path, monkeypatch):
    """A 1 MB zip whose notebook unpacks to 1 GiB: no more than the cap (and one chunk) is ever
    read from it, nothing of it stays on disk, and the other members are unpacked."""
    bomb = write_zip_bomb(tmp_path / "bomb.zip", "bob/assignment1/linear_classifiers.ipynb", 2 ** 30)
    assert bomb.stat().st_size < 1.1 * MB
    with zipfile.ZipFile(bomb, "a") as z:
        z.writestr("alice/assignment1/linear_classifiers.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
    read = []
    original = intake.copy_capped

    def counted(archive, member, target, room):
        opened = archive.open

        def counting_open(*args, **kwargs):
            stream = opened(*args, **kwargs)
            raw_read = stream.read
            stream.read = lambda n=-1: read.append(len(chunk := raw_read(n))) or chunk
            return stream
        archive.open = counting_open
        try:
            return original(archive, member, target, room)
        finally:
            archive.open = opened

    monkeypatch.setattr(intake, "copy_capped", counted)
    limits = IntakeLimits(max_notebook_bytes=4 * MB)
    skipped = {}
    notes = extract_zip(bomb, tmp_path / "out", limits, skipped)
    assert notes == ["skipped 'bob/assignment1/linear_classifiers.ipynb' in bomb.zip: it unpacks to more than "
                     "4 MB (the cap on one file)."]
    assert sum(read) <= 4 * MB + intake.CHUNK + 2 ** 16
    assert not (tmp_path / "out" / "bob" / "assignment1" / "linear_classifiers.ipynb").exists()
    assert (tmp_path / "out" / "alice" / "assignment1" / "linear_classifiers.ipynb").is_file()
    subs, _ = collect_submissions(tmp_path / "out", EXPECTED, limits, skipped)
    assert only(subs, "bob").problems["linear_classifiers"] == (
        "linear_classifiers.ipynb could not be graded: it unpacks to more than 4 MB (the cap on one file).")


def test_total_unpacked_size_and_member_count_are_capped(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(5):
            z.writestr(f"s{i}/assignment1/linear_classifiers.ipynb", "x" * MB)
    notes = extract_zip(archive, tmp_path / "out", IntakeLimits(max_unpacked_bytes=int(2.5 * MB)))
    assert [n.split("'")[1] for n in notes] == [f"s{i}/assignment1/linear_classifiers.ipynb" for i in (2, 3, 4)]
    assert "the batch would unpack to more than 2.5 MB" in notes[0]
    notes = extract_zip(archive, tmp_path / "out2", IntakeLimits(max_members=2))
    assert notes == ["batch.zip has 5 members; only the first 2 were read."]
    assert sorted(p.parent.parent.name for p in (tmp_path / "out2").rglob("*.ipynb")) == ["s0", "s1"]


def test_oversized_and_deeply_nested_notebooks_cost_only_themselves(tmp_path):
    write_notebook(tmp_path / "alice" / "assignment1" / "linear_classifiers.ipynb")
    nested = tmp_path / "bob" / "assignment1" / "linear_classifiers.ipynb"
    nested.parent.mkdir(parents=True)
    nested.write_text("[" * 100_000 + "]" * 100_000)  # 200 kB: RecursionError in json
    large = tmp_path / "carol" / "assignment1" / "linear_classifiers.ipynb"
    write_notebook(large)
    large.write_text(large.read_text().replace('"cells"', '"padding": "' + "x" * (2 * MB) + '", "cells"'))
    subs, notes = collect_submissions(tmp_path, EXPECTED, IntakeLimits(max_notebook_bytes=MB))
    assert notes == []
    assert "linear_classifiers" in only(subs, "alice").notebooks
    assert only(subs, "bob").problems["linear_classifiers"] == ("linear_classifiers.ipynb could not be read: its "
                                                               "JSON is nested too deeply to be a notebook.")
    assert "linear_classifiers.ipynb is 2 MB, more than the 1 MB a notebook may have" in \
        only(subs, "carol").problems["linear_classifiers"]


def test_every_refused_student_folder_is_named_with_its_reason(tmp_path):
    for student in ("alice", "jane.doe@uni.edu", "s-123", ".hidden", "=HYPERLINK(1)", "+x", "-y", "@z",
                    "has space", "__MACOSX"):
        write_notebook(tmp_path / student / "assignment1" / "linear_classifiers.ipynb")
    (tmp_path / "README.txt").write_text("hello")
    subs, notes = collect_submissions(tmp_path, EXPECTED)
    assert sorted(s.student_id for s in subs) == ["alice", "jane.doe@uni.edu", "s-123"]
    refused = {note.split("'")[1]: note for note in notes}
    assert sorted(refused) == sorted(["+x", "-y", ".hidden", "=HYPERLINK(1)", "@z", "README.txt", "__MACOSX",
                                      "has space"])
    assert "is a hidden folder" in refused[".hidden"]
    assert "must start with a letter or a digit" in refused["=HYPERLINK(1)"]
    assert refused["has space"].endswith("(rename the folder to grade it).")
    assert "only folders (one per student) are graded" in refused["README.txt"]
    assert student_id_problem("x" * 65) and not student_id_problem("x" * 64)  # coursekit.student_id's rule


def test_csv_cells_cannot_become_formulas(tmp_path):
    student = "=cmd|' /C calc'!A0"
    submission = SubmissionGrades(student, "a1", [PartGrade("a1", "p", 1.0, 2.0, "@SUM(1+1)")], notes=["-2+3"])
    export = GradebookExport([AssignmentInfo("a1", [("p", 2.0)], [])], [StudentGrades(student, [submission])])
    write_grades_csv(export, tmp_path / "grades.csv")
    write_canvas_csv(export, tmp_path / "canvas.csv")
    with open(tmp_path / "grades.csv") as handle:
        [header, row] = list(csv.reader(handle))
    assert row[0] == "'=cmd|' /C calc'!A0" and row[-1].startswith("'-2+3")
    assert row[1:4] == ["1", "1", "2"]
    with open(tmp_path / "canvas.csv") as handle:
        rows = list(csv.reader(handle))
    assert rows[2][:4] == ["'=cmd|' /C calc'!A0", "", "'=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"]
    assert [spreadsheet_text(t) for t in ("+1", "\tx", "\rx", "ok", "a=b")] == ["'+1", "'\tx", "'\rx", "ok", "a=b"]
