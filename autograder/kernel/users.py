"""A pool of unprivileged users, one per running sandboxed process, when the grader runs as root.

Each concurrent kernel runs as a user of its own (`autograder-kernel-0`, `-1`, ..., created on
first use and reused after), so a per-user limit (RLIMIT_NPROC) or anything a kernel does to the
processes of its user cannot touch another kernel. Which users are taken is decided across all
grading processes on the machine (--jobs workers, Dask workers, other graders) by a lock file per
user, held while the process runs: the kernel lets go of it when the process ends, even if it dies.
"""
import fcntl
import functools
import os
import pwd
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

USER_PREFIX = "autograder-kernel-"
POOL_SIZE = 64
LOCK_DIR = Path("/run/autograder-kernels")


class NoFreeUser(RuntimeError):
    """Every user of the pool is running a kernel."""


@functools.cache
def ensure_user(name):
    """(uid, gid) of system user `name`, created (no home, no login shell) if missing."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", name], check=False, capture_output=True)
        entry = pwd.getpwnam(name)  # KeyError if useradd failed and nobody else created it
    return entry.pw_uid, entry.pw_gid


def processes_of(uid, proc=Path("/proc")):
    """Pids of the processes whose real uid is `uid`."""
    found = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            line = next((l for l in status.splitlines() if l.startswith("Uid:")), "")
            if line.split()[1:2] == [str(uid)]:
                found.append(int(entry.name))
    return found


def kill_processes_of(uid):
    """SIGKILL whatever still runs as `uid` (left by a grader that died)."""
    for pid in processes_of(uid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass
class PoolUser:
    """A user taken from the pool: uid, gid, the lock that holds it, and whether no other
    process runs as it (False for the shared fallback user `nobody`)."""
    name: str
    uid: int
    gid: int
    lock: object
    exclusive: bool = True

    def release(self):
        """Kill what still runs as this user (if it is ours alone) and give the user back."""
        if self.exclusive:
            kill_processes_of(self.uid)
        self.lock.close()


def acquire(pool_size=POOL_SIZE, lock_dir=LOCK_DIR):
    """The first free user of the pool (created if new); NoFreeUser when all are taken."""
    lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for index in range(pool_size):
        handle = open(lock_dir / f"{index}.lock", "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            uid, gid = ensure_user(f"{USER_PREFIX}{index}")
        except KeyError:  # no useradd here: the conventional unprivileged user, shared by all kernels
            entry = pwd.getpwnam("nobody")
            return PoolUser("nobody", entry.pw_uid, entry.pw_gid, handle, exclusive=False)
        kill_processes_of(uid)
        return PoolUser(f"{USER_PREFIX}{index}", uid, gid, handle)
    raise NoFreeUser(f"all {pool_size} kernel users are busy")
