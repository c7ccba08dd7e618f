"""Where the student side finds its files: the CIFAR-10 folder and the release's student files.

coursekit runs in two forms:
- from the course repository (a clone: the instructor's install, `bash course.sh data`,
  `bash setup_data.sh`; and the grader's sandboxed kernels, which see only coursekit/,
  autograder/ and datasets/ of it): CIFAR-10 lives in ``<repo>/datasets`` and the release's
  student files (``known_bugs.json``, ``manifest.json``) in ``<repo>/assignments/<assignment>/``;
- as the student package (``pip install``, e.g. on Colab; built by ``student/``), which
  carries the release's student files inside itself, in ``coursekit/released/<assignment>/``:
  CIFAR-10 then goes to the user's cache folder, ``~/.cache/dl-fundamentals-course/datasets``.

``$CIFAR10_DIR`` overrides the data folder in both. Standard library only: setup_data.sh's
"already set up" check imports this and must stay fast.
"""
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_RELEASE = PACKAGE_DIR / "released"   # only the student package has it
DATA_DIR_VAR = "CIFAR10_DIR"
CACHE_FOLDER = "dl-fundamentals-course"


def is_student_package():
    """True when coursekit is the installed student package, not the repository's folder."""
    return PACKAGED_RELEASE.is_dir()


def default_data_dir():
    """The CIFAR-10 folder (a Path): ``$CIFAR10_DIR`` if set, else ``datasets`` in the user's
    cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``) for the student package, else
    ``<repo>/datasets``."""
    env = os.environ.get(DATA_DIR_VAR)
    if env:
        return Path(env).expanduser()
    if is_student_package():
        cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(cache) / CACHE_FOLDER / "datasets"
    return PACKAGE_DIR.parent / "datasets"


def setup_command():
    """The command that sets CIFAR-10 up, as a student types it here."""
    return "python -m coursekit.cifar_setup" if is_student_package() else "bash setup_data.sh"


def released_dir():
    """The folder with one folder per released assignment holding its student files:
    ``coursekit/released`` in the student package, ``<repo>/assignments`` otherwise."""
    return PACKAGED_RELEASE if is_student_package() else PACKAGE_DIR.parent / "assignments"
