"""The student package (coursekit, and what `student/` builds from it) holds no graded answer,
and finds its files where it runs (coursekit/locations.py)."""
import contextlib
import importlib
import inspect
import io
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import coursekit
from autograder.cases import parts_for
from autograder.cases.records import outcome
from autograder.course import REPO_ROOT, Course
from autograder.judging.verdicts import judge
from autograder.trusted import helper_functions
from coursekit import locations

COURSE = Course.from_repo()
# Commands with side effects on files and processes; they take paths and argv, never arrays.
COMMANDS = {"coursekit.cifar_setup", "coursekit.check", "coursekit.submit", "coursekit.lab", "coursekit.validate"}


def student_functions():
    """[(qualified name, function or class)] defined in the student package's modules."""
    found = []
    for module_info in pkgutil.iter_modules(coursekit.__path__, "coursekit."):
        if module_info.name in COMMANDS:
            continue
        module = importlib.import_module(module_info.name)
        found += [(f"{module.__name__}.{name}", obj) for name, obj in vars(module).items()
                  if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__]
    return found


def passing_parts(obj):
    """The graded parts (of every assignment) whose hidden tests `obj` passes."""
    passing = []
    for assignment_id in COURSE.assignment_ids():
        for part_name, part in parts_for(assignment_id).items():
            plt.close("all")
            trusted = helper_functions(assignment_id, part.trusted)
            if outcome(obj, part, part.cases[0].make_inputs(), trusted)[0] == "error":
                continue  # an answer passes every case, the first one too
            outcomes = [outcome(obj, part, case.make_inputs(), trusted) for case in part.cases]
            if judge(COURSE, assignment_id, part_name, outcomes)[0]:
                passing.append(f"{assignment_id}/{part_name}")
    return passing


def test_no_function_of_the_student_package_passes_a_graded_part(monkeypatch, tmp_path):
    """Every function and class of coursekit, run as each graded part's function on its hidden
    cases, fails: the package gives no graded answer away (DESIGN.md)."""
    monkeypatch.setenv(locations.DATA_DIR_VAR, str(tmp_path))   # the data loaders fail at once
    plt.switch_backend("Agg")
    functions = student_functions()
    assert len(functions) > 30
    answers = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for name, obj in functions:
            answers[name] = passing_parts(obj)
    assert not {name: parts for name, parts in answers.items() if parts}


def test_the_answer_check_can_fail():
    """A relative-error helper of the kind checks.py used to have answers Assignment 2's rel_error."""
    import numpy as np

    def relative_error(a, b):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        denom = np.maximum(np.abs(a), np.abs(b))
        return float(np.max(np.abs(a - b) / np.where(denom > 0, denom, 1.0)))

    assert passing_parts(relative_error) == ["assignment2/rel_error"]


def test_in_a_clone_the_files_are_the_repositorys(monkeypatch):
    """Also in the grader's sandbox, which shows a kernel coursekit/ and datasets/ but not the
    repository's other files: nothing but coursekit itself decides."""
    monkeypatch.delenv(locations.DATA_DIR_VAR, raising=False)
    assert not locations.is_student_package()
    assert locations.default_data_dir() == REPO_ROOT / "datasets"
    assert locations.released_dir() == REPO_ROOT / "assignments"
    assert locations.setup_command() == "bash setup_data.sh"


def test_the_data_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(locations.DATA_DIR_VAR, str(tmp_path))
    assert locations.default_data_dir() == tmp_path


@pytest.mark.parametrize("module", ["coursekit.data", "coursekit.cifar_setup"])
def test_the_loader_and_the_setup_use_the_same_folder(module, monkeypatch, tmp_path):
    monkeypatch.setenv(locations.DATA_DIR_VAR, str(tmp_path))
    imported = importlib.import_module(module)
    folder = imported.default_data_dir() if module == "coursekit.data" else imported.parse_args([]).dest
    assert str(folder) == str(tmp_path)


def test_the_course_map_opens_every_released_notebook_in_colab():
    """One "Open in Colab" link per assignment, built from the one REPOSITORY constant."""
    import re

    from autograder.release.colab import colab_url
    readme = (REPO_ROOT / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| ") and "Open in Colab" in line]
    links = [re.search(r"\((https://colab\.research\.google\.com/[^)]+)\)", row).group(1) for row in rows]
    assert links == [colab_url(a, p.stem) for a in COURSE.assignment_ids() for p in COURSE.source_notebooks(a)]
    assert len(readme.splitlines()) <= 120


def copy_of_coursekit(folder):
    shutil.copytree(REPO_ROOT / "coursekit", folder / "coursekit", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def reported_locations(folder, home):
    """[data folder, released folder] as a copy of coursekit in `folder` reports them."""
    code = "from coursekit import locations as l; print(l.default_data_dir()); print(l.released_dir())"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder), "HOME": str(home)}
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=home.parent, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    return [Path(line) for line in run.stdout.split()]


def test_a_kernel_that_sees_only_coursekit_and_datasets_finds_the_data(tmp_path):
    """The grader's sandbox shows a kernel <repo>/coursekit and <repo>/datasets, not the rest
    of the repository: coursekit alone decides where the data is."""
    view = copy_of_coursekit(tmp_path / "view")
    assert reported_locations(view, tmp_path / "home") == [view / "datasets", view / "assignments"]


def test_the_student_package_keeps_the_data_in_the_users_cache(tmp_path):
    site = copy_of_coursekit(tmp_path / "site-packages")
    (site / "coursekit" / "released").mkdir()          # as in the student wheel
    assert reported_locations(site, tmp_path / "home") == [
        tmp_path / "home" / ".cache" / "dl-fundamentals-course" / "datasets", site / "coursekit" / "released"]
