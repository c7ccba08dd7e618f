"""Reading a batch of submissions: a folder or a zip of
<student_id>/<assignment>/<notebook>.ipynb.

Nothing in a batch can stop the batch: each expected notebook is checked
before nbgrader sees it, and a missing, oversized or unreadable notebook is
recorded with a reason; a single notebook saved under another name is graded
under the expected one. A zip is unpacked member by member with caps on each
member's size, the total size and the number of members, counted while
streaming (a zip bomb never reaches the disk, let alone memory); a member with
an unsafe path is skipped with a note. Folders that are not valid student ids
are refused with a reason each (IntakeNotes), never dropped silently.
"""
import json
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from coursekit.student_id import id_problem

MB = 2 ** 20
GB = 2 ** 30
CHUNK = MB


@dataclass(frozen=True)
class IntakeLimits:
    """Caps on what a batch may hold (bytes, except the member count)."""
    max_notebook_bytes: int = 25 * MB    # one notebook (and any one member of a zip)
    max_unpacked_bytes: int = 16 * GB    # all members of a zip together
    max_members: int = 200_000           # members of a zip


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


def size_text(size):
    return f"{size / GB:.3g} GB" if size >= GB else f"{size / MB:.3g} MB"


def unsafe_member(member):
    """Why a zip member must not be unpacked (None when it is safe): a path that leaves the
    destination, a link or a device."""
    name = member.filename.replace("\\", "/")
    kind = stat.S_IFMT(member.external_attr >> 16)
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "its path is absolute"
    if ".." in PurePosixPath(name).parts:
        return "its path leads out of the batch (..)"
    if "\0" in name:
        return "its name holds a NUL character"
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return "it is a symbolic link or a special file"
    return None


def copy_capped(archive, member, target, room):
    """Stream `member` into `target`; return the bytes written, or None (and nothing left on
    disk) when it holds more than `room` bytes."""
    written = 0
    with archive.open(member) as source, open(target, "wb") as sink:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > room:
                break
            sink.write(chunk)
    if written > room:
        target.unlink()
        return None
    return written


def unpack_member(archive, member, target, room):
    """(bytes written, None) or (0, why it was not unpacked) for one safe member."""
    try:
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            return 0, None
        target.parent.mkdir(parents=True, exist_ok=True)
        written = copy_capped(archive, member, target, room)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        if target.is_file():
            target.unlink()
        return 0, f"it could not be unpacked ({type(error).__name__}: {error})"
    return (0, "too large") if written is None else (written, None)


def extract_zip(zip_path, destination, limits=IntakeLimits(), skipped=None):
    """Unpack a zip under `destination`, member by member within `limits`; return notes on the
    members that were skipped (unsafe paths, links, too large, damaged, past the caps). `skipped`
    (a dict, if given) gets {where a safe member would have gone: why it was not unpacked}."""
    destination = Path(destination).resolve()
    destination.mkdir(parents=True, exist_ok=True)
    notes, total = [], 0
    with zipfile.ZipFile(zip_path) as archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            notes.append(f"{Path(zip_path).name} has {len(members)} members; only the first "
                         f"{limits.max_members} were read.")
        for member in members[:limits.max_members]:
            room = min(limits.max_notebook_bytes, limits.max_unpacked_bytes - total)
            problem = unsafe_member(member)
            if problem is None:
                written, problem = unpack_member(archive, member, destination / member.filename, room)
                total += written
            if problem == "too large":
                problem = (f"it unpacks to more than {size_text(limits.max_notebook_bytes)} (the cap on one file)"
                           if room == limits.max_notebook_bytes else
                           f"the batch would unpack to more than {size_text(limits.max_unpacked_bytes)}")
            if problem:
                notes.append(f"skipped {member.filename!r} in {Path(zip_path).name}: {problem}.")
                if skipped is not None and not unsafe_member(member):
                    skipped[destination / member.filename] = problem
    return notes


def find_batch_root(folder, assignment_ids):
    """The folder whose children are student folders (a zip may wrap them in one more folder)."""
    folder = Path(folder)
    for candidate in [folder] + sorted(p for p in folder.iterdir() if p.is_dir()):
        if any((student / a).is_dir() for student in candidate.iterdir() if student.is_dir()
               for a in assignment_ids):
            return candidate
    return folder


def notebook_problem(path, limits=IntakeLimits()):
    """None when `path` is a readable notebook, else a plain-words reason. Anything that goes
    wrong while reading it (even a RecursionError from deeply nested JSON) costs only this notebook."""
    try:
        size = path.stat().st_size
        if size > limits.max_notebook_bytes:
            return (f"{path.name} is {size_text(size)}, more than the {size_text(limits.max_notebook_bytes)} a notebook "
                    "may have. Clear large outputs (Edit > Clear All Outputs), save and submit again.")
        json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return (f"{path.name} is not valid notebook JSON ({error}); it may have been cut off or damaged "
                "while saving. Open it in Jupyter to check, and submit a copy that opens.")
    except RecursionError:
        return f"{path.name} could not be read: its JSON is nested too deeply to be a notebook."
    except Exception as error:  # unreadable file, out of memory, ...
        return f"{path.name} could not be read: {type(error).__name__}: {error}"
    try:
        nbformat.read(str(path), as_version=4)
    except RecursionError:
        return f"{path.name} could not be read as a notebook: it is nested too deeply."
    except Exception as error:  # nbformat validation and reader errors
        return f"{path.name} could not be read as a notebook: {type(error).__name__}: {error}"
    return None


def match_notebooks(submission, expected_names, limits=IntakeLimits(), skipped=None):
    """Fill submission.notebooks/problems/notes from the files in its folder (`skipped`: what
    extract_zip did not unpack, and why)."""
    present = {p.stem: p for p in sorted(submission.folder.glob("*.ipynb")) if p.is_file()}
    unexpected = [p for stem, p in present.items() if stem not in expected_names]
    missing = [name for name in expected_names if name not in present]
    if len(missing) == 1 and len(unexpected) == 1:
        present[missing[0]] = unexpected[0]
        submission.notes.append(f"{unexpected[0].name} was graded as {missing[0]}.ipynb "
                                "(please keep the original file name next time).")
    for name in expected_names:
        path = present.get(name)
        if path is None and (reason := (skipped or {}).get(submission.folder / f"{name}.ipynb")):
            submission.problems[name] = f"{name}.ipynb could not be graded: {reason}."
        elif path is None:
            submission.problems[name] = f"{name}.ipynb was not submitted."
        elif (problem := notebook_problem(path, limits)) is not None:
            submission.problems[name] = problem
        else:
            submission.notebooks[name] = path


def student_id_problem(name):
    """None when folder `name` can be a student id (coursekit.student_id's rule, the one `submit`
    applies), else why not."""
    if name.startswith("."):
        return "a name starting with '.' is a hidden folder (such as .ipynb_checkpoints), not a student id"
    problem = id_problem(name)
    return problem and problem.rstrip(".") + " (rename the folder to grade it)"


def collect_submissions(batch_root, expected_notebooks, limits=IntakeLimits(), skipped=None):
    """(all submissions under batch_root, notes on what was not taken as a student and why).

    expected_notebooks: assignment id -> list of notebook names (without .ipynb).
    A student folder lacking an assignment's folder gets a Submission whose
    notebooks are all reported as not submitted. skipped: as extract_zip fills it.
    """
    submissions, notes = [], []
    for entry in sorted(Path(batch_root).iterdir()):
        if not entry.is_dir() or entry.is_symlink():
            notes.append(f"skipped {entry.name!r}: only folders (one per student) are graded.")
            continue
        if problem := student_id_problem(entry.name):
            notes.append(f"skipped the folder {entry.name!r}: {problem}.")
            continue
        for assignment_id, names in sorted(expected_notebooks.items()):
            submission = Submission(entry.name, assignment_id, entry / assignment_id)
            if submission.folder.is_dir():
                match_notebooks(submission, names, limits, skipped)
            else:
                submission.problems = {name: f"no {assignment_id}/ folder was submitted." for name in names}
            submissions.append(submission)
    return submissions, notes


def open_batch(path, work_dir, assignment_ids, limits=IntakeLimits(), skipped=None):
    """(the folder of student folders, notes on skipped zip members) for a batch given as a folder or a .zip;
    `skipped` as extract_zip fills it."""
    path = Path(path)
    notes = []
    if path.is_file() and zipfile.is_zipfile(path):
        unpacked = Path(work_dir) / "unzipped"
        shutil.rmtree(unpacked, ignore_errors=True)
        notes = extract_zip(path, unpacked, limits, skipped)
        path = unpacked
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is neither a folder nor a zip of submissions.")
    return find_batch_root(path, assignment_ids), notes
