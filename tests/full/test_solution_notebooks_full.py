"""Every solution notebook executes headless and passes all its own tests, visible and
hidden, on full CIFAR-10 (on the reduced data size: tests/course/test_solution_notebooks.py)."""
import pytest

from autograder.course import Course
from autograder.kernel.kernel_env import kernel_settings
from coursekit.check import part_verdicts, run_notebook

COURSE = Course.from_repo()
SOURCES = [p for a in COURSE.assignment_ids() for p in COURSE.source_notebooks(a)]


def errors_in(nb):
    return [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def run_at_size(path, size, monkeypatch):
    """Run in the kernel environment the grader uses: the data size and one BLAS thread
    (on a busy machine, multi-threaded BLAS runs the small matrix products of a
    training loop many times slower)."""
    for name, value in kernel_settings(size).items():
        monkeypatch.setenv(name, value)
    return run_notebook(path, timeout=1200)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_solution_notebook_passes_on_full_cifar10(path, monkeypatch, requires_cifar):
    nb = run_at_size(path, "full", monkeypatch)
    assert errors_in(nb) == []
    assert all(passed for _, _, passed, _ in part_verdicts(nb))
