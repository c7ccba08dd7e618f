"""`python -m autograder release`: solutions/ -> assignments/ through nbgrader.

nbgrader generate_assignment writes the student version into a temporary
folder; only when the leak check finds nothing does it replace assignments/.
"""
import shutil
import tempfile
from pathlib import Path

from autograder import paths
from autograder.leak_check import notebook_leaks
from autograder.nbgrader_setup import course_config, nbgrader_api, raise_on_failure
from autograder.references import load_references


class LeakError(Exception):
    """A released file would give away a solution, hidden test or reference value."""


def generate_release(assignment_id, work_dir):
    """Run nbgrader generate_assignment into work_dir; return the released folder."""
    work_dir = Path(work_dir)
    shutil.copytree(paths.SOLUTIONS_DIR / assignment_id, work_dir / "source" / assignment_id,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    config = course_config(work_dir, f"sqlite:///{work_dir / 'gradebook.db'}")
    raise_on_failure(nbgrader_api(config).generate_assignment(assignment_id), "generate_assignment")
    return work_dir / "release" / assignment_id


def find_leaks(released_dir, assignment_id):
    references = load_references(assignment_id) if paths.references_file(assignment_id).exists() else {}
    leaks = []
    for path in sorted(Path(released_dir).rglob("*")):
        if path.suffix == ".ipynb":
            leaks += notebook_leaks(path, references)
        elif path.is_file() and path.suffix in (".py", ".txt", ".md", ".json"):
            text = path.read_text(errors="replace")
            leaks += [f"{path.name} contains '{m}'" for m in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS") if m in text]
    return leaks


def release(assignment_id, target_root=None):
    """Release one assignment into target_root/<assignment> (default assignments/).

    Raises LeakError, leaving the previous release untouched, when the leak check fails.
    """
    target = Path(target_root or paths.ASSIGNMENTS_DIR) / assignment_id
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        released = generate_release(assignment_id, tmp)
        leaks = find_leaks(released, assignment_id)
        if leaks:
            raise LeakError(f"refusing to release {assignment_id}:\n  " + "\n  ".join(leaks))
        staged = target.with_name(f".{assignment_id}.new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(released, staged)
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)
    return target
