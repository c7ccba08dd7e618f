"""Where things live in the repository."""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SOLUTIONS_DIR = REPO_ROOT / "solutions"
ASSIGNMENTS_DIR = REPO_ROOT / "assignments"
REFERENCES_DIR = PACKAGE_DIR / "references"


def assignment_ids():
    """Names of the assignments that have a source folder in solutions/, sorted."""
    return sorted(p.name for p in SOLUTIONS_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))


def source_notebooks(assignment_id):
    """The nbgrader source notebooks of one assignment, sorted by name."""
    return sorted((SOLUTIONS_DIR / assignment_id).glob("*.ipynb"))


def references_file(assignment_id):
    """The versioned reference-number file of one assignment."""
    return REFERENCES_DIR / f"{assignment_id}.json"
