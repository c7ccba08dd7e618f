"""When a submission was handed in, and how we know.

In order: nbgrader's `timestamp.txt` in the submission's folder (what `nbgrader collect` and the
exchange write); else the time of its notebooks' entries in the zip of the batch (read in the
course's time zone, since a zip stores local times); else its notebooks' file modification
time. The source is stated beside the time, in the notes of the feedback and grades.csv.
"""
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.utils import parse_utc

TIMESTAMP_FILE = "timestamp.txt"


def entry_time(member):
    """A zip member's naive local time, or None when its stored date is not a date (a zip
    writer may leave the fields 0: month 0 is no month)."""
    try:
        return datetime(*member.date_time)
    except (ValueError, TypeError):
        return None


def zip_entry_times(batch_path):
    """{member name: naive local datetime} of a zip's files that carry a valid date ({} when the
    batch is a folder or its zip cannot be read)."""
    path = Path(batch_path)
    if not (path.is_file() and zipfile.is_zipfile(path)):
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            times = {m.filename: entry_time(m) for m in archive.infolist() if not m.is_dir()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return {}
    return {name: moment for name, moment in times.items() if moment is not None}


def from_timestamp_file(folder):
    """(naive UTC time, None) from timestamp.txt, (None, why not) when it is unreadable, (None, None) if absent."""
    path = Path(folder) / TIMESTAMP_FILE
    if not path.is_file():
        return None, None
    try:
        return parse_utc(path.read_text().strip()), None
    except (ValueError, OverflowError, UnicodeDecodeError) as error:
        return None, f"{TIMESTAMP_FILE} could not be read ({error})"


def from_zip(files, entry_times):
    """The latest zip entry time of `files` (naive local), or None."""
    times = [t for name, t in entry_times.items() for f in files if f.as_posix().endswith("/" + name)]
    return max(times, default=None)


def submission_time(submission, entry_times, calendar):
    """(naive UTC time, source in words) of one submission, from its notebooks (from all its
    files when it has no notebook); entry_times: from zip_entry_times."""
    moment, problem = from_timestamp_file(submission.folder)
    if moment is not None:
        return moment, f"the time in its {TIMESTAMP_FILE}"
    prefix = f"{problem}; " if problem else ""
    files = (sorted(submission.notebooks.values()) or sorted(p for p in submission.folder.rglob("*") if p.is_file())
             or [submission.folder])
    local = from_zip(files, entry_times)
    if local is not None:
        return calendar.local_to_utc(local), f"{prefix}the time of its entry in the zip of submissions"
    mtime = max(f.stat().st_mtime for f in files)
    return (datetime.fromtimestamp(mtime, timezone.utc).replace(tzinfo=None),
            f"{prefix}the modification time of the submitted file")


def leave_for_formgrader(course_root, submission, moment):
    """Put the submission in the course folder's submitted/ as nbgrader's collect leaves it: its
    notebooks (when a worker graded it elsewhere) and a timestamp.txt with the recorded time.
    formgrader lists a submission as graded only when that time equals the gradebook's."""
    folder = Path(course_root) / "submitted" / submission.student_id / submission.assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in submission.notebooks.items():
        if not (folder / f"{name}.ipynb").exists():
            shutil.copyfile(path, folder / f"{name}.ipynb")
    (folder / TIMESTAMP_FILE).write_text(f"{moment:%Y-%m-%d %H:%M:%S.%f} UTC")
