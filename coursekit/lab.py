"""`python -m coursekit.lab [NOTEBOOK_OR_FOLDER] [JupyterLab options]`: JupyterLab for students.

Starts JupyterLab with the student-side Jupyter configuration in coursekit/jupyter/: its Validate
button runs the course check (coursekit/validate.py), and nbgrader's instructor tools (Formgrader,
Create Assignment, the course and assignment lists and the Nbgrader menu) are hidden. Everything
after the command goes to `jupyter lab` as it is.
"""
import os
import sys
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent / "jupyter"


def student_environment(environ):
    """`environ` with the student-side configuration first on JUPYTER_CONFIG_PATH (it wins over
    the environment's and the user's own Jupyter configuration)."""
    env = dict(environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(CONFIG_DIR), environ.get("JUPYTER_CONFIG_PATH")]))
    return env


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    os.execve(sys.executable, [sys.executable, "-m", "jupyterlab", *argv], student_environment(os.environ))


if __name__ == "__main__":
    main()
