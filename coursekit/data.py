"""Load CIFAR-10 for the notebooks (numpy only).

The data is set up once by ``bash setup_data.sh`` in a clone, or ``python -m coursekit.cifar_setup``
with the student package (see ``datasets/README.md``). It then lives in two forms inside the
data directory (``default_data_dir()``, coursekit/locations.py):

- ``cifar-10-batches-py/``: the six official python pickles (``data_batch_1..5``,
  ``test_batch``) and ``batches.meta``;
- ``cifar10_cache/``: the same images as ``.npy`` files, which load in a fraction of
  a second (``X_train.npy``, ``y_train.npy``, ``X_test.npy``, ``y_test.npy``,
  ``meta.json`` and a ``COMPLETE`` marker written last).

Images are returned as ``uint8`` arrays of shape ``(N, 32, 32, 3)`` (height, width,
RGB channel) and labels as ``int64`` arrays of shape ``(N,)`` with values in 0..9,
indexing ``CLASS_NAMES``. ``get_cifar10_splits`` turns them into the flattened,
mean-subtracted ``(N, D)`` matrices the assignments use (CS231n convention).
"""
import json
import pickle
from pathlib import Path

import numpy as np

from coursekit.locations import default_data_dir, setup_command

CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck"]

BATCHES_DIRNAME = "cifar-10-batches-py"
CACHE_DIRNAME = "cifar10_cache"
CACHE_MARKER = "COMPLETE"
CACHE_ARRAYS = ("X_train", "y_train", "X_test", "y_test")
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
META_FILE = "batches.meta"

IMAGE_SHAPE = (32, 32, 3)
IMAGE_SIZE = 32 * 32 * 3  # 3072 values per image: 1024 red, 1024 green, 1024 blue

# The only globals a CIFAR-10 pickle needs (numpy arrays, python-2 and python-3 pickles).
# Anything else is refused, so a tampered archive cannot run code when it is loaded.
_ALLOWED_PICKLE_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("_codecs", "encode"),
    ("__builtin__", "bytes"),  # how python 3 writes b"" into a protocol-2 pickle
    ("builtins", "bytes"),
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """An unpickler that only rebuilds plain numpy arrays, lists, dicts, strings and numbers."""

    def find_class(self, module, name):
        if (module, name) not in _ALLOWED_PICKLE_GLOBALS:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: a CIFAR-10 batch only holds numpy arrays, "
                "lists and strings"
            )
        return super().find_class(module, name)


def read_pickle(path):
    """Read one CIFAR-10 pickle file and return the object inside (normally a dict).

    The official files are python-2 pickles: ``encoding="latin1"`` gives str keys for
    them (and is the encoding numpy needs for python-2 arrays); pickles written by
    python 3 with bytes keys keep their bytes keys. ``batch_entry`` accepts both.
    """
    with open(path, "rb") as f:
        return _NumpyOnlyUnpickler(f, encoding="latin1").load()


def batch_entry(record, key, path):
    """Return ``record[key]`` whether the pickle used str keys or bytes keys.

    ``path`` only names the file in the ValueError raised when the entry is missing.
    """
    if isinstance(record, dict):
        for candidate in (key, key.encode("ascii")):
            if candidate in record:
                return record[candidate]
    raise ValueError(
        f"{path} is not a CIFAR-10 batch: it has no {key!r} entry. "
        f"Run `{setup_command()}` again to rebuild the data folder."
    )


def batch_arrays(record, path):
    """Check one unpickled batch (a dict) and convert it to (X, y) as described in ``load_batch``.

    Raises ValueError, naming ``path``, when the entries do not have CIFAR-10's shapes,
    dtype or label range.
    """
    data = batch_entry(record, "data", path)
    labels = np.asarray(batch_entry(record, "labels", path))
    if labels.size == 0:
        labels = labels.astype(np.int64)  # an empty list would otherwise read as float
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != IMAGE_SIZE:
        shape = getattr(data, "shape", None)
        dtype = getattr(data, "dtype", type(data).__name__)
        raise ValueError(
            f"{path} is not a CIFAR-10 batch: its data has shape {shape} and dtype {dtype}, "
            f"expected a uint8 array of shape (N, {IMAGE_SIZE})."
        )
    if labels.shape != (data.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"{path} is not a CIFAR-10 batch: it has {data.shape[0]} images but its labels "
            f"have shape {labels.shape} and dtype {labels.dtype} (expected {data.shape[0]} integers)."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= len(CLASS_NAMES)):
        raise ValueError(
            f"{path} is not a CIFAR-10 batch: labels range from {labels.min()} to {labels.max()}, "
            f"expected 0..{len(CLASS_NAMES) - 1}."
        )
    X = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(X), labels.astype(np.int64)


def load_batch(path):
    """Load one official CIFAR-10 batch file (``data_batch_1``, ..., ``test_batch``).

    Inputs:
    - path: path to the pickle. Its ``data`` entry is a uint8 array of shape (N, 3072),
      each row an image stored as the red plane, then green, then blue, each plane
      row-major 32x32 (N is 10000 in the official files). Its ``labels`` entry is a list
      of N ints in 0..9. Keys may be str or bytes.

    Returns a tuple (X, y):
    - X: uint8 array of shape (N, 32, 32, 3), indexed [image, row, column, channel]
    - y: int64 array of shape (N,)

    Raises ValueError when the file does not hold a CIFAR-10 batch.
    """
    return batch_arrays(read_pickle(path), path)


def load_cifar10_pickles(batches_dir):
    """Load CIFAR-10 from the folder of official pickles (``.../cifar-10-batches-py``).

    Returns (X_train, y_train, X_test, y_test):
    - X_train: uint8 (50000, 32, 32, 3), y_train: int64 (50000,)  (data_batch_1..5 in order)
    - X_test: uint8 (10000, 32, 32, 3), y_test: int64 (10000,)    (test_batch)
    Sizes are taken from the files, so smaller batches work too.
    """
    batches_dir = Path(batches_dir)
    parts = [load_batch(batches_dir / name) for name in TRAIN_BATCHES]
    X_train = np.concatenate([X for X, _ in parts])
    y_train = np.concatenate([y for _, y in parts])
    del parts
    X_test, y_test = load_batch(batches_dir / TEST_BATCH)
    return X_train, y_train, X_test, y_test


def cache_is_complete(cache_dir):
    """True when ``cache_dir`` holds the four ``.npy`` arrays, ``meta.json`` and the marker."""
    cache_dir = Path(cache_dir)
    names = [f"{a}.npy" for a in CACHE_ARRAYS] + ["meta.json", CACHE_MARKER]
    return all((cache_dir / name).is_file() for name in names)


def batches_are_complete(batches_dir):
    """True when ``batches_dir`` holds the six batch pickles and ``batches.meta``."""
    batches_dir = Path(batches_dir)
    names = TRAIN_BATCHES + (TEST_BATCH, META_FILE)
    return all((batches_dir / name).is_file() for name in names)


def load_cache(cache_dir, mmap_mode=None):
    """Load (X_train, y_train, X_test, y_test) from the ``.npy`` cache (shapes as in ``load_cifar10``);
    mmap_mode="r" maps the files read-only instead (only the rows used are read)."""
    cache_dir = Path(cache_dir)
    return tuple(np.load(cache_dir / f"{name}.npy", mmap_mode=mmap_mode) for name in CACHE_ARRAYS)


def load_cache_meta(data_dir=None):
    """Return the cache's ``meta.json`` as a dict (source archive md5, class names, sizes)."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    with open(data_dir / CACHE_DIRNAME / "meta.json", encoding="utf-8") as f:
        return json.load(f)


def load_cifar10(data_dir=None, use_cache=True, mmap_mode=None):
    """Load all of CIFAR-10.

    Inputs:
    - data_dir: the folder ``setup_data.sh`` filled (default: ``default_data_dir()``)
    - use_cache: read the fast ``.npy`` cache when it is there (default True);
      False always reads the official pickles.
    - mmap_mode: with "r", the cache's arrays are memory-mapped read-only (numpy.memmap)
      instead of read whole (the pickles are always read whole)

    Returns (X_train, y_train, X_test, y_test):
    - X_train: uint8 (50000, 32, 32, 3), y_train: int64 (50000,)
    - X_test: uint8 (10000, 32, 32, 3), y_test: int64 (10000,)

    Raises FileNotFoundError, saying how to set the data up, when neither form is there.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    cache_dir = data_dir / CACHE_DIRNAME
    batches_dir = data_dir / BATCHES_DIRNAME
    if use_cache and cache_is_complete(cache_dir):
        return load_cache(cache_dir, mmap_mode)
    if batches_are_complete(batches_dir):
        return load_cifar10_pickles(batches_dir)
    raise FileNotFoundError(
        f"CIFAR-10 was not found in {data_dir} (looked for {CACHE_DIRNAME}/ and {BATCHES_DIRNAME}/). "
        f"Set it up once with `{setup_command()}` (downloads it), or "
        f"`{setup_command()} --archive /path/to/cifar-10-python.tar.gz` on a machine without "
        "internet (see datasets/README.md). If the data lives elsewhere, pass data_dir= or set "
        "the CIFAR10_DIR environment variable."
    )


def _check_split_sizes(num_training, num_validation, num_test, num_dev, dtype):
    """Raise ValueError for sizes or a dtype that can never work (before loading any data)."""
    sizes = {"num_training": num_training, "num_validation": num_validation,
             "num_test": num_test, "num_dev": num_dev}
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}.")
    if num_training < 1:
        raise ValueError("num_training must be at least 1 (the mean image is computed from it).")
    if num_dev > num_training:
        raise ValueError(
            f"num_dev={num_dev} is larger than num_training={num_training}: the dev set is "
            "sampled without replacement from the training split. Lower num_dev."
        )
    if np.dtype(dtype).kind != "f":
        raise ValueError(f"dtype must be a floating type such as np.float32, got {np.dtype(dtype)}.")


def _check_against_data(num_training, num_validation, num_test, n_train, n_test):
    """Raise ValueError when the requested splits need more images than the data holds."""
    if num_training + num_validation > n_train:
        raise ValueError(
            f"num_training + num_validation = {num_training + num_validation} exceeds the "
            f"{n_train} training images available. Lower num_training or num_validation."
        )
    if num_test > n_test:
        raise ValueError(
            f"num_test={num_test} exceeds the {n_test} test images available. Lower num_test."
        )


def _to_matrix(X_uint8, mean_image, dtype, subtract_mean, bias_trick):
    """Flatten uint8 images (N, 32, 32, 3) to a new (N, 3072) or (N, 3073) array of ``dtype``.

    Writes straight into the output array, so no float64 copy of the data is ever made.
    """
    n = X_uint8.shape[0]
    X_flat = X_uint8.reshape(n, -1)
    d = X_flat.shape[1]
    out = np.empty((n, d + 1 if bias_trick else d), dtype=dtype)
    out[:, :d] = X_flat
    if subtract_mean:
        out[:, :d] -= mean_image
    if bias_trick:
        out[:, d] = 1
    return out


def get_cifar10_splits(num_training=49000, num_validation=1000, num_test=1000, num_dev=500, *,
                       subtract_mean=True, bias_trick=True, dtype=np.float32, seed=0,
                       data_dir=None):
    """Load CIFAR-10 and prepare the CS231n train / val / test / dev splits.

    - train: the first ``num_training`` training images
    - val: the next ``num_validation`` training images
    - test: the first ``num_test`` images of the test batch
    - dev: ``num_dev`` images sampled without replacement from the train split with
      ``np.random.default_rng(seed)`` (same seed, same sample)

    Every X is flattened to shape (N, D) with D = 3072 (32*32*3 values in row, column,
    channel order) and converted to ``dtype`` (float32 by default, so full CIFAR-10 stays
    well under 1 GB). With ``subtract_mean`` the mean image of the *train* split is
    subtracted from every split; with ``bias_trick`` a column of ones is appended, so
    D = 3073. Labels are int64 arrays of shape (N,) with values in 0..9.

    Returns a dict with keys X_train, y_train, X_val, y_val, X_test, y_test, X_dev, y_dev
    and mean_image (shape (3072,), ``dtype``; computed in float64, then cast).

    Raises ValueError for sizes the data cannot provide, FileNotFoundError when the data
    has not been set up (see ``load_cifar10``).
    """
    _check_split_sizes(num_training, num_validation, num_test, num_dev, dtype)
    # Memory-mapped: only the rows of the splits are read (a small split loads in a tenth of the time).
    X_all, y_all, X_test_all, y_test_all = load_cifar10(data_dir, mmap_mode="r")
    _check_against_data(num_training, num_validation, num_test, len(X_all), len(X_test_all))

    train = slice(0, num_training)
    val = slice(num_training, num_training + num_validation)
    mean64 = X_all[train].reshape(num_training, -1).mean(axis=0, dtype=np.float64)
    mean_image = mean64.astype(dtype)

    def prepare(X):
        return _to_matrix(X, mean_image, dtype, subtract_mean, bias_trick)

    splits = {
        "X_train": prepare(X_all[train]), "y_train": np.array(y_all[train]),
        "X_val": prepare(X_all[val]), "y_val": np.array(y_all[val]),
        "X_test": prepare(X_test_all[:num_test]), "y_test": np.array(y_test_all[:num_test]),
    }
    del X_all, y_all, X_test_all, y_test_all
    dev_idx = np.random.default_rng(seed).choice(num_training, num_dev, replace=False)
    splits["X_dev"] = splits["X_train"][dev_idx]
    splits["y_dev"] = splits["y_train"][dev_idx]
    splits["mean_image"] = mean_image
    return splits
