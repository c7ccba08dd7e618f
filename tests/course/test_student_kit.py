"""The student package where students are: a fresh virtual environment with nothing in it,
the Colab setup cell of a released notebook run there (with a stand-in `google.colab`, the
student wheel as the package source and a small CIFAR-10 archive in the official layout
served on 127.0.0.1), then `check` on a copy of the released notebook alone.

The venv and its install (pip from this machine's registry, at requirements.txt's versions)
are made once for the module; outside Colab the same cell must do nothing.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.cases import dependencies_for
from autograder.course import Course
from autograder.release.colab import CELL_ID, SOURCE_VAR
from tests.support import fake_cifar
from tests.support.local_http import serving
from tests.support.wheels import pinned_versions

A1, NOTEBOOK = "assignment1", "linear_classifiers"
ARCHIVE_PATH = "/cifar-10-python.tar.gz"
N_PER_BATCH = 1200    # 6,000 training and 1,200 test images: enough for the reduced data size
INSTALL_TIMEOUT = 600
RELEASED = Course.from_repo().assignments_dir / A1   # the committed release (test_release.py: a fresh one's equal)


def colab_cell():
    nb = json.loads((RELEASED / f"{NOTEBOOK}.ipynb").read_text())
    cell = nb["cells"][0]
    assert cell["id"] == CELL_ID
    return "".join(cell["source"])


def run(venv, args, env, cwd, timeout=INSTALL_TIMEOUT):
    return subprocess.run([str(venv / "bin" / "python"), *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def student_environment(home, extra=()):
    """This machine's environment (pip's registry settings) for a student whose home is `home`:
    nothing of this checkout, its venv or its data."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not k.startswith(("CIFAR10_", "COURSE_"))}
    env.update(HOME=str(home), PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")))
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def student_machine(wheels, tmp_path_factory):
    """A fresh venv; the Colab cell run there twice (without, then with the stand-in); the
    server's requests after each; and what `check` said of the untouched release."""
    root = tmp_path_factory.mktemp("student")
    venv, home, work, standin = root / "venv", root / "home", root / "work", root / "standin"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=INSTALL_TIMEOUT)
    home.mkdir()
    (standin / "google" / "colab").mkdir(parents=True)
    (standin / "google" / "__init__.py").write_text("")
    (standin / "google" / "colab" / "__init__.py").write_text('"""A stand-in for Colab\'s module."""\n')
    archive = root / "cifar-10-python.tar.gz"
    md5 = fake_cifar.make_fake_archive(archive, n_per_batch=N_PER_BATCH)
    constraints = root / "constraints.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in pinned_versions().items()))
    cell = colab_cell()
    found = {}
    with serving() as (server, base):
        server.routes[ARCHIVE_PATH] = (archive.read_bytes(), archive.stat().st_size)
        env = student_environment(home, {SOURCE_VAR: str(wheels["student"]), "CIFAR10_URL": base + ARCHIVE_PATH,
                                         "CIFAR10_MD5": md5, "PIP_CONSTRAINT": str(constraints)})
        found["elsewhere"] = run(venv, ["-c", cell], env, root)
        found["elsewhere_requests"] = list(server.requests)
        found["elsewhere_coursekit"] = run(venv, ["-c", "import coursekit"], env, root).returncode
        on_colab = f"import sys\nsys.path.insert(0, {str(standin)!r})\nimport google.colab\n" + cell
        found["colab"] = run(venv, ["-c", on_colab], env, root)
        found["colab_requests"] = list(server.requests)
    work.mkdir()
    shutil.copy(RELEASED / f"{NOTEBOOK}.ipynb", work)
    found["check"] = run(venv, ["-m", "coursekit.check", f"{NOTEBOOK}.ipynb"], student_environment(home), work)
    found.update(venv=venv, home=home, work=work)
    return found


def test_outside_colab_the_setup_cell_installs_and_downloads_nothing(student_machine):
    assert student_machine["elsewhere"].returncode == 0, student_machine["elsewhere"].stderr
    assert student_machine["elsewhere"].stdout == ""
    assert student_machine["elsewhere_requests"] == []
    assert student_machine["elsewhere_coursekit"] != 0, "coursekit was installed outside Colab"


def test_on_colab_the_setup_cell_installs_the_package_and_sets_up_cifar10(student_machine):
    result = student_machine["colab"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert student_machine["colab_requests"] == [ARCHIVE_PATH]     # the download path, once
    data = student_machine["home"] / ".cache" / "dl-fundamentals-course" / "datasets"
    assert (data / "cifar10_cache" / "COMPLETE").is_file()
    assert "CIFAR-10 is ready in" in result.stdout


def test_the_installed_package_is_the_student_one_alone(student_machine):
    venv, home = student_machine["venv"], student_machine["home"]
    code = ("import coursekit, importlib.util, sys\n"
            "print(coursekit.__file__)\n"
            "print(importlib.util.find_spec('autograder') is None)\n")
    result = run(venv, ["-c", code], student_environment(home), home)
    where, no_autograder = result.stdout.split()
    assert where.startswith(str(venv)) and no_autograder == "True", result.stderr


def test_check_from_the_package_alone_reports_every_part_of_the_untouched_release(student_machine):
    result = student_machine["check"]
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    manifest = json.loads((RELEASED / "manifest.json").read_text())
    parts = [p["part"] for p in manifest["notebooks"][NOTEBOOK]["parts"]]
    assert [line.split()[1] for line in lines] == parts
    assert all(line.startswith("[FAIL]") for line in lines), result.stdout
    assert "Visible tests: 0 of 11 parts pass (0 of 100 points)" in result.stdout
    assert "on the small data size" in result.stdout
    # A part computed from others says its result is not there yet, and that it may follow
    # from those parts; every other part is not implemented yet.
    follows = [part for part in parts if part in dependencies_for(A1)]
    reports = {report.split()[1]: report for report in result.stdout.split("\n[")[1:]}
    assert follows and {part for part, report in reports.items() if "This may follow from" in report} == set(follows)
    assert all("not implemented yet" in reports[part] for part in parts if part not in follows)
