"""JupyterLab's Validate button in a real browser, as a student uses it: one JupyterLab server,
started the student's way (`python -m coursekit.lab`) on 127.0.0.1 with a token, driven by
Debian's chromium, headless, through Selenium. A correct notebook on full CIFAR-10 passes (every
cell may run as long as the course check allows: nbgrader's own Validate stops a cell after 30 s
and then fails the searches), a notebook with a catalogued bug shows the bug's named message
(not the test cell's source), and nbgrader's instructor tools are not in the menus.

Without chromium, chromedriver or Selenium these tests skip; in CI (CI=true) they fail.
`bash course.sh test` installs chromium as it installs bubblewrap."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.catalog import variants_for
from autograder.course import Course
from autograder.examples import perfect_notebook, with_variant
from autograder.kernel.kernel_env import NOT_FOR_KERNELS, kernel_settings
from autograder.release.colab import CELL_ID as COLAB_CELL_ID
from coursekit.cells import is_written_answer

REPO = Course.from_repo()
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SERVER_START_SECONDS = 120
PAGE_SECONDS = 120
VALIDATE_SECONDS = 900       # a full-data notebook on a busy 2-core machine (about 1 min when quiet)
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-breakpad",
                  "--window-size=1400,1000")


def missing_browser():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium is not installed (requirements.txt)"
    if not (CHROMIUM and CHROMEDRIVER):
        return "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser_ready():
    reason = missing_browser()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests")
    if reason:
        pytest.skip(reason)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bug_of(assignment_id, part):
    return next(v for v in variants_for(assignment_id) if v.kind == "wrong" and v.part == part)


def write_student_folder(root):
    """What a student has: released notebooks with their known_bugs.json and manifest.json, one per
    assignment folder, the Colab cell first (it does nothing here) and the written answers filled in;
    Assignment 1 solved, Assignment 2 solved but for a catalogued bug in eval_numerical_gradient."""
    solved = {"assignment1": perfect_notebook(REPO, "assignment1", "linear_classifiers"),
              "assignment2": with_variant(perfect_notebook(REPO, "assignment2", "gradient_checking"),
                                          bug_of("assignment2", "eval_numerical_gradient"))}
    for assignment_id, nb in solved.items():
        assert nb.cells[0].get("id") == COLAB_CELL_ID and any(is_written_answer(c) and c.source.strip() for c in nb.cells)
        folder = root / assignment_id
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{REPO.source_notebooks(assignment_id)[0].stem}.ipynb"))
        for name in ("known_bugs.json", "manifest.json"):
            shutil.copy(REPO.assignments_dir / assignment_id / name, folder)


def wait_for_server(url, token, process, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}")
        try:
            request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer within {seconds} s")


@pytest.fixture(scope="module")
def lab(browser_ready, requires_cifar, tmp_path_factory):
    """One JupyterLab server for the module, in a student's folder, on full data;
    stopped, with its kernels, by its process group at the end."""
    root = tmp_path_factory.mktemp("student")
    write_student_folder(root)
    port, token = free_port(), os.urandom(16).hex()
    # full data, one BLAS thread per kernel: what the other full-data tests give their kernels
    env = {**{k: v for k, v in os.environ.items() if k not in NOT_FOR_KERNELS}, **kernel_settings("full")}
    command = [sys.executable, "-m", "coursekit.lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
               "jupyterlab.NeverCheckForUpdate"] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = open(root / "server.log", "w")
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        wait_for_server(f"http://127.0.0.1:{port}", token, process, SERVER_START_SECONDS)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)   # the server and the kernels it started
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_notebook(browser, lab, relative_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(f"{lab['url']}/lab/tree/{relative_path}?reset&token={lab['token']}")   # this notebook alone
    button = WebDriverWait(browser, PAGE_SECONDS).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, ".jp-NotebookPanel jp-button.validate-button")))
    # the notebook's loading spinner may still lie over its toolbar (the first open on a busy machine)
    WebDriverWait(browser, PAGE_SECONDS).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, ".jp-Spinner")))
    return button


def validate(browser, lab, relative_path):
    """Press Validate on the notebook; return (the dialog's classes, its text), and close it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    open_notebook(browser, lab, relative_path).click()
    message = WebDriverWait(browser, VALIDATE_SECONDS).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".jp-Dialog #validation-message")))
    classes, text = message.get_attribute("class"), message.text
    browser.find_element(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept").click()
    WebDriverWait(browser, PAGE_SECONDS).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, ".jp-Dialog")))
    return classes, text


def test_a_correct_full_data_notebook_passes_validate(browser, lab):
    classes, text = validate(browser, lab, "assignment1/linear_classifiers.ipynb")
    assert "validation-success" in classes, text
    assert text == "Success! Your notebook passes all the tests."


def test_a_bug_shows_its_named_message_not_the_cell_source(browser, lab):
    bug = bug_of("assignment2", "eval_numerical_gradient")
    classes, text = validate(browser, lab, "assignment2/gradient_checking.ipynb")
    assert "validation-failed" in classes, text
    assert "The following cell failed:\neval_numerical_gradient (14 points)\n" in text
    assert f"Likely cause: your code {bug.description}" in text
    assert "Visible tests for" not in text and "check_part" not in text   # no test cell source


def test_students_see_no_instructor_tools(browser, lab):
    from selenium.webdriver.common.by import By
    open_notebook(browser, lab, "assignment1/linear_classifiers.ipynb")
    menus = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#jp-MainMenu .lm-MenuBar-itemLabel")]
    assert "File" in menus and "Kernel" in menus
    assert "Nbgrader" not in menus
    page = browser.page_source
    assert "Formgrader" not in page and "Create Assignment" not in page
