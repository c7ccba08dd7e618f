"""The benchmark table: `bash course.sh bench` (add --quick to skip full-data notebook runs).

Every figure is the median of repeated runs; every ratio is measured inside one
run, so a slow or busy machine shifts both sides alike. Prints a Markdown table
and writes it to benchmarks/results.md. Nothing here is asserted by the tests.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.course import Course  # noqa: E402
from autograder.judging.solution_code import solution_namespace  # noqa: E402
from coursekit.data import get_cifar10_splits, load_cifar10, load_cifar10_pickles, default_data_dir  # noqa: E402


# An infinite loop costs one cell timeout: long enough for any cell of a correct
# small-data notebook on a loaded machine, short enough to keep the batch quick.
THROUGHPUT_CELL_TIMEOUT = 30


def median_time(func, repeat, number=1):
    """Median over `repeat` samples of the time of one call, each sample timing `number` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def paired_times(func_a, func_b, repeat, number=1):
    """(median time of a, median time of b, median of the per-pair ratios a/b).

    a and b alternate, so a burst of load from elsewhere hits both sides of a pair.
    """
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a.append(median_time(func_a, 1, number))
        times_b.append(median_time(func_b, 1, number))
    ratios = [a / b for a, b in zip(times_a, times_b)]
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def bench_naive_vs_vectorized(ns, dev, repeat):
    rows = []
    for dtype in (np.float64, np.float32):
        X, y = dev["X_dev"].astype(dtype), dev["y_dev"]
        W = (1e-4 * np.random.default_rng(0).standard_normal((X.shape[1], 10))).astype(dtype)
        for model in ("svm", "softmax"):
            naive, vectorized, ratio = paired_times(lambda: ns[f"{model}_loss_naive"](W, X, y, 1e-3),
                                                    lambda: ns[f"{model}_loss_vectorized"](W, X, y, 1e-3), repeat)
            rows.append((f"{model} loss+grad, {len(y)} dev images, {np.dtype(dtype).name}: naive / vectorized",
                         f"{naive * 1e3:.1f} ms / {vectorized * 1e3:.2f} ms", f"{ratio:.0f}x",
                         ">= 50x"))
    return rows


def bench_loss_vs_matmul(ns, data, repeat):
    X, y = data["X_train"], data["y_train"]
    W = (1e-4 * np.random.default_rng(0).standard_normal((X.shape[1], 10))).astype(X.dtype)
    dscores = np.ones((X.shape[0], 10), dtype=X.dtype)
    rows = []
    for model in ("svm", "softmax"):
        loss, matmuls, ratio = paired_times(lambda: ns[f"{model}_loss_vectorized"](W, X, y, 1e-3),
                                            lambda: (X @ W, X.T @ dscores), repeat)
        rows.append((f"{model} loss+grad on {X.shape[0]} images / its 2 matrix products",
                     f"{loss * 1e3:.0f} ms / {matmuls * 1e3:.0f} ms", f"{ratio:.2f}", "<= 1.3"))
    return rows


def bench_loading(repeat):
    batches = Path(default_data_dir()) / "cifar-10-batches-py"
    cache = median_time(lambda: load_cifar10(use_cache=True), repeat)
    pickles = median_time(lambda: load_cifar10_pickles(batches), repeat)
    rerun = median_time(lambda: subprocess.run(["bash", str(REPO / "setup_data.sh")], check=True,
                                               capture_output=True, env=dict(os.environ, PYTHON=sys.executable)),
                        repeat)
    return [("load all 60,000 images: .npy cache / pickles", f"{cache:.3f} s / {pickles:.2f} s",
             f"{pickles / cache:.0f}x faster", "< 0.5 s from cache"),
            ("setup_data.sh when the data is already set up", f"{rerun:.2f} s", "", "< 1 s")]


# Targets for a full-CIFAR-10 run on 2 cores: 3 minutes (issue of Assignments 2-3), 5 for 4 to 6.
FULL_RUN_SECONDS = {"assignment4": 300, "assignment5": 300, "assignment6": 300}

NOTEBOOK_RUNNER = """
import resource, sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=1800, kernel_name="python3", allow_errors=True).execute()
errors = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error")
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, errors)
"""


def run_notebook_measured(path, data_size):
    env = dict(os.environ, COURSE_DATA_SIZE=data_size, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", NOTEBOOK_RUNNER, str(path)], env=env, check=True,
                         capture_output=True, text=True, cwd=Path(path).parent).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def bench_notebook(data_size):
    """End-to-end time and kernel peak memory of every solution notebook (one BLAS thread, as in grading)."""
    rows = []
    for source in sorted((REPO / "solutions").glob("*/*.ipynb")):
        seconds, peak_mb, errors = run_notebook_measured(source, data_size)
        seconds_allowed = FULL_RUN_SECONDS.get(source.parent.name, 180)
        target = f"<= {seconds_allowed} s, <= 2048 MB" if data_size == "full" else "(test/demo size)"
        rows.append((f"{source.parent.name} solution notebook, {data_size} data: time, kernel peak memory",
                     f"{seconds:.0f} s, {peak_mb:.0f} MB" + (f" ({errors} errors!)" if errors else ""), "", target))
    return rows


def bench_two_layer_net(data, repeat):
    """TwoLayerNet loss+gradients divided by the time of its four matrix products, in one run."""
    ns = solution_namespace(Course.from_repo(), "assignment3")
    rows = []
    for n in (200, data["X_train"].shape[0]):
        X, y = np.ascontiguousarray(data["X_train"][:n, :-1]), data["y_train"][:n]
        net = ns["TwoLayerNet"](input_dim=X.shape[1], hidden_dim=100, num_classes=10, weight_scale=1e-4,
                                reg=0.5, seed=0, dtype=np.float32)
        W1, W2 = net.params["W1"], net.params["W2"]
        hidden = np.ones((n, W1.shape[1]), dtype=X.dtype)
        dscores = np.ones((n, W2.shape[1]), dtype=X.dtype)
        full, matmuls, ratio = paired_times(lambda: net.loss(X, y),
                                            lambda: (X @ W1, hidden @ W2, hidden.T @ dscores, X.T @ hidden),
                                            repeat, number=50 if n <= 1000 else 1)
        rows.append((f"two-layer net loss+grads on {n} images / its 4 matrix products",
                     f"{full * 1e3:.1f} ms / {matmuls * 1e3:.1f} ms", f"{ratio:.2f}", "<= 1.5"))
    return rows


def bench_autograde(data_size, count):
    from autograder.examples import perfect_notebook, write_submission
    from autograder.grading.batch import grade
    course = Course.from_repo(data_size)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            write_submission(Path(tmp) / "batch", f"student{i}", "assignment1", "linear_classifiers",
                             perfect_notebook(course, "assignment1", "linear_classifiers"))
        start = time.perf_counter()
        grade(course, Path(tmp) / "batch", Path(tmp) / "out", ["assignment1"], cell_timeout=1800, quiet=True)
        per_submission = (time.perf_counter() - start) / count
    return [(f"autograde one Assignment 1 submission, {data_size} data ({count} graded)",
             f"{per_submission:.1f} s", "", "")], per_submission


HOSTILE = {
    "hostile_infinite_loop": lambda code: "while True:\n    pass",
    "hostile_output_flood": lambda code: "print(('flood ' * 20 + '\\n') * 50_000)\n" + code,
    "hostile_import_error": lambda code: "import a_module_that_does_not_exist\n" + code,
}


def build_throughput_batch(course, batch_root, assignment_id="assignment1"):
    """The demo's batch (perfect, untouched, one per catalogued bug, edited and
    deleted test cells, renamed and damaged files) plus hostile submissions: an
    infinite loop, megabytes of printed output, an import that fails."""
    from autograder.demo import build_demo_batch
    from autograder.examples import perfect_notebook, solution_cells, with_cell_source, write_submission
    count = len(build_demo_batch(course, batch_root, assignment_id, all_bugs=True))
    notebook = course.source_notebooks(assignment_id)[0].stem
    cell, code = next(iter(solution_cells(course, assignment_id, notebook).items()))
    for student, hostile in HOSTILE.items():
        write_submission(batch_root, student, assignment_id, notebook,
                         with_cell_source(perfect_notebook(course, assignment_id, notebook), cell, hostile(code)))
    return count + len(HOSTILE)


@contextmanager
def time_spent_in(owner, name, totals):
    """Add the time spent in owner.name (a function or method) to totals[name]."""
    original = getattr(owner, name)
    totals.setdefault(name, 0.0)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - start

    setattr(owner, name, timed)
    try:
        yield totals
    finally:
        setattr(owner, name, original)


def timed_grade(batch, output, data_size, **options):
    """Wall time of one grade run, and the time its single writer spent recording outcomes."""
    from autograder.grading import batch as batch_module, workers
    with time_spent_in(workers, "record", {}) as totals:  # the --jobs and the --cluster paths both call it
        start = time.perf_counter()
        batch_module.grade(Course.from_repo(data_size), batch, output, ["assignment1"],
                           cell_timeout=THROUGHPUT_CELL_TIMEOUT, quiet=True, **options)
        seconds = time.perf_counter() - start
    print(f"graded {output.name} in {seconds:.0f} s", flush=True)  # a long run: show progress
    return seconds, totals["record"]


def bench_throughput(data_size="small", full_data_cost=None, repeat=3):
    """Submissions per minute on a mixed batch with 1 and 2 worker processes and on a
    2-worker Dask LocalCluster; the grader's own overhead per submission; and the
    projected time for a 1,000-student course on 50 workers. The three runs take
    turns `repeat` times; each figure is the median over the rounds, each ratio the
    median of the rounds' ratios (so a burst of load hits a round, not one side)."""
    import nbgrader.preprocessors
    from distributed import LocalCluster
    from autograder.grading import dependencies
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch"
        count = build_throughput_batch(Course.from_repo(data_size), batch)
        for index in range(repeat):
            executing = {}
            with time_spent_in(nbgrader.preprocessors.Execute, "preprocess", executing), \
                    time_spent_in(dependencies, "execute", executing):
                jobs1 = timed_grade(batch, Path(tmp) / f"jobs1-{index}", data_size)[0]
            jobs2 = timed_grade(batch, Path(tmp) / f"jobs2-{index}", data_size, jobs=2)[0]
            # A cluster only for its own run: idle Dask workers still take about a tenth of a core.
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                dask, recording = timed_grade(batch, Path(tmp) / f"dask-{index}", data_size,
                                              cluster=cluster.scheduler_address)
            rounds.append({"jobs1": jobs1, "jobs2": jobs2, "dask": dask, "recording": recording,
                           "overhead": (jobs1 - sum(executing.values())) / count})

    def median(key):
        return statistics.median(r[key] for r in rounds)

    def speedup(key):
        return statistics.median(r["jobs1"] / r[key] for r in rounds)

    label = f"{count} mixed submissions (perfect, buggy, hostile), {data_size} data"
    rows = [(f"grading throughput, {label}, --jobs 1", f"{count / median('jobs1') * 60:.1f} submissions/min", "", ""),
            (f"grading throughput, {label}, --jobs 2", f"{count / median('jobs2') * 60:.1f} submissions/min",
             f"{speedup('jobs2'):.2f}x --jobs 1", ">= 1.8x"),
            (f"grading throughput, {label}, 2-worker Dask LocalCluster (--cluster)",
             f"{count / median('dask') * 60:.1f} submissions/min", f"{speedup('dask'):.2f}x --jobs 1", ""),
            ("grader's own overhead per submission (--jobs 1 run minus notebook execution)",
             f"{median('overhead'):.2f} s", f"of {median('jobs1') / count:.1f} s per submission", "< 1 s"),
            ("single writer: recording one outcome on the client (Dask run)",
             f"{median('recording') / count * 1e3:.0f} ms", "", ""),
            projection_row(f"{data_size} data, from the Dask run", 2 * median("dask") / count)]
    if full_data_cost:
        rows.append(projection_row("full data, from one full-data autograde", full_data_cost))
    print("grading rounds (s): " + "; ".join(f"jobs1 {r['jobs1']:.0f}, jobs2 {r['jobs2']:.0f}, dask {r['dask']:.0f}"
                                            for r in rounds), flush=True)
    return rows


def plain_nbgrader_autograde(course, batch, root, assignment_id, cell_timeout):
    """Wall time of plain nbgrader on `batch`: generate_assignment, then `autograde` of every
    submission in one process, with nbgrader's own preprocessors (no sandbox, no limits)."""
    from autograder.nbgrader_setup import course_config, nbgrader_api, raise_on_failure
    shutil.copytree(course.solutions_dir / assignment_id, root / "source" / assignment_id)
    shutil.copytree(batch, root / "submitted")
    config = course_config(root, f"sqlite:///{root / 'gradebook.db'}")
    config.Execute.timeout = cell_timeout
    api = nbgrader_api(config)
    start = time.perf_counter()
    raise_on_failure(api.generate_assignment(assignment_id), "generate_assignment")
    for student in sorted(p.name for p in batch.iterdir()):
        raise_on_failure(api.autograde(assignment_id, student), "autograde")
    return time.perf_counter() - start


KERNEL_CELL = "import numpy as np\nx = np.ones(10).sum()"


def bench_sandbox_cost(repeat):
    """One kernel started, running one cell and shut down: in the full sandbox (a user and a cgroup of
    its own, no network, the limits) against plain nbclient, in alternating pairs."""
    import nbformat
    from nbclient import NotebookClient
    from autograder.kernel.execute import LimitedNotebookClient
    from autograder.kernel.limits import Budget, Limits

    def notebook():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(KERNEL_CELL)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        return nb

    with tempfile.TemporaryDirectory() as tmp:
        resources = {"metadata": {"path": tmp}}
        sandboxed, plain, ratio = paired_times(
            lambda: LimitedNotebookClient(notebook(), Limits(), Budget(600), kernel_name="python3",
                                          resources=resources).execute(),
            lambda: NotebookClient(notebook(), kernel_name="python3", resources=resources).execute(), repeat)
    return [("a kernel started, one cell, shut down: full sandbox / plain nbclient",
             f"{sandboxed:.2f} s / {plain:.2f} s", f"{ratio:.2f} (+{sandboxed - plain:.2f} s)", "")]


def cell_seconds(autograded):
    """Seconds the graded notebooks under `autograded` spent in their code cells, from nbclient's
    timing metadata (from a cell's execute_input to its execute_reply): the student's code."""
    import json
    from datetime import datetime
    stamp = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    total = 0.0
    for path in Path(autograded).glob("*/*/*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            timing = cell.get("metadata", {}).get("execution", {})
            if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
                total += stamp(timing["shell.execute_reply"]) - stamp(timing["iopub.execute_input"])
    return total


def bench_isolation(data_size="small", count=20, repeat=3):
    """The full isolation (sandbox: no network, a user and a cgroup per kernel, the limits) against
    plain nbgrader autograde (no sandbox) on the same batch of perfect Assignment 1 submissions
    (no dependency reruns, so both run each notebook once): time per submission, the grader's
    overhead per submission over plain nbgrader, and --jobs 2 against --jobs 1. The three runs
    take turns `repeat` times; figures are medians over the rounds, ratios medians of each
    round's ratio.

    The overhead is given twice: the whole difference, and the difference outside the notebooks'
    code cells (each run's wall time minus the time its cells took, from nbclient's timing
    metadata). The second is what the grader itself adds (kernel start in the sandbox, staging,
    judging, the gradebook, the reports); the cells' own time moves by up to 2 s per submission
    between identical runs on a shared machine (measured), which swamps the first. A sandbox
    that slowed the student's code would show in the third figure, the cells' time in the
    sandbox over their time in plain nbgrader."""
    from autograder.examples import perfect_notebook, write_submission
    from autograder.grading.batch import grade
    from autograder.kernel.kernel_env import kernel_environment
    from autograder.kernel.sandbox import cgroup_support, sandbox_available, uses_kernel_users
    course = Course.from_repo(data_size)
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch"
        for i in range(count):
            write_submission(batch, f"student{i:02d}", "assignment1", "linear_classifiers",
                             perfect_notebook(course, "assignment1", "linear_classifiers"))
        for index in range(repeat):
            with kernel_environment(data_size):
                plain_root = Path(tmp) / f"plain-{index}"
                plain = plain_nbgrader_autograde(course, batch, plain_root, "assignment1", THROUGHPUT_CELL_TIMEOUT)
            timings = {"plain": plain, "plain cells": cell_seconds(plain_root / "autograded")}
            for jobs in (1, 2):
                output = Path(tmp) / f"jobs{jobs}-{index}"
                start = time.perf_counter()
                grade(course, batch, output, ["assignment1"], cell_timeout=THROUGHPUT_CELL_TIMEOUT, quiet=True, jobs=jobs)
                timings[f"jobs{jobs}"] = time.perf_counter() - start
                timings[f"jobs{jobs} cells"] = cell_seconds(output / "course" / "autograded")
            print("isolation round (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()), flush=True)
            rounds.append(timings)

    def per_submission(key):
        return statistics.median(r[key] for r in rounds) / count

    def per_round(value):
        values = [value(r) for r in rounds]
        return f"{statistics.median(values):.2f}", "rounds: " + ", ".join(f"{v:.2f}" for v in values)

    isolation = ("on" if sandbox_available() else "OFF (no bwrap)") + (
        ", a user per kernel" if uses_kernel_users() else "") + (
        ", cgroups" if not cgroup_support()[1] else f", no cgroups ({cgroup_support()[1]})")
    label = f"{count} perfect Assignment 1 submissions, {data_size} data"
    whole, whole_rounds = per_round(lambda r: (r["jobs1"] - r["plain"]) / count)
    outside, outside_rounds = per_round(
        lambda r: ((r["jobs1"] - r["jobs1 cells"]) - (r["plain"] - r["plain cells"])) / count)
    cells, cells_rounds = per_round(lambda r: r["jobs1 cells"] / r["plain cells"])
    speedup, speedup_rounds = per_round(lambda r: r["jobs1"] / r["jobs2"])
    return [(f"plain nbgrader autograde, no sandbox, one process: {label}",
             f"{per_submission('plain'):.2f} s per submission", "", ""),
            (f"grade --jobs 1, full isolation ({isolation}): {label}", f"{per_submission('jobs1'):.2f} s per submission",
             f"{statistics.median(r['plain'] / r['jobs1'] for r in rounds):.2f}x plain nbgrader", ""),
            ("grade's overhead over plain nbgrader autograde, per submission: --jobs 1 minus plain",
             f"{whole} s", whole_rounds, ""),
            ("the same outside the notebooks' code cells (each run's time minus its cells' time)",
             f"{outside} s", outside_rounds, "< 0.5 s"),
            ("the code cells' time: in the sandbox / in plain nbgrader", cells, cells_rounds, ""),
            (f"grade --jobs 2, full isolation: {label}", f"{per_submission('jobs2'):.2f} s per submission",
             f"{speedup}x --jobs 1 ({speedup_rounds})", ">= 1.8x")]


def projection_row(source, worker_seconds, students=1000, notebooks=5, workers=50):
    """Wall time for students x notebooks submissions on `workers` one-thread workers."""
    hours = students * notebooks * worker_seconds / workers / 3600
    return (f"projected: {students:,} students x {notebooks} notebooks on {workers} workers ({source}, "
            f"{worker_seconds:.1f} worker-s per submission)", f"{hours:.1f} h", "", "overnight (< 10 h)")


def numeric_rows(repeat):
    """Everything but grading: loss timings, data loading, notebook runs on small data."""
    ns = solution_namespace(Course.from_repo(), "assignment1")
    print("Loading data ...", flush=True)
    dev = get_cifar10_splits(num_training=49000, num_validation=1000, num_test=1000, num_dev=500)
    rows = bench_naive_vs_vectorized(ns, dev, repeat)
    rows += bench_loss_vs_matmul(ns, dev, repeat)
    rows += bench_two_layer_net(dev, repeat)
    del dev
    rows += bench_loading(repeat)
    return rows + bench_notebook("small")


def grading_rows(quick, small_autograde=True, grading_repeat=3):
    """Autograde times, throughput, overhead and the course-scale projection (full data unless quick)."""
    rows, full_cost = bench_autograde("small", 3)[0] if small_autograde else [], None
    if not quick:
        rows += bench_notebook("full")
        full_rows, full_cost = bench_autograde("full", 1)
        rows += full_rows
    return rows + bench_throughput("small", full_cost, grading_repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the full-data notebook runs")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--grading", action="store_true", help="only throughput, overhead and projection (and full-data autograde unless --quick)")
    parser.add_argument("--grading-repeat", type=int, default=3,
                        help="rounds of the three grading runs (about 11 minutes each on 2 cores)")
    parser.add_argument("--isolation", action="store_true",
                        help="only the full isolation against plain nbgrader autograde (about 7 minutes a round)")
    parser.add_argument("--isolation-repeat", type=int, default=3, help="rounds of the isolation runs")
    parser.add_argument("--isolation-count", type=int, default=20,
                        help="submissions per isolation run (more: the per-run start-up and exports weigh less)")
    args = parser.parse_args()
    rows = []
    if not args.isolation:
        rows += [] if args.grading else numeric_rows(args.repeat)
        rows += grading_rows(args.quick, not args.grading, args.grading_repeat)
    rows += bench_sandbox_cost(args.repeat) + bench_isolation(count=args.isolation_count, repeat=args.isolation_repeat)
    table = ["| measurement | value | ratio | target |", "| --- | --- | --- | --- |"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = (f"Benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, numpy {np.__version__}; "
            f"medians of {args.repeat} runs (grading: of {args.grading_repeat} rounds)\n\n" + "\n".join(table) + "\n")
    print("\n" + text)
    (REPO / "benchmarks" / "results.md").write_text(text)


if __name__ == "__main__":
    main()
