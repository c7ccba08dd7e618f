"""The sandbox (autograder/kernel/sandbox.py) with plain processes, no Jupyter kernel: what a
sandboxed process sees, which environment it gets, that it reaches no network, runs as a user of
its own, and that /tmp, the disk limit and the time budget hold. Skipped without bwrap (and, for
the users and cgroups, without root), except in CI, where they fail."""
import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from autograder.course import REPO_ROOT
from autograder.kernel import sandbox
from autograder.kernel.kernel_env import KERNEL_ENV_ALLOWLIST
from autograder.kernel.limits import Budget, Limits
from autograder.kernel.sandbox import Sandbox, bwrap_command
from tests.support.attacks import require_sandbox

MB = 2 ** 20


def run(box, code, timeout=60, env=None):
    """Run Python `code` in `box` (watched); return (exit code, stdout)."""
    argv, env = box.wrap([sys.executable, "-c", code], env if env is not None else os.environ)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    box.watch(process.pid)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def require_root():
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("the sandbox's users and cgroups need root in CI")
        pytest.skip("the sandbox's users and cgroups need root")


@pytest.fixture
def working_dir(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_the_view_binds_exact_paths_never_a_parent_of_the_repository(working_dir):
    require_sandbox()
    args = bwrap_command(["true"], working_dir)
    binds = [args[i + 1] for i, arg in enumerate(args) if arg in ("--ro-bind", "--bind")]
    for whole in ("/usr", "/etc", "/opt", "/usr/local", "/", "/root", str(REPO_ROOT), str(REPO_ROOT.parent)):
        assert whole not in binds
    assert not any(REPO_ROOT.is_relative_to(b) for b in binds if Path(b).is_dir())
    assert {"--unshare-net", "--unshare-pid", "--clearenv", "--new-session"} <= set(args)
    assert args[args.index("--tmpfs", args.index("--size")) + 1] == "/tmp"


@pytest.fixture
def course_copies():
    """Stand-ins for a course checkout under /opt and under /usr/local: solutions, a gradebook and
    another student's submission (unique names, removed afterwards)."""
    roots = [Path("/opt") / f"autograder-test-{uuid.uuid4().hex[:8]}",
             Path("/usr/local/share") / f"autograder-test-{uuid.uuid4().hex[:8]}"]
    secrets = []
    try:
        for root in roots:
            for relative in ("solutions/a1/nb.ipynb", "graded/gradebook.db", "batch/bob/a1/nb.ipynb"):
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                (root / relative).write_text("secret")
                secrets.append(root / relative)
            (root / "graded/course/autograded/alice/a1").mkdir(parents=True)
        yield roots, secrets
    finally:
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)


READ_ALL = """
import json, os, sys
found = []
for path in json.loads(sys.argv[1]):
    try:
        open(path, "rb").read(1)
        found.append(path)
    except OSError:
        pass
listings = {folder: sorted(os.listdir(folder)) for folder in json.loads(sys.argv[2])}
print(json.dumps([found, listings]))
"""


def test_a_course_under_opt_or_usr_local_is_out_of_view(course_copies):
    """Only the folders leading to the working copy exist in view there: no solutions, gradebook,
    nor other students' files (nor the repository's own solutions and git history)."""
    require_sandbox()
    roots, secrets = course_copies
    targets = [str(p) for p in secrets] + [str(REPO_ROOT / "solutions" / "assignment1" / "linear_classifiers.ipynb"),
                                           str(REPO_ROOT / ".git" / "HEAD"), "/etc/shadow"]
    allowed = [str(REPO_ROOT / "coursekit" / "__init__.py"), str(Path(sys.executable))]
    for root in roots:
        working = root / "graded/course/autograded/alice/a1"
        with Sandbox(working) as box:
            argv, env = box.wrap([sys.executable, "-c", READ_ALL, json.dumps(targets + allowed),
                                  json.dumps([str(root), str(root / "graded"), str(REPO_ROOT)])], os.environ)
            found, listings = json.loads(subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60,
                                                        check=True).stdout)
        assert found == allowed, f"readable from {working}: {found}"
        assert listings[str(root)] == ["graded"] and listings[str(root / "graded")] == ["course"]
        assert set(listings[str(REPO_ROOT)]) <= {".venv", "autograder", "coursekit", "datasets", "tests"}


def test_the_environment_is_allowlisted(working_dir, monkeypatch):
    require_sandbox()
    for name in ("PGPASSWORD", "PGHOST", "TEST_POSTGRES_URL", "DATABASE_URL", "AWS_SECRET_ACCESS_KEY",
                 "GITHUB_TOKEN", "MY_SECRET", "SOMETHING_NEW"):
        monkeypatch.setenv(name, "leaked")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    with Sandbox(working_dir) as box:
        code, out = run(box, "import json, os; print(json.dumps(dict(os.environ)))")
    env = json.loads(out)
    assert "leaked" not in env.values()
    assert set(env) <= set(KERNEL_ENV_ALLOWLIST) | set(sandbox.sandbox_environment()) | {"JPY_PARENT_PID", "PWD"}
    assert env["OPENBLAS_NUM_THREADS"] == "1"


REACH = """
import json, socket, sys
port, unix_path = int(sys.argv[1]), sys.argv[2]
reached = []
for family, address in ((socket.AF_INET, ("127.0.0.1", port)), (socket.AF_UNIX, unix_path)):
    try:
        socket.create_connection(address, timeout=5) if family == socket.AF_INET else \\
            socket.socket(socket.AF_UNIX).connect(address)
        reached.append(str(address))
    except OSError:
        pass
listening = [line.split()[1] for line in open("/proc/net/tcp").read().splitlines()[1:] if line.split()[3] == "0A"]
print(json.dumps({"reached": reached, "listening": listening}))
"""


def test_no_network_reaches_the_host(working_dir, tmp_path):
    """A TCP server on the host's loopback and a Unix socket in /tmp: neither can be reached, and
    the host's listening ports are not even listed."""
    require_sandbox()
    server = socket.create_server(("127.0.0.1", 0))
    unix_path = f"/tmp/autograder-test-{uuid.uuid4().hex[:8]}.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(unix_path)
    unix.listen()
    try:
        with Sandbox(working_dir) as box:
            argv, env = box.wrap([sys.executable, "-c", REACH, str(server.getsockname()[1]), unix_path], os.environ)
            out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    finally:
        server.close()
        unix.close()
        os.unlink(unix_path)
    assert json.loads(out) == {"reached": [], "listening": []}


def test_each_sandbox_has_a_user_of_its_own_given_back_afterwards(tmp_path):
    require_sandbox()
    require_root()
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    with Sandbox(folders[0]) as first, Sandbox(folders[1]) as second:
        uids = [int(run(box, "import os; print(os.getuid())")[1]) for box in (first, second)]
        assert uids == [first.user.uid, second.user.uid] and len(set(uids)) == 2 and 0 not in uids
        assert folders[0].stat().st_uid == uids[0]
    with Sandbox(folders[0]) as again:
        assert again.user.uid == uids[0]  # the first free user of the pool: given back


def test_tmp_is_private_and_limited(working_dir):
    require_sandbox()
    with Sandbox(working_dir, Limits(tmp_size=8 * MB)) as box:
        code, out = run(box, "open('/tmp/big', 'wb').write(b'x' * (16 * 2 ** 20))")
    assert code != 0 and "No space left on device" in out
    assert not Path("/tmp/big").exists()


WRITE_FILES = """
import itertools
for i in itertools.count():
    with open(f"part{i}", "wb") as handle:
        handle.write(b"x" * 2 ** 20)
"""


def test_the_disk_limit_stops_a_process_that_fills_its_working_copy(working_dir):
    require_sandbox()
    with Sandbox(working_dir, Limits(disk_limit=20 * MB)) as box:
        code, _ = run(box, WRITE_FILES, timeout=120)
        assert code == -9 and "disk limit" in box.stop_reason
    written = sum(p.stat().st_size for p in working_dir.iterdir())
    assert 20 * MB < written < 20 * MB + 2 ** 30  # stopped within a quarter second of passing it


def test_one_file_may_not_pass_the_disk_limit(working_dir):
    require_sandbox()
    with Sandbox(working_dir, Limits(disk_limit=4 * MB)) as box:
        code, out = run(box, "open('big', 'wb').write(b'x' * (8 * 2 ** 20))")
    assert code != 0 and "File too large" in out
    assert (working_dir / "big").stat().st_size <= 4 * MB


def test_the_time_budget_ends_a_process_that_ignores_it(working_dir, monkeypatch):
    require_sandbox()
    monkeypatch.setattr(sandbox, "BUDGET_GRACE", 0.5)
    budget = Budget(1).start()
    with Sandbox(working_dir, budget=budget) as box:
        code, _ = run(box, "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)")
        assert code == -9 and box.stop_reason == budget.reason()
    assert budget.spent() < 30


def test_a_process_imports_the_graders_own_packages_without_their_install(working_dir):
    """Gradescope's run_autograder makes the packages importable by PYTHONPATH alone, which the
    allowlist does not pass on: the sandbox sets its own. `-S` leaves out the venv's install."""
    require_sandbox()
    code = "import autograder, coursekit; print(autograder.__file__); print(coursekit.__file__)"
    with Sandbox(working_dir) as box:
        argv, env = box.wrap([sys.executable, "-S", "-c", code], {})
        run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    files = [Path(line) for line in run.stdout.split()]
    assert files == [REPO_ROOT / "autograder" / "__init__.py", REPO_ROOT / "coursekit" / "__init__.py"]


def font_copies_of_a_child(config_dir, queue):
    os.environ["MPLCONFIGDIR"] = config_dir
    queue.put(str(sandbox.font_lists()[0].parent))


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_a_worker_process_removes_its_copies_of_the_font_lists(method, tmp_path):
    """A --jobs worker (a multiprocessing child, which ends without atexit) leaves no folder behind."""
    import multiprocessing
    (tmp_path / "fontlist-v390.json").write_text("{}")
    context = multiprocessing.get_context(method)
    queue = context.Queue()
    child = context.Process(target=font_copies_of_a_child, args=(str(tmp_path), queue))
    child.start()
    folder = Path(queue.get(timeout=60))
    child.join(60)
    assert child.exitcode == 0
    assert folder.name.startswith(f"{sandbox.FONT_COPIES_PREFIX}{child.pid}-")
    assert not folder.exists(), "the worker left its copies of the font lists behind"


def test_copies_left_by_ended_processes_are_removed_and_live_ones_kept(tmp_path):
    """A grader killed before its finalizers ran leaves its copies; the next process that makes
    copies removes them, and never those of a process still running."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    left = tmp_path / f"{sandbox.FONT_COPIES_PREFIX}{ended.pid}-abc"
    live = tmp_path / f"{sandbox.FONT_COPIES_PREFIX}{os.getpid()}-def"
    unrelated = tmp_path / "autograder-fonts-notapid"
    for folder in (left, live, unrelated):
        folder.mkdir()
        (folder / "fontlist-v390.json").write_text("{}")
    sandbox.remove_stale_font_copies(tmp_path)
    assert not left.exists(), "the copies of a process that ended were kept"
    assert live.exists() and unrelated.exists()


def test_the_font_list_is_built_where_none_is():
    """On a machine where matplotlib never ran outside the sandbox, the grader builds its font list
    once (in its cache folder), so that no kernel has to search the fonts again."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        sandbox.build_font_list(Path(folder))
        built = sorted(Path(folder).glob("fontlist-v*.json"))
        assert len(built) == 1 and json.loads(built[0].read_text())["ttflist"]
        before = built[0].stat().st_mtime_ns
        sandbox.build_font_list(Path(folder))
        assert built[0].stat().st_mtime_ns == before, "a font list already there is left as it is"
