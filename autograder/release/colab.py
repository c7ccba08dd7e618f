"""The Colab setup cell, put first in every released notebook by the release.

On Google Colab (``"google.colab" in sys.modules``) the cell installs the student package from
the course repository (``student/``, see docs/students.md) and sets CIFAR-10 up through
coursekit's own download (the official URL, checked against its md5); anywhere else it does
nothing. The solutions stay free of it. The repository's address is written here once: the
cell, the README's "Open in Colab" links and the docs take it from REPOSITORY.

The environment variables COURSEKIT_SOURCE (the package to install) and CIFAR10_URL /
CIFAR10_MD5 (coursekit/cifar_setup.py) exist for the tests, which run the cell with a
stand-in google.colab module, a wheel and an archive served on 127.0.0.1.
"""
from pathlib import Path

import nbformat

REPOSITORY = "https://github.com/OWNER/dl-fundamentals-course"   # the course's public repository
BRANCH = "main"
PACKAGE_SOURCE = f"git+{REPOSITORY}@{BRANCH}#subdirectory=student"
SOURCE_VAR = "COURSEKIT_SOURCE"
CELL_ID = "colab-setup"

CELL_SOURCE = f'''# Google Colab only: installs the course's helper package (coursekit) and CIFAR-10
# (about 170 MB, checked against its official checksum). Run this cell first.
# Anywhere else (your computer, JupyterLab, the grader) it does nothing.
import sys

if "google.colab" in sys.modules:
    import importlib, importlib.util, os, subprocess
    if importlib.util.find_spec("coursekit") is None:
        source = os.environ.get("{SOURCE_VAR}", "{PACKAGE_SOURCE}")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
        importlib.invalidate_caches()
    subprocess.run([sys.executable, "-m", "coursekit.cifar_setup"], check=True)'''


def colab_url(assignment_id, notebook_name):
    """The "Open in Colab" address of a released notebook."""
    path = REPOSITORY.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/assignments/{assignment_id}/{notebook_name}.ipynb"


def setup_cell():
    return nbformat.v4.new_code_cell(CELL_SOURCE, id=CELL_ID)


def add_setup_cell(released_dir):
    """Put the Colab setup cell first in every notebook of released_dir (once)."""
    for path in sorted(Path(released_dir).glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        if not nb.cells or nb.cells[0].get("id") != CELL_ID:
            nb.cells.insert(0, setup_cell())
            nbformat.write(nb, str(path))
