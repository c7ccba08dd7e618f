"""Running student code where it cannot read instructor material or write outside its working copy.

Every kernel the grader starts (nbgrader autograde, and the rerun that counts a
bug once) runs inside bubblewrap (Debian's `bwrap`) with a filesystem view that
holds only what a notebook needs, read-only: the system directories, the
Python installation and virtual environment, the course packages (`coursekit`,
and `autograder` with its `judging/references/` and `catalog/` folders emptied) and the
data sets. Solutions, references, the gradebook, the grader's course folder and
other students' files are simply not there. The one writable place is the
submission's working copy. When the grader runs as root, the kernel also drops
to a dedicated unprivileged system user (`autograder-kernel`, created on first
use), so it cannot remount or escape its view.

Without a working bwrap the grader still grades (the verdicts are decided
outside the kernel either way, see autograder/judging/verdicts.py) but warns that
student code can read and write whatever the grader's user can.
"""
import atexit
import functools
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.course import INSTRUCTOR_DIRS, PACKAGE_DIR, REPO_ROOT
from autograder.cases import EXTRA_FOLDERS_VAR
from autograder.cases.records import RECORD_DIR_VAR, ensure_records_dir

KERNEL_USER = "autograder-kernel"
SYSTEM_DIRS = ("/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SANDBOX_TMP = "/tmp"
OFF_WARNING = ("WARNING: the grading sandbox is OFF ({reason}). Verdicts are still decided outside the "
               "student's kernel, but student code can read the solutions and reference files and write "
               "wherever this user can. Install bubblewrap (apt-get install bubblewrap) to turn it on.")


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create namespaces here."""


@functools.cache
def bwrap_problem():
    """None when bubblewrap works here, else the reason it does not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    probe = [bwrap, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-pid", "true"]
    try:
        run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not run: {error}"
    return None if run.returncode == 0 else f"bwrap cannot create a sandbox here: {run.stderr.strip()}"


def sandbox_available():
    return bwrap_problem() is None


@functools.cache
def kernel_user():
    """(uid, gid) of the unprivileged user kernels run as when we are root (created if missing,
    `nobody` if it cannot be); None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(KERNEL_USER)
    except KeyError:
        try:
            subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                            "--shell", "/usr/sbin/nologin", KERNEL_USER], check=True, capture_output=True)
            entry = pwd.getpwnam(KERNEL_USER)
        except (OSError, subprocess.CalledProcessError, KeyError):
            entry = pwd.getpwnam("nobody")  # no useradd here: the conventional unprivileged user
    return entry.pw_uid, entry.pw_gid


def warn_if_off(out=None):
    """Print the warning that the sandbox is off (to stderr); return True when it is off."""
    problem = bwrap_problem()
    if problem:
        print(OFF_WARNING.format(reason=problem), file=out or sys.stderr)
    return problem is not None


def readable_paths():
    """What a kernel may read: the Python installation, the venv, the course code and the data."""
    python = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent.parent}
    code = {PACKAGE_DIR, REPO_ROOT / "coursekit", REPO_ROOT / "datasets"}
    extra = {Path(p) for p in os.environ.get(EXTRA_FOLDERS_VAR, "").split(os.pathsep) if p}
    if os.environ.get("CIFAR10_DIR"):
        extra.add(Path(os.environ["CIFAR10_DIR"]))
    return sorted(p.resolve() for p in python | code | extra if p.exists())


def hidden_paths():
    """Instructor-only folders inside readable ones, emptied in the kernel's view."""
    folders = set(INSTRUCTOR_DIRS)
    visible = readable_paths()
    return sorted(p.resolve() for p in folders
                  if p.exists() and any(p.resolve().is_relative_to(v) for v in visible))


def system_mounts():
    args = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    return args


@functools.cache
def font_lists():
    """Private copies of matplotlib's font lists from the grader's cache, made once per process
    (other programs may rewrite the cache while kernels start)."""
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib"
    folder = Path(os.environ.get("MPLCONFIGDIR") or home_cache)
    copies = Path(tempfile.mkdtemp(prefix="autograder-fonts-"))
    atexit.register(shutil.rmtree, copies, True)
    for font_list in sorted(folder.glob("fontlist-v*.json")) if folder.is_dir() else []:
        shutil.copyfile(font_list, copies / font_list.name)
    return sorted(copies.iterdir())


def font_cache_mounts():
    """Matplotlib's font list, read-only in the kernel's cache folder: without it every
    kernel rebuilds the list (0.7 s per submission, measured)."""
    sandbox_folder = sandbox_environment()["MPLCONFIGDIR"]
    args = ["--perms", "1777", "--dir", sandbox_folder]
    for font_list in font_lists():
        args += ["--ro-bind", str(font_list), f"{sandbox_folder}/{font_list.name}"]
    return args


def traversable_parents(targets):
    """--dir for every folder above the mount points, mode 0755: bwrap would copy the host's
    modes, and /root, where pyenv keeps Python, is 0700 (the kernel user could not reach it)."""
    skip = {Path(name) for name in SYSTEM_DIRS} | {Path("/"), Path("/proc"), Path("/dev"), Path(SANDBOX_TMP)}
    parents = sorted({parent for target in targets for parent in Path(target).parents} - skip,
                     key=lambda p: len(p.parts))
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", str(parent))]


def bwrap_command(command, working_dir, connection_file):
    """`command` wrapped in bwrap: read-only view of readable_paths(), instructor folders emptied,
    `working_dir` the only writable place (besides a private /tmp), no other process visible."""
    if bwrap_problem():
        raise SandboxUnavailable(bwrap_problem())
    args = [shutil.which("bwrap"), "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", *system_mounts(), "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--tmpfs", SANDBOX_TMP, *font_cache_mounts()]
    working_dir = str(Path(working_dir).resolve())
    args += traversable_parents(readable_paths() + [Path(working_dir), Path(connection_file)])
    for path in readable_paths():
        args += ["--ro-bind", str(path), str(path)]
    for path in hidden_paths():
        args += ["--tmpfs", str(path)]
    args += ["--bind", working_dir, working_dir, "--ro-bind", connection_file, connection_file,
             "--chdir", working_dir]
    for name, value in sandbox_environment().items():
        args += ["--setenv", name, value]
    # ipykernel takes a parent pid of 1 to mean "no parent to poll" (inside, its real parent is the
    # sandbox's init, which it would take for a dead parent); --die-with-parent does that job.
    args += ["--setenv", "JPY_PARENT_PID", "1"]
    user = kernel_user()
    if user:
        args += ["--", "setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups",
                 "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]
    return args + ["--", *command]


def sandbox_environment():
    """Home and caches on the private /tmp, since nothing else is writable."""
    return {"HOME": f"{SANDBOX_TMP}/home", "IPYTHONDIR": f"{SANDBOX_TMP}/ipython",
            "MPLCONFIGDIR": f"{SANDBOX_TMP}/matplotlib", "JUPYTER_RUNTIME_DIR": f"{SANDBOX_TMP}/runtime"}


def give_to_kernel_user(*targets):
    """Make the working copy and the connection file the kernel user's own (root only)."""
    user = kernel_user()
    if not user:
        return
    for target in targets:
        target = Path(target)
        os.chown(target, *user)
        if target.is_dir():
            for root, dirs, files in os.walk(target):
                for name in dirs + files:
                    os.lchown(os.path.join(root, name), *user)


def remove_unsafe_files(working_dir):
    """Unlink every symlink and special file (FIFO, socket, device) student code left in its
    working copy. The grader, outside the sandbox, then writes the graded notebook and reads the
    records there: a planted symlink must not send it to the gradebook or another student's files."""
    for root, dirs, files in os.walk(working_dir):
        for name in dirs + files:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                os.unlink(path)


class RemoveUnsafeFiles(NbGraderPreprocessor):
    """After Execute: remove_unsafe_files() on the folder the notebook ran in."""

    def preprocess(self, nb, resources):
        remove_unsafe_files(resources["metadata"]["path"])
        return nb, resources


class SandboxedKernelManager(AsyncKernelManager):
    """A KernelManager whose kernel runs in the sandbox and records hidden-test outputs.

    The hidden tests write their records to <working dir>/.autograder-records
    (RECORD_DIR_VAR tells them where). Interrupts go by message, since a signal
    to the sandbox process would not reach the kernel inside it.
    """

    async def _async_pre_start_kernel(self, **kw):
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        # Quiet ipykernel's warning that localhost TCP is unencrypted, printed once per graded notebook.
        kernel_cmd = [*kernel_cmd, "--IPKernelApp.log_level=ERROR"]
        working_dir = Path(kw.get("cwd") or os.getcwd()).resolve()
        env = dict(kw.get("env") or os.environ)
        env[RECORD_DIR_VAR] = str(ensure_records_dir(working_dir))
        kw["env"] = env
        if sandbox_available():
            give_to_kernel_user(working_dir, self.connection_file)
            kernel_cmd = bwrap_command(kernel_cmd, working_dir, os.path.realpath(self.connection_file))
            self.kernel_spec.interrupt_mode = "message"
        return kernel_cmd, kw
