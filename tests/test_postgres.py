"""The gradebook on a real PostgreSQL server: a full grade run, a rerun after a
crash, and two graders at once on different assignments.

`bash course.sh test` (and so CI) starts a private server and sets
TEST_POSTGRES_URL (tests/with_postgres.sh). Without one these tests skip,
except in CI (CI=true), where they fail."""
import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text

from autograder.grading.grader import grade
from batch_checks import finished_count, gradebook_totals
from toy_assignment import ASSIGNMENT, EXPECTED_TOTALS, toy_course, write_toy_batch
from toy_grader import TOY_GRADER, crash_then_resume

pytestmark = pytest.mark.notebook

HOW_TO_RUN = ("no PostgreSQL server for the gradebook tests. `bash course.sh test` starts a private one when "
              "PostgreSQL is installed (Debian: apt-get install postgresql); or set TEST_POSTGRES_URL to a "
              "server where you may create databases, e.g. postgresql+psycopg2://user@127.0.0.1:5432/postgres")
KINDS = ("missing", "perfect", "untouched", "wrong_mul")
SECOND = "toy2"  # a copy of the toy assignment under another name


@pytest.fixture(scope="module")
def server_url():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {HOW_TO_RUN}")
        pytest.skip(HOW_TO_RUN)
    return url


@pytest.fixture
def database(server_url):
    """The URL of a new, empty database on the server (dropped afterwards)."""
    name = f"gradebook_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="module")
def course(server_url, tmp_path_factory):
    root = tmp_path_factory.mktemp("postgres")
    with toy_course(root, (ASSIGNMENT, SECOND)):
        for assignment_id in (ASSIGNMENT, SECOND):
            write_toy_batch(root / "batch", KINDS, assignment_id)
        yield root


def expected_totals():
    return {s: EXPECTED_TOTALS[s] for s in KINDS}


def test_full_grade_run_with_the_single_writer_on_postgres(course, database, tmp_path):
    reports = grade(course / "batch", tmp_path / "out", [ASSIGNMENT], cell_timeout=5, db_url=database,
                    quiet=True, jobs=2)
    assert {r.student_id: r.total for r in reports} == expected_totals()
    assert gradebook_totals(database, ASSIGNMENT) == (expected_totals(), len(KINDS))
    assert finished_count(database, ASSIGNMENT) == len(KINDS)


def test_rerun_after_a_crash_on_postgres(course, database, tmp_path, counting_grader):
    regraded = crash_then_resume(course, tmp_path / "out", database, counting_grader)
    assert regraded == ["untouched", "wrong_mul"]
    assert gradebook_totals(database, ASSIGNMENT) == (expected_totals(), len(KINDS))
    assert finished_count(database, ASSIGNMENT) == len(KINDS)


def test_two_graders_at_once_on_different_assignments_lose_no_write(course, database, tmp_path):
    graders = [subprocess.Popen([sys.executable, str(TOY_GRADER), str(course), str(course / "batch"),
                                 str(tmp_path / assignment_id), assignment_id, "--db-url", database],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for assignment_id in (ASSIGNMENT, SECOND)]
    logs = [grader.communicate()[0] for grader in graders]
    assert [grader.returncode for grader in graders] == [0, 0], logs[0][-2000:] + logs[1][-2000:]
    for assignment_id in (ASSIGNMENT, SECOND):
        assert gradebook_totals(database, assignment_id) == (expected_totals(), len(KINDS))
        assert finished_count(database, assignment_id) == len(KINDS)
        csv = (tmp_path / assignment_id / "grades.csv").read_text()
        assert "grading failed" not in csv and csv.count("\n") == len(KINDS) + 1
