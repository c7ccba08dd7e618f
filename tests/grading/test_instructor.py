"""The instructor's scenario of issue 16, on a toy course of five assignments (hw1-hw5; hw4 and
hw5 with a written answer) with a course file: a batch of hw4 and hw5 only is graded, then a score,
a written answer and a comment are changed through nbgrader's API as formgrader does, and `grade`
and `export` run again. Checked in the files an instructor opens (and formgrader's HTTP API)."""
import csv
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main as cli_main
from autograder.examples import perfect_notebook, with_cell_source, write_submission
from autograder.exports.export import export_all
from autograder.grading.batch import grade
from autograder.nbgrader_setup import NBGRADER_CONFIG
from tests.support.html_tables import Tables
from tests.support.toy import NOTEBOOK, WRITTEN, release_toy_course, write_toy_solutions

ASSIGNMENTS = ("hw1", "hw2", "hw3", "hw4", "hw5")
BATCH = ("hw4", "hw5")
OTHERS = ("hw1", "hw2", "hw3")
COURSE_FILE = """
[late_policy]
method = "per_day"
per_day = 0.25

[assignments.hw4]
due = 2026-11-20T23:59:00

[assignments.hw5]
due = 2026-11-20T23:59:00
extensions = { carol = 3 }
"""
MAX = 7  # add 2 + mul 3 + the written answer 2


def submit(batch, student, assignment_id, nb, timestamp):
    path = write_submission(batch, student, assignment_id, NOTEBOOK, nb)
    (path.parent / "timestamp.txt").write_text(timestamp)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """alice: hw4 and hw5 on time; bob: hw4 with a wrong mul, 25 hours late (two started days:
    half his score); carol: hw5 late but within her 3-day extension; erin: nothing."""
    root = tmp_path_factory.mktemp("instructor")
    (root / "course").mkdir()
    (root / "course" / "course.toml").write_text(COURSE_FILE)
    for other in OTHERS:  # in the course, not in the batch (and so never released here)
        write_toy_solutions(root / "course" / "solutions", other)
    course = release_toy_course(root / "course", BATCH, written=BATCH)
    batch = root / "batch"
    perfect = {a: perfect_notebook(course, a, NOTEBOOK) for a in BATCH}
    submit(batch, "alice", "hw4", perfect["hw4"], "2026-11-20 12:00:00 UTC")
    submit(batch, "alice", "hw5", perfect["hw5"], "2026-11-20 23:00:00 UTC")
    submit(batch, "bob", "hw4", with_cell_source(perfect["hw4"], "mul_code", "def mul(a, b):\n    return a + b"),
           "2026-11-22 01:00:00 UTC")
    submit(batch, "carol", "hw5", perfect["hw5"], "2026-11-23 12:00:00 UTC")
    (batch / "erin").mkdir()
    output = root / "graded"
    grade(course, batch, output, cell_timeout=5, quiet=True)
    return {"course": course, "batch": batch, "output": output, "root": root}


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def grades(output):
    with open(output / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def canvas(output):
    rows = read_csv(output / "canvas.csv")
    return rows[0][5:], rows[1][5:], {row[0]: dict(zip(rows[0][5:], row[5:])) for row in rows[2:]}


def exported_files(output):
    return ([output / name for name in ("grades.csv", "canvas.csv", "similarity.csv")]
            + sorted(output.glob("summary-*.html")) + sorted((output / "feedback").glob("*.html")))


def test_a_partial_batch_is_graded_and_exported_for_its_assignments_only(scenario, tmp_path, capsys):
    output = scenario["output"]
    for path in exported_files(output):
        text = path.read_text()
        assert not any(a in text for a in OTHERS), path.name
    export_all(scenario["course"], f"sqlite:///{output / 'gradebook.db'}", tmp_path, list(BATCH),
               ["alice", "bob", "carol", "erin"], quiet=False)   # the summary grade prints, with its lists
    printed = capsys.readouterr().out
    assert "Parts most often failed:" in printed and "hw4.mul: 1 of 2 submissions" in printed
    assert not any(a in printed for a in OTHERS)
    assert sorted(p.name for p in output.glob("summary-*.html")) == ["summary-hw4.html", "summary-hw5.html"]
    assert sorted(p.name for p in (output / "course" / "source").iterdir()) == list(BATCH)
    columns, possible, rows = canvas(output)
    assert columns == list(BATCH) and possible == [str(MAX), str(MAX)]
    assert rows["carol"]["hw4"] == "" and rows["bob"]["hw5"] == "" and rows["erin"] == {"hw4": "", "hw5": ""}
    table = grades(output)
    assert list(table["alice"])[:4] == ["student_id", "hw4.add", "hw4.mul", f"hw4.{WRITTEN}"]
    assert table["carol"]["hw4.add"] == "" and table["erin"]["total"] == "" and table["erin"]["notes"] == ""
    assert (table["alice"]["total"], table["alice"]["max_total"]) == ("10", str(2 * MAX))  # written: not graded yet
    assert (table["bob"]["total"], table["bob"]["max_total"]) == ("1", str(MAX))
    assert table["alice"][f"hw4.{WRITTEN}"] == "" and "written answer(s) not graded yet" in table["alice"]["notes"]


def test_missing_as_zero_writes_zeros_for_non_submitters(scenario, tmp_path):
    export_all(scenario["course"], f"sqlite:///{scenario['output'] / 'gradebook.db'}", tmp_path, list(BATCH),
               ["alice", "bob", "carol", "erin"], missing_as_zero=True)
    _, _, rows = canvas(tmp_path)
    assert rows["erin"] == {"hw4": "0", "hw5": "0"} and rows["bob"]["hw5"] == "0" and rows["bob"]["hw4"] == "1"
    assert grades(tmp_path)["erin"]["max_total"] == str(2 * MAX)


def test_late_penalties_follow_the_course_file(scenario):
    table = grades(scenario["output"])
    assert table["alice"]["hw4.late_penalty"] == "0"
    assert table["bob"]["hw4.late_penalty"] == "1"            # 2 points, 25 h late: 2 days x 25%
    assert table["carol"]["hw5.late_penalty"] == "0"          # 2.5 days late, 3 days of extension
    assert "hw4: submitted 1 d 1 h 1 min late, 1 points taken" in table["bob"]["notes"]
    assert canvas(scenario["output"])[2]["bob"]["hw4"] == "1"
    bob = (scenario["output"] / "feedback" / "bob.html").read_text()
    assert "late penalty &minus;1 points" in bob and "taken from the time in its timestamp.txt" in bob
    carol = (scenario["output"] / "feedback" / "carol.html").read_text()
    assert "Due 2026-11-23 23:59 UTC" in carol and "late" not in carol.lower().replace("late penalty", "")


def test_summary_counts_those_who_submitted_and_lists_the_others_apart(scenario):
    page = Tables((scenario["output"] / "summary-hw5.html").read_text())
    statistics = {row[0]: row[1] for row in page.tables["statistics"]}
    assert statistics["submitted"] == "2" and statistics["did not submit"] == "2"
    assert statistics["mean of those who submitted"] == "5.0"     # not 2.5: bob and erin are not zeros
    assert page.lists["Did not submit"] == ["bob", "erin"]
    assert "Submissions that could not be graded in full" not in page.lists
    assert page.tables["parts"][1:] == [["add", "2", "2 of 2 (100%)"], ["mul", "3", "2 of 2 (100%)"]]
    assert page.tables["written"][1:] == [[WRITTEN, "2", "0 of 2", "-"]]


def change_in_formgrader(db_url):
    """What an instructor does in formgrader, through the same nbgrader API: bob's mul gets 3 of 3
    with a comment, alice's written answer 1.5 of 2 with a comment."""
    with Gradebook(db_url) as gradebook:
        gradebook.find_grade("test_mul", NOTEBOOK, "hw4", "bob").manual_score = 3.0
        gradebook.find_comment("mul_code", NOTEBOOK, "hw4", "bob").manual_comment = "Accepted after our talk."
        gradebook.find_grade(WRITTEN, NOTEBOOK, "hw4", "alice").manual_score = 1.5
        gradebook.find_comment(WRITTEN, NOTEBOOK, "hw4", "alice").manual_comment = "Say why it holds for all b."
        gradebook.db.commit()


def assert_changes_exported(output, penalty=True):
    table = grades(output)
    assert table["bob"]["hw4.mul"] == "3" and table["alice"][f"hw4.{WRITTEN}"] == "1.5"
    if penalty:   # bob: (2 + 3) points, half taken for two days late
        assert table["bob"]["total"] == "2.5" and canvas(output)[2]["bob"]["hw4"] == "2.5"
        assert canvas(output)[2]["alice"]["hw4"] == "6.5"
    bob = (output / "feedback" / "bob.html").read_text()
    assert "Score set by your instructor." in bob and "Accepted after our talk." in bob
    alice = (output / "feedback" / "alice.html").read_text()
    assert "1.5 / 2" in alice and "Say why it holds for all b." in alice
    page = Tables((output / "summary-hw4.html").read_text())
    assert page.tables["parts"][2] == ["mul", "3", "2 of 2 (100%)"]
    assert page.tables["written"][1] == [WRITTEN, "2", "1 of 2", "1.5"]


def test_a_change_in_the_gradebook_survives_grade_and_reaches_every_export(scenario, tmp_path, counting_grader):
    output = Path(shutil.copytree(scenario["output"], tmp_path / "graded"))
    db_url = f"sqlite:///{output / 'gradebook.db'}"
    change_in_formgrader(db_url)
    grade(scenario["course"], scenario["batch"], output, cell_timeout=5, quiet=True)
    assert counting_grader == []   # resumed: nothing graded again, nothing overwritten
    assert_changes_exported(output)
    export_all(scenario["course"], db_url, tmp_path / "exported", course_root=output / "course")
    assert_changes_exported(tmp_path / "exported")
    assert cli_main(["export", "--output", str(output)]) == 0   # the command (this repository's course file)
    assert_changes_exported(output, penalty=False)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def formgrader_api(port, token, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/formgrader/api/{path}",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())  # nbgrader sends JSON (as text/html); its error pages are HTML


def poll_api(server, port, token, path, seconds):
    """Ask the API until the server answers (bounded by `seconds`); between tries, wait for the
    server to write to its log (at most half a second). None if it never answered."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return formgrader_api(port, token, path)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionRefusedError):
                raise
        if select.select([server.stderr], [], [], 0.5)[0]:
            os.read(server.stderr.fileno(), 65536)
    return None


def test_formgrader_opens_the_course_folder_and_finds_the_graded_submissions(scenario):
    """The real server, started as the docs say (`jupyter server`, formgrader's extension, in the course
    folder), on 127.0.0.1 with a token; its formgrader API lists the graded submissions."""
    course_root = scenario["output"] / "course"
    config = (course_root / NBGRADER_CONFIG).read_text()
    assert f"c.CourseDirectory.db_url = 'sqlite:///{scenario['output'] / 'gradebook.db'}'" in config
    port, token = free_port(), "instructor-test-token"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0", "--allow-root"],
        cwd=course_root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assignments = poll_api(server, port, token, "assignments", 90)
        assert assignments is not None, "the server did not answer within 90 s"
        assert sorted(a["name"] for a in assignments) == list(BATCH)
        assert {a["name"]: a["num_submissions"] for a in assignments} == {"hw4": 2, "hw5": 2}
        submissions = formgrader_api(port, token, "submissions/hw4")
        submitted = {s["student"]: s for s in submissions if s["submitted"] and s["autograded"]}
        assert sorted(submitted) == ["alice", "bob"]
        assert submitted["bob"]["timestamp"] == "2026-11-22T01:00:00"
        assert submitted["alice"]["score"] == 5 and submitted["bob"]["score"] == 2
        assert submitted["alice"]["needs_manual_grade"] is True   # the written answer waits for a grader
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
