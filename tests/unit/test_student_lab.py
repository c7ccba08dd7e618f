"""The student-side JupyterLab (coursekit/lab.py, coursekit/validate.py, coursekit/jupyter/), without
a server: what the Validate dialog is sent, and that the configuration replaces every nbgrader
server extension nbgrader enables and hides its instructor plugins. The browser test of the real
button is tests/full/test_validate_browser.py."""
import json
import os
import sys
from pathlib import Path

from coursekit.lab import CONFIG_DIR, student_environment
from coursekit.validate import validation_result

NBGRADER_SERVER_CONFIG = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json"
NBGRADER_LAB_PLUGINS = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"


def test_the_dialog_gets_each_failed_part_with_its_points_and_message_as_html():
    verdicts = [("svm_loss_naive", 12, True, "passed"),
                ("rel_error", 12.0, False, "AssertionError: a < b & c\n  Likely cause: your code x"),
                ("kinks", 8, False, "not implemented yet")]
    assert validation_result(verdicts) == {"failed": [
        {"source": "rel_error (12 points)", "error": "AssertionError: a &lt; b &amp; c\n  Likely cause: your code x",
         "raw_error": "AssertionError: a < b & c\n  Likely cause: your code x"},
        {"source": "kinks (8 points)", "error": "not implemented yet", "raw_error": "not implemented yet"}]}
    assert validation_result(verdicts[:1]) == {}    # the dialog then says "Success!"


def test_the_student_configuration_comes_first_on_the_config_path():
    env = student_environment({"JUPYTER_CONFIG_PATH": "/elsewhere", "HOME": "/home/s"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(CONFIG_DIR), "/elsewhere"]
    assert student_environment({})["JUPYTER_CONFIG_PATH"] == str(CONFIG_DIR)


def test_every_nbgrader_server_extension_is_replaced_or_off():
    nbgrader = json.loads(NBGRADER_SERVER_CONFIG.read_text())["ServerApp"]["jpserver_extensions"]
    ours = json.loads((CONFIG_DIR / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    assert set(nbgrader) <= set(ours) and not any(ours[name] for name in nbgrader)
    assert ours["coursekit.validate"] is True


def test_the_hidden_plugins_are_nbgrader_s_own_and_validate_stays():
    plugins = " ".join(path.read_text(errors="replace") for path in NBGRADER_LAB_PLUGINS.glob("*.js"))
    hidden = json.loads((CONFIG_DIR / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert all(f'"{plugin}"' in plugins for plugin in hidden)   # names nbgrader really uses
    assert set(hidden) == {f"@jupyter/nbgrader:{name}" for name in
                           ("menu", "formgrader", "create-assignment", "course-list", "assignment-list")}
    assert '"@jupyter/nbgrader:validate-assignment"' in plugins


def test_a_plain_jupyter_lab_in_the_course_folder_gives_nbgrader_s_validate_the_check_s_timeout(monkeypatch):
    """nbgrader's own Validate (a plain `jupyter lab`) reads nbgrader_config.py from the folder the
    server runs in, as its handler loads it; there each cell may run as long as `check` allows."""
    from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler
    from coursekit.check import DEFAULT_TIMEOUT
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    config = ValidateAssignmentHandler.load_config(None)
    assert config.Execute.timeout == DEFAULT_TIMEOUT
