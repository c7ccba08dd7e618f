"""Strict reading of records (autograder/cases/records.py), without a kernel: plain numbers
and error texts only, of bounded size, whether they come from the judge runner's pipe or
from a test cell's display message on the kernel channel."""
import base64
import io
import zipfile

import numpy as np
import pytest

from autograder.cases.records import (ERROR_KEY, MAX_RECORD_BYTES, RECORD_MIME, MalformedRecord, pack, pack_outcomes,
                                      pack_state, read_state_message, state_message, unpack_outcomes, unpack_state)


def test_outcomes_round_trip_plain_numbers_and_errors():
    outcomes = [("outputs", {"loss": np.float32(1.5), "dW": np.arange(6).reshape(2, 3)}),
                ("error", "ValueError: shapes do not match")]
    read = unpack_outcomes(pack_outcomes(outcomes), 2)
    assert read[1] == outcomes[1]
    assert read[0][1]["loss"].dtype == np.float64 and read[0][1]["loss"] == 1.5
    np.testing.assert_array_equal(read[0][1]["dW"], np.arange(6).reshape(2, 3))


def test_a_state_record_round_trips_through_the_kernel_channel_message():
    message = state_message("assignment1", "svm_search", {"W": np.eye(3, dtype=np.float32), "runs": 4})
    assignment, part, data = read_state_message(message[RECORD_MIME])
    assert (assignment, part) == ("assignment1", "svm_search")
    values = unpack_state(data)
    assert values["W"].dtype == np.float64 and values["runs"] == 4.0
    np.testing.assert_array_equal(values["W"], np.eye(3))
    assert unpack_state(pack_state({ERROR_KEY: "best_svm is not set"})) == {ERROR_KEY: "best_svm is not set"}


@pytest.mark.parametrize("entries, reason", [
    ({"0|loss": np.array([object()], dtype=object)}, "could not be read"),
    ({"0|loss": np.array(["1.0"])}, "not a plain numeric array"),
    ({"7|loss": np.array(1.0)}, "unexpected entry"),
    ({"0|!error": np.array(3.0)}, "not text"),
])
def test_outcomes_holding_anything_but_plain_numbers_are_rejected(entries, reason):
    buffer = io.BytesIO()
    np.savez(buffer, **entries)
    with pytest.raises(MalformedRecord, match=reason):
        unpack_outcomes(buffer.getvalue(), 2)


def test_state_records_holding_objects_or_text_values_are_rejected():
    buffer = io.BytesIO()
    np.savez(buffer, W=np.array([object()], dtype=object))
    with pytest.raises(MalformedRecord, match="could not be read"):
        unpack_state(buffer.getvalue())
    with pytest.raises(MalformedRecord, match="not a plain numeric array"):
        unpack_state(pack({"W": np.array(["0.4"])}))
    with pytest.raises(MalformedRecord, match="not text"):
        unpack_state(pack({ERROR_KEY: np.array([1.0])}))


def test_damaged_and_oversized_records_are_rejected():
    with pytest.raises(MalformedRecord, match="could not be read"):
        unpack_outcomes(b"not an npz archive", 1)
    with pytest.raises(MalformedRecord, match="too large"):
        unpack_outcomes(b"\0" * (MAX_RECORD_BYTES + 1), 1)
    buffer = io.BytesIO()   # a small zip that unpacks past the limit
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("0|x.npy", b"\0" * (MAX_RECORD_BYTES + 1))
    with pytest.raises(MalformedRecord, match="too large once decompressed"):
        unpack_outcomes(buffer.getvalue(), 1)


@pytest.mark.parametrize("content", [None, "npz", {"assignment": "a", "part": "p"},
                                     {"assignment": "a", "part": "p", "npz": "not base64!"},
                                     {"assignment": 1, "part": "p", "npz": base64.b64encode(b"x").decode()}])
def test_malformed_kernel_channel_messages_are_rejected(content):
    with pytest.raises(MalformedRecord):
        read_state_message(content)
