"""How this course drives real nbgrader: one place that builds its config and creates its gradebooks."""
import functools
import os
import sys
import warnings

from nbformat.warnings import MissingIDFieldWarning
from nbgrader.api import Base
from nbgrader.apps import NbGraderAPI
from nbgrader.dbutil import ALEMBIC_DIR
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

# nbgrader 0.9.6's gradebook code and its restored cells trigger these on every
# submission; they say nothing about the submission, so keep the log readable.
warnings.filterwarnings("ignore", category=SAWarning)
warnings.filterwarnings("ignore", category=MissingIDFieldWarning)

COURSE_ID = "dl-fundamentals"


def put_environment_on_path():
    """nbgrader runs the `alembic` command and Jupyter kernels by name, so the
    virtual environment's bin/ must be on PATH even when it is not activated."""
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


put_environment_on_path()


def course_config(root, db_url, source_directory="source", release_directory="release"):
    """nbgrader config for a course directory at `root` with the gradebook at `db_url`."""
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.db_url = db_url
    config.CourseDirectory.source_directory = source_directory
    config.CourseDirectory.release_directory = release_directory
    config.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
    return config


def nbgrader_api(config):
    """An NbGraderAPI that uses exactly `config` (and no nbgrader_config.py from the cwd)."""
    return NbGraderAPI(config=config)


@functools.cache
def schema_revision():
    """The alembic revision of the installed nbgrader's gradebook schema, which nbgrader writes into
    every new gradebook. nbgrader asks a new `alembic heads` process for it each time (2.4 s of
    CPU, measured); here it is read once per process."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    config = AlembicConfig()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def create_gradebook(db_url):
    """Create the gradebook at `db_url` as nbgrader's Gradebook does (its tables, and the
    alembic_version table with schema_revision()), unless the database has tables already.
    For SQLite, the file's folder must exist."""
    engine = create_engine(db_url, future=True)
    try:
        if inspect(engine).get_table_names():
            return
        Base.metadata.create_all(bind=engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
                               {"revision": schema_revision()})
    finally:
        engine.dispose()


def raise_on_failure(result, what):
    """nbgrader's API reports failures in a dict; turn them into an exception."""
    if not result["success"]:
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error') or result.get('log')}")
    return result


NBGRADER_CONFIG = "nbgrader_config.py"


def write_nbgrader_config(root, db_url):
    """Write root/nbgrader_config.py: what formgrader (`nbgrader formgrader`, or `jupyter lab` with
    its Formgrader menu, started in `root`) needs to open this course folder and its gradebook,
    wherever the database is. Readable by its owner only: a server URL may hold a password."""
    path = os.path.join(str(root), NBGRADER_CONFIG)
    settings = course_config(root, db_url).CourseDirectory
    lines = ["# Written by `python -m autograder grade`: formgrader's view of this course folder.",
             "# Grade here by hand (written answers, comments, changed scores); autograde with",
             "# `python -m autograder grade`, which runs student code in its sandbox (formgrader's own",
             "# Autograde button does not), then `python -m autograder export` for the exports.",
             "c = get_config()  # noqa: F821 (given by Jupyter when it loads this file)"]
    lines += [f"c.CourseDirectory.{name} = {settings[name]!r}" for name in
              ("root", "course_id", "db_url", "source_directory", "release_directory", "ignore")]
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path
