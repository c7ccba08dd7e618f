"""Running student code where it sees and reaches only what it needs, under limits that hold.

Every process the grader starts for a submission (the grading kernel, the rerun that counts a
bug once, any other runner of student code) goes through a `Sandbox`:
- **view**: bubblewrap (Debian's `bwrap`) shows it, read-only, only the exact paths it needs:
  the system libraries and a few files of /etc, the Python interpreter and its standard library,
  the virtual environment, `coursekit`, `autograder` with its `judging/references/` and `catalog/`
  folders emptied, the cases folders and the data sets. Never a parent folder of the repository:
  a course under /opt or /usr/local is not in view. Its working copy is the one writable place,
  with a private size-limited /tmp; it sees no other process.
- **network**: none (its own network namespace). The kernel talks to the grader over Unix sockets
  in a private folder (jupyter_client's `ipc` transport), so nothing on the host's loopback (other
  kernels, a Dask scheduler, a database, a Jupyter server) can be reached from it.
- **environment**: only the names on kernel_env.KERNEL_ENV_ALLOWLIST, and what the sandbox sets.
- **user**: when the grader runs as root, a user of its own from a pool (users.py), without
  capabilities, so it cannot remount, escape its view or touch another kernel's processes.
- **limits** (limits.py): a cgroup of its own (cgroups.py) with a process limit, a memory limit
  that counts its children and its /tmp, and a CPU share and quota; rlimits (address space, file
  size, and processes per user when cgroups cannot be used); a watchdog that ends it when its
  notebook's time budget is used up or it writes more than the disk limit into its working copy.

Without a working bwrap the grader still grades (the verdicts are decided outside the kernel
either way, see autograder/judging/verdicts.py) but warns that student code can read and write
whatever the grader's user can; without cgroups it says so once and falls back to rlimits.
"""
import functools
import multiprocessing.util
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.cases import EXTRA_FOLDERS_VAR
from autograder.cases.records import GRADING_VAR
from autograder.course import INSTRUCTOR_DIRS, PACKAGE_DIR, REPO_ROOT
from autograder.kernel import users
from autograder.kernel.cgroups import CgroupLimits, KernelCgroup, find_hierarchies
from autograder.kernel.kernel_env import allowlisted
from autograder.kernel.limits import Limits, describe_size, launcher_command
from coursekit.cifar_setup import process_is_running

SANDBOX_TMP = "/tmp"
# What a sandboxed process sees of the system, read-only: its libraries and programs, time zones,
# and the few files of /etc that the C library reads. Paths missing here are skipped.
SYSTEM_PATHS = ("/usr/bin", "/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/libx32", "/usr/share/zoneinfo",
                "/bin", "/lib", "/lib64", "/lib32", "/libx32", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
                "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/alternatives")
# Never in view, even when one lies inside a system path above (a course under /usr/lib/...).
PROTECTED_ROOTS = (REPO_ROOT,)
SOCKET_ROOT = "/tmp"  # short: a Unix socket's path has at most 107 characters
WATCH_INTERVAL = 0.05  # seconds between the watchdog's checks (a fast disk takes 2.5 GB/s)
BUDGET_GRACE = 5.0     # seconds past the budget before the watchdog kills (the cell timeout acts first)
OFF_WARNING = ("WARNING: the grading sandbox is OFF ({reason}). Verdicts are still decided outside the "
               "student's kernel, but student code can read the solutions and reference files, reach the "
               "network and write wherever this user can. Install bubblewrap (apt-get install bubblewrap) "
               "to turn it on.")
NO_CGROUPS_WARNING = ("WARNING: per-kernel cgroups are not available ({reason}); limits fall back to rlimits: "
                      "memory is limited per process (address space), not for a kernel's children and /tmp "
                      "together, processes per kernel user{users}, and CPU time not at all.")


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create namespaces here."""


class SandboxSetupError(RuntimeError):
    """The sandbox for a process could not be set up (no free user, a cgroup that cannot be made):
    a failure of the grading machine, not of the submission."""


@functools.cache
def bwrap_problem():
    """None when bubblewrap works here, else the reason it does not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    probe = [bwrap, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-pid", "--unshare-net",
             "true"]
    try:
        run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not run: {error}"
    return None if run.returncode == 0 else f"bwrap cannot create a sandbox here: {run.stderr.strip()}"


def sandbox_available():
    return bwrap_problem() is None


def uses_kernel_users():
    """Whether kernels run as users of their own (the grader is root and has a sandbox)."""
    return os.geteuid() == 0 and sandbox_available()


@functools.cache
def cgroup_support():
    """([cgroups.Hierarchy], None) when per-kernel cgroups can be made here, else ([], the reason)."""
    if os.geteuid() != 0:
        return [], "the grader does not run as root"
    try:
        hierarchies, problem = find_hierarchies(Path("/proc/self/mountinfo").read_text(),
                                                Path("/proc/self/cgroup").read_text())
    except OSError as error:
        return [], f"the cgroup mounts could not be read ({error})"
    if problem:
        return [], problem
    try:
        probe = KernelCgroup.create(hierarchies, f"autograder-probe-{os.getpid()}",
                                    CgroupLimits(64, Limits().memory_limit, 1.0))
        probe.remove()
    except OSError as error:
        return [], f"a cgroup could not be made ({error})"
    return hierarchies, None


def warn_if_off(out=None):
    """Print the warnings that the sandbox is off, or that cgroups cannot be used (to stderr);
    return True when the sandbox is off."""
    out = out or sys.stderr
    problem = bwrap_problem()
    if problem:
        print(OFF_WARNING.format(reason=problem), file=out)
    elif cgroup_support()[1]:
        print(NO_CGROUPS_WARNING.format(reason=cgroup_support()[1],
                                        users="" if uses_kernel_users() else " (not at all: no kernel users)"),
              file=out)
    return problem is not None


# --- What a sandboxed process sees ------------------------------------------------------------

def python_paths():
    """The interpreter: the virtual environment, the standard library and the real executable
    (with its shared library, if Python was built with one)."""
    base = sysconfig.get_paths("posix_prefix", vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    paths = {Path(sys.prefix), Path(sys.executable).resolve(), Path(base["stdlib"]), Path(base["platstdlib"])}
    libdir = sysconfig.get_config_var("LIBDIR")
    for name in (sysconfig.get_config_var("LDLIBRARY"), sysconfig.get_config_var("INSTSONAME")):
        if libdir and name and sysconfig.get_config_var("Py_ENABLE_SHARED"):
            paths.add(Path(libdir, name))
    return paths


def symlink_chain(path):
    """[(link, its target)] of the symbolic links met on the way from `path` to the real file."""
    chain, path = [], Path(path)
    while path.is_symlink() and len(chain) < 40:
        target = os.readlink(path)
        chain.append((path, target))
        path = path.parent / target
    return chain


def python_links():
    """The symbolic links from the virtual environment's python to the real executable that are
    not inside a folder the sandbox binds anyway, to recreate there."""
    bound = readable_paths() + system_paths()
    return [(link, target) for link, target in symlink_chain(sys.executable)
            if not inside(link, [p for p in bound if p.is_dir()])]


def system_paths():
    return [Path(p) for p in SYSTEM_PATHS if os.path.lexists(p)]


def inside(path, folders):
    return any(Path(path).is_relative_to(folder) for folder in folders)


def readable_paths():
    """What a sandboxed process may read besides the system: Python, the course code and the data."""
    code = {PACKAGE_DIR, REPO_ROOT / "coursekit", REPO_ROOT / "datasets"}
    extra = {Path(p) for p in os.environ.get(EXTRA_FOLDERS_VAR, "").split(os.pathsep) if p}
    if os.environ.get("CIFAR10_DIR"):
        extra.add(Path(os.environ["CIFAR10_DIR"]))
    system = system_paths()
    return sorted({p.resolve() for p in python_paths() | code | extra if p.exists()} - set(system),
                  key=lambda p: (len(p.parts), str(p)))


def hidden_paths():
    """Instructor-only folders inside readable ones, emptied in the sandbox's view."""
    visible = readable_paths()
    return sorted(p.resolve() for p in INSTRUCTOR_DIRS if p.exists() and inside(p.resolve(), visible))


def masked_paths():
    """Protected folders (the repository) that lie inside a bound system path: covered by an empty
    folder before the paths a process needs from them are bound again."""
    system = [p.resolve() for p in system_paths()]
    return [p for p in PROTECTED_ROOTS if inside(p, system)]


def system_mounts():
    """The system paths, read-only, below folders of mode 0755 (bwrap would make them 0700)."""
    parents = sorted({parent for path in system_paths() for parent in path.parents} - {Path("/")},
                     key=lambda p: len(p.parts))
    args = [arg for parent in parents for arg in ("--perms", "0755", "--dir", str(parent))]
    for path in system_paths():
        if path.is_symlink() and str(path) in ("/bin", "/lib", "/lib64", "/lib32", "/libx32"):
            args += ["--symlink", os.readlink(path), str(path)]
        else:
            args += ["--ro-bind", str(path), str(path)]
    return args


FONT_COPIES_PREFIX = "autograder-fonts-"


def remove_stale_font_copies(folder):
    """Remove the font-list copies in `folder` that this user's processes made and left behind when
    they ended without running their finalizers (killed, or a Dask worker stopped by its nanny):
    those whose process no longer exists."""
    for copies in folder.glob(f"{FONT_COPIES_PREFIX}*"):
        pid = copies.name[len(FONT_COPIES_PREFIX):].split("-")[0]
        try:
            owned = copies.stat().st_uid == os.getuid()
        except FileNotFoundError:  # another process removed it meanwhile
            continue
        if pid.isdigit() and owned and int(pid) != os.getpid() and not process_is_running(int(pid)):
            shutil.rmtree(copies, ignore_errors=True)


def build_font_list(folder, timeout=300):
    """Have matplotlib write its font list into `folder` (its cache) if none is there: on a machine
    where nothing outside the sandbox has used matplotlib yet, every kernel would otherwise search
    the fonts again (fontconfig, which the sandbox lacks, printing errors into the notebook)."""
    if any(folder.glob("fontlist-v*.json")):
        return
    try:
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True,
                       env={**os.environ, "MPLCONFIGDIR": str(folder)}, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):  # then each kernel searches the fonts, as before
        pass


@functools.cache
def font_lists():
    """Private copies of matplotlib's font lists from the grader's cache, made once per process
    (other programs may rewrite the cache while kernels start), in a temporary folder named after
    the process, removed when it exits."""
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib"
    folder = Path(os.environ.get("MPLCONFIGDIR") or home_cache)
    build_font_list(folder)
    remove_stale_font_copies(Path(tempfile.gettempdir()))
    copies = Path(tempfile.mkdtemp(prefix=f"{FONT_COPIES_PREFIX}{os.getpid()}-"))
    # A --jobs worker ends with os._exit, which skips atexit; multiprocessing runs its finalizers
    # there, and through atexit in any other process.
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(str(copies), True), exitpriority=0)
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
    modes, and /root, where pyenv keeps Python, is 0700 (the kernel user could not reach it).
    Folders inside a bound system path exist there already."""
    system = system_paths()
    skip = {Path("/"), Path("/proc"), Path("/dev"), Path(SANDBOX_TMP)}
    parents = sorted({parent for target in targets for parent in Path(target).parents
                      if parent not in skip and not inside(parent, system)}, key=lambda p: len(p.parts))
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", str(parent))]


def sandbox_environment():
    """Home and caches on the private /tmp, since nothing else is writable; a PATH of the sandbox's own;
    and PYTHONPATH to the grader's own `autograder` and `coursekit`, whichever way they were installed
    (Gradescope's run_autograder finds them by PYTHONPATH, which the allowlist does not pass)."""
    return {"HOME": f"{SANDBOX_TMP}/home", "IPYTHONDIR": f"{SANDBOX_TMP}/ipython",
            "MPLCONFIGDIR": f"{SANDBOX_TMP}/matplotlib", "JUPYTER_RUNTIME_DIR": f"{SANDBOX_TMP}/runtime",
            "TMPDIR": SANDBOX_TMP, "PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)}


def bwrap_command(command, working_dir, socket_dir=None, user=None, env=None, tmp_size=Limits().tmp_size):
    """`command` (an argv) wrapped in bwrap: no network, no other process in view, read-only the
    system paths and readable_paths() with the instructor folders emptied, writable only
    `working_dir` (its current folder), a private /tmp of `tmp_size` bytes and `socket_dir`
    (optional: the folder of a kernel's connection file and sockets). Its environment is exactly
    `env` (already allowlisted) and sandbox_environment(); `user` is (uid, gid) to run as (root only)."""
    if bwrap_problem():
        raise SandboxUnavailable(bwrap_problem())
    working_dir = str(Path(working_dir).resolve())
    writable = [Path(working_dir)] + ([Path(socket_dir).resolve()] if socket_dir else [])
    args = [shutil.which("bwrap"), "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--unshare-net", "--unshare-cgroup-try", *system_mounts(),
            "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(int(tmp_size)), "--tmpfs", SANDBOX_TMP,
            *font_cache_mounts()]
    for path in masked_paths():
        args += ["--tmpfs", str(path)]
    args += traversable_parents(readable_paths() + writable + [link for link, _ in python_links()])
    for path in readable_paths():
        args += ["--ro-bind", str(path), str(path)]
    for link, target in python_links():
        args += ["--symlink", target, str(link)]
    for path in hidden_paths():
        args += ["--tmpfs", str(path)]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    args += ["--chdir", working_dir, "--clearenv"]
    # ipykernel takes a parent pid of 1 to mean "no parent to poll" (inside, its real parent is the
    # sandbox's init, which it would take for a dead parent); --die-with-parent does that job.
    for name, value in {**(env or {}), **sandbox_environment(), "JPY_PARENT_PID": "1"}.items():
        args += ["--setenv", name, value]
    if user:
        args += ["--", shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={user[0]}", f"--regid={user[1]}",
                 "--clear-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]
    return args + ["--", *command]


# --- The resources of one sandboxed process ---------------------------------------------------

def folder_bytes(folder):
    """Bytes of disk the files under `folder` take (0 if it is gone)."""
    total = 0
    for root, dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


class Sandbox:
    """Everything one sandboxed process needs, held while it runs: a user of its own from the pool
    (root only), a cgroup with the limits (where cgroups can be used), a private folder for its
    sockets (`sockets=True`, for a Jupyter kernel), and a watchdog for the time budget and the
    disk limit. Any command can run in one:

        with Sandbox(working_dir, limits, budget) as box:
            argv, env = box.wrap([sys.executable, "-m", "runner"], os.environ)
            process = subprocess.Popen(argv, env=env)
            box.watch(process.pid)
            process.wait()
        # on leaving: every process left in its cgroup (or of its user) killed, the cgroup
        # removed, the user back in the pool, the socket folder removed

    `stop_reason` is None, or why the watchdog ended the process (the budget used up, the disk
    limit passed). Opening raises SandboxSetupError when the machine cannot provide it.
    """

    def __init__(self, working_dir, limits=Limits(), budget=None, sockets=False):
        self.working_dir = Path(working_dir).resolve()
        self.limits, self.budget, self.sockets = limits, budget, sockets
        self.user = self.cgroup = self.socket_dir = self.pid = None
        self.stop_reason = None
        self._stop_watching = threading.Event()
        self._watcher = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()

    def open(self):
        try:
            if uses_kernel_users():
                self.user = users.acquire()
            hierarchies = cgroup_support()[0]
            if hierarchies:
                name = f"autograder-{self.user.name}" if self.user else f"autograder-{os.getpid()}-{id(self):x}"
                limits = CgroupLimits(self.limits.max_processes, self.limits.memory_limit, self.limits.cpus)
                self.cgroup = KernelCgroup.create(hierarchies, name, limits)
            if self.sockets:
                self.socket_dir = Path(tempfile.mkdtemp(prefix="autograder-k-", dir=SOCKET_ROOT))
            self.give(self.working_dir, *([self.socket_dir] if self.socket_dir else []))
        except (users.NoFreeUser, OSError) as error:
            self.close()
            raise SandboxSetupError(f"the sandbox could not be set up: {error}") from error
        return self

    def give(self, *targets):
        """Make files and folders (recursively) the sandbox user's own, so it can use them."""
        if not self.user:
            return
        for target in map(Path, targets):
            os.lchown(target, self.user.uid, self.user.gid)
            if target.is_dir() and not target.is_symlink():
                for root, dirs, files in os.walk(target):
                    for name in dirs + files:
                        os.lchown(os.path.join(root, name), self.user.uid, self.user.gid)

    def rlimits(self):
        limits = {"RLIMIT_AS": self.limits.memory_limit, "RLIMIT_FSIZE": self.limits.disk_limit}
        if self.user and self.user.exclusive:  # counted per user: a limit of this process tree only then
            limits["RLIMIT_NPROC"] = self.limits.max_processes
        return limits

    def wrap(self, command, env, also=()):
        """(argv, environment) that run `command` in this sandbox. `env` is filtered to the allowlist
        (kernel_env.py) and the names in `also`."""
        env = {**allowlisted(env, also), **({} if sandbox_available() else
                                            {k: env[k] for k in ("HOME", "PATH") if k in env})}
        if sandbox_available():
            command = bwrap_command(command, self.working_dir, self.socket_dir,
                                    (self.user.uid, self.user.gid) if self.user else None, env, self.limits.tmp_size)
        procs = self.cgroup.procs_files() if self.cgroup else ()
        return launcher_command(command, procs, self.rlimits()), env

    def watch(self, pid):
        """Watch process `pid` (the one wrap() started): end it when the budget is used up or the
        working copy holds more than the disk limit."""
        self.pid = pid
        self._watcher = threading.Thread(target=self._watch, name=f"sandbox-watch-{pid}", daemon=True)
        self._watcher.start()

    def over_limit(self):
        """Why the process must end now, or None."""
        if self.budget and self.budget.spent() > self.budget.seconds + BUDGET_GRACE:
            return self.budget.reason()
        used = folder_bytes(self.working_dir) + (folder_bytes(self.socket_dir) if self.socket_dir else 0)
        if used > self.limits.disk_limit:
            return (f"it wrote more than {describe_size(self.limits.disk_limit)} into its working folder (the disk "
                    "limit), so the grader stopped it")
        return None

    def _watch(self):
        while not self._stop_watching.wait(WATCH_INTERVAL):
            reason = self.over_limit()
            if reason:
                self.stop_reason = reason
                self.kill()
                return

    def kill(self):
        """SIGKILL the process and everything in its cgroup (the sandbox's init dies with the process,
        and the pid namespace with it)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.cgroup:
            self.cgroup.kill()

    def close(self):
        self._stop_watching.set()
        if self._watcher and self._watcher is not threading.current_thread():
            self._watcher.join()
        if self.cgroup:
            self.cgroup.kill()
            self.cgroup.remove()
            self.cgroup = None
        if self.user:
            self.user.release()
            self.user = None
        if self.socket_dir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
            self.socket_dir = None


def remove_unsafe_files(working_dir):
    """Unlink every symlink and special file (FIFO, socket, device) student code left in its
    working copy. The grader, outside the sandbox, then writes the graded notebook there: a planted
    symlink must not send it to the gradebook or another student's files."""
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
    """A KernelManager whose kernel runs in a Sandbox, as a grading kernel.

    `limits` and `budget` (class attributes, bound by sandboxed_manager()) are the submission's.
    The kernel talks over Unix sockets in the sandbox's socket folder (transport "ipc").
    GRADING_VAR tells the hidden tests that they run in a grading kernel, where the grader judges
    every part outside the kernel (autograder/hidden/). Interrupts go by message, since a signal
    to the sandbox process would not reach the kernel inside it.
    """
    limits = Limits()
    budget = None
    sandbox = None

    async def _async_pre_start_kernel(self, **kw):
        self.close_sandbox()
        working_dir = Path(kw.get("cwd") or os.getcwd()).resolve()
        self.sandbox = Sandbox(working_dir, self.limits, self.budget, sockets=True).open()
        self.transport = "ipc"
        self.connection_file = str(self.sandbox.socket_dir / "kernel.json")
        self.ip = str(self.sandbox.socket_dir / "kernel")
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        # Quiet ipykernel's warnings, printed once per graded notebook.
        kernel_cmd = [*kernel_cmd, "--IPKernelApp.log_level=ERROR"]
        env = dict(kw.get("env") or os.environ)
        env[GRADING_VAR] = "1"
        self.sandbox.give(self.connection_file)
        kernel_cmd, kw["env"] = self.sandbox.wrap(kernel_cmd, env, also=(GRADING_VAR, EXTRA_FOLDERS_VAR))
        if sandbox_available():
            self.kernel_spec.interrupt_mode = "message"
        return kernel_cmd, kw

    async def _async_post_start_kernel(self, **kw):
        await super()._async_post_start_kernel(**kw)
        self.sandbox.watch(self.provisioner.pid)

    async def _async_cleanup_resources(self, restart=False):
        try:
            await super()._async_cleanup_resources(restart)
        finally:
            if not restart:
                self.close_sandbox()

    # AsyncKernelManager binds cleanup_resources to its base's method, so nbclient's cleanup of a
    # kernel that died (it calls cleanup_resources) would skip the override: no sandbox closed,
    # its socket folder and cgroup left behind.
    cleanup_resources = _async_cleanup_resources

    def close_sandbox(self):
        if self.sandbox is not None:
            self.last_stop_reason = self.sandbox.stop_reason
            self.sandbox.close()
            self.sandbox = None

    @property
    def stop_reason(self):
        """Why the sandbox's watchdog ended the kernel (None if it did not)."""
        return self.sandbox.stop_reason if self.sandbox else getattr(self, "last_stop_reason", None)


def sandboxed_manager(limits, budget=None, base=SandboxedKernelManager):
    """A SandboxedKernelManager class (nbclient wants a class) for one submission's limits and one
    notebook's budget."""
    return type("SandboxedKernelManager", (base,), {"limits": limits, "budget": budget})
