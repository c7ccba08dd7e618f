"""The Course value: where one course's material lives, passed to whatever needs it.

A course is a folder of nbgrader source notebooks (``solutions/<assignment>/``),
the folder its releases go to (``assignments/<assignment>/``), the folder of its
reference numbers (one ``<assignment>.json`` each), the data size its
notebooks run on, and its calendar from the course file ``course.toml`` (due
dates, extensions, late policy: course_file.py). ``Course.from_repo()`` is this repository's course; tests and
workers build their own instead of changing anyone's globals.
"""
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course_file import CourseCalendar, load_calendar

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
# Instructor-only folders inside the package: the sandbox hides them (kernel/sandbox.py).
REFERENCES_DIR = PACKAGE_DIR / "judging" / "references"
COURSE_FILE = "course.toml"
CATALOG_DIR = PACKAGE_DIR / "catalog"
TRUSTED_DIR = PACKAGE_DIR / "trusted"     # correct implementations of graded parts (autograder/trusted/)
INSTRUCTOR_DIRS = (REFERENCES_DIR, CATALOG_DIR, TRUSTED_DIR)
# An earlier assignment's code, released with a later one once it is due (release/earlier_code.py).
EARLIER_CODE_SUFFIX = "_code.py"


@dataclass(frozen=True)
class Course:
    """One course's folders and data size (picklable: workers receive it whole)."""
    solutions_dir: Path
    assignments_dir: Path
    references_dir: Path
    data_size: str | None = None  # "small", "full", or None (the notebooks' own default)
    calendar: CourseCalendar = field(default_factory=CourseCalendar)

    @classmethod
    def from_repo(cls, data_size=None):
        """This repository's course (references inside the package, where the wheel ships them)."""
        return cls(REPO_ROOT / "solutions", REPO_ROOT / "assignments", REFERENCES_DIR, data_size,
                   load_calendar(REPO_ROOT / COURSE_FILE))

    @classmethod
    def under(cls, root, data_size=None):
        """A course whose three folders are solutions/, assignments/ and references/ under `root`,
        and whose course file (if any) is root/course.toml."""
        root = Path(root)
        return cls(root / "solutions", root / "assignments", root / "references", data_size,
                   load_calendar(root / COURSE_FILE))

    def assignment_ids(self):
        """Names of the assignments that have a source folder, sorted."""
        return sorted(p.name for p in self.solutions_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def source_notebooks(self, assignment_id):
        """The nbgrader source notebooks of one assignment, sorted by name."""
        return sorted((self.solutions_dir / assignment_id).glob("*.ipynb"))

    def references_file(self, assignment_id):
        """The versioned reference-number file of one assignment."""
        return self.references_dir / f"{assignment_id}.json"

    def earlier_code(self, assignment_id):
        """The modules of earlier assignments' code released with this one (usually none)."""
        return sorted((self.assignments_dir / assignment_id).glob(f"*{EARLIER_CODE_SUFFIX}"))
