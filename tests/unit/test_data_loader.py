"""Tests for coursekit.data: reading the official pickles, the .npy cache and the splits.

All data is small and fake (tests/support/fake_cifar.py), written into tmp_path.
"""
import pickle
import shutil
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from tests.support import fake_cifar
from coursekit import cifar_setup, data

N = 20  # images per fake batch


def hwc_reference(rows):
    """Independent HWC conversion: image[i, r, c, ch] = row[i, ch*1024 + r*32 + c]."""
    rows = np.asarray(rows)
    out = np.empty((rows.shape[0], 32, 32, 3), dtype=rows.dtype)
    for ch in range(3):
        for r in range(32):
            out[:, r, :, ch] = rows[:, ch * 1024 + r * 32: ch * 1024 + r * 32 + 32]
    return out


def write_pickle(path, obj):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)


@pytest.fixture
def batches_dir(tmp_path):
    """A folder of fake pickles, as after extraction; returns (folder, records)."""
    folder = tmp_path / "data" / "cifar-10-batches-py"
    records = fake_cifar.write_fake_batches(folder, n_per_batch=N)
    return folder, records


@pytest.fixture
def set_up_dir(tmp_path):
    """A data folder set up by cifar_setup (pickles and cache); returns (folder, records)."""
    archive = tmp_path / "fake.tar.gz"
    fake_cifar.make_fake_archive(archive, n_per_batch=N)
    dest = tmp_path / "data"
    assert cifar_setup.main(["--archive", str(archive), "--dest", str(dest)]) == 0
    return dest, fake_cifar.fake_records(n_per_batch=N)


# ------------------------------------------------------------------------- load_batch

@pytest.mark.parametrize("key_type", ["str", "bytes"])
def test_load_batch_accepts_str_and_bytes_keys(tmp_path, key_type):
    fake_cifar.write_fake_batches(tmp_path, n_per_batch=N, key_type=key_type)
    record = fake_cifar.fake_records(n_per_batch=N)["data_batch_1"]

    X, y = data.load_batch(tmp_path / "data_batch_1")

    assert X.shape == (N, 32, 32, 3) and X.dtype == np.uint8
    assert y.shape == (N,) and y.dtype == np.int64
    assert y.tolist() == record["labels"]
    np.testing.assert_array_equal(X, hwc_reference(record["data"]))


def test_known_pixel_lands_at_row_col_channel(tmp_path):
    rows = np.zeros((2, 3072), dtype=np.uint8)
    rows[1, 2 * 1024 + 5 * 32 + 7] = 200   # blue plane, row 5, column 7 of image 1
    rows[0, 0 * 1024 + 0 * 32 + 31] = 17   # red plane, row 0, column 31 of image 0
    rows[0, 1 * 1024 + 31 * 32 + 0] = 99   # green plane, row 31, column 0 of image 0
    write_pickle(tmp_path / "batch", {"data": rows, "labels": [3, 9]})

    X, y = data.load_batch(tmp_path / "batch")

    assert X[1, 5, 7, 2] == 200
    assert X[0, 0, 31, 0] == 17
    assert X[0, 31, 0, 1] == 99
    assert int(X.sum(dtype=np.int64)) == 200 + 17 + 99
    assert y.tolist() == [3, 9]


def test_load_batch_rejects_a_pickle_without_data(tmp_path):
    write_pickle(tmp_path / "batch", {"labels": [1, 2]})
    with pytest.raises(ValueError, match="'data'"):
        data.load_batch(tmp_path / "batch")


def test_load_batch_rejects_wrong_shape(tmp_path):
    write_pickle(tmp_path / "batch", {"data": np.zeros((2, 3000), np.uint8), "labels": [1, 2]})
    with pytest.raises(ValueError, match="3072"):
        data.load_batch(tmp_path / "batch")


def test_load_batch_refuses_pickles_that_run_code(tmp_path):
    marker = tmp_path / "ran"
    write_pickle(tmp_path / "batch", {"data": fake_cifar._RunsCommand(f"touch '{marker}'"),
                                      "labels": []})
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        data.load_batch(tmp_path / "batch")
    assert not marker.exists()


# ------------------------------------------------------------------------- whole data set

def test_load_cifar10_pickles_keeps_batch_order(batches_dir):
    folder, records = batches_dir
    X_train, y_train, X_test, y_test = data.load_cifar10_pickles(folder)

    assert X_train.shape == (5 * N, 32, 32, 3) and X_train.dtype == np.uint8
    assert X_test.shape == (N, 32, 32, 3) and X_test.dtype == np.uint8
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    expected_labels = sum((records[name]["labels"] for name in fake_cifar.TRAIN_BATCHES), [])
    assert y_train.tolist() == expected_labels
    np.testing.assert_array_equal(X_train[3 * N:4 * N], hwc_reference(records["data_batch_4"]["data"]))
    np.testing.assert_array_equal(X_test, hwc_reference(records["test_batch"]["data"]))


def test_load_cifar10_reads_pickles_without_cache(batches_dir):
    folder, records = batches_dir
    X_train, y_train, X_test, y_test = data.load_cifar10(folder.parent)
    assert X_train.shape == (5 * N, 32, 32, 3)
    assert y_test.tolist() == records["test_batch"]["labels"]


def test_cache_and_pickle_paths_return_identical_arrays(set_up_dir):
    dest, _ = set_up_dir
    from_cache = data.load_cifar10(dest)
    from_pickles = data.load_cifar10(dest, use_cache=False)
    for a, b in zip(from_cache, from_pickles):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_load_cifar10_uses_the_cache_when_present(set_up_dir):
    dest, records = set_up_dir
    for path in (dest / "cifar-10-batches-py").iterdir():
        path.unlink()  # only the cache is left

    X_train, y_train, X_test, y_test = data.load_cifar10(dest)

    np.testing.assert_array_equal(X_test, hwc_reference(records["test_batch"]["data"]))
    with pytest.raises(FileNotFoundError):
        data.load_cifar10(dest, use_cache=False)


def test_a_mapped_cache_reads_like_the_loaded_one(set_up_dir):
    dest, _ = set_up_dir
    mapped = data.load_cifar10(dest, mmap_mode="r")
    assert all(isinstance(a, np.memmap) for a in mapped)
    for a, b in zip(mapped, data.load_cifar10(dest)):
        np.testing.assert_array_equal(a, b)


def test_splits_from_the_mapped_cache_are_plain_writable_arrays_equal_to_those_from_the_pickles(set_up_dir):
    dest, _ = set_up_dir
    sizes = dict(num_training=3 * N, num_validation=N, num_test=N // 2, num_dev=5)
    from_cache = data.get_cifar10_splits(data_dir=dest, **sizes)
    shutil.rmtree(dest / "cifar10_cache")
    from_pickles = data.get_cifar10_splits(data_dir=dest, **sizes)
    for name, array in from_cache.items():
        assert type(array) is np.ndarray and array.flags.writeable, name   # never a map of the shared files
        np.testing.assert_array_equal(array, from_pickles[name])


def test_cache_meta_names_the_classes(set_up_dir):
    dest, _ = set_up_dir
    meta = data.load_cache_meta(dest)
    assert meta["class_names"] == fake_cifar.LABEL_NAMES
    assert meta["source_md5"] == fake_cifar.file_md5(dest.parent / "fake.tar.gz")


def test_missing_data_error_says_how_to_set_it_up(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        data.load_cifar10(tmp_path / "nothing-here")
    message = str(info.value)
    assert "bash setup_data.sh" in message
    assert "--archive" in message
    assert str(tmp_path / "nothing-here") in message


def test_default_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CIFAR10_DIR", str(tmp_path))
    assert data.default_data_dir() == tmp_path
    monkeypatch.delenv("CIFAR10_DIR")
    repo = Path(data.__file__).resolve().parent.parent
    assert data.default_data_dir() == repo / "datasets"


def test_class_names_are_in_cifar_order():
    assert data.CLASS_NAMES == fake_cifar.LABEL_NAMES


def test_setup_and_loader_agree_on_the_layout():
    assert cifar_setup.BATCHES_DIRNAME == data.BATCHES_DIRNAME
    assert cifar_setup.CACHE_DIRNAME == data.CACHE_DIRNAME
    assert cifar_setup.CACHE_MARKER == data.CACHE_MARKER
    assert set(cifar_setup.CACHE_FILES) == {f"{a}.npy" for a in data.CACHE_ARRAYS} | {
        "meta.json", data.CACHE_MARKER}


# ------------------------------------------------------------------------- splits

@pytest.fixture
def split_data(tmp_path):
    """Fake pickles with 40 images per batch (200 train, 40 test); returns (dir, raw rows)."""
    folder = tmp_path / "data" / "cifar-10-batches-py"
    records = fake_cifar.write_fake_batches(folder, n_per_batch=40, seed=3)
    train_rows = np.concatenate([records[n]["data"] for n in fake_cifar.TRAIN_BATCHES])
    raw = {
        "train": hwc_reference(train_rows).reshape(200, -1).astype(np.float64),
        "test": hwc_reference(records["test_batch"]["data"]).reshape(40, -1).astype(np.float64),
        "y_train": np.concatenate([records[n]["labels"] for n in fake_cifar.TRAIN_BATCHES]),
        "y_test": np.array(records["test_batch"]["labels"]),
    }
    return folder.parent, raw


def splits(data_dir, **kwargs):
    sizes = dict(num_training=150, num_validation=30, num_test=20, num_dev=10)
    sizes.update(kwargs)
    return data.get_cifar10_splits(data_dir=data_dir, **sizes)


def test_split_sizes_and_dtypes(split_data):
    data_dir, _ = split_data
    s = splits(data_dir)
    expected_rows = {"train": 150, "val": 30, "test": 20, "dev": 10}
    for name, rows in expected_rows.items():
        assert s[f"X_{name}"].shape == (rows, 3073), name
        assert s[f"X_{name}"].dtype == np.float32, name
        assert s[f"y_{name}"].shape == (rows,) and s[f"y_{name}"].dtype == np.int64, name
    assert s["mean_image"].shape == (3072,) and s["mean_image"].dtype == np.float32


def test_splits_follow_the_cs231n_convention(split_data):
    data_dir, raw = split_data
    s = splits(data_dir, subtract_mean=False, bias_trick=False)
    np.testing.assert_array_equal(s["X_train"], raw["train"][:150])
    np.testing.assert_array_equal(s["X_val"], raw["train"][150:180])
    np.testing.assert_array_equal(s["X_test"], raw["test"][:20])
    np.testing.assert_array_equal(s["y_train"], raw["y_train"][:150])
    np.testing.assert_array_equal(s["y_val"], raw["y_train"][150:180])
    np.testing.assert_array_equal(s["y_test"], raw["y_test"][:20])


def test_mean_subtraction_and_bias_column(split_data):
    data_dir, raw = split_data
    s = splits(data_dir)
    mean = raw["train"][:150].mean(axis=0)
    np.testing.assert_allclose(s["mean_image"], mean, rtol=1e-6)
    np.testing.assert_allclose(s["X_train"][:, :3072].mean(axis=0), 0, atol=1e-3)
    np.testing.assert_allclose(s["X_val"][:, :3072], raw["train"][150:180] - mean, atol=1e-4)
    np.testing.assert_allclose(s["X_test"][:, :3072], raw["test"][:20] - mean, atol=1e-4)
    for name in ("X_train", "X_val", "X_test", "X_dev"):
        assert np.all(s[name][:, 3072] == 1), name


def test_dtype_is_honoured(split_data):
    data_dir, _ = split_data
    s = splits(data_dir, dtype=np.float64, bias_trick=False)
    assert s["X_train"].dtype == np.float64 and s["X_train"].shape == (150, 3072)
    assert s["mean_image"].dtype == np.float64


def test_dev_sample_is_seeded_and_without_replacement(split_data):
    data_dir, _ = split_data
    a = splits(data_dir, seed=0)
    b = splits(data_dir, seed=0)
    c = splits(data_dir, seed=1)
    np.testing.assert_array_equal(a["X_dev"], b["X_dev"])
    np.testing.assert_array_equal(a["y_dev"], b["y_dev"])
    assert not np.array_equal(a["X_dev"], c["X_dev"])
    # every dev row is a distinct row of the train split, with its label
    index = {row.tobytes(): i for i, row in enumerate(a["X_train"])}
    picked = [index[row.tobytes()] for row in a["X_dev"]]
    assert len(set(picked)) == 10
    np.testing.assert_array_equal(a["y_dev"], a["y_train"][picked])


def test_dev_can_take_the_whole_train_split(split_data):
    data_dir, _ = split_data
    s = splits(data_dir, num_training=50, num_dev=50)
    assert sorted(map(bytes, s["X_dev"])) == sorted(map(bytes, s["X_train"]))


@pytest.mark.parametrize("kwargs, match", [
    ({"num_training": 190, "num_validation": 11}, "num_training \\+ num_validation = 201"),
    ({"num_test": 41}, "num_test=41"),
    ({"num_dev": 151}, "num_dev=151"),
    ({"num_validation": -1}, "num_validation"),
    ({"num_training": 0, "num_dev": 0}, "num_training"),
    ({"num_training": 2.5}, "num_training"),
    ({"dtype": np.int32}, "dtype"),
])
def test_impossible_sizes_raise_value_error(split_data, kwargs, match):
    data_dir, _ = split_data
    with pytest.raises(ValueError, match=match):
        splits(data_dir, **kwargs)


def test_splits_never_hold_a_float64_copy_of_the_train_set(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    fake_cifar.write_fake_batches(folder, n_per_batch=1000)
    sizes = dict(num_training=4000, num_validation=500, num_test=500, num_dev=100)
    outputs = (4000 + 500 + 500 + 100) * 3073 * 4        # the float32 results
    inputs = 6000 * 3072                                  # all images as uint8
    float64_train = 4000 * 3072 * 8

    tracemalloc.start()
    try:
        s = data.get_cifar10_splits(data_dir=tmp_path, **sizes)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert s["X_train"].dtype == np.float32
    assert peak < 1.2 * (outputs + inputs) < outputs + float64_train
