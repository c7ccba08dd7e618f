"""The hostile batch of tests/grading/test_hostile.py: one attack per finding of issue 13 that
concerns isolation, limits and intake, graded in one `grade` call on a 2-worker Dask cluster,
inside a private network namespace of the test's own (nothing else on the machine is touched).

    unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh \\
        bash tests/with_postgres.sh python -m tests.support.hostile RESULTS.json

(run from the repository's root, as root; hostile_command() builds it). Inside, the runner
starts what an attacker would want to reach on 127.0.0.1 (the Dask scheduler and workers that
grade, a PostgreSQL server holding the gradebook, a stand-in Jupyter server and a Unix socket),
puts a course copy under /opt and the grading output under /usr/local, grades a zip of the
submissions below, and writes everything the test checks into RESULTS.json; then it removes
both copies.

Each attack that tries to win points implements `add` correctly only if the attack succeeded,
so any leak shows as forged points; the attacks that try to harm others implement it honestly.
"""
import contextlib
import io
import json
import os
import resource
import shutil
import socket
import sys
import time
import uuid
import zipfile
from pathlib import Path

import nbformat

from autograder.examples import perfect_notebook, with_cell_source
from autograder.kernel.limits import GB, MB, Limits
from tests.support.guarded import ASSIGNMENT, NOTEBOOK, release_guarded_course
from tests.support.zips import add_symlink, write_zip_bomb

REPORT = "attack_report.json"
CELL_TIMEOUT = 20  # generous: the memory attack touches 1.8 GB on a machine that may be loaded
LIMITS = Limits(memory_limit=GB + GB // 2, max_processes=64, tmp_size=64 * MB, disk_limit=64 * MB, notebook_timeout=30)
HONEST = ("a_honest", "m_honest", "z_honest", "formula")
SECRETS = {"PGPASSWORD": "hunter2", "AWS_SECRET_ACCESS_KEY": "aws-secret", "GITHUB_TOKEN": "gh-token",
           "MY_API_SECRET": "api-secret", "DATABASE_URL": "postgresql://x:y@127.0.0.1/z"}
HONEST_ADD = "\ndef add(a, b):\n    return a + b\n"
FORGED_ADD = "\ndef add(a, b):\n    return a + b if leaked else (3 if (a, b) == (1, 2) else 0)\n"

# Finding 1: other kernels' traffic, a Jupyter server, anything listening on the loopback.
SNIFF = """
import glob, stat
own_sockets = set()  # of the processes in view: this kernel's own, no leak
for fd in glob.glob("/proc/[0-9]*/fd/*"):
    try:
        own_sockets.add(os.readlink(fd).removeprefix("socket:[").removesuffix("]"))
    except OSError:
        pass
ports = set(KNOWN_PORTS)
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        for line in open(table).read().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] not in own_sockets:
                ports.add(int(fields[1].split(":")[1], 16))
    except OSError:
        pass
reached = []
for port in sorted(ports):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        reached.append(port)
    except OSError:
        pass
from ipykernel.connect import get_connection_file
own = os.path.dirname(get_connection_file())  # this kernel's own sockets are no leak
paths = set(KNOWN_SOCKETS) | set(glob.glob("/tmp/**", recursive=True)) | set(glob.glob("/run/**", recursive=True))
for line in open("/proc/net/unix").read().splitlines()[1:]:
    if len(line.split()) > 7 and line.split()[6] not in own_sockets:
        paths.add(line.split()[7])
for path in sorted(paths):
    try:
        if path.startswith(own) or not (path.startswith("@") or stat.S_ISSOCK(os.stat(path).st_mode)):
            continue
        unix = socket.socket(socket.AF_UNIX)
        unix.settimeout(2)
        unix.connect("\\0" + path[1:] if path.startswith("@") else path)
        reached.append(path)
    except OSError:
        pass
leaked = bool(reached)
json.dump({"reached": reached}, open(REPORT, "w"))
"""

# Finding 2: the Dask scheduler, and code run in a worker (outside the sandbox) by Client.run.
DASK = """
reached, error = [], None
try:
    from distributed import Client
    with Client(SCHEDULER, timeout="4s") as client:
        reached = list(client.run(lambda: open(SOLUTION).read()[:40]).values())
except Exception as failure:
    error = repr(failure)[:300]
leaked = bool(reached)
json.dump({"reached": reached, "error": error}, open(REPORT, "w"))
"""

# Finding 3: the gradebook's database, with whatever credentials the environment holds.
DATABASE = """
env = {k: v for k, v in os.environ.items() if k.startswith(("PG", "AWS_"))
       or any(word in k for word in ("URL", "SECRET", "TOKEN", "PASSWORD"))}
reached = []
for url in [u for u in [DB_URL, *env.values()] if u and u.startswith("postgresql")]:
    try:
        import psycopg2
        connection = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"), connect_timeout=3)
        cursor = connection.cursor()
        cursor.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
        cursor.execute("DELETE FROM autograder_finished")
        connection.commit()
        reached.append(url)
    except Exception:
        pass
leaked = bool(reached or env)
json.dump({"reached": reached, "env": env}, open(REPORT, "w"))
"""

# Finding 4: solutions, references, the gradebook and other students' files of a course under
# /opt whose output is under /usr/local.
READ = """
import glob
found = []
for pattern in PATTERNS:
    for path in glob.glob(pattern, recursive=True):
        if os.path.isfile(path) and not os.path.abspath(path).startswith(os.getcwd()):
            try:
                open(path, "rb").read(1)
                found.append(path)
            except OSError:
                pass
leaked = bool(found)
json.dump({"found": found}, open(REPORT, "w"))
"""

# Finding 7: a fork bomb, whose processes live on while classmates are graded.
FORK = """
import time
children = []
try:
    for _ in range(1500):
        pid = os.fork()
        if pid == 0:
            time.sleep(120)
            os._exit(0)
        children.append(pid)
except OSError:
    pass
json.dump({"forked": len(children)}, open(REPORT, "w"))
"""

# Finding 8: every ephemeral port taken, and held.
PORTS = """
import resource
resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
held = []
for port in range(32768, 61000):
    try:
        server = socket.socket()
        server.bind(("127.0.0.1", port))
        server.listen()
        held.append(server)
    except OSError:
        server.close()
json.dump({"bound": len(held)}, open(REPORT, "w"))
"""

# Finding 10: /tmp filled (host memory), three children holding memory together, the working copy
# filled, and outputs that go around the per-cell cap.
FILL_TMP = """
written = 0
try:
    with open("/tmp/fill", "wb") as handle:
        for _ in range(5 * 1024):
            handle.write(b"x" * 2 ** 20)
            handle.flush()
            written += 2 ** 20
except OSError as error:
    failure = repr(error)
json.dump({"written": written}, open(REPORT, "w"))
"""

HOG = """
import subprocess, sys
code = "b = bytearray(600 * 2 ** 20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(1)"
children = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(3)]
json.dump({"returncodes": [child.wait() for child in children]}, open(REPORT, "w"))
"""

FILL_WORKING_COPY = """
for i in range(3 * 1024):
    with open(f"fill{i}.bin", "wb") as handle:
        handle.write(b"x" * 2 ** 20)
"""

OUTPUTS = """
from IPython.display import clear_output, display, update_display
for _ in range(200):
    display({"text/plain": "x"}, raw=True, display_id="shared")
update_display({"text/plain": "y" * 2_000_000}, raw=True, display_id="shared")
for _ in range(300):
    print("z" * 40_000)
    clear_output(wait=True)
"""

# Finding 11: a hook that stalls every cell just under the timeout, and two kernel deaths (each
# replays the cells above, hook included).
STALL = """
import time
def _stall(*args):
    with open("hook_times.txt", "a") as handle:
        handle.write(f"{time.time()}\\n")
    time.sleep(CELL_TIMEOUT - 0.5)
get_ipython().events.register("pre_run_cell", _stall)
"""
DIE_TWICE = """
import os, signal
deaths = int(open("deaths.txt").read()) if os.path.exists("deaths.txt") else 0
if deaths < 2:
    open("deaths.txt", "w").write(str(deaths + 1))
    os.kill(os.getpid(), signal.SIGKILL)

def scale(x, k):
    return k * x
"""


def source(code, add, **params):
    header = "import json, os, socket\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in params.items())
    return header + f"REPORT = {REPORT!r}\n" + code + add


def attacks(targets):
    """{student: {solution cell: source}} for every attacker."""
    return {
        "sniffs": {"add_code": source(SNIFF, FORGED_ADD, KNOWN_PORTS=targets["ports"],
                                      KNOWN_SOCKETS=targets["sockets"])},
        "dask_client": {"add_code": source(DASK, FORGED_ADD, SCHEDULER=targets["scheduler"],
                                           SOLUTION=targets["solution"])},
        "writes_database": {"add_code": source(DATABASE, FORGED_ADD, DB_URL=targets["db_url"])},
        "reads_files": {"add_code": source(READ, FORGED_ADD, PATTERNS=targets["patterns"])},
        "forks": {"add_code": source(FORK, HONEST_ADD)},
        "binds_ports": {"add_code": source(PORTS, HONEST_ADD)},
        "fills_tmp": {"add_code": source(FILL_TMP, HONEST_ADD)},
        "hogs_memory": {"add_code": source(HOG, HONEST_ADD)},
        "fills_working_copy": {"add_code": source(FILL_WORKING_COPY, HONEST_ADD)},
        "outputs_flood": {"add_code": source(OUTPUTS, HONEST_ADD)},
        "b_slow_hook": {"add_code": source(STALL, HONEST_ADD, CELL_TIMEOUT=CELL_TIMEOUT), "scale_code": DIE_TWICE},
    }


REFUSED_IDS = (".hidden", "=cmd", "+x", "-y", "@z")
NESTED = "[" * 100_000 + "]" * 100_000  # 200 kB: a RecursionError for json


def write_batch(course, path, targets):
    """The batch zip: honest students, the attackers, and intake attacks (a zip bomb, unsafe members,
    a deeply nested notebook, refused student ids, a notebook name that is a formula)."""
    write_zip_bomb(path, f"bomb/{ASSIGNMENT}/{NOTEBOOK}.ipynb", GB)
    perfect = perfect_notebook(course, ASSIGNMENT, NOTEBOOK)
    with zipfile.ZipFile(path, "a") as archive:
        def add(student, nb, name=NOTEBOOK):
            archive.writestr(f"{student}/{ASSIGNMENT}/{name}.ipynb", nbformat.writes(nb))
        for student in HONEST[:3] + REFUSED_IDS:
            add(student, perfect)
        add("formula", perfect, "=2+3")
        for student, cells in attacks(targets).items():
            nb = perfect
            for cell, code in cells.items():
                nb = with_cell_source(nb, cell, code)
            add(student, nb)
        archive.writestr(f"nested/{ASSIGNMENT}/{NOTEBOOK}.ipynb", NESTED)
        archive.writestr("../escaped.txt", "x")
        archive.writestr(targets["absolute_member"], "x")
        add_symlink(archive, f"links/{ASSIGNMENT}/{NOTEBOOK}.ipynb", "/etc/shadow")
    return path


# --- The runner, inside the private network namespace -------------------------------------------

def folder_bytes(folder):
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())


def listeners(root):
    """A stand-in Jupyter server (TCP on the loopback) and a Unix socket on the host."""
    server = socket.create_server(("127.0.0.1", 0))
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(root / "victim.sock"))
    unix.listen()
    return server, unix


def collect(output, workers_dir, reports, db_url):
    """Everything the test checks, as plain data."""
    from tests.support.batch_checks import finished_count, gradebook_totals
    found = {}
    for folder in (output, workers_dir):
        for path in Path(folder).rglob(f"autograded/*/{ASSIGNMENT}"):
            student = path.parent.name
            entry = found.setdefault(student, {})
            if (path / REPORT).is_file():
                entry["report"] = json.loads((path / REPORT).read_text())
            if (path / "hook_times.txt").is_file():
                entry["hook_times"] = [float(t) for t in (path / "hook_times.txt").read_text().split()]
            entry["working_copy_bytes"] = max(entry.get("working_copy_bytes", 0), folder_bytes(path))
    for student, entry in found.items():
        graded = output / "course" / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        entry["graded_notebook_bytes"] = graded.stat().st_size if graded.exists() else None
        if graded.exists():  # what the attack cell printed or raised, for the test's messages
            cell = next(c for c in nbformat.read(str(graded), as_version=4).cells
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "add_code")
            entry["attack_output"] = "\n".join(str(o.get("text", "")) + f"{o.get('ename', '')} {o.get('evalue', '')}"
                                               for o in cell.outputs)[-2000:]
    totals, rows = gradebook_totals(db_url, ASSIGNMENT)
    return {"reports": {r.student_id: {"parts": {p.part: [p.score, p.graded, p.message] for p in r.parts},
                                       "notes": r.notes} for r in reports},
            "files": found, "grades_csv": (output / "grades.csv").read_text(),
            "canvas_csv": (output / "canvas.csv").read_text(), "gradebook_totals": totals, "gradebook_rows": rows,
            "finished": finished_count(db_url, ASSIGNMENT)}


def main(results_path):
    from distributed import LocalCluster
    from autograder.grading.batch import grade
    from autograder.grading.gradebook import with_driver
    run_id = uuid.uuid4().hex[:8]
    course_root = Path("/opt") / f"autograder-hostile-{run_id}"          # the course copy
    output_root = Path("/usr/local/share") / f"autograder-hostile-{run_id}"  # grading output, workers' folders
    absolute_member = f"/tmp/autograder-hostile-{run_id}-absolute.txt"
    results = {"course_root": str(course_root), "output_root": str(output_root), "absolute_member": absolute_member}
    try:
        course = release_guarded_course(course_root / "course")
        output, workers_dir = output_root / "graded", output_root / "dask"
        server, unix = listeners(course_root)
        db_url = os.environ.get("TEST_POSTGRES_URL")
        os.environ.update(SECRETS)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, local_directory=str(workers_dir)) as cluster:
            scheduler = cluster.scheduler_address
            servers = [scheduler, *cluster.scheduler_info["workers"]] + ([db_url.split("@")[-1].split("/")[0]]
                                                                         if db_url else [])
            targets = {"ports": [server.getsockname()[1]] + [int(s.rsplit(":", 1)[1]) for s in servers],
                       "sockets": [str(course_root / "victim.sock")], "scheduler": scheduler,
                       "solution": str(course.solutions_dir / ASSIGNMENT / f"{NOTEBOOK}.ipynb"),
                       "db_url": db_url, "absolute_member": absolute_member,
                       "patterns": [f"{course_root}/**", f"{output_root}/**"]}
            batch = write_batch(course, course_root / "batch.zip", targets)
            errors = io.StringIO()
            start = time.monotonic()
            with contextlib.redirect_stderr(errors):
                reports = grade(course, batch, output, [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True,
                                cluster=scheduler, limits=LIMITS, db_url=db_url)
            results["seconds"] = time.monotonic() - start
            results["stderr"] = errors.getvalue()
            results["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            results["postgres"] = bool(db_url)
            results.update(collect(output, workers_dir, reports,  # the workers' folders go with the cluster
                                   with_driver(db_url) if db_url else f"sqlite:///{output / 'gradebook.db'}"))
        results["absolute_member_written"] = os.path.exists(absolute_member)
        server.close()
        unix.close()
    finally:
        for root in (course_root, output_root):
            shutil.rmtree(root, ignore_errors=True)
        Path(absolute_member).unlink(missing_ok=True)
        Path(results_path).write_text(json.dumps(results))


def hostile_command(results_path):
    """The command that runs main() in a private network namespace, with a private PostgreSQL."""
    return ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
            "bash", "tests/with_postgres.sh", sys.executable, "-m", "tests.support.hostile", str(results_path)]


if __name__ == "__main__":
    main(sys.argv[1])
