"""Where the student side finds its files: the CIFAR-10 folder and the release's student files.

coursekit runs in two places:
- inside a clone of the course repository (the instructor's install, `bash course.sh data`,
  `bash setup_data.sh`): CIFAR-10 lives in ``<repo>/datasets`` and the release's student
  files (``known_bugs.json``, ``manifest.json``) in ``<repo>/assignments/<assignment>/``;
- installed alone as the student package (``pip install``, e.g. on Colab; ``student/``):
  the release's student files travel inside it, in ``coursekit/released/<assignment>/``,
  and CIFAR-10 goes to the user's cache folder, ``~/.cache/dl-fundamentals-course/datasets``.

``$CIFAR10_DIR`` overrides the data folder in both. Standard library only: setup_data.sh's
"already set up" check imports this and must stay fast.
"""
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR_VAR = "CIFAR10_DIR"
CHECKOUT_MARKER = "setup_data.sh"   # at the top of a clone, beside coursekit/
CACHE_FOLDER = "dl-fundamentals-course"


def checkout_root():
    """The clone of the course repository this coursekit runs from, or None for the installed package."""
    root = PACKAGE_DIR.parent
    return root if (root / CHECKOUT_MARKER).is_file() else None


def default_data_dir():
    """The CIFAR-10 folder (a Path): ``$CIFAR10_DIR`` if set, else ``<repo>/datasets`` in a
    clone, else ``datasets`` in the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    env = os.environ.get(DATA_DIR_VAR)
    if env:
        return Path(env).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "datasets"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / CACHE_FOLDER / "datasets"


def setup_command():
    """The command that sets CIFAR-10 up, as a student types it here."""
    return "bash setup_data.sh" if checkout_root() is not None else "python -m coursekit.cifar_setup"


def released_dir():
    """The folder with one folder per released assignment holding its student files:
    ``coursekit/released`` in the student package, ``<repo>/assignments`` in a clone."""
    packaged = PACKAGE_DIR / "released"
    root = checkout_root()
    if packaged.is_dir() or root is None:
        return packaged
    return root / "assignments"
