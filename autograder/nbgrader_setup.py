"""How this course drives real nbgrader: one place that builds its config."""
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

COURSE_ID = "dl-fundamentals"


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


def raise_on_failure(result, what):
    """nbgrader's API reports failures in a dict; turn them into an exception."""
    if not result["success"]:
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error') or result.get('log')}")
    return result
