"""The Gradescope autograder zip of one assignment: setup.sh, run_autograder and the grading
material (the autograder and coursekit packages, the assignment's source and released
notebooks and its reference numbers), laid out as a course folder (Course.under) so that
run.py grades with the same code and the same course as `python -m autograder grade`.

The zip is instructor material (solutions, hidden tests, references): upload it to Gradescope
only. It is the same bytes for the same sources (fixed order and timestamps).
"""
import json
import zipfile
from pathlib import Path

from autograder.course import PACKAGE_DIR, REFERENCES_DIR, REPO_ROOT
from autograder.gradescope.run import SETTINGS

TOP_FILES = ("pyproject.toml", "requirements.txt", "setup_data.sh")
SKIPPED = ("__pycache__", ".ipynb_checkpoints")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. Choose the
# Ubuntu 24.04 base image: the pinned requirements need Python 3.11 or later.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
apt-get install -y --no-install-recommends python3 python3-venv bubblewrap
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Python 3.11 or later is needed: choose Gradescope's Ubuntu 24.04 base image." >&2; exit 1; }
python3 -m venv .venv
.venv/bin/pip install --quiet -r requirements.txt
PYTHON=.venv/bin/python bash setup_data.sh   # CIFAR-10 into datasets/ (official download, md5 checked)
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT (default /autograder) and
# AUTOGRADER_PYTHON (default: the venv setup.sh made) exist for a local test.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
export PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}"
exec "${AUTOGRADER_PYTHON:-$SOURCE/.venv/bin/python}" -m autograder.gradescope.run --root "$ROOT"
"""


def add_bytes(archive, name, data, executable=False):
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o755 if executable else 0o644) << 16
    archive.writestr(info, data)


def add_tree(archive, folder, prefix, skip=()):
    """Every file under `folder`, as prefix/<relative path>, but those under a `skip` folder."""
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(relative.parts) & set(SKIPPED) and not any(path.is_relative_to(s) for s in skip):
            add_bytes(archive, f"{prefix}/{relative.as_posix()}", path.read_bytes())


def build(course, assignment_id, output, data_size="small", cell_timeout=600):
    """Write the autograder zip of one assignment of `course` to `output`; return its path."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    settings = {"assignment": assignment_id, "data_size": data_size, "cell_timeout": cell_timeout}
    with zipfile.ZipFile(output, "w") as archive:
        add_bytes(archive, "setup.sh", SETUP_SH, executable=True)
        add_bytes(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        add_bytes(archive, SETTINGS, json.dumps(settings, indent=1) + "\n")
        for name in TOP_FILES:
            add_bytes(archive, name, (REPO_ROOT / name).read_bytes(), executable=name.endswith(".sh"))
        add_tree(archive, PACKAGE_DIR, "autograder", skip=[REFERENCES_DIR])   # the course's references below
        add_tree(archive, REPO_ROOT / "coursekit", "coursekit")
        add_tree(archive, course.solutions_dir / assignment_id, f"solutions/{assignment_id}")
        add_tree(archive, course.assignments_dir / assignment_id, f"assignments/{assignment_id}")
        add_bytes(archive, f"references/{assignment_id}.json", course.references_file(assignment_id).read_bytes())
    return output
