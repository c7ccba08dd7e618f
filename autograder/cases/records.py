"""Records: plain numbers that travel from student code to the grader, read strictly.

Two kinds, one format (an .npz archive of plain numeric arrays and short strings):
- outcomes: what a student's function returned on each hidden case of a part, made
  by the judge runner (autograder/cases/runner.py) and sent over its pipe;
- state: what a part's restored test cell records of the notebook's state (a trained
  W, sanity values), sent from the student's kernel as a display message on the
  kernel channel (autograder/hidden/, kernel/record_channel.py).
The grader reads either with strict checks (no pickles, plain numeric dtypes, bounded
size) and decides every verdict in its own process (autograder/judging/verdicts.py),
so nothing student code does to numpy, builtins or the helpers can change it. Records
are never files in the working copy: student code could rewrite those afterwards.
"""
import base64
import binascii
import io
import zipfile

import numpy as np

GRADING_VAR = "AUTOGRADER_GRADING"  # set in grading kernels: hidden tests leave the judging to the grader
ERROR_KEY = "!error"
MAX_RECORD_BYTES = 64 * 2**20        # compressed or not: a record is small numeric arrays
MAX_ERROR_CHARS = 2000
NUMERIC_KINDS = "fiub"               # float, int, unsigned, bool: nothing that can run code or lie about itself
RECORD_MIME = "application/vnd.autograder.record+json"   # a state record on the kernel channel


class MalformedRecord(ValueError):
    """The record is missing, unreadable, or holds something other than plain numbers."""


def outcome(obj, part, inputs, trusted=None):
    """("outputs", dict) or ("error", "Type: message") for one call of the part on `inputs`."""
    try:
        with np.errstate(all="ignore"):
            return "outputs", part.run(obj, inputs, trusted)
    except Exception as error:
        return "error", f"{type(error).__name__}: {error}"


def error_text(error):
    return str(error)[:MAX_ERROR_CHARS]


def pack(entries):
    """The .npz bytes of {key: array or text}."""
    buffer = io.BytesIO()
    np.savez(buffer, **{key: np.asarray(value) for key, value in entries.items()})
    return buffer.getvalue()


def pack_outcomes(outcomes):
    """One part's outcomes (in case order) as .npz bytes: {"<case index>|<output name>": array or message}."""
    entries = {}
    for index, (kind, value) in enumerate(outcomes):
        if kind == "error":
            entries[f"{index}|{ERROR_KEY}"] = np.array(error_text(value))
        else:
            for name, output in value.items():
                entries[f"{index}|{name}"] = np.asarray(output)
    return pack(entries)


def pack_state(values):
    """A state record, {name: array} or {ERROR_KEY: message}, as .npz bytes."""
    if ERROR_KEY in values:
        return pack({ERROR_KEY: np.array(error_text(values[ERROR_KEY]))})
    return pack(values)


def plain_array(name, array):
    """A float64 copy of a plain numeric array; anything else is malformed."""
    if type(array) is not np.ndarray or array.dtype.kind not in NUMERIC_KINDS or array.dtype.fields:
        raise MalformedRecord(f"output '{name}' is not a plain numeric array (dtype {array.dtype})")
    return np.array(array, dtype=np.float64)


def plain_text(array):
    if type(array) is not np.ndarray or array.dtype.kind != "U" or array.ndim != 0:
        raise MalformedRecord("an error message in the record is not text")
    return str(array)[:MAX_ERROR_CHARS]


def decode_entries(data):
    """{key: array} from .npz bytes: no pickles, bounded size."""
    if len(data) > MAX_RECORD_BYTES:
        raise MalformedRecord("the record is too large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_RECORD_BYTES:
            raise MalformedRecord("the record is too large once decompressed")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except MalformedRecord:
        raise
    except Exception as error:  # any damage, including pickled objects
        raise MalformedRecord(f"the record could not be read ({type(error).__name__})") from None


def unpack_outcomes(data, number_of_cases):
    """The outcomes of one part, one per case, from pack_outcomes() bytes, read strictly.

    Returns [("outputs", {name: float64 array}) or ("error", message)].
    Raises MalformedRecord when the bytes are damaged, have the wrong cases, or
    hold anything but plain numbers and strings.
    """
    outcomes = [("outputs", {}) for _ in range(number_of_cases)]
    for key, array in decode_entries(data).items():
        index, _, name = key.partition("|")
        if not index.isdigit() or int(index) >= number_of_cases or not name:
            raise MalformedRecord(f"the record has an unexpected entry '{key[:40]}'")
        index = int(index)
        if name == ERROR_KEY:
            outcomes[index] = ("error", plain_text(array))
        elif outcomes[index][0] == "outputs":
            outcomes[index][1][name] = plain_array(name, array)
    return outcomes


def unpack_state(data):
    """{name: float64 array} (or {ERROR_KEY: message}) from pack_state() bytes, read strictly."""
    entries = decode_entries(data)
    if ERROR_KEY in entries:
        return {ERROR_KEY: plain_text(entries[ERROR_KEY])}
    return {name: plain_array(name, array) for name, array in entries.items()}


def state_message(assignment_id, part_name, values):
    """The display data a test cell sends to record the state of one part (kernel side)."""
    return {RECORD_MIME: {"assignment": assignment_id, "part": part_name,
                          "npz": base64.b64encode(pack_state(values)).decode("ascii")}}


def read_state_message(content):
    """(assignment, part, bytes) from state_message()'s content, or MalformedRecord."""
    if not isinstance(content, dict) or not all(isinstance(content.get(k), str) for k in ("assignment", "part", "npz")):
        raise MalformedRecord("the state record is not in the expected form")
    if len(content["npz"]) > 2 * MAX_RECORD_BYTES:
        raise MalformedRecord("the record is too large")
    try:
        data = base64.b64decode(content["npz"], validate=True)
    except (binascii.Error, ValueError):
        raise MalformedRecord("the state record is not base64") from None
    return content["assignment"], content["part"], data
