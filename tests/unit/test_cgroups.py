"""Per-kernel cgroups (autograder/kernel/cgroups.py): finding the hierarchies and making groups
with their limits, on fake cgroupfs trees of both versions (cgroup v2 is not mounted with
controllers on the build machines), then on this machine's real hierarchies, where a group's
process and memory limits must hold for a process tree started by the launcher."""
import ast
import errno
import os
import subprocess
import sys

import pytest

from autograder.kernel import cgroups
from autograder.kernel.cgroups import GRADER_LEAF, CgroupLimits, KernelCgroup, find_hierarchies
from autograder.kernel.limits import launcher_command

MB = 2 ** 20
LIMITS = CgroupLimits(max_processes=40, memory_bytes=300 * MB, cpus=0.5)

V1_MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
V1_SELF = "8:pids:/\n4:memory:/grading/job7\n1:cpu,cpuacct:/\n0::/\n"
V2_MOUNTINFO = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev - cgroup2 cgroup2 rw,nsdelegate\n"
V2_SELF = "0::/system.slice/grader.scope\n"


def fake_v2(root, processes=None):
    scope = root / "sys/fs/cgroup/system.slice/grader.scope"
    scope.mkdir(parents=True)
    (scope / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (scope / "cgroup.subtree_control").write_text("")
    (scope / "cgroup.procs").write_text("\n".join(map(str, processes or [os.getpid()])) + "\n")
    return scope


def test_v1_hierarchies_are_the_grader_s_own_cgroups_of_each_controller(tmp_path):
    hierarchies, problem = find_hierarchies(V1_MOUNTINFO, V1_SELF, tmp_path)
    assert problem is None
    assert [(h.version, h.controllers, h.parent.relative_to(tmp_path).as_posix()) for h in hierarchies] == [
        (1, ("pids",), "sys/fs/cgroup/pids"), (1, ("memory",), "sys/fs/cgroup/memory/grading/job7"),
        (1, ("cpu",), "sys/fs/cgroup/cpu,cpuacct")]


def test_a_v1_group_gets_every_limit_in_its_controller_s_folder(tmp_path):
    hierarchies, _ = find_hierarchies(V1_MOUNTINFO, V1_SELF, tmp_path)
    for hierarchy in hierarchies:
        hierarchy.parent.mkdir(parents=True, exist_ok=True)
    group = KernelCgroup.create(hierarchies, "autograder-kernel-3", LIMITS)
    pids, memory, cpu = (h.parent / "autograder-kernel-3" for h in hierarchies)
    assert group.folders == [pids, memory, cpu]
    assert sorted(p.name for p in pids.iterdir()) == ["pids.max"] and (pids / "pids.max").read_text() == "40"
    assert (memory / "memory.limit_in_bytes").read_text() == str(300 * MB)
    assert (memory / "memory.memsw.limit_in_bytes").read_text() == str(300 * MB)
    assert (cpu / "cpu.shares").read_text() == "1024" and (cpu / "cpu.cfs_quota_us").read_text() == "50000"
    assert group.procs_files() == [str(f / "cgroup.procs") for f in (pids, memory, cpu)]


def test_v2_takes_every_controller_from_the_unified_hierarchy_and_delegates_them(tmp_path):
    scope = fake_v2(tmp_path)
    hierarchies, problem = find_hierarchies(V2_MOUNTINFO, V2_SELF, tmp_path)
    assert problem is None and [(h.version, h.controllers, h.parent) for h in hierarchies] == [
        (2, ("pids", "memory", "cpu"), scope)]
    group = KernelCgroup.create(hierarchies, "autograder-kernel-0", LIMITS)
    assert (scope / "cgroup.subtree_control").read_text() == "+pids +memory +cpu"
    folder = scope / "autograder-kernel-0"
    assert group.folders == [folder]
    assert {f.name: f.read_text() for f in folder.iterdir()} == {
        "pids.max": "40", "memory.max": str(300 * MB), "memory.swap.max": "0", "cpu.weight": "100",
        "cpu.max": "50000 100000"}


def test_v2_grader_alone_in_its_cgroup_moves_into_a_leaf_to_delegate(tmp_path, monkeypatch):
    """cgroup v2 refuses controllers for the children of a group with processes in it (EBUSY)."""
    scope = fake_v2(tmp_path)
    real_write = cgroups.write

    def busy_while_populated(path, text):
        if path.name == "cgroup.subtree_control" and not (scope / GRADER_LEAF / "cgroup.procs").exists():
            raise OSError(errno.EBUSY, "Device or resource busy")
        real_write(path, text)

    monkeypatch.setattr(cgroups, "write", busy_while_populated)
    hierarchies, _ = find_hierarchies(V2_MOUNTINFO, V2_SELF, tmp_path)
    KernelCgroup.create(hierarchies, "autograder-kernel-0", LIMITS)
    assert (scope / GRADER_LEAF / "cgroup.procs").read_text() == str(os.getpid())
    assert (scope / "cgroup.subtree_control").read_text() == "+pids +memory +cpu"
    # A worker started later lives in the leaf: its groups still go beside it, in the delegated parent.
    again, _ = find_hierarchies(V2_MOUNTINFO, f"0::/system.slice/grader.scope/{GRADER_LEAF}\n", tmp_path)
    assert again[0].parent == scope


def test_v2_with_other_processes_in_the_grader_s_cgroup_is_refused(tmp_path, monkeypatch):
    fake_v2(tmp_path, processes=[os.getpid(), 1])

    def busy(path, text):
        raise OSError(errno.EBUSY, "Device or resource busy")

    monkeypatch.setattr(cgroups, "write", busy)
    hierarchies, _ = find_hierarchies(V2_MOUNTINFO, V2_SELF, tmp_path)
    with pytest.raises(OSError):
        KernelCgroup.create(hierarchies, "autograder-kernel-0", LIMITS)


def test_missing_controllers_are_named(tmp_path):
    assert find_hierarchies(V1_MOUNTINFO.replace(",pids", ",hugetlb"), V1_SELF.replace("pids", "hugetlb"),
                            tmp_path)[1].startswith("the unified cgroup hierarchy offers no controllers")
    scope = fake_v2(tmp_path)
    (scope / "cgroup.controllers").write_text("cpu io\n")
    assert find_hierarchies(V2_MOUNTINFO, V2_SELF, tmp_path) == (
        [], f"the unified cgroup hierarchy offers cpu, io to {scope}, not pids, memory")
    assert find_hierarchies("", "0::/\n", tmp_path)[1] == "no cgroup hierarchy has the pids, memory, cpu controller(s)"


# --- The real hierarchies of this machine -------------------------------------------------------

@pytest.fixture
def real_group():
    from autograder.kernel.sandbox import cgroup_support
    hierarchies, problem = cgroup_support()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cgroups are required in CI: {problem}")
        pytest.skip(f"no cgroups here: {problem}")
    group = KernelCgroup.create(hierarchies, f"autograder-test-{os.getpid()}", LIMITS)
    yield group
    group.remove()


FORK_MANY = """
import os, time
forked = 0
try:
    for _ in range(100):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        forked += 1
except OSError:
    pass
print(forked)
"""

# Three processes of 150 MB each (450 MB in all), each well under its own address-space limit;
# prints how each ended (a negative number: killed by that signal).
THREE_CHILDREN = """
import os, time
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        block = bytearray(150 * 2 ** 20)
        block[::4096] = b"x" * len(block[::4096])
        time.sleep(1)
        os._exit(0)
    children.append(pid)
print([-os.WTERMSIG(s) if os.WIFSIGNALED(s) else os.WEXITSTATUS(s) for s in (os.waitpid(p, 0)[1] for p in children)])
"""


def test_a_group_left_by_a_crashed_grader_is_taken_over_with_new_limits(real_group):
    """The same name again (the next kernel of that pool user), with a larger then a smaller limit."""
    from autograder.kernel.sandbox import cgroup_support
    name = real_group.folders[0].name
    for memory in (600 * MB, 200 * MB):
        group = KernelCgroup.create(cgroup_support()[0], name, CgroupLimits(40, memory, 0.5))
        assert group.folders == real_group.folders
        memory_folders = [f for f in group.folders if (f / "memory.limit_in_bytes").exists()]
        assert [int((f / "memory.limit_in_bytes").read_text()) for f in memory_folders] == [memory]


def test_a_real_group_holds_its_process_limit(real_group):
    run = subprocess.Popen(launcher_command([sys.executable, "-c", FORK_MANY], real_group.procs_files()),
                           stdout=subprocess.PIPE, text=True)
    try:
        forked = int(run.stdout.readline())
    finally:
        real_group.kill()
        run.wait(timeout=60)
    assert 30 <= forked < 40  # the python process and its children share the 40 tasks
    assert real_group.counter("pids.peak") <= 40


def test_a_real_group_s_memory_limit_counts_its_children(real_group):
    """Each child is far under the 1 GB address-space limit; together they pass 300 MB."""
    run = subprocess.run(launcher_command([sys.executable, "-c", THREE_CHILDREN], real_group.procs_files(),
                                          {"RLIMIT_AS": 2 ** 30}), capture_output=True, text=True, timeout=120)
    assert -9 in ast.literal_eval(run.stdout), run.stdout + run.stderr  # SIGKILL, by the memory limit
    assert real_group.oom_kills() >= 1
