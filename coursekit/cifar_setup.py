"""Set up CIFAR-10 once: ``bash setup_data.sh [--archive PATH] [--url URL] [--dest DIR]`` in a
clone of the course, ``python -m coursekit.cifar_setup [...]`` with the student package.

Steps (each one leaves either its finished result or nothing):

1. Get the archive ``cifar-10-python.tar.gz``: download it (default) or use a local copy
   (``--archive PATH``). A download streams into ``DEST/.cifar-10-python.tar.gz.part-<pid>``,
   is checked against its Content-Length and md5, and only then renamed into place.
2. Extract the seven expected members of ``cifar-10-batches-py/`` (nothing else, so a
   tampered archive cannot write outside the data folder) into a temp folder, check every
   batch (uint8 data of shape (N, 3072), labels in 0..9), then rename it into
   ``DEST/cifar-10-batches-py``.
3. Write the fast ``.npy`` cache into a temp folder, marker file last, and rename it into
   ``DEST/cifar10_cache``.

Running it again when everything is there prints "CIFAR-10 already set up in ..." and
stops at once. Leftovers of an interrupted run are removed and the work is redone.

Settings: ``--url`` / ``$CIFAR10_URL`` (download address), ``--dest`` / ``$CIFAR10_DIR``
(data folder, default: coursekit/locations.py), ``--md5`` / ``$CIFAR10_MD5`` (expected md5 of a
download; only for tests and private mirrors). Uses the standard library and numpy only;
numpy is imported only after the "already set up" check, so that check stays fast.
"""
import argparse
import os
import re
import shutil
import sys
from pathlib import Path

from coursekit.locations import default_data_dir, setup_command

OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
OFFICIAL_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
CONNECT_TIMEOUT = 15  # seconds without an answer before a download gives up
CHUNK_SIZE = 1 << 20

# The layout; the same names as in coursekit.data (not imported here: it imports numpy).
BATCHES_DIRNAME = "cifar-10-batches-py"
CACHE_DIRNAME = "cifar10_cache"
CACHE_MARKER = "COMPLETE"
CACHE_FILES = ("X_train.npy", "y_train.npy", "X_test.npy", "y_test.npy", "meta.json", CACHE_MARKER)
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
BATCH_FILES = TRAIN_BATCHES + ("test_batch", "batches.meta")
OPTIONAL_FILES = ("readme.html",)  # in the official archive; copied when present

SETUP_COMMAND = setup_command()  # `bash setup_data.sh` in a clone, else `python -m coursekit.cifar_setup`

# Temp names: ".<final name>.<kind>-<pid>", e.g. ".cifar10_cache.tmp-1234".
TEMP_NAME = re.compile(
    r"^\.(?:" + "|".join(re.escape(n) for n in (ARCHIVE_NAME, BATCHES_DIRNAME, CACHE_DIRNAME))
    + r")\.(?:part|tmp|old)-(\d+)$"
)

OFFLINE_HINT = (
    "If this machine has no internet access, copy the archive onto it another way and run "
    f"`{SETUP_COMMAND} --archive /path/to/cifar-10-python.tar.gz` (on machines without "
    "internet, ../shared/data/README.md explains how to build that archive from a local copy)."
)


class SetupError(Exception):
    """A failure with a message for the user (printed as one paragraph, exit status 1)."""


# --------------------------------------------------------------------------- small helpers

def temp_path(dest, final_name, kind):
    """Path of this process's temp file or folder for ``final_name`` (kind: part, tmp or old)."""
    return dest / f".{final_name}.{kind}-{os.getpid()}"


def is_set_up(dest):
    """True when the pickles folder and the complete cache are both in ``dest`` (no hashing)."""
    batches = dest / BATCHES_DIRNAME
    cache = dest / CACHE_DIRNAME
    return (all((batches / name).is_file() for name in BATCH_FILES)
            and all((cache / name).is_file() for name in CACHE_FILES))


def process_is_running(pid):
    """True when a process with this id exists (so its temp files may still be in use)."""
    if pid == os.getpid():
        return False  # our own leftovers are always ours to remove
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return pid < 2 ** 31  # exists but belongs to someone else; huge ids cannot exist
    return True


def remove_path(path):
    """Delete a file or folder if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def clean_leftovers(dest, only_mine=False):
    """Remove temp files of interrupted runs in ``dest`` (of this process only, if only_mine).

    Temp files of another setup run that is still going are left alone. Returns the
    names removed.
    """
    removed = []
    if not dest.is_dir():
        return removed
    for entry in dest.iterdir():
        match = TEMP_NAME.match(entry.name)
        if not match:
            continue
        pid = int(match.group(1))
        if only_mine and pid != os.getpid():
            continue
        if process_is_running(pid):
            continue
        remove_path(entry)
        removed.append(entry.name)
    return removed


def replace_dir(new_dir, final_dir):
    """Put folder ``new_dir`` at ``final_dir``, replacing what was there (old copy moved aside first)."""
    if final_dir.exists() or final_dir.is_symlink():
        old = temp_path(final_dir.parent, final_dir.name, "old")
        os.replace(final_dir, old)
        os.replace(new_dir, final_dir)
        remove_path(old)
    else:
        os.replace(new_dir, final_dir)


def file_md5(path):
    """md5 hex digest of a file, read in chunks."""
    import hashlib

    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def megabytes(n):
    """Format a byte count as megabytes."""
    return f"{n / 1e6:.1f} MB"


# --------------------------------------------------------------------------- step 1: archive

def describe_url_error(reason):
    """Turn the reason of a urllib URLError into a short explanation."""
    import socket

    if isinstance(reason, socket.gaierror):
        return f"the host name could not be resolved ({reason}); this machine may be offline"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT} s"
    return str(reason)


def content_length(response):
    """The Content-Length of a urllib response as an int, or None when not given."""
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def stream_to_file(response, out, total):
    """Copy a response body into file ``out``; return (bytes received, md5 hex digest)."""
    import hashlib

    digest = hashlib.md5(usedforsecurity=False)
    received, next_report = 0, 0.1
    while True:
        chunk = response.read(CHUNK_SIZE)
        if not chunk:
            break
        out.write(chunk)
        digest.update(chunk)
        received += len(chunk)
        if total and received / total >= next_report:
            print(f"  {received / total:4.0%}  {megabytes(received)} of {megabytes(total)}", flush=True)
            while received / total >= next_report:
                next_report += 0.1
    return received, digest.hexdigest()


def fetch(url, part):
    """Download ``url`` into file ``part``; return (bytes received, Content-Length or None, md5).

    Fails at once (no retries) with a SetupError saying why.
    """
    import http.client
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT) as response, open(part, "wb") as out:
            total = content_length(response)
            size = f" ({megabytes(total)})" if total else ""
            print(f"Downloading CIFAR-10 from {url}{size} ...", flush=True)
            received, md5 = stream_to_file(response, out, total)
    except urllib.error.HTTPError as err:
        raise SetupError(
            f"The CIFAR-10 download failed: {url} answered HTTP {err.code} {err.reason}. "
            f"Check the address (--url or CIFAR10_URL). {OFFLINE_HINT}"
        ) from None
    except urllib.error.URLError as err:
        raise SetupError(
            f"The CIFAR-10 download failed: could not reach {url} ({describe_url_error(err.reason)}). "
            f"{OFFLINE_HINT}"
        ) from None
    except (http.client.HTTPException, OSError) as err:  # timeouts, resets, TLS errors, full disk
        raise SetupError(
            f"The CIFAR-10 download from {url} failed part-way ({type(err).__name__}: {err}). "
            f"Nothing was kept; try again. If it keeps failing: {OFFLINE_HINT}"
        ) from None
    return received, total, md5


def download(url, dest, expected_md5):
    """Download the archive to ``dest/cifar-10-python.tar.gz``; return (path, md5).

    The data goes to a temp file that is renamed into place only when the size matches the
    Content-Length (when given) and the md5 matches ``expected_md5``; on any failure the
    temp file is removed.
    """
    part = temp_path(dest, ARCHIVE_NAME, "part")
    try:
        received, total, md5 = fetch(url, part)
        if total is not None and received != total:
            raise SetupError(
                f"The CIFAR-10 download from {url} is incomplete: got {received} of {total} bytes "
                f"(the connection was cut). Nothing was kept; run the command again. {OFFLINE_HINT}"
            )
        if md5 != expected_md5:
            raise SetupError(
                f"The CIFAR-10 download from {url} has a bad checksum: expected md5 {expected_md5}, "
                f"got {md5} ({received} bytes). The file is damaged or not the CIFAR-10 python "
                f"archive, so it was deleted. Run the command again, or use "
                f"`{SETUP_COMMAND} --archive /path/to/cifar-10-python.tar.gz`."
            )
        final = dest / ARCHIVE_NAME
        os.replace(part, final)
    finally:
        remove_path(part)
    print(f"Downloaded {megabytes(received)}, md5 {md5} (correct).", flush=True)
    return final, md5


def obtain_download(url, dest, expected_md5):
    """Reuse ``dest/cifar-10-python.tar.gz`` when its md5 is right, else download it."""
    existing = dest / ARCHIVE_NAME
    if existing.is_file():
        md5 = file_md5(existing)
        if md5 == expected_md5:
            print(f"Using the archive already downloaded to {existing} (md5 correct).", flush=True)
            return existing, md5
        print(f"{existing} has md5 {md5}, not {expected_md5}; downloading it again.", flush=True)
    return download(url, dest, expected_md5)


def use_local_archive(path, expected_md5):
    """Check a local archive given with ``--archive``; return (path, md5).

    A checksum other than ``expected_md5`` only prints a warning (a rebuilt copy, such as
    the offline one, has its own md5); the layout check in step 2 decides.
    """
    if not path.is_file():
        raise SetupError(
            f"No archive found at {path}. Give the path of a cifar-10-python.tar.gz file, e.g. "
            f"`{SETUP_COMMAND} --archive /path/to/cifar-10-python.tar.gz` (relative paths "
            "are taken from the folder you run the command in)."
        )
    print(f"Using the local archive {path}; computing its md5 ...", flush=True)
    md5 = file_md5(path)
    if md5 == expected_md5:
        print(f"md5 {md5} matches the official CIFAR-10 archive.", flush=True)
    else:
        which = "official CIFAR-10" if expected_md5 == OFFICIAL_MD5 else "expected"
        print(
            f"WARNING: {path} has md5 {md5}, not the {which} md5 {expected_md5}. "
            "This is expected for a rebuilt copy (such as the one made on offline machines); "
            "continuing, and the archive is accepted only if it has the CIFAR-10 layout.",
            file=sys.stderr, flush=True,
        )
    return path, md5


# --------------------------------------------------------------------------- step 2: extract

def layout_error(archive, detail):
    """A SetupError for an archive that is not the CIFAR-10 python archive."""
    return SetupError(
        f"{archive} is not a valid CIFAR-10 python archive: {detail}. Expected "
        f"{BATCHES_DIRNAME}/ holding data_batch_1..5, test_batch and batches.meta (the "
        "'CIFAR-10 python version' from the official site). Nothing was changed in the data folder."
    )


def extract_members(archive, out_dir):
    """Copy the expected members of ``archive`` into ``out_dir`` (flat, fixed names).

    Member names are compared with the expected names and never used as paths, so entries
    such as ``../x`` or links can not write anywhere else. Raises SetupError when the archive
    cannot be read or misses a member.
    """
    import gzip
    import tarfile
    import zlib

    wanted = {f"{BATCHES_DIRNAME}/{name}": name for name in BATCH_FILES + OPTIONAL_FILES}
    found = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                name = wanted.get(member.name.removeprefix("./"))
                if name is None or not member.isfile():
                    continue
                with tar.extractfile(member) as src, open(out_dir / name, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK_SIZE)
                found.add(name)
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise layout_error(archive, f"it could not be read as a .tar.gz file ({err}); it may be "
                                    "truncated or damaged") from None
    missing = [f"{BATCHES_DIRNAME}/{n}" for n in BATCH_FILES if n not in found]
    if missing:
        raise layout_error(archive, "it has no " + ", ".join(missing))


def read_class_names(meta_path, archive):
    """Return the 10 class names stored in ``batches.meta`` (a list of str)."""
    from coursekit import data

    try:
        names = list(data.batch_entry(data.read_pickle(meta_path), "label_names", meta_path))
    except MemoryError:
        raise
    except Exception as err:  # any unpickling failure means a bad archive
        raise layout_error(archive, f"batches.meta could not be read ({type(err).__name__}: {err})") from None
    names = [n.decode("latin1") if isinstance(n, bytes) else str(n) for n in names]
    if len(names) != 10:
        raise layout_error(archive, f"batches.meta lists {len(names)} class names instead of 10")
    return names


def read_batches(batches_dir, archive):
    """Load and check the six batches; return a dict of X_train, y_train, X_test, y_test.

    Shapes: X_* uint8 (N, 32, 32, 3), y_* int64 (N,). Raises SetupError for any batch that is
    not a CIFAR-10 batch.
    """
    import numpy as np

    from coursekit import data

    loaded = {}
    for name in TRAIN_BATCHES + ("test_batch",):
        try:
            X, y = data.load_batch(batches_dir / name)
        except MemoryError:
            raise
        except Exception as err:  # unpickling or checking failed: a bad archive
            raise layout_error(archive, f"{BATCHES_DIRNAME}/{name} is not a CIFAR-10 batch "
                                        f"({type(err).__name__}: {err})") from None
        if len(y) == 0:
            raise layout_error(archive, f"{BATCHES_DIRNAME}/{name} holds no images")
        loaded[name] = (X, y)
    X_test, y_test = loaded.pop("test_batch")
    return {
        "X_train": np.concatenate([loaded[n][0] for n in TRAIN_BATCHES]),
        "y_train": np.concatenate([loaded[n][1] for n in TRAIN_BATCHES]),
        "X_test": X_test,
        "y_test": y_test,
    }


def extract_and_check(archive, dest):
    """Extract and check the archive into a temp folder; return (temp folder, arrays, class names)."""
    tmp = temp_path(dest, BATCHES_DIRNAME, "tmp")
    tmp.mkdir()
    try:
        print(f"Extracting {BATCHES_DIRNAME}/ ...", flush=True)
        extract_members(archive, tmp)
        print("Checking the batches ...", flush=True)
        arrays = read_batches(tmp, archive)
        class_names = read_class_names(tmp / "batches.meta", archive)
    except BaseException:
        remove_path(tmp)
        raise
    return tmp, arrays, class_names


# --------------------------------------------------------------------------- step 3: cache

def write_cache(dest, arrays, class_names, source_md5, expected_md5):
    """Write ``dest/cifar10_cache`` (the four .npy arrays, meta.json, then the marker)."""
    import json

    import numpy as np

    tmp = temp_path(dest, CACHE_DIRNAME, "tmp")
    tmp.mkdir()
    try:
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
        meta = {
            "source_md5": source_md5,
            "source_is_official": source_md5 == OFFICIAL_MD5,
            "expected_md5": expected_md5,
            "class_names": class_names,
            "num_train": int(len(arrays["y_train"])),
            "num_test": int(len(arrays["y_test"])),
            "image_shape": [32, 32, 3],
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        (tmp / CACHE_MARKER).write_text("complete\n", encoding="utf-8")
        replace_dir(tmp, dest / CACHE_DIRNAME)
    finally:
        remove_path(tmp)


# --------------------------------------------------------------------------- main

def set_up(dest, archive_arg, url, expected_md5):
    """Run steps 1-3 into ``dest`` (which exists). Raises SetupError on any failure."""
    removed = clean_leftovers(dest)
    if removed:
        print(f"Removed leftovers of an interrupted run: {', '.join(sorted(removed))}", flush=True)
    if archive_arg is not None:
        archive, md5 = use_local_archive(Path(archive_arg).expanduser().absolute(), expected_md5)
    else:
        archive, md5 = obtain_download(url, dest, expected_md5)
    tmp, arrays, class_names = extract_and_check(archive, dest)
    try:
        remove_path(dest / CACHE_DIRNAME)  # a cache must never outlive the pickles it came from
        replace_dir(tmp, dest / BATCHES_DIRNAME)
    finally:
        remove_path(tmp)
    print(f"Writing the fast cache {CACHE_DIRNAME}/ ...", flush=True)
    write_cache(dest, arrays, class_names, md5, expected_md5)
    print(
        f"CIFAR-10 is ready in {dest}: {len(arrays['y_train'])} training and "
        f"{len(arrays['y_test'])} test images (source md5 {md5}). "
        "Load it with coursekit.data.load_cifar10().", flush=True,
    )


def parse_args(argv):
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog=SETUP_COMMAND,
        description="Download (or unpack a local copy of) CIFAR-10 and build its fast cache.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--archive", metavar="PATH",
                        help="use this local cifar-10-python.tar.gz instead of downloading")
    source.add_argument("--url", default=os.environ.get("CIFAR10_URL") or OFFICIAL_URL,
                        help="download address (default: $CIFAR10_URL or the official site)")
    parser.add_argument("--dest", metavar="DIR",
                        default=str(default_data_dir()),
                        help="data folder (default: $CIFAR10_DIR, else <repo>/datasets in a clone "
                             "of the course, else ~/.cache/dl-fundamentals-course/datasets)")
    parser.add_argument("--md5", default=os.environ.get("CIFAR10_MD5") or OFFICIAL_MD5,
                        help="expected md5 of the archive (default: the official one; "
                             "for tests and private mirrors)")
    return parser.parse_args(argv)


def main(argv=None):
    """Entry point; returns the exit status (0 ok, 1 failure, 130 interrupted)."""
    args = parse_args(argv)
    dest = Path(args.dest).expanduser().absolute()
    if is_set_up(dest):
        clean_leftovers(dest)
        print(f"CIFAR-10 already set up in {dest} (delete {dest / CACHE_DIRNAME} to set it up again).")
        return 0
    created = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        set_up(dest, args.archive, args.url, args.md5.strip().lower())
        return 0
    except SetupError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        status = 1
    except OSError as err:
        print(f"ERROR: could not write the data in {dest} ({err}). Check free disk space "
              "(about 1 GB is needed) and that the folder is writable, or choose another one "
              "with --dest.", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print("Interrupted; partial files were removed. Run the command again to finish.",
              file=sys.stderr)
        status = 130
    clean_leftovers(dest, only_mine=True)
    if created:
        try:
            dest.rmdir()  # only succeeds when empty: never removes anything of the user's
        except OSError:
            pass
    return status


if __name__ == "__main__":
    sys.exit(main())
