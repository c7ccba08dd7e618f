"""The benchmark table: `bash course.sh bench` (add --quick to skip full-data notebook runs).

Every figure is the median of repeated runs; every ratio is measured inside one
run, so a slow or busy machine shifts both sides alike. Prints a Markdown table
and writes it to benchmarks/results.md. Nothing here is asserted by the tests.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.solution_code import solution_namespace  # noqa: E402
from coursekit.data import get_cifar10_splits, load_cifar10, load_cifar10_pickles, default_data_dir  # noqa: E402


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


# Targets for a full-CIFAR-10 run on 2 cores: 3 minutes (issue of Assignments 2-3), 5 for 4 and 5.
FULL_RUN_SECONDS = {"assignment4": 300, "assignment5": 300}

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
    ns = solution_namespace("assignment3")
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
    from autograder.grade import grade
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            write_submission(Path(tmp) / "batch", f"student{i}", "assignment1", "linear_classifiers",
                             perfect_notebook("assignment1", "linear_classifiers"))
        start = time.perf_counter()
        grade(Path(tmp) / "batch", Path(tmp) / "out", ["assignment1"], cell_timeout=1800,
              data_size=data_size, quiet=True)
        per_submission = (time.perf_counter() - start) / count
    return [(f"autograde one Assignment 1 submission, {data_size} data ({count} graded)",
             f"{per_submission:.1f} s", "", "")]


def bench_throughput(data_size="small"):
    """Submissions per minute on the demo's mixed batch, with 1 and 2 worker processes."""
    from autograder.demo import build_demo_batch
    from autograder.grade import grade
    rows, per_minute = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        count = len(build_demo_batch(Path(tmp) / "batch", all_bugs=True))
        for jobs in (1, 2):
            start = time.perf_counter()
            grade(Path(tmp) / "batch", Path(tmp) / f"out{jobs}", ["assignment1"], cell_timeout=600,
                  data_size=data_size, quiet=True, jobs=jobs)
            per_minute[jobs] = count / (time.perf_counter() - start) * 60
            rows.append((f"grading throughput, {count} mixed submissions, {data_size} data, --jobs {jobs}",
                         f"{per_minute[jobs]:.1f} submissions/min", "", ""))
    rows[-1] = rows[-1][:2] + (f"{per_minute[2] / per_minute[1]:.2f}x --jobs 1", ">= 1.8x")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the full-data notebook runs")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ns = solution_namespace("assignment1")
    print("Loading data ...", flush=True)
    dev = get_cifar10_splits(num_training=49000, num_validation=1000, num_test=1000, num_dev=500)
    rows = bench_naive_vs_vectorized(ns, dev, args.repeat)
    rows += bench_loss_vs_matmul(ns, dev, args.repeat)
    rows += bench_two_layer_net(dev, args.repeat)
    del dev
    rows += bench_loading(args.repeat)
    rows += bench_notebook("small")
    rows += bench_autograde("small", 3)
    rows += bench_throughput("small")
    if not args.quick:
        rows += bench_notebook("full")
        rows += bench_autograde("full", 1)
    table = ["| measurement | value | ratio | target |", "| --- | --- | --- | --- |"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = (f"Benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, numpy {np.__version__}; "
            f"medians of {args.repeat} runs\n\n" + "\n".join(table) + "\n")
    print("\n" + text)
    (REPO / "benchmarks" / "results.md").write_text(text)


if __name__ == "__main__":
    main()
