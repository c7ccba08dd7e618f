"""Small fake CIFAR-10 data in the OFFICIAL layout, for tests (a helper, not a test module).

The official ``cifar-10-python.tar.gz`` holds ``cifar-10-batches-py/`` with ``data_batch_1..5``,
``test_batch`` and ``batches.meta``. Each batch is a pickle of a dict whose ``data`` is a uint8
array (N, 3072) (red plane, green plane, blue plane, each 32x32 row-major) and whose ``labels``
is a list of N ints in 0..9; ``batches.meta`` has ``label_names``. The real files have
N = 10000; here N is small so that tests never need the real download.

- ``fake_records``: the batch dicts themselves (so tests can compare against them)
- ``write_fake_batches``: the pickles, written into a folder (as after extraction)
- ``make_fake_archive``: a ``.tar.gz`` in the official layout, or a broken one (``corrupt=``)
- ``truncated_copy``: the first part of a file, as left by a cut connection
"""
import hashlib
import io
import os
import pickle
import tarfile

import numpy as np

# Listed here, not imported from coursekit, so tests compare against an independent copy.
LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck"]
TRAIN_BATCHES = [f"data_batch_{i}" for i in range(1, 6)]
BATCH_NAMES = TRAIN_BATCHES + ["test_batch"]
FOLDER = "cifar-10-batches-py"

# Values for ``make_fake_archive(corrupt=...)``; each gives an archive setup must reject.
INVALID_KINDS = (
    "missing_batch",   # no data_batch_5
    "empty_batch",     # data_batch_5 holds no images
    "no_folder",       # the files sit at the top level, not in cifar-10-batches-py/
    "wrong_shape",     # data_batch_2 data is (N, 3000)
    "float_data",      # test_batch data is float32
    "bad_labels",      # a label 10 in data_batch_3
    "not_pickle",      # data_batch_4 holds random bytes
    "evil_pickle",     # data_batch_1 runs os.system when unpickled without restrictions
    "not_an_archive",  # random bytes instead of a .tar.gz
)
# ``corrupt="traversal"`` gives a VALID archive that also holds ../ and link members.
EVIL_MARKER = "evil_pickle_ran"


class _RunsCommand:
    """Pickles as a call to os.system (what a malicious batch file could do)."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def fake_records(n_per_batch=20, seed=0):
    """Return {name: dict} for the six batches and ``batches.meta``, with str keys.

    Pixels and labels are random but fixed by ``seed``; every batch has ``n_per_batch`` images.
    """
    rng = np.random.default_rng(seed)
    records = {}
    for i, name in enumerate(BATCH_NAMES):
        label = f"training batch {i + 1} of 5" if name != "test_batch" else "testing batch 1 of 1"
        records[name] = {
            "batch_label": label,
            "labels": rng.integers(0, 10, size=n_per_batch).tolist(),
            "data": rng.integers(0, 256, size=(n_per_batch, 3072), dtype=np.uint8),
            "filenames": [f"img_{name}_{j}.png" for j in range(n_per_batch)],
        }
    records["batches.meta"] = {"label_names": list(LABEL_NAMES),
                               "num_cases_per_batch": n_per_batch, "num_vis": 3072}
    return records


def _bytes_keys(record):
    """The record as python 2 pickles load under ``encoding="bytes"``: bytes keys and strings."""
    out = {}
    for key, value in record.items():
        if isinstance(value, str):
            value = value.encode("latin1")
        elif isinstance(value, list) and value and isinstance(value[0], str):
            value = [v.encode("latin1") for v in value]
        out[key.encode("latin1")] = value
    return out


def pickle_bytes(record, key_type="str"):
    """Serialize one record as the official files are: a protocol-2 pickle of a dict."""
    if key_type not in ("str", "bytes"):
        raise ValueError("key_type must be 'str' or 'bytes'")
    return pickle.dumps(_bytes_keys(record) if key_type == "bytes" else record, protocol=2)


def write_fake_batches(folder, n_per_batch=20, key_type="str", seed=0):
    """Write the seven pickles into ``folder`` (created); return the records (str keys)."""
    os.makedirs(folder, exist_ok=True)
    records = fake_records(n_per_batch, seed)
    for name, record in records.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(pickle_bytes(record, key_type))
    return records


def _member_files(records, key_type, corrupt, evil_command):
    """Return [(member name, bytes)] for the archive, broken as ``corrupt`` says."""
    records = dict(records)
    if corrupt == "wrong_shape":
        records["data_batch_2"] = dict(records["data_batch_2"],
                                       data=records["data_batch_2"]["data"][:, :3000].copy())
    if corrupt == "float_data":
        records["test_batch"] = dict(records["test_batch"],
                                     data=records["test_batch"]["data"].astype(np.float32))
    if corrupt == "bad_labels":
        labels = list(records["data_batch_3"]["labels"])
        labels[0] = 10
        records["data_batch_3"] = dict(records["data_batch_3"], labels=labels)
    if corrupt == "empty_batch":
        records["data_batch_5"] = dict(records["data_batch_5"], labels=[],
                                       data=np.zeros((0, 3072), dtype=np.uint8))
    files = {name: pickle_bytes(record, key_type) for name, record in records.items()}
    if corrupt == "missing_batch":
        del files["data_batch_5"]
    if corrupt == "not_pickle":
        files["data_batch_4"] = np.random.default_rng(1).bytes(5000)
    if corrupt == "evil_pickle":
        files["data_batch_1"] = pickle.dumps({"data": _RunsCommand(evil_command), "labels": []},
                                             protocol=2)
    prefix = "" if corrupt == "no_folder" else FOLDER + "/"
    return [(prefix + name, data) for name, data in files.items()]


def _add_file(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))


def _add_traversal_members(tar):
    """Members that would write outside the data folder if extracted naively."""
    _add_file(tar, "../escaped.txt", b"escaped")
    _add_file(tar, FOLDER + "/../../escaped2.txt", b"escaped")
    link = tarfile.TarInfo(FOLDER + "/readme.html")
    link.type, link.linkname, link.mtime = tarfile.SYMTYPE, "/etc/passwd", 0
    tar.addfile(link)


def make_fake_archive(path, n_per_batch=20, key_type="str", seed=0, corrupt=None,
                      evil_command=None):
    """Write a fake ``cifar-10-python.tar.gz`` at ``path``; return its md5 (hex).

    Inputs:
    - n_per_batch: images per batch (6 batches; the real archive has 10000)
    - key_type: "str" or "bytes" keys in the pickles (both occur with the official files)
    - seed: fixes pixels and labels (see ``fake_records``)
    - corrupt: None for a valid archive, one of INVALID_KINDS for one setup must reject,
      or "traversal" for a valid archive with extra ``../`` and symlink members
    - evil_command: the shell command the "evil_pickle" batch would run (default: touch
      EVIL_MARKER beside the archive)
    """
    if corrupt is not None and corrupt not in INVALID_KINDS + ("traversal",):
        raise ValueError(f"unknown corrupt kind {corrupt!r}")
    if corrupt == "not_an_archive":
        data = np.random.default_rng(seed).bytes(4096)
    else:
        if evil_command is None:
            marker = os.path.join(os.path.dirname(os.path.abspath(path)), EVIL_MARKER)
            evil_command = f"touch '{marker}'"
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            if corrupt != "no_folder":
                folder = tarfile.TarInfo(FOLDER)
                folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o755, 0
                tar.addfile(folder)
            if corrupt == "traversal":
                _add_traversal_members(tar)
            for name, member in _member_files(fake_records(n_per_batch, seed), key_type,
                                              corrupt, evil_command):
                _add_file(tar, name, member)
        data = raw.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.md5(data).hexdigest()


def make_invalid_archive(path, kind="missing_batch", **kwargs):
    """Write an archive setup must reject (``kind`` from INVALID_KINDS); return its md5."""
    if kind not in INVALID_KINDS:
        raise ValueError(f"kind must be one of {INVALID_KINDS}")
    return make_fake_archive(path, corrupt=kind, **kwargs)


def truncated_copy(src, dst, keep_fraction=0.5):
    """Copy the first ``keep_fraction`` of file ``src`` to ``dst``; return dst's md5."""
    with open(src, "rb") as f:
        data = f.read()
    data = data[:int(len(data) * keep_fraction)]
    with open(dst, "wb") as f:
        f.write(data)
    return hashlib.md5(data).hexdigest()


def file_md5(path):
    """md5 (hex) of a file."""
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()
