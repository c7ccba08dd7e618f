"""Hidden-test records: what the student's code returned on each hidden case.

Inside the student's kernel the hidden test only runs the student's function
on the hidden inputs and writes what came back to a record (an .npz file of
plain numeric arrays and short strings). The grader's own process reads the
record with strict checks and decides the verdict (autograder/judging/verdicts.py), so
nothing the student's code does to numpy, builtins or the comparison helpers
inside the kernel can change it.

The kernel side imports only numpy and autograder.cases: the references, the
catalog of bugs and the comparison code are not needed there (and are not
visible in the grading sandbox).
"""
import io
import os
import shutil
import stat
import zipfile
from pathlib import Path

import numpy as np

RECORD_DIR_VAR = "AUTOGRADER_RECORD_DIR"   # set in grading kernels: where the records go
RECORDS_FOLDER = ".autograder-records"    # inside the working copy of the notebook
ERROR_KEY = "!error"
MAX_RECORD_BYTES = 64 * 2**20        # compressed or not: a record is small numeric arrays
MAX_ERROR_CHARS = 2000
NUMERIC_KINDS = "fiub"               # float, int, unsigned, bool: nothing that can run code or lie about itself


class MalformedRecord(ValueError):
    """The record is missing, unreadable, or holds something other than plain numbers."""


def outcome(obj, part, inputs):
    """("outputs", dict) or ("error", "Type: message") for one call of part.call."""
    try:
        with np.errstate(all="ignore"):
            return "outputs", part.call(obj, inputs)
    except Exception as error:
        return "error", f"{type(error).__name__}: {error}"


def record_name(part_name):
    return f"{part_name}.npz"


def encode_outcomes(outcomes):
    """{"<case index>|<output name>": array or message} for np.savez."""
    entries = {}
    for index, (kind, value) in enumerate(outcomes):
        if kind == "error":
            entries[f"{index}|{ERROR_KEY}"] = np.array(str(value)[:MAX_ERROR_CHARS])
        else:
            for name, output in value.items():
                entries[f"{index}|{name}"] = np.asarray(output)
    return entries


def write_record(record_dir, part_name, outcomes):
    """Write one part's outcomes (in case order) to <record_dir>/<part>.npz (kernel side)."""
    buffer = io.BytesIO()
    np.savez(buffer, **encode_outcomes(outcomes))
    with open(os.path.join(record_dir, record_name(part_name)), "wb") as handle:
        handle.write(buffer.getvalue())


def open_regular_file(folder, name):
    """The bytes of folder/name, refusing symlinks (for the folder too), special files and oversized files."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise MalformedRecord("no record was written (the hidden test did not finish)") from None
    except OSError as error:
        raise MalformedRecord(f"the records folder could not be opened ({error.strerror})") from None
    try:
        fd = os.open(name, flags, dir_fd=folder_fd)
    except FileNotFoundError:
        raise MalformedRecord("no record was written (the hidden test did not finish)") from None
    except OSError as error:
        raise MalformedRecord(f"the record could not be opened ({error.strerror})") from None
    finally:
        os.close(folder_fd)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise MalformedRecord("the record is not a regular file")
        if info.st_size > MAX_RECORD_BYTES:
            raise MalformedRecord("the record is too large")
        return handle.read(MAX_RECORD_BYTES + 1)


def plain_array(name, array):
    """A float64 copy of a plain numeric array; anything else is malformed."""
    if type(array) is not np.ndarray or array.dtype.kind not in NUMERIC_KINDS or array.dtype.fields:
        raise MalformedRecord(f"output '{name}' is not a plain numeric array (dtype {array.dtype})")
    return np.array(array, dtype=np.float64)


def decode_entries(data):
    """{"<index>|<name>": array or str} from .npz bytes: no pickles, bounded size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_RECORD_BYTES:
            raise MalformedRecord("the record is too large once decompressed")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except MalformedRecord:
        raise
    except Exception as error:  # any damage to the file, including pickled objects
        raise MalformedRecord(f"the record could not be read ({type(error).__name__})") from None


def read_record(record_dir, part_name, number_of_cases):
    """The outcomes of one part, one per case, read with strict checks (grader side).

    Returns [("outputs", {name: float64 array}) or ("error", message)].
    Raises MalformedRecord when the file is missing, damaged, has the wrong
    cases, or holds anything but plain numbers and strings.
    """
    entries = decode_entries(open_regular_file(record_dir, record_name(part_name)))
    outcomes = [("outputs", {}) for _ in range(number_of_cases)]
    for key, array in entries.items():
        index, _, name = key.partition("|")
        if not index.isdigit() or int(index) >= number_of_cases or not name:
            raise MalformedRecord(f"the record has an unexpected entry '{key[:40]}'")
        index = int(index)
        if name == ERROR_KEY:
            if array.dtype.kind != "U" or array.ndim != 0:
                raise MalformedRecord("an error message in the record is not text")
            outcomes[index] = ("error", str(array)[:MAX_ERROR_CHARS])
        elif outcomes[index][0] == "outputs":
            outcomes[index][1][name] = plain_array(name, array)
    return outcomes


def records_dir(working_dir):
    return Path(working_dir) / RECORDS_FOLDER


def clear_records(working_dir):
    """Remove the records of an earlier run (before grading a submission)."""
    folder = records_dir(working_dir)
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    shutil.rmtree(folder, ignore_errors=True)


def ensure_records_dir(working_dir):
    """The folder where this run's hidden tests write their records (one file per part)."""
    folder = records_dir(working_dir)
    folder.mkdir(exist_ok=True)
    return folder
