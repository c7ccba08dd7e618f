"""Reading a batch of submissions: a folder or a zip of
<student_id>/<assignment>/<notebook>.ipynb.

Each expected notebook is checked before nbgrader sees it: a missing or
unreadable notebook is recorded with a reason instead of stopping the batch,
and a single notebook saved under another name is graded under the expected one.
"""
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


@dataclass
class Submission:
    """One student's work on one assignment.

    notebooks: expected notebook name (without .ipynb) -> path of the file to grade.
    problems: expected notebook name -> why it cannot be graded.
    notes: remarks for the student that do not cost points (e.g. a renamed file).
    """
    student_id: str
    assignment_id: str
    folder: Path
    notebooks: dict = field(default_factory=dict)
    problems: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def safe_extract(zip_path, destination):
    """Extract a zip, refusing members that would land outside `destination`."""
    destination = Path(destination).resolve()
    with zipfile.ZipFile(zip_path) as archive:
        for member in archive.infolist():
            target = (destination / member.filename).resolve()
            if destination not in target.parents and target != destination:
                raise ValueError(f"{zip_path} contains an unsafe path: {member.filename}")
        archive.extractall(destination)
    return destination


def find_batch_root(folder, assignment_ids):
    """The folder whose children are student folders (a zip may wrap them in one more folder)."""
    folder = Path(folder)
    for candidate in [folder] + sorted(p for p in folder.iterdir() if p.is_dir()):
        if any((student / a).is_dir() for student in candidate.iterdir() if student.is_dir()
               for a in assignment_ids):
            return candidate
    return folder


def notebook_problem(path):
    """None when `path` is a readable notebook, else a plain-words reason."""
    try:
        json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return (f"{path.name} is not valid notebook JSON ({error}); it may have been cut off or damaged "
                "while saving. Open it in Jupyter to check, and submit a copy that opens.")
    try:
        nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat validation and reader errors
        return f"{path.name} could not be read as a notebook: {type(error).__name__}: {error}"
    return None


def match_notebooks(submission, expected_names):
    """Fill submission.notebooks/problems/notes from the files in its folder."""
    present = {p.stem: p for p in sorted(submission.folder.glob("*.ipynb"))}
    unexpected = [p for stem, p in present.items() if stem not in expected_names]
    missing = [name for name in expected_names if name not in present]
    if len(missing) == 1 and len(unexpected) == 1:
        present[missing[0]] = unexpected[0]
        submission.notes.append(f"{unexpected[0].name} was graded as {missing[0]}.ipynb "
                                "(please keep the original file name next time).")
    for name in expected_names:
        path = present.get(name)
        if path is None:
            submission.problems[name] = f"{name}.ipynb was not submitted."
        elif (problem := notebook_problem(path)) is not None:
            submission.problems[name] = problem
        else:
            submission.notebooks[name] = path


def collect_submissions(batch_root, expected_notebooks):
    """All submissions under batch_root.

    expected_notebooks: assignment id -> list of notebook names (without .ipynb).
    A student folder lacking an assignment's folder gets a Submission whose
    notebooks are all reported as not submitted.
    """
    submissions = []
    students = sorted(p for p in Path(batch_root).iterdir() if p.is_dir() and not p.name.startswith("."))
    for student in students:
        for assignment_id, names in sorted(expected_notebooks.items()):
            submission = Submission(student.name, assignment_id, student / assignment_id)
            if submission.folder.is_dir():
                match_notebooks(submission, names)
            else:
                submission.problems = {name: f"no {assignment_id}/ folder was submitted." for name in names}
            submissions.append(submission)
    return submissions


def open_batch(path, work_dir, assignment_ids):
    """Return the folder of student folders for a batch given as a folder or a .zip."""
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        unpacked = Path(work_dir) / "unzipped"
        shutil.rmtree(unpacked, ignore_errors=True)
        path = safe_extract(path, unpacked)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is neither a folder nor a zip of submissions.")
    return find_batch_root(path, assignment_ids)
