"""The hostile group (`pytest -m hostile`): issue 13's findings 1-4 and 7-12, each as an attack
graded through the real `grade` path, all in one batch (tests/support/hostile.py) on a 2-worker
Dask cluster with a PostgreSQL gradebook, inside a private network namespace of this test's own.
Each test checks one finding: no point forged, every honest student in the same batch at full
marks, the batch completed, and the stated limit held. One more test makes the grading machine
fail (in this process) and checks the submission is retried, then reported as not graded."""
import csv
import io
import json
import os
import shutil
import signal
import subprocess

import pytest

from autograder.course import REPO_ROOT
from autograder.examples import perfect_notebook, write_submission
from autograder.grading.batch import grade
from autograder.kernel.sandbox import Sandbox, SandboxSetupError
from tests.support.attacks import require_sandbox
from tests.support.batch_checks import finished_count
from tests.support.hostile import CELL_TIMEOUT, HONEST, LIMITS, REFUSED_IDS, SECRETS, hostile_command
from tests.support.toy import ASSIGNMENT as TOY, NOTEBOOK as TOY_NOTEBOOK

pytestmark = pytest.mark.hostile
MB = 2 ** 20
FULL = {"add": 2.0, "scale": 3.0}
FORGERS = ("sniffs", "dask_client", "writes_database", "reads_files")
HARMERS = ("forks", "binds_ports", "fills_tmp", "hogs_memory", "fills_working_copy", "outputs_flood", "b_slow_hook")


def require(condition, reason):
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    require_sandbox()
    require(os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip"),
            "the hostile batch needs root, unshare and ip (a private network namespace)")
    folder = tmp_path_factory.mktemp("hostile")
    results, log_path = folder / "results.json", folder / "log.txt"
    env = {k: v for k, v in os.environ.items() if k != "TEST_POSTGRES_URL"}  # the host's server is not in reach
    with open(log_path, "w") as log:
        process = subprocess.Popen(hostile_command(results), cwd=REPO_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            process.wait(timeout=900)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert results.exists(), log_path.read_text()[-5000:]
    data = json.loads(results.read_text())
    assert "reports" in data, log_path.read_text()[-5000:]
    require(data["postgres"], "PostgreSQL is not installed: the database attack had no database to reach")
    return data


def scores(hostile, student):
    return {part: score for part, (score, graded, message) in hostile["reports"][student]["parts"].items()}


def notes(hostile, student):
    return " ".join(hostile["reports"][student]["notes"])


def report(hostile, student):
    entry = hostile["files"][student]
    assert "report" in entry, f"{student}'s attack did not finish: {entry.get('attack_output')}"
    return entry["report"]


def test_the_batch_completed_with_every_honest_student_at_full_marks(hostile):
    students = set(HONEST) | set(FORGERS) | set(HARMERS) | {"nested", "bomb"}
    assert set(hostile["reports"]) == students
    for student in HONEST:
        assert scores(hostile, student) == FULL, hostile["reports"][student]
        assert hostile["gradebook_totals"][student] == 5
    assert all(graded for r in hostile["reports"].values() for _, graded, _ in r["parts"].values())
    assert hostile["finished"] == hostile["gradebook_rows"] == len(students)


def test_finding_1_no_other_kernel_or_server_on_the_loopback_is_reachable(hostile):
    assert report(hostile, "sniffs") == {"reached": []}
    assert scores(hostile, "sniffs") == {"add": 0, "scale": 3}


def test_finding_2_student_code_cannot_reach_the_dask_scheduler_or_run_code_in_a_worker(hostile):
    attack = report(hostile, "dask_client")
    assert attack["reached"] == [] and attack["error"], attack
    assert scores(hostile, "dask_client") == {"add": 0, "scale": 3}


def test_finding_3_the_gradebook_database_is_out_of_reach_and_no_secret_in_the_environment(hostile):
    assert report(hostile, "writes_database") == {"reached": [], "env": {}}
    assert scores(hostile, "writes_database") == {"add": 0, "scale": 3}
    assert hostile["gradebook_totals"]["writes_database"] == 3 and hostile["gradebook_totals"]["a_honest"] == 5
    assert not any(secret in json.dumps(hostile["files"]) for secret in SECRETS.values())


def test_finding_4_a_course_under_opt_with_output_under_usr_local_is_out_of_view(hostile):
    assert hostile["course_root"].startswith("/opt/") and hostile["output_root"].startswith("/usr/local/")
    assert report(hostile, "reads_files") == {"found": []}
    assert scores(hostile, "reads_files") == {"add": 0, "scale": 3}


def test_finding_7_a_fork_bomb_is_held_to_its_own_process_limit(hostile):
    assert 0 < report(hostile, "forks")["forked"] < LIMITS.max_processes
    assert scores(hostile, "forks") == FULL  # its own code still runs; classmates: the first test


def test_finding_8_ports_taken_in_its_own_network_namespace_harm_nobody(hostile):
    assert "bound" in report(hostile, "binds_ports")
    assert scores(hostile, "binds_ports") == FULL


def test_finding_9_intake_skips_what_it_must_with_a_reason_and_never_loses_the_batch(hostile):
    errors = hostile["stderr"]
    assert "skipped 'bomb/guarded/guarded.ipynb' in batch.zip: it unpacks to more than 25 MB" in errors
    assert "skipped '../escaped.txt' in batch.zip: its path leads out of the batch" in errors
    assert f"skipped '{hostile['absolute_member']}' in batch.zip: its path is absolute" in errors
    assert "skipped 'links/guarded/guarded.ipynb' in batch.zip: it is a symbolic link" in errors
    assert not hostile["absolute_member_written"]
    assert hostile["peak_rss_bytes"] < 2 ** 30  # the 1 GiB notebook was never held in memory
    assert scores(hostile, "nested") == {"add": 0, "scale": 0}
    assert "could not be read: its JSON is nested too deeply" in notes(hostile, "nested")


def test_finding_10_tmp_memory_disk_and_output_limits_hold(hostile):
    assert report(hostile, "fills_tmp")["written"] <= LIMITS.tmp_size
    assert scores(hostile, "fills_tmp") == FULL
    assert -signal.SIGKILL in report(hostile, "hogs_memory")["returncodes"]  # 3 x 600 MB > 1.5 GB
    working_copy = hostile["files"]["fills_working_copy"]["working_copy_bytes"]
    assert LIMITS.disk_limit < working_copy < LIMITS.disk_limit + 512 * MB
    assert "into its working folder (the disk limit)" in notes(hostile, "fills_working_copy")
    assert hostile["files"]["outputs_flood"]["graded_notebook_bytes"] < MB  # 400 MB uncapped
    assert scores(hostile, "outputs_flood") == FULL


def test_finding_11_the_notebook_time_budget_ends_a_stalling_notebook(hostile):
    budget = LIMITS.notebook_seconds(CELL_TIMEOUT)
    times = hostile["files"]["b_slow_hook"]["hook_times"]
    assert len(times) >= 2 and times[-1] - times[0] <= budget + 10
    assert f"the notebook used up its time budget of {budget:g} s" in notes(hostile, "b_slow_hook")
    assert scores(hostile, "b_slow_hook")["scale"] == 0


def test_finding_12_student_ids_are_checked_and_csv_cells_escaped(hostile):
    for student in REFUSED_IDS:
        assert f"skipped the folder {student!r}: " in hostile["stderr"]
    rows = list(csv.reader(io.StringIO(hostile["grades_csv"])))
    cells = [cell for row in rows for cell in row] + [c for r in csv.reader(io.StringIO(hostile["canvas_csv"])) for c in r]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    formula = next(row for row in rows if row[0] == "formula")
    assert formula[-1].startswith("'=2+3.ipynb was graded as guarded.ipynb")


# --- Failures of the grading machine -----------------------------------------------------------

def test_a_failure_of_the_grading_machine_is_retried_then_reported_as_not_graded(toy_course, tmp_path, monkeypatch,
                                                                                capsys):
    """A sandbox that cannot be set up (say, every kernel user busy): 'lucky' fails once and is
    graded on the retry; 'unlucky' keeps failing and is not graded (blank, not 0, not finished),
    so a rerun grades it."""
    perfect = perfect_notebook(toy_course, TOY, TOY_NOTEBOOK)
    for student in ("lucky", "perfect", "unlucky"):
        write_submission(tmp_path / "batch", student, TOY, TOY_NOTEBOOK, perfect)
    failures = {"lucky": 1, "unlucky": 10}
    real_open = Sandbox.open

    def flaky_open(self):
        student = self.working_dir.parent.name  # .../autograded/<student>/<assignment>
        if failures.get(student, 0) > 0:
            failures[student] -= 1
            raise SandboxSetupError("the sandbox could not be set up: simulated, no free kernel user")
        return real_open(self)

    monkeypatch.setattr(Sandbox, "open", flaky_open)
    output = tmp_path / "graded"
    reports = {r.student_id: r for r in grade(toy_course, tmp_path / "batch", output, [TOY], cell_timeout=10)}
    printed = capsys.readouterr().out
    assert reports["lucky"].total == reports["perfect"].total == 5 and failures["lucky"] == 0
    assert not reports["unlucky"].graded and failures["unlucky"] == 8  # tried twice
    with open(output / "grades.csv") as handle:
        row = {r["student_id"]: r for r in csv.DictReader(handle)}["unlucky"]
    assert (row["toy.add"], row["toy.mul"], row["total"]) == ("", "", "")
    assert "not graded: the sandbox could not be set up: simulated" in row["notes"]
    assert "run the same grade command again" in row["notes"]
    assert "NOT GRADED (1; blank in grades.csv" in printed and "unlucky: not graded" in printed
    assert finished_count(f"sqlite:///{output / 'gradebook.db'}", TOY) == 2
    monkeypatch.setattr(Sandbox, "open", real_open)
    rerun = {r.student_id: r for r in grade(toy_course, tmp_path / "batch", output, [TOY], cell_timeout=10,
                                            quiet=True)}
    assert rerun["unlucky"].total == 5 and rerun["unlucky"].graded
