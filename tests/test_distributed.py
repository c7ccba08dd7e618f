"""`grade --cluster`: a real Dask scheduler and worker processes on 127.0.0.1
grade the toy batch exactly as `--jobs 1` does, also when a worker is killed
(SIGKILL) while it holds a submission."""
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from distributed import LocalCluster, WorkerPlugin

from autograder.grading.grader import grade, kernel_environment
from batch_checks import assert_same_grading, finished_count, gradebook_totals
from toy_assignment import ASSIGNMENT, EXPECTED_TOTALS, toy_course, write_toy_batch

pytestmark = pytest.mark.notebook

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


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("distributed")
    with toy_course(root):
        students = write_toy_batch(root / "batch")
        grade(root / "batch", root / "jobs1", [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True)
        yield root, students


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
def cluster(course):
    with local_cluster(2) as local:
        yield local


def test_cluster_grades_like_one_process(course, cluster):
    root, students = course
    output = root / "cluster"
    grade(root / "batch", output, [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True,
          cluster=cluster.scheduler_address)
    assert_same_grading(root / "jobs1", output)
    totals, rows = gradebook_totals(f"sqlite:///{output / 'gradebook.db'}", ASSIGNMENT)
    assert rows == len(students) and totals == {s: EXPECTED_TOTALS[s] for s in students}


def test_kernels_do_not_inherit_dask_memory_tuning(course):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers and in the process that starts
    a LocalCluster; kernels that inherit it run numpy code 1.7x slower, so a worker drops it
    before it grades, and so does the kernel environment here (a fresh worker, so that no
    earlier test has graded there)."""
    root, _ = course
    write_toy_batch(root / "one_perfect", kinds=["perfect"])
    with local_cluster(1) as fresh, fresh.get_client() as client:
        before = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        grade(root / "one_perfect", root / "cluster_env", [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True,
              cluster=fresh.scheduler_address)
        after = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        assert os.environ.get("MALLOC_TRIM_THRESHOLD_") == "65536"  # this process has it too, from the nanny
        with kernel_environment(None):  # what kernels started here (grade --jobs 1) inherit
            for_kernels_here = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    assert set(before.values()) == {"65536"}, "Dask no longer sets the variable: this test checks nothing"
    assert set(after.values()) == {None} and for_kernels_here is None


def test_killing_a_worker_mid_batch_loses_and_duplicates_nothing(course, cluster):
    root, students = course
    output, marker = root / "cluster_kill", root / "killed-worker-pid"
    with cluster.get_client() as client:
        client.register_plugin(KillOnSecondTask(str(marker)), name="kill-on-second-task")
        try:
            grade(root / "batch", output, [ASSIGNMENT], cell_timeout=CELL_TIMEOUT, quiet=True,
                  cluster=cluster.scheduler_address)
        finally:
            client.unregister_worker_plugin("kill-on-second-task")
    assert process_is_gone(int(marker.read_text()))
    assert_same_grading(root / "jobs1", output)
    db_url = f"sqlite:///{output / 'gradebook.db'}"
    totals, rows = gradebook_totals(db_url, ASSIGNMENT)
    assert rows == len(students) == finished_count(db_url, ASSIGNMENT)
    assert totals == gradebook_totals(f"sqlite:///{root / 'jobs1' / 'gradebook.db'}", ASSIGNMENT)[0]
