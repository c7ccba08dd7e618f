"""A zip made by `python -m coursekit.submit` goes straight into `grade` (the toy assignment:
a real check, a real nbgrader grading). The refusals are in tests/unit/test_submit.py."""
import shutil
import subprocess
import sys
import zipfile

import nbformat

from autograder.examples import perfect_notebook, with_cell_source
from autograder.grading.batch import grade
from coursekit.manifest import FILE_NAME as MANIFEST
from tests.support.toy import ASSIGNMENT, NOTEBOOK


def test_a_submit_zip_is_graded_as_it_is(toy_course, tmp_path):
    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    out.mkdir()
    shutil.copy(toy_course.assignments_dir / ASSIGNMENT / MANIFEST, work)   # as handed out with the notebook
    nb = with_cell_source(perfect_notebook(toy_course, ASSIGNMENT, NOTEBOOK), "mul_code", "def mul(a, b):\n    return a + b")
    nbformat.write(nb, str(work / f"{NOTEBOOK}.ipynb"))
    run = subprocess.run([sys.executable, "-m", "coursekit.submit", f"{NOTEBOOK}.ipynb", "--student", "alice",
                          "--output", str(out)], cwd=work, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[PASS] add (2 points)" in run.stdout and "[FAIL] mul (3 points)" in run.stdout
    archive = out / f"alice_{ASSIGNMENT}.zip"
    with zipfile.ZipFile(archive) as packed:
        report = packed.read(f"alice/{ASSIGNMENT}/check_report.txt").decode()
    assert "1 of 2 parts pass (2 of 5 points)" in report

    [graded] = grade(toy_course, archive, tmp_path / "graded", [ASSIGNMENT], cell_timeout=30, quiet=True)
    assert graded.student_id == "alice" and not graded.notes
    assert {p.part: p.score for p in graded.parts} == {"add": 2.0, "mul": 0.0}
