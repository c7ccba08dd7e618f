"""Strict reading of hidden-test records (autograder/cases/records.py), without a kernel:
plain numbers and error texts only, from a real file in a real folder, of bounded size."""
import numpy as np
import pytest

from autograder.cases.records import (MAX_RECORD_BYTES, RECORDS_FOLDER, MalformedRecord, clear_records,
                                      ensure_records_dir, read_record, records_dir, write_record)
from autograder.course import REPO_ROOT

def test_a_record_round_trips_plain_numbers_and_errors(tmp_path):
    outcomes = [("outputs", {"loss": np.float32(1.5), "dW": np.arange(6).reshape(2, 3)}),
                ("error", "ValueError: shapes do not match")]
    write_record(tmp_path, "part", outcomes)
    read = read_record(tmp_path, "part", 2)
    assert read[1] == outcomes[1]
    assert read[0][1]["loss"].dtype == np.float64 and read[0][1]["loss"] == 1.5
    np.testing.assert_array_equal(read[0][1]["dW"], np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("entries, reason", [
    ({"0|loss": np.array([object()], dtype=object)}, "could not be read"),
    ({"0|loss": np.array(["1.0"])}, "not a plain numeric array"),
    ({"7|loss": np.array(1.0)}, "unexpected entry"),
    ({"0|!error": np.array(3.0)}, "not text"),
])
def test_records_holding_anything_but_plain_numbers_are_rejected(tmp_path, entries, reason):
    np.savez(tmp_path / "part.npz", **entries)
    with pytest.raises(MalformedRecord, match=reason):
        read_record(tmp_path, "part", 2)


def test_missing_symlinked_and_oversized_records_are_rejected(tmp_path):
    with pytest.raises(MalformedRecord, match="no record was written"):
        read_record(tmp_path, "part", 1)
    (tmp_path / "part.npz").symlink_to(REPO_ROOT / "README.md")
    with pytest.raises(MalformedRecord, match="could not be opened"):
        read_record(tmp_path, "part", 1)
    (tmp_path / "part.npz").unlink()
    write_record(tmp_path, "part", [("outputs", {"x": 1.0})])
    (tmp_path.parent / "link").symlink_to(tmp_path)
    with pytest.raises(MalformedRecord, match="folder could not be opened"):
        read_record(tmp_path.parent / "link", "part", 1)
    (tmp_path / "part.npz").unlink()
    np.savez_compressed(tmp_path / "part.npz", **{"0|x": np.zeros(MAX_RECORD_BYTES // 8 + 1)})
    with pytest.raises(MalformedRecord, match="too large"):
        read_record(tmp_path, "part", 1)




def test_records_live_in_the_working_copy_and_earlier_ones_are_cleared(tmp_path):
    folder = ensure_records_dir(tmp_path)
    assert folder == records_dir(tmp_path) == tmp_path / RECORDS_FOLDER and folder.is_dir()
    write_record(folder, "part", [("outputs", {"x": 1.0})])
    assert ensure_records_dir(tmp_path) == folder and (folder / "part.npz").exists()
    clear_records(tmp_path)
    assert not folder.exists()
    clear_records(tmp_path)  # nothing to clear
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.npz").write_bytes(b"x")
    folder.symlink_to(tmp_path / "elsewhere")  # planted by a student: removed, its target untouched
    clear_records(tmp_path)
    assert not folder.exists() and not folder.is_symlink() and (tmp_path / "elsewhere" / "keep.npz").exists()
