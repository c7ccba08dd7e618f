"""Every solution notebook executes headless and passes all its own tests, visible and
hidden, on full CIFAR-10 (on the reduced data size: tests/course/test_solution_notebooks.py)."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder.course import Course
from autograder.kernel.kernel_env import kernel_environment
from coursekit.check import part_verdicts, run_notebook

COURSE = Course.from_repo()
SOURCES = [p for a in COURSE.assignment_ids() for p in COURSE.source_notebooks(a)]


def errors_in(nb):
    return [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def executed(requires_cifar):
    """{notebook path: the executed notebook}, on full data in the kernel environment the
    grader uses (one BLAS thread: on a busy machine, multi-threaded BLAS runs the small matrix
    products of a training loop many times slower), two notebooks at a time on two cores."""
    with kernel_environment("full"), ThreadPoolExecutor(2) as pool:
        # the longest first, so the two workers finish together
        order = sorted(SOURCES, key=lambda p: p.parent.name, reverse=True)
        return dict(zip(order, pool.map(run_or_error, order)))


def run_or_error(path):
    """The executed notebook, or the error that stopped it (which fails its own test only)."""
    try:
        return run_notebook(path, timeout=1200)
    except Exception as error:
        return error


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_solution_notebook_passes_on_full_cifar10(path, executed):
    nb = executed[path]
    if isinstance(nb, Exception):
        raise nb
    assert errors_in(nb) == []
    assert all(passed for _, _, passed, _ in part_verdicts(nb))
