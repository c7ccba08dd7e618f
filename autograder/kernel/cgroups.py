"""A control group per sandboxed process: a process limit (pids), a memory limit that counts its
children and its /tmp (memory), and a CPU share and quota (cpu).

Both kinds of cgroupfs are supported: v1, a hierarchy per controller (these build machines mount
/sys/fs/cgroup/{pids,memory,cpu}), and v2, one unified hierarchy in which a parent hands
controllers to its children through `cgroup.subtree_control`. The groups are made under the
grader's own cgroup of each hierarchy (read from /proc/self/cgroup and /proc/self/mountinfo), so
whatever limits the grader itself runs under still hold. Where they cannot be made (not root, a
controller missing, v2 controllers that cannot be delegated), `CgroupSupport.problem` says why
and the sandbox falls back to rlimits (sandbox.py).

Everything takes the filesystem root and the /proc texts as arguments, so the v2 code paths are
tested on a fake cgroupfs tree (tests/unit/test_cgroups.py).
"""
import errno
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

CONTROLLERS = ("pids", "memory", "cpu")
CPU_PERIOD_US = 100_000
# v2 forbids processes in a cgroup that hands controllers to its children: a grader alone in its
# cgroup (e.g. a systemd scope with Delegate=yes) moves itself into this leaf first.
GRADER_LEAF = "autograder-grader"


@dataclass(frozen=True)
class Hierarchy:
    """One mounted cgroup hierarchy: its version, the controllers we use from it, and the folder
    of the grader's own cgroup in it (the parent of the groups we make)."""
    version: int
    controllers: tuple
    parent: Path


@dataclass(frozen=True)
class CgroupLimits:
    max_processes: int   # tasks (processes and threads)
    memory_bytes: int    # resident memory, page cache and tmpfs of every process in the group
    cpus: float          # CPU time per wall-clock second (1.0: one core); the share is equal for all


def mount_points(mountinfo):
    """[(fstype, mount point, mount root, super options)] of the cgroup mounts in a mountinfo text."""
    mounts = []
    for line in mountinfo.splitlines():
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            mounts.append((tail[0], fields[4], fields[3], set(tail[2].split(","))))
    return mounts


def own_cgroups(self_cgroup):
    """{controller (or "" for v2): path} from a /proc/self/cgroup text."""
    paths = {}
    for line in self_cgroup.splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            paths[name] = path
    return paths


def folder_in(mount_point, mount_root, path, root):
    """The folder of cgroup `path` (as /proc/self/cgroup gives it) under a mount of `mount_root`."""
    path = Path(path)
    relative = path.relative_to(mount_root) if path.is_relative_to(mount_root) else path.relative_to("/")
    return Path(root, mount_point.lstrip("/")) / relative


def find_hierarchies(mountinfo, self_cgroup, root="/"):
    """([Hierarchy], None) covering pids, memory and cpu, or ([], why not)."""
    own = own_cgroups(self_cgroup)
    hierarchies, missing = [], []
    for controller in CONTROLLERS:
        mount = next(((point, mount_root) for kind, point, mount_root, options in mount_points(mountinfo)
                      if kind == "cgroup" and controller in options and controller in own), None)
        if mount:
            hierarchies.append(Hierarchy(1, (controller,), folder_in(*mount, own[controller], root)))
        else:
            missing.append(controller)
    if missing:
        unified = next(((point, mount_root) for kind, point, mount_root, _ in mount_points(mountinfo)
                        if kind == "cgroup2"), None)
        if unified is None or "" not in own:
            return [], f"no cgroup hierarchy has the {', '.join(missing)} controller(s)"
        folder = folder_in(*unified, own[""], root)
        if folder.name == GRADER_LEAF:
            folder = folder.parent
        available = read(folder / "cgroup.controllers").split()
        absent = [c for c in missing if c not in available]
        if absent:
            return [], (f"the unified cgroup hierarchy offers {', '.join(available) or 'no controllers'} to "
                        f"{folder}, not {', '.join(absent)}")
        hierarchies.append(Hierarchy(2, tuple(missing), folder))
    return hierarchies, None


def read(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def write(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def delegate(hierarchy, pid=None):
    """Make a v2 parent hand our controllers to its children. A parent holding processes cannot;
    when the only one is this grader, it moves into a leaf of its own first. Raises OSError."""
    wanted = " ".join(f"+{c}" for c in hierarchy.controllers)
    control = hierarchy.parent / "cgroup.subtree_control"
    if set(hierarchy.controllers) <= set(read(control).split()):
        return
    try:
        write(control, wanted)
    except OSError as error:
        pid = pid or os.getpid()
        if error.errno != errno.EBUSY or read(hierarchy.parent / "cgroup.procs").split() != [str(pid)]:
            raise
        leaf = hierarchy.parent / GRADER_LEAF
        leaf.mkdir(exist_ok=True)
        write(leaf / "cgroup.procs", str(pid))
        write(control, wanted)


def limit_files(version, limits):
    """{file: content} that set `limits` in a cgroup of that version."""
    quota = max(int(limits.cpus * CPU_PERIOD_US), 1000)
    if version == 1:
        return {"pids.max": str(limits.max_processes), "memory.limit_in_bytes": str(limits.memory_bytes),
                "memory.memsw.limit_in_bytes": str(limits.memory_bytes), "cpu.shares": "1024",
                "cpu.cfs_period_us": str(CPU_PERIOD_US), "cpu.cfs_quota_us": str(quota)}
    return {"pids.max": str(limits.max_processes), "memory.max": str(limits.memory_bytes),
            "memory.swap.max": "0", "cpu.weight": "100", "cpu.max": f"{quota} {CPU_PERIOD_US}"}


OPTIONAL_FILES = ("memory.memsw.limit_in_bytes", "memory.swap.max")  # absent without swap accounting


@dataclass
class KernelCgroup:
    """The cgroup (one folder per hierarchy) of one sandboxed process and its children."""
    folders: list = field(default_factory=list)

    @classmethod
    def create(cls, hierarchies, name, limits):
        """Make (or take over, after a crash) group `name` in every hierarchy with `limits`."""
        group = cls()
        for hierarchy in hierarchies:
            if hierarchy.version == 2:
                delegate(hierarchy)
            folder = hierarchy.parent / name
            folder.mkdir(exist_ok=True)
            group.folders.append(folder)
            group.kill()  # whatever a crashed grader left in it
            # A group taken over keeps its old limits, and v1 refuses a memory limit above the memory+swap
            # limit (EINVAL): lift that one first.
            files = {**({"memory.memsw.limit_in_bytes": "-1"} if hierarchy.version == 1 else {}),
                     **limit_files(hierarchy.version, limits)}
            for file, content in files.items():
                if file.split(".")[0] in hierarchy.controllers:
                    try:
                        write(folder / file, content)
                    except OSError:
                        if file not in OPTIONAL_FILES:
                            raise
        return group

    def procs_files(self):
        """The cgroup.procs files a process writes its pid into to join the group."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def pids(self):
        return {int(pid) for folder in self.folders for pid in read(folder / "cgroup.procs").split()}

    def kill(self, passes=100):
        """SIGKILL every process in the group (v2: all at once through cgroup.kill, where there is
        one), pass after pass while processes still fork."""
        for folder in self.folders:
            if (folder / "cgroup.kill").exists():
                try:
                    write(folder / "cgroup.kill", "1")
                except OSError:
                    pass
        for _ in range(passes):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def counter(self, name):
        """A number the kernel keeps for the group ("pids.peak", "memory.failcnt", ...; 0 if absent)."""
        for folder in self.folders:
            if (folder / name).exists():
                return int(read(folder / name).split()[-1] or 0)
        return 0

    def oom_kills(self):
        """How many processes the memory limit killed (v1 memory.oom_control, v2 memory.events)."""
        for folder in self.folders:
            for file in ("memory.oom_control", "memory.events"):
                for line in read(folder / file).splitlines():
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
        return 0

    def remove(self, seconds=5.0):
        """Kill what is left and remove the folders. A group whose processes are killed disappears
        once the last one is reaped, so this retries for a few seconds; a folder that stays is
        taken over by the next group of that name (create)."""
        deadline = time.monotonic() + seconds
        for folder in self.folders:
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    self.kill()
                    time.sleep(0.01)
