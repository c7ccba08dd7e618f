"""Tests for setup_data.sh (coursekit/cifar_setup.py), run the way a user runs it.

Every test works in tmp_path with a small fake archive (tests/support/fake_cifar.py); downloads
come from file:// URLs or an HTTP server on 127.0.0.1, never from the internet.
"""
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.support import fake_cifar
from tests.support.local_http import serving
from coursekit import data

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "setup_data.sh"
OFFICIAL_MD5 = "c58f30108f718f92721af3b95e74349a"
N = 20  # images per fake batch
EXPECTED_ENTRIES = {"cifar-10-batches-py", "cifar10_cache"}


@pytest.fixture
def env():
    """The environment for setup_data.sh: this interpreter, no CIFAR10_* settings, no proxy."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CIFAR10_")}
    environment.update(PYTHON=sys.executable, no_proxy="*", NO_PROXY="*")
    return environment


@pytest.fixture
def archive(tmp_path):
    """A valid fake archive; returns (path, md5)."""
    path = tmp_path / "src" / "cifar-10-python.tar.gz"
    path.parent.mkdir()
    return path, fake_cifar.make_fake_archive(path, n_per_batch=N)


def run_setup(env, *args, cwd=None):
    """Run ``bash setup_data.sh ARGS`` and return the CompletedProcess (text output)."""
    return subprocess.run(["bash", str(SCRIPT), *map(str, args)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def assert_set_up(dest, n_per_batch=N):
    """The data folder holds exactly the two results and they load."""
    assert {p.name for p in dest.iterdir()} >= EXPECTED_ENTRIES
    assert not [p.name for p in dest.iterdir() if p.name.startswith(".")], "temp files left"
    X_train, y_train, X_test, y_test = data.load_cifar10(dest)
    assert X_train.shape == (5 * n_per_batch, 32, 32, 3) and X_train.dtype == np.uint8
    assert X_test.shape == (n_per_batch, 32, 32, 3) and y_test.dtype == np.int64
    records = fake_cifar.fake_records(n_per_batch)
    assert y_test.tolist() == records["test_batch"]["labels"]


def assert_nothing_left(dest):
    """After a failure, a data folder the run had to create is gone again."""
    assert not dest.exists(), f"left behind: {sorted(p.name for p in dest.rglob('*'))}"


def assert_clean_failure(result):
    assert result.returncode != 0
    assert "ERROR:" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------- an HTTP server

@pytest.fixture
def http_server():
    """An HTTP server on 127.0.0.1 (free port) in a thread; returns (server, base URL)."""
    with serving() as served:
        yield served


def closed_port():
    """A 127.0.0.1 port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------- downloads

def test_download_from_file_url(tmp_path, env, archive):
    path, md5 = archive
    dest = tmp_path / "data"
    result = run_setup(env, "--url", path.as_uri(), "--md5", md5, "--dest", dest)

    assert result.returncode == 0, result.stderr
    assert_set_up(dest)
    assert fake_cifar.file_md5(dest / "cifar-10-python.tar.gz") == md5
    assert data.load_cache_meta(dest)["source_md5"] == md5


def test_download_over_http_with_settings_from_environment(tmp_path, env, archive, http_server):
    path, md5 = archive
    server, base = http_server
    body = path.read_bytes()
    server.routes["/cifar-10-python.tar.gz"] = (body, len(body))
    dest = tmp_path / "data"
    env.update(CIFAR10_URL=base + "/cifar-10-python.tar.gz", CIFAR10_MD5=md5, CIFAR10_DIR=str(dest))

    result = run_setup(env)

    assert result.returncode == 0, result.stderr
    assert_set_up(dest)


def test_download_with_bad_checksum_is_rejected(tmp_path, env, archive):
    path, md5 = archive
    dest = tmp_path / "data"
    result = run_setup(env, "--url", path.as_uri(), "--dest", dest)  # expects the official md5

    assert_clean_failure(result)
    assert "bad checksum" in result.stderr
    assert OFFICIAL_MD5 in result.stderr and md5 in result.stderr
    assert_nothing_left(dest)


def test_truncated_http_download_leaves_nothing(tmp_path, env, archive, http_server):
    path, md5 = archive
    server, base = http_server
    body = path.read_bytes()
    server.routes["/cut.tar.gz"] = (body[: len(body) // 2], len(body))  # announces the full size
    dest = tmp_path / "data"

    result = run_setup(env, "--url", base + "/cut.tar.gz", "--md5", md5, "--dest", dest)

    assert_clean_failure(result)
    assert "incomplete" in result.stderr
    assert f"{len(body) // 2} of {len(body)} bytes" in result.stderr
    assert_nothing_left(dest)


def test_truncated_file_download_fails_its_checksum(tmp_path, env, archive):
    path, md5 = archive
    cut = tmp_path / "cut.tar.gz"
    fake_cifar.truncated_copy(path, cut, keep_fraction=0.6)
    dest = tmp_path / "data"

    result = run_setup(env, "--url", cut.as_uri(), "--md5", md5, "--dest", dest)

    assert_clean_failure(result)
    assert "bad checksum" in result.stderr
    assert_nothing_left(dest)


def test_http_error_is_reported(tmp_path, env, http_server):
    _, base = http_server
    dest = tmp_path / "data"
    result = run_setup(env, "--url", base + "/missing.tar.gz", "--dest", dest)

    assert_clean_failure(result)
    assert "HTTP 404" in result.stderr
    assert_nothing_left(dest)


def test_offline_fails_at_once_and_suggests_archive(tmp_path, env):
    dest = tmp_path / "data"
    url = f"http://127.0.0.1:{closed_port()}/cifar-10-python.tar.gz"
    result = run_setup(env, "--url", url, "--dest", dest)

    assert_clean_failure(result)
    assert "download failed" in result.stderr
    assert "refused" in result.stderr
    assert "bash setup_data.sh --archive" in result.stderr
    assert "shared/data/README.md" in result.stderr
    assert_nothing_left(dest)


def test_failure_keeps_an_existing_data_folder(tmp_path, env):
    dest = tmp_path / "data"
    dest.mkdir()
    (dest / "README.md").write_text("keep me")
    url = f"http://127.0.0.1:{closed_port()}/x.tar.gz"

    result = run_setup(env, "--url", url, "--dest", dest)

    assert_clean_failure(result)
    assert [p.name for p in dest.iterdir()] == ["README.md"]


# ------------------------------------------------------------------------- local archives

def test_local_archive_with_other_md5_warns_and_succeeds(tmp_path, env, archive):
    path, md5 = archive
    dest = tmp_path / "data"
    result = run_setup(env, "--archive", path, "--dest", dest)

    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stderr
    assert OFFICIAL_MD5 in result.stderr and md5 in result.stderr
    assert_set_up(dest)
    assert not (dest / "cifar-10-python.tar.gz").exists()  # a local archive is not copied
    meta = data.load_cache_meta(dest)
    assert meta["source_md5"] == md5 and meta["source_is_official"] is False


def test_local_archive_with_bytes_keys(tmp_path, env):
    path = tmp_path / "bytes.tar.gz"
    fake_cifar.make_fake_archive(path, n_per_batch=N, key_type="bytes")
    dest = tmp_path / "data"
    result = run_setup(env, "--archive", path, "--dest", dest)

    assert result.returncode == 0, result.stderr
    assert_set_up(dest)
    assert data.load_cache_meta(dest)["class_names"] == fake_cifar.LABEL_NAMES


def test_relative_paths_are_taken_from_the_callers_folder(tmp_path, env, archive):
    path, _ = archive
    result = run_setup(env, "--archive", os.path.relpath(path, tmp_path), "--dest", "data",
                       cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert_set_up(tmp_path / "data")


def test_missing_local_archive(tmp_path, env):
    dest = tmp_path / "data"
    result = run_setup(env, "--archive", tmp_path / "nope.tar.gz", "--dest", dest)

    assert_clean_failure(result)
    assert "No archive found" in result.stderr
    assert_nothing_left(dest)


# What the error must say for each kind of broken archive (besides the common first line).
INVALID_REASONS = {
    "missing_batch": "has no cifar-10-batches-py/data_batch_5",
    "empty_batch": "data_batch_5 holds no images",
    "no_folder": "has no cifar-10-batches-py/data_batch_1",
    "wrong_shape": "data_batch_2 is not a CIFAR-10 batch",
    "float_data": "dtype float32",
    "bad_labels": "labels range from 0 to 10",
    "not_pickle": "data_batch_4 is not a CIFAR-10 batch",
    "evil_pickle": "refusing to load",
    "not_an_archive": "could not be read as a .tar.gz file",
}


def test_every_invalid_kind_has_a_reason():
    assert set(INVALID_REASONS) == set(fake_cifar.INVALID_KINDS)


@pytest.mark.parametrize("kind", fake_cifar.INVALID_KINDS)
def test_invalid_layout_is_rejected_and_leaves_nothing(tmp_path, env, kind):
    path = tmp_path / "bad.tar.gz"
    fake_cifar.make_invalid_archive(path, kind)
    dest = tmp_path / "data"

    result = run_setup(env, "--archive", path, "--dest", dest)

    assert_clean_failure(result)
    assert "not a valid CIFAR-10 python archive" in result.stderr
    assert INVALID_REASONS[kind] in result.stderr
    assert_nothing_left(dest)
    assert not (tmp_path / fake_cifar.EVIL_MARKER).exists()


def test_truncated_local_archive_is_rejected(tmp_path, env, archive):
    path, _ = archive
    cut = tmp_path / "cut.tar.gz"
    fake_cifar.truncated_copy(path, cut, keep_fraction=0.7)
    dest = tmp_path / "data"

    result = run_setup(env, "--archive", cut, "--dest", dest)

    assert_clean_failure(result)
    assert "truncated or damaged" in result.stderr
    assert_nothing_left(dest)


def test_path_traversal_members_are_ignored(tmp_path, env):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    path = work / "traversal.tar.gz"
    fake_cifar.make_fake_archive(path, n_per_batch=N, corrupt="traversal")
    dest = work / "data"

    result = run_setup(env, "--archive", path, "--dest", dest)

    assert result.returncode == 0, result.stderr
    assert_set_up(dest)
    assert not list(tmp_path.rglob("escaped*.txt"))
    batches = dest / "cifar-10-batches-py"
    assert {p.name for p in batches.iterdir()} == set(fake_cifar.BATCH_NAMES) | {"batches.meta"}


# ------------------------------------------------------------------------- reruns

def test_second_run_is_a_fast_no_op(tmp_path, env, archive):
    path, _ = archive
    dest = tmp_path / "data"
    first = run_setup(env, "--archive", path, "--dest", dest)
    assert first.returncode == 0, first.stderr
    stamp = (dest / "cifar10_cache" / "X_train.npy").stat().st_mtime_ns
    path.unlink()  # a rerun must not even read the archive again

    # Its speed (well under a second) is measured by benchmarks/run.py, not asserted here.
    second = run_setup(env, "--archive", path, "--dest", dest)

    assert second.returncode == 0, second.stderr
    assert "CIFAR-10 already set up in" in second.stdout
    assert (dest / "cifar10_cache" / "X_train.npy").stat().st_mtime_ns == stamp


def test_leftovers_of_an_interrupted_run_are_cleaned_and_redone(tmp_path, env, archive):
    path, _ = archive
    dest = tmp_path / "data"
    dead = 999_999_999  # no such process
    (dest / f".cifar-10-batches-py.tmp-{dead}").mkdir(parents=True)
    (dest / f".cifar-10-batches-py.tmp-{dead}" / "data_batch_1").write_bytes(b"half")
    (dest / f".cifar10_cache.tmp-{dead}").mkdir()
    (dest / f".cifar-10-python.tar.gz.part-{dead}").write_bytes(b"partial download")
    (dest / "cifar-10-batches-py").mkdir()                      # an incomplete earlier result
    (dest / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"old")
    (dest / "cifar10_cache").mkdir()                            # a cache without its marker
    (dest / "cifar10_cache" / "X_train.npy").write_bytes(b"old")
    running = dest / f".cifar10_cache.tmp-{os.getpid()}"        # a setup that is still going
    running.mkdir()

    result = run_setup(env, "--archive", path, "--dest", dest)

    assert result.returncode == 0, result.stderr
    assert "Removed leftovers of an interrupted run" in result.stdout
    assert {p.name for p in dest.iterdir()} == EXPECTED_ENTRIES | {running.name}
    running.rmdir()
    assert_set_up(dest)
