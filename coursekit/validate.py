"""JupyterLab's Validate button, for students: it runs the course check.

nbgrader's lab extension puts a Validate button on every notebook. It asks the server for
`nbgrader_version`, saves the notebook, POSTs its path to `assignments/validate` and shows the
answer in a dialog: for each failed cell, "The following cell failed:", the `source` it was sent
and the `error` (as HTML). nbgrader's own handler runs its Validator there, which stops any cell
after 30 seconds unless configured otherwise, counts a warning on stderr as a failure, and sends
the whole test cell and a full traceback. This Jupyter server extension answers those two
requests instead, with the course check (coursekit/check.py): each cell may run as long as
`check` allows, a part fails exactly when it fails in `check`, and the dialog shows, for each
failed part, its name and points and the check's message, which names the likely bug and
says when the failure may follow from an earlier part's.

The student-side Jupyter configuration (coursekit/jupyter/, used by `python -m coursekit.lab`)
enables this extension in place of nbgrader's and hides nbgrader's instructor tools.
"""
import asyncio
import html
import json
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from coursekit.check import DEFAULT_TIMEOUT, dependencies, part_verdicts, run_notebook

NO_TEST_CELLS = "This notebook has no graded test cells: Validate checks the course's assignment notebooks."


def validation_result(verdicts):
    """What the Validate dialog shows, in nbgrader's format: {} when every part passes, else
    {"failed": [{"source": part and points, "error": the message as HTML}, ...]}.
    verdicts: [(part, points, passed, message)] (coursekit.check.part_verdicts)."""
    failed = [{"source": f"{part} ({points:g} points)", "error": html.escape(message), "raw_error": message}
              for part, points, passed, message in verdicts if not passed]
    return {"failed": failed} if failed else {}


def validate(path, timeout=DEFAULT_TIMEOUT):
    """The lab extension's answer for the notebook at `path`: {"success": ..., "value": ...}."""
    verdicts = part_verdicts(run_notebook(path, timeout, figures=False), dependencies(path))
    if not verdicts:
        return {"success": False, "value": NO_TEST_CELLS}
    return {"success": True, "value": validation_result(verdicts)}


class ValidateHandler(JupyterHandler):
    """POST assignments/validate with the notebook's path (relative to the server's root)."""

    @web.authenticated
    async def post(self):
        relative = self.get_argument("path", None) or self.get_json_body()["path"]
        root = Path(self.settings["coursekit_root_dir"]).resolve()
        notebook = (root / relative).resolve()
        if not notebook.is_relative_to(root) or notebook.suffix != ".ipynb" or not notebook.is_file():
            raise web.HTTPError(404, f"no notebook at {relative}")
        try:   # the check runs a kernel for minutes: off the server's event loop
            answer = await asyncio.get_running_loop().run_in_executor(None, validate, notebook)
        except Exception as error:   # shown in the dialog, rather than a bare HTTP error
            answer = {"success": False, "value": f"The check could not run: {type(error).__name__}: {error}"}
        self.finish(json.dumps(answer))


class VersionHandler(JupyterHandler):
    """GET nbgrader_version: the lab extension asks before validating; any version will do here."""

    @web.authenticated
    def get(self):
        self.finish(json.dumps({"success": True}))


def _jupyter_server_extension_points():
    return [{"module": "coursekit.validate"}]


def _load_jupyter_server_extension(serverapp):
    web_app = serverapp.web_app
    web_app.settings["coursekit_root_dir"] = serverapp.root_dir
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base_url, "assignments/validate"), ValidateHandler),
                                 (url_path_join(base_url, "nbgrader_version"), VersionHandler)])
    serverapp.log.info("Validate runs the course check (coursekit.validate)")
