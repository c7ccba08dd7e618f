"""`python -m autograder release`: solutions/ -> assignments/ through nbgrader.

nbgrader generate_assignment writes the student version into a temporary
folder; the Colab setup cell goes first in each notebook (colab.py), with the
code of earlier assignments that are due when the notebook imports it
(earlier_code.py); the catalogued bugs' fingerprints on the visible tests are
added (known_bugs.json, fingerprints.py) and the manifest that `check` and
`submit` read (manifest.json, manifest.py); only when the leak check finds
nothing, and no provided code answers a graded part of another assignment that
is not yet due (cross_answers.py), does it replace assignments/.
"""
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from autograder.release.colab import add_setup_cell
from autograder.release.cross_answers import cross_answers
from autograder.release.earlier_code import ship_earlier_code
from autograder.release.fingerprints import write_known_bugs
from autograder.release.manifest import write_manifest
from autograder.release.leak_check import notebook_leaks, written_answer_leaks, written_answer_lines
from autograder.nbgrader_setup import course_config, create_gradebook, nbgrader_api, raise_on_failure
from autograder.judging.references import load_references
from autograder.catalog import variants_for


# Files of a release the leak check reads as text (a catalog table is .toml).
TEXT_SUFFIXES = (".py", ".txt", ".md", ".json", ".toml")


class LeakError(Exception):
    """A released file would give away a solution, hidden test or reference value."""


class CrossAnswerError(LeakError):
    """Provided code would pass a graded part of another assignment that is not yet due."""


def generate_release(course, assignment_id, work_dir):
    """Run nbgrader generate_assignment into work_dir; return the released folder."""
    work_dir = Path(work_dir)
    shutil.copytree(course.solutions_dir / assignment_id, work_dir / "source" / assignment_id,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    config = course_config(work_dir, f"sqlite:///{work_dir / 'gradebook.db'}")
    create_gradebook(config.CourseDirectory.db_url)
    raise_on_failure(nbgrader_api(config).generate_assignment(assignment_id), "generate_assignment")
    return work_dir / "release" / assignment_id


def catalog_leaks(path, assignment_id):
    """A catalogued bug's description in a released file gives the catalog away (a right
    variant's label, such as 'np.correlate', may well appear in the notebook)."""
    text = path.read_text(errors="replace")
    return [f"{path.name} contains the description of the catalogued bug {v.name}"
            for v in variants_for(assignment_id) if v.kind == "wrong" and v.description in text]


def find_leaks(course, released_dir, assignment_id):
    references = load_references(course, assignment_id) if course.references_file(assignment_id).exists() else {}
    answers = set().union(*(written_answer_lines(p) for p in course.source_notebooks(assignment_id)))
    leaks = []
    for path in sorted(Path(released_dir).rglob("*")):
        if path.suffix == ".ipynb":
            text = "\n".join(cell.source for cell in nbformat.read(str(path), as_version=4).cells)
            leaks += notebook_leaks(path, references) + catalog_leaks(path, assignment_id)
            leaks += written_answer_leaks(path.name, text, answers)
        elif path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(errors="replace")
            leaks += [f"{path.name} contains '{m}'" for m in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS") if m in text]
            leaks += catalog_leaks(path, assignment_id) + written_answer_leaks(path.name, text, answers)
    return leaks


def refuse_leaks(course, released_dir, assignment_id):
    leaks = find_leaks(course, released_dir, assignment_id)
    if leaks:
        raise LeakError(f"refusing to release {assignment_id}:\n  " + "\n  ".join(leaks))


def refuse_cross_answers(course, released_dir, assignment_id, due_dates, now):
    found = cross_answers(course, assignment_id, released_dir, due_dates, now)
    if found:
        raise CrossAnswerError(
            f"refusing to release {assignment_id}: its students could hand in its provided code as the answer "
            "to a graded part of an assignment that is not yet due:\n  " + "\n  ".join(found) + "\n"
            "Give that code another name and a contract the graded part does not have (or write it inline), "
            "or release it once that assignment is due (its due date in the course file).")


def release(course, assignment_id, target_root=None, due_dates=None, now=None):
    """Release one assignment of `course` into target_root/<assignment> (default: the course's
    assignments folder).

    due_dates: {assignment: aware datetime} (none: no assignment is ever due); `now`: when the
    release happens (default: now). Needs CIFAR-10 (the probing of the visible tests runs the
    notebook on the reduced data size). Raises LeakError (or its CrossAnswerError), leaving the
    previous release untouched, when the leak check or the cross-assignment check fails.
    """
    due_dates, now = due_dates or {}, now or datetime.now(timezone.utc)
    target = Path(target_root or course.assignments_dir) / assignment_id
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        released = generate_release(course, assignment_id, tmp)
        add_setup_cell(released)
        ship_earlier_code(course, assignment_id, released, due_dates, now)
        refuse_leaks(course, released, assignment_id)   # before the slower probing of the visible tests
        refuse_cross_answers(course, released, assignment_id, due_dates, now)
        write_known_bugs(course, assignment_id, released)
        write_manifest(assignment_id, released)
        refuse_leaks(course, released, assignment_id)
        staged = target.with_name(f".{assignment_id}.new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(released, staged)
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)
    return target
