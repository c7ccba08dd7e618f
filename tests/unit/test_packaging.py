"""The autograder installs from a wheel, not only from this checkout (pyproject.toml lists every
subpackage); the student package (student/) holds coursekit and the release's student files,
nothing of the instructor's side, and asks for versions Colab and a current JupyterLab have.
Installing the student package in a fresh venv and running `check` from it:
tests/course/test_student_kit.py."""
import importlib
import pkgutil
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import autograder
from tests.support.wheels import pinned_versions

REPO = Path(__file__).resolve().parents[2]


def subpackages():
    return sorted(m.name for m in pkgutil.walk_packages(autograder.__path__, "autograder.") if m.ispkg)


@pytest.fixture(scope="module")
def wheel(wheels):
    """The course's wheel (autograder and coursekit), built once per run (tests/conftest.py)."""
    return wheels["course"]


def site_packages(venv):
    return next(Path(venv).glob("lib/python*/site-packages"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with the wheel installed in it by pip (not editable); returns its folder.

    The course's dependencies come from this environment's site-packages, added as a plain
    path: its .pth files (among them the editable install of this checkout) are not read."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = site_packages(venv)
    dependencies = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    (site / "dependencies.pth").write_text(f"{dependencies}\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(site), str(wheel)], check=True, capture_output=True, text=True)
    return venv


def run_installed(venv, code, cwd):
    """Run `code` with the venv's Python, outside the checkout."""
    return subprocess.run([str(Path(venv) / "bin" / "python"), "-c", code], cwd=cwd, env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)


def test_the_wheel_holds_every_subpackage_the_reference_numbers_and_the_catalog_tables(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ["autograder", *subpackages(), "coursekit"]:
        assert f"{package.replace('.', '/')}/__init__.py" in names, package
    for reference in sorted((REPO / "autograder" / "judging" / "references").glob("*.json")):
        assert f"autograder/judging/references/{reference.name}" in names
    tables = sorted((REPO / "autograder" / "catalog").glob("*.toml"))
    assert tables and all(f"autograder/catalog/{table.name}" in names for table in tables)
    for config in ("jupyter_server_config.json", "labconfig/page_config.json"):   # the students' JupyterLab
        assert f"coursekit/jupyter/{config}" in names


def test_the_installed_wheel_runs_the_command_line_and_imports_every_subpackage(installed, tmp_path):
    code = ("import importlib, sys, autograder\n"
            f"assert autograder.__file__.startswith({str(site_packages(installed))!r}), autograder.__file__\n"
            f"for name in {subpackages()!r}:\n"
            "    importlib.import_module(name)\n"
            "from autograder.cli import main\n"
            "sys.argv = ['python -m autograder', '--help']\n"
            "main()\n")
    run = run_installed(installed, code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "release" in run.stdout and "grade" in run.stdout


def test_the_installed_wheel_finds_its_reference_numbers_and_catalog(installed, tmp_path):
    code = ("import autograder.catalog\n"
            f"assert autograder.catalog.__file__.startswith({str(site_packages(installed))!r})\n"
            "from autograder.catalog import variants_for\n"
            "from autograder.course import Course, REFERENCES_DIR\n"
            "from autograder.judging.references import load_references\n"
            "course = Course(REFERENCES_DIR, REFERENCES_DIR, REFERENCES_DIR)\n"
            "print(len(load_references(course, 'assignment1')), len(variants_for('assignment1')))\n")
    run = run_installed(installed, code, tmp_path)
    assert run.returncode == 0, run.stderr
    references, variants = map(int, run.stdout.split())
    assert references > 0 and variants > 0


def test_a_subpackage_left_out_of_the_wheel_is_noticed(installed, tmp_path):
    """The import check can fail: with one subpackage removed from the installed copy, it does."""
    broken = tmp_path / "broken"
    shutil.copytree(installed, broken, symlinks=True)
    shutil.rmtree(site_packages(broken) / "autograder" / "catalog")
    run = run_installed(broken, "import importlib; importlib.import_module('autograder.catalog.assignment1')", tmp_path)
    assert run.returncode != 0 and "No module named 'autograder.catalog'" in run.stderr


# --- The student package ----------------------------------------------------------------------

# What Google Colab has installed (checked 2026-12; Python 3.12) and what a current JupyterLab
# install brings: the student package must take them as they are.
COLAB = {"python": "3.12", "numpy": "2.0.2", "matplotlib": "3.10.0", "nbformat": "5.10.4",
         "nbclient": "0.10.2", "ipykernel": "6.17.1"}


def wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return archive.read(name).decode()


def requirements(metadata):
    from packaging.requirements import Requirement
    return {Requirement(line.split(":", 1)[1].strip()).name: Requirement(line.split(":", 1)[1].strip())
            for line in metadata.splitlines() if line.startswith("Requires-Dist:")}


def test_the_student_wheel_holds_coursekit_and_the_released_files_and_nothing_else(wheels):
    import coursekit
    names = {n for n in zipfile.ZipFile(wheels["student"]).namelist() if ".dist-info/" not in n}
    modules = {f"coursekit/{m.name}.py" for m in pkgutil.iter_modules(coursekit.__path__)}
    released = {f"coursekit/released/{p.relative_to(REPO / 'assignments')}"
                for pattern in ("*/known_bugs.json", "*/manifest.json")
                for p in (REPO / "assignments").glob(pattern)}
    assert len(released) == 2 * len(list((REPO / "assignments").iterdir()))
    lab_config = {f"coursekit/{p.relative_to(REPO / 'coursekit')}" for p in (REPO / "coursekit" / "jupyter").rglob("*.json")}
    assert len(lab_config) == 2     # python -m coursekit.lab's configuration (coursekit/lab.py)
    assert names == {"coursekit/__init__.py"} | modules | released | lab_config


def test_the_student_wheel_carries_the_committed_release_files(wheels):
    with zipfile.ZipFile(wheels["student"]) as archive:
        for name in archive.namelist():
            if name.startswith("coursekit/released/"):
                path = REPO / "assignments" / name.removeprefix("coursekit/released/")
                assert archive.read(name) == path.read_bytes(), name


def test_the_student_package_asks_for_what_colab_and_the_course_have(wheels):
    metadata = wheel_metadata(wheels["student"])
    wanted = requirements(metadata)
    assert set(wanted) == {"numpy", "matplotlib", "nbformat", "nbclient", "ipykernel"}
    pins = pinned_versions()
    for name, requirement in wanted.items():
        assert requirement.specifier.contains(COLAB[name]), f"{name} {requirement.specifier} refuses Colab's {COLAB[name]}"
        assert requirement.specifier.contains(pins[name]), f"{name} {requirement.specifier} refuses the pinned {pins[name]}"
    from packaging.specifiers import SpecifierSet
    [python] = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Python:")]
    assert SpecifierSet(python).contains(COLAB["python"]) and SpecifierSet(python).contains("3.11")


def test_the_version_check_can_fail():
    from packaging.requirements import Requirement
    assert not Requirement("numpy>=2.1").specifier.contains(COLAB["numpy"])
