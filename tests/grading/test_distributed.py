"""`grade --cluster`: a real Dask scheduler and worker processes on 127.0.0.1
grade the toy batch exactly as `--jobs 1` does, also when a worker is killed
(SIGKILL) while it holds a submission (one run checks both: every other submission
goes the ordinary way)."""
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from distributed import LocalCluster, WorkerPlugin

from autograder.grading.batch import grade
from autograder.kernel.kernel_env import kernel_environment
from tests.support.batch_checks import assert_same_grading, finished_count, gradebook_totals
from tests.support.toy import ASSIGNMENT, write_toy_batch

CELL_TIMEOUT = 5


class KillOnSecondTask(WorkerPlugin):
    """SIGKILLs the first worker that starts its second task (once in the cluster:
    the marker file decides), so the kill is mid-batch and mid-submission."""

    def __init__(self, marker):
        self.marker = marker
        self.started = 0

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing":
            return
        self.started += 1
        if self.started == 2:
            try:
                with open(self.marker, "x") as handle:
                    handle.write(str(os.getpid()))
            except FileExistsError:
                return
            os.kill(os.getpid(), signal.SIGKILL)


def process_is_gone(pid):
    """No such process, or only its exit status left (a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


@contextmanager
def local_cluster(workers):
    """A LocalCluster on 127.0.0.1; the MALLOC_TRIM_THRESHOLD_ its nanny leaves in this
    process is taken back afterwards, so no later test's kernel inherits it."""
    saved = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    try:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as local:
            yield local
    finally:
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        if saved is not None:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = saved


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2) as local:
        yield local


def test_kernels_do_not_inherit_dask_memory_tuning(toy_course, tmp_path):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers and in the process that starts
    a LocalCluster; kernels that inherit it run numpy code 1.7x slower, so a worker drops it
    before it grades, and so does the kernel environment here (a fresh worker, so that no
    earlier test has graded there)."""
    root = tmp_path
    write_toy_batch(toy_course, root / "one_perfect", kinds=["perfect"])
    with local_cluster(1) as fresh, fresh.get_client() as client:
        before = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        grade(toy_course, root / "one_perfect", root / "cluster_env", [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True,
              cluster=fresh.scheduler_address)
        after = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        assert os.environ.get("MALLOC_TRIM_THRESHOLD_") == "65536"  # this process has it too, from the nanny
        with kernel_environment(None):  # what kernels started here (grade --jobs 1) inherit
            for_kernels_here = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    assert set(before.values()) == {"65536"}, "Dask no longer sets the variable: this test checks nothing"
    assert set(after.values()) == {None} and for_kernels_here is None


def test_cluster_grades_like_one_process_even_when_a_worker_is_killed_mid_batch(toy_course, toy_graded, cluster,
                                                                                tmp_path):
    """The toy batch of tests/grading/conftest.py (8 students, one of them an infinite loop) on a
    2-worker cluster, one worker SIGKILLed while it holds its second submission: grades.csv,
    feedback and gradebook exactly as the one-process run's, each submission finished once."""
    output, marker = tmp_path / "cluster", tmp_path / "killed-worker-pid"
    with cluster.get_client() as client:
        client.register_plugin(KillOnSecondTask(str(marker)), name="kill-on-second-task")
        try:
            grade(toy_course, toy_graded["archive"], output, [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True,
                  cluster=cluster.scheduler_address)
        finally:
            client.unregister_worker_plugin("kill-on-second-task")
    assert process_is_gone(int(marker.read_text()))
    assert_same_grading(toy_graded["output"], output)
    db_url = f"sqlite:///{output / 'gradebook.db'}"
    totals, rows = gradebook_totals(db_url, ASSIGNMENT)
    assert rows == len(toy_graded["rows"]) == finished_count(db_url, ASSIGNMENT)
    assert totals == gradebook_totals(f"sqlite:///{toy_graded['output'] / 'gradebook.db'}", ASSIGNMENT)[0]
    assert totals == {s: float(row["total"]) for s, row in toy_graded["rows"].items()}
