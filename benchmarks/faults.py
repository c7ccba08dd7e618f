"""What hostile submissions cost the grader: `python benchmarks/faults.py [--repeat N]`.

Grades toy-assignment submissions (tests/support/toy.py) one at a time with
a prepared Grader and prints a Markdown table of median times: a normal
submission, the flood's loop writing to memory instead of printing (the cost of
the student's own code), a 10 MB print flood with the output cap, the same
flood with the cap lifted, and a 50 GB allocation. Every ratio is measured inside one run.
Nothing here is asserted by the tests.
"""
import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the repository's packages (and tests.support)

from autograder.examples import faults as fx  # noqa: E402
from autograder.examples import perfect_notebook, with_cell_source, write_submission  # noqa: E402
from autograder.grading.grader import Grader  # noqa: E402
from autograder.kernel.kernel_env import kernel_environment  # noqa: E402
from autograder.kernel.limits import Limits  # noqa: E402
from tests.support.toy import ASSIGNMENT, NOTEBOOK, release_toy_course  # noqa: E402

UNCAPPED = Limits(max_output_chars=10 ** 12)
SUBMISSIONS = {
    "normal": lambda p: p,
    "flood": lambda p: with_cell_source(p, "add_code", fx.OUTPUT_FLOOD + "\ndef add(a, b):\n    return a + b"),
    # The flood's own work (formatting 100,000 lines) without sending them anywhere.
    "flood_loop_only": lambda p: with_cell_source(
        p, "add_code", "import io\n_sink = io.StringIO()\n" + fx.OUTPUT_FLOOD.replace("60)", "60, file=_sink)")
        + "\ndef add(a, b):\n    return a + b"),
    "memory_50gb": lambda p: with_cell_source(
        p, "mul_code", "def mul(a, b):\n    " + fx.MEMORY_HOG + "\n    return a * b"),
}


def timed_grades(grader, submission, repeat):
    """Median seconds to grade `submission`, and the graded notebook's size in bytes."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        grader.grade_submission(submission)
        times.append(time.perf_counter() - start)
    return statistics.median(times), grader.graded_path(submission, NOTEBOOK).stat().st_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="faults-bench-"))
    course = release_toy_course(root)
    perfect = perfect_notebook(course, ASSIGNMENT, NOTEBOOK)
    for student, build in SUBMISSIONS.items():
        write_submission(root / "batch", student, ASSIGNMENT, NOTEBOOK, build(perfect))
    with kernel_environment(None):
        capped = Grader(course, root / "capped", [ASSIGNMENT], 120)
        uncapped = Grader(course, root / "uncapped", [ASSIGNMENT], 120, limits=UNCAPPED)
        capped.prepare()
        uncapped.prepare()
        submissions = {s.student_id: s for s in capped.submissions(root / "batch")}
        results = {name: timed_grades(capped, s, args.repeat) for name, s in submissions.items()}
        results["flood, cap lifted"] = timed_grades(uncapped, submissions["flood"], args.repeat)
    normal = results["normal"][0]
    print(f"Toy assignment, one submission at a time, median of {args.repeat}; "
          f"grader peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB.\n")
    print("| submission | time to grade | vs normal | graded notebook |\n| --- | --- | --- | --- |")
    for name in ["normal", "flood_loop_only", "flood", "flood, cap lifted", "memory_50gb"]:
        seconds, size = results[name]
        print(f"| {name} | {seconds:.1f} s | {seconds / normal:.2f}x | {size / 1024:.0f} kB |")


if __name__ == "__main__":
    main()
