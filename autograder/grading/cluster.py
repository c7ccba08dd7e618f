"""`grade --cluster ADDRESS`: grading submissions on a Dask distributed cluster.

Workers need no shared filesystem. The client ships the grading material
(the course's solutions, releases and references) once to every worker, in a worker plugin,
and each submission's notebook bytes with its task; a worker grades in its own
course folder with its own SQLite gradebook, exactly as a `--jobs` worker
process does (the same `parallel.grade_one`), and sends back the graded
notebooks and scores. The client stays the single writer of the real
gradebook. When a worker dies, Dask runs its unfinished tasks on the other
workers; each submission is recorded once, when its first result arrives.

Workers need this repository's Python environment (and CIFAR-10, for the
course's real assignments) and should run one thread each (`--nthreads 1`): a
worker grades one submission at a time.
"""
import io
import shutil
import threading
import uuid
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from distributed import Client, WorkerPlugin, as_completed, get_worker

from autograder.course import Course
from autograder.grading.workers import collect, grade_one, start_worker

PLUGIN_NAME = "autograder-course"
SKIPPED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")

_grading = threading.Lock()  # one submission at a time per worker process


def zip_folder(folder):
    """The files under `folder` as zip bytes (caches and checkpoints left out)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not SKIPPED(str(path.parent), relative.parts):
                archive.write(path, str(relative))
    return buffer.getvalue()


COURSE_FOLDERS = ("solutions_dir", "assignments_dir", "references_dir")


def pack_material(course):
    """{Course folder field: zip bytes} of the folders a worker grades from."""
    return {name: zip_folder(getattr(course, name)) for name in COURSE_FOLDERS if getattr(course, name).is_dir()}


class CourseOnWorker(WorkerPlugin):
    """Runs in every worker, including ones that join or restart later: unpacks
    the grading material and, on the first task, prepares a Grader."""

    def __init__(self, material, assignment_ids, cell_timeout, data_size, limits=None):
        self.material = material  # Course folder field -> zip bytes
        self.limits = limits
        self.assignment_ids = assignment_ids
        self.cell_timeout = cell_timeout
        self.data_size = data_size
        self.root = None
        self.ready = False

    def setup(self, worker):
        self.root = Path(worker.local_directory) / f"autograder-{uuid.uuid4().hex[:8]}"
        for name, data in self.material.items():
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.extractall(self.root / "material" / name)

    def ensure_grader(self):
        if not self.ready:
            course = Course(**{name: self.root / "material" / name for name in COURSE_FOLDERS},
                            data_size=self.data_size)
            start_worker(self.root, course, self.assignment_ids, self.cell_timeout, self.limits)
            self.ready = True

    def teardown(self, worker):
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Parcel:
    """One submission as it travels to a worker: its notebooks as bytes."""
    submission: object
    notebooks: dict  # expected notebook name -> file bytes

    @classmethod
    def of(cls, submission):
        return cls(submission, {name: path.read_bytes() for name, path in submission.notebooks.items()})

    def unpack(self, root):
        """The submission with its notebooks written under `root` (a worker's own disk)."""
        folder = Path(root) / self.submission.student_id / self.submission.assignment_id
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        notebooks = {}
        for name, data in self.notebooks.items():
            notebooks[name] = folder / f"{name}.ipynb"
            notebooks[name].write_bytes(data)
        return replace(self.submission, folder=folder, notebooks=notebooks)


def grade_parcel(parcel):
    """The task a worker runs: grade one submission; return its parallel.Outcome."""
    plugin = get_worker().plugins[PLUGIN_NAME]
    with _grading:
        plugin.ensure_grader()
        return grade_one(parcel.unpack(plugin.root / "incoming"))


def grade_on_cluster(grader, journal, submissions, address, quiet):
    """Grade `submissions` on the Dask cluster at `address`; return [(results, notes)] in order."""
    with Client(address) as client:
        client.register_plugin(CourseOnWorker(pack_material(grader.course), grader.assignment_ids,
                                              grader.cell_timeout, grader.course.data_size, grader.limits),
                               name=PLUGIN_NAME)
        if not quiet:
            print(f"Grading on the Dask cluster at {address} ({len(client.scheduler_info()['workers'])} workers)")
        futures = {client.submit(grade_parcel, Parcel.of(s), pure=False): i for i, s in enumerate(submissions)}
        return collect(grader, journal, submissions, futures, as_completed, quiet)
