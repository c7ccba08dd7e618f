"""Naming a likely bug when a visible test fails, without giving the catalog away.

What a failing visible test saw is its fingerprint: the name of the failing
check and the values it got (rounded to 4 significant digits of the largest),
or, for any other error, its type and message. For every catalogued bug whose
visible tests fail, the release stores (in `assignments/<assignment>/known_bugs.json`)
only a digest of that fingerprint and the bug's message encrypted with a key
derived from the fingerprint. So the file holds no value, no code and no readable
message: a student's test learns a message only by failing exactly as the bug
does, and then it says "Likely cause: ...". The instructor side builds the
file (autograder/release/fingerprints.py); this module only reads it.
"""
import base64
import hashlib
import json
import os
from pathlib import Path

import numpy as np

from coursekit.locations import released_dir

FILE_NAME = "known_bugs.json"
FORMAT = 1
SIGNIFICANT_STEPS = 10_000   # values are kept as multiples of (largest |value|) / 10,000


def value_material(name, actual):
    """The fingerprint of a failing comparison: its name, shape and rounded values.

    Rounding is relative to the largest finite value, so the same bug written
    with loops or vectorized (differences around 1e-15) gives the same text.
    """
    values = np.asarray(actual, dtype=np.float64)
    finite = values[np.isfinite(values)]
    scale = float(np.max(np.abs(finite), initial=0.0)) or 1.0
    steps = np.where(np.isfinite(values), np.round(values / scale * SIGNIFICANT_STEPS), 0).astype(np.int64)
    return f"value|{name}|{values.shape}|{scale:.3e}|{steps.tobytes().hex()}"


def text_material(ename, evalue):
    """The fingerprint of any other error: its type and message."""
    return f"text|{ename}|{evalue}"


def failure_material(error):
    """The fingerprint of an exception raised by a visible test."""
    return getattr(error, "fingerprint", None) or text_material(type(error).__name__, str(error))


def _digest(purpose, material):
    return hashlib.sha256(f"{purpose}|{material}".encode()).digest()


def lookup_key(material):
    """Where the message of a fingerprint is filed (a digest: it reveals nothing)."""
    return _digest("lookup", material).hex()[:32]


def _keystream(material, length):
    return hashlib.shake_256(_digest("key", material)).digest(length)


def seal(material, message):
    """The message encrypted with a key only this fingerprint gives (base64 text)."""
    data = message.encode()
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, _keystream(material, len(data))))).decode()


def unseal(material, sealed):
    data = base64.b64decode(sealed)
    return bytes(a ^ b for a, b in zip(data, _keystream(material, len(data)))).decode(errors="replace")


def table_files():
    """known_bugs.json beside the notebook (the working folder) and of every released assignment
    (coursekit/locations.py: in the student package, or in a clone's assignments/)."""
    here = Path(os.getcwd()) / FILE_NAME
    return [here] * here.is_file() + sorted(released_dir().glob(f"*/{FILE_NAME}"))


def _read_table(path):
    try:
        table = json.loads(Path(path).read_text())
        return table.get("bugs", {}) if table.get("format") == FORMAT else {}
    except (OSError, ValueError, AttributeError):
        return {}


def likely_cause(material):
    """'Likely cause: ...' when this fingerprint is a catalogued bug's, else None."""
    key = lookup_key(material)
    for path in table_files():
        sealed = _read_table(path).get(key)
        if isinstance(sealed, str):
            return unseal(material, sealed)
    return None


def with_likely_cause(message, material):
    """`message`, followed by the likely cause when the fingerprint is known."""
    cause = likely_cause(material)
    return f"{message}\n  {cause}" if cause and cause not in message else message
