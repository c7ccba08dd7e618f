"""The two wheels, built once per run from a copy of the sources (setuptools writes build/
where it builds): the course's (autograder and coursekit: the instructor's install) and the
student package's (student/: coursekit and the release's student files)."""
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.course import REPO_ROOT
from coursekit.known_bugs import FILE_NAME as KNOWN_BUGS
from coursekit.manifest import FILE_NAME as MANIFEST

IGNORED = shutil.ignore_patterns("__pycache__", "build", "*.egg-info")


def copy_sources(source):
    """The files the two projects build from, laid out as in the repository."""
    shutil.copy(REPO_ROOT / "pyproject.toml", source)
    for folder in ("autograder", "coursekit", "student"):
        shutil.copytree(REPO_ROOT / folder, source / folder, ignore=IGNORED)
    for released in sorted((REPO_ROOT / "assignments").glob(f"*/{KNOWN_BUGS}")) + \
            sorted((REPO_ROOT / "assignments").glob(f"*/{MANIFEST}")):
        target = source / released.relative_to(REPO_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(released, target)


def build_wheels(work_dir):
    """{"course": wheel path, "student": wheel path}, built in one pip call."""
    source, out = Path(work_dir) / "source", Path(work_dir) / "wheels"
    source.mkdir()
    copy_sources(source)
    # --no-build-isolation: setuptools and wheel come from this environment (no index needed).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(out), str(source), str(source / "student")],
                   check=True, capture_output=True, text=True)
    [course] = out.glob("dl_fundamentals_course-*.whl")
    [student] = out.glob("dl_fundamentals_coursekit-*.whl")
    return {"course": course, "student": student}


def pinned_versions():
    """{name: version} of requirements.txt's pins (the instructor's install)."""
    pins = {}
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.split("[")[0].strip().lower()] = version.strip()
    return pins
