"""Fixtures of the grading tier shared by several modules."""
import contextlib
import csv
import io
import zipfile

import pytest

from autograder.examples import perfect_notebook, released_notebook, with_cell_source, without_cell, write_submission
from autograder.grading.batch import grade
from tests.support.toy import ASSIGNMENT, NOTEBOOK


@pytest.fixture(scope="session")
def toy_graded(toy_course, tmp_path_factory):
    """The toy batch of every kind of damaged submission, zipped, graded once with one process
    (not quiet); test_grade_mechanics.py reads it, test_distributed.py grades it again on a cluster."""
    root = tmp_path_factory.mktemp("mechanics")
    batch = root / "batch"
    perfect = perfect_notebook(toy_course, ASSIGNMENT, NOTEBOOK)
    students = {
        "perfect": perfect,
        "untouched": released_notebook(toy_course, ASSIGNMENT, NOTEBOOK),
        "deleted_test": without_cell(perfect, "test_add"),
        "edited_test": with_cell_source(with_cell_source(perfect, "mul_code", "def mul(a, b):\n    return 0"),
                                        "test_mul", "pass  # nothing to see here"),
        "infinite_loop": with_cell_source(perfect, "add_code", "def add(a, b):\n    while True:\n        pass"),
    }
    for student, nb in students.items():
        write_submission(batch, student, ASSIGNMENT, NOTEBOOK, nb)
    write_submission(batch, "renamed", ASSIGNMENT, NOTEBOOK, perfect).rename(
        batch / "renamed" / ASSIGNMENT / "Untitled1.ipynb")
    broken = write_submission(batch, "not_json", ASSIGNMENT, NOTEBOOK, perfect)
    broken.write_text(broken.read_text()[:200])
    (batch / "missing" / ASSIGNMENT).mkdir(parents=True)
    (batch / "missing" / ASSIGNMENT / "notes.txt").write_text("I forgot the notebook.")
    archive = root / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in batch.rglob("*.*"):
            z.write(path, "export/" + str(path.relative_to(batch)))
    output = root / "graded"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # not quiet: the summary an instructor sees
        reports = grade(toy_course, archive, output, [ASSIGNMENT], cell_timeout=5)
    with open(output / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"reports": {r.student_id: r for r in reports}, "rows": rows, "output": output, "root": root,
            "archive": archive, "printed": printed.getvalue()}
