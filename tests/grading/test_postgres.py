"""The gradebook on a real PostgreSQL server: a full grade run, a rerun after a
crash, and two graders at once on different assignments.

`bash course.sh test` (and so CI) starts a private server and sets
TEST_POSTGRES_URL (tests/with_postgres.sh). Without one these tests skip,
except in CI (CI=true), where they fail."""
import os
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text

from autograder.course import REPO_ROOT
from autograder.grading.batch import grade
from tests.support.batch_checks import finished_count, gradebook_totals
from tests.support.toy import ASSIGNMENT, EXPECTED_TOTALS, SECOND, write_toy_batch
from tests.support.toy_grader import crash_then_resume, toy_grader_command

HOW_TO_RUN = ("no PostgreSQL server for the gradebook tests. `bash course.sh test` starts a private one when "
              "PostgreSQL is installed (Debian: apt-get install postgresql); or set TEST_POSTGRES_URL to a "
              "server where you may create databases, e.g. postgresql+psycopg2://user@127.0.0.1:5432/postgres")
KINDS = ("missing", "perfect", "untouched", "wrong_mul")


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
def batch(server_url, toy_course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("postgres") / "batch"
    for assignment_id in (ASSIGNMENT, SECOND):
        write_toy_batch(toy_course, folder, KINDS, assignment_id)
    return folder


def expected_totals():
    return {s: EXPECTED_TOTALS[s] for s in KINDS}


def test_full_grade_run_with_the_single_writer_on_postgres(toy_course, batch, database, tmp_path):
    reports = grade(toy_course, batch, tmp_path / "out", [ASSIGNMENT], cell_timeout=5, db_url=database,
                    quiet=True, jobs=2)
    assert {r.student_id: r.total for r in reports} == expected_totals()
    assert gradebook_totals(database, ASSIGNMENT) == (expected_totals(), len(KINDS))
    assert finished_count(database, ASSIGNMENT) == len(KINDS)


def test_rerun_after_a_crash_on_postgres(toy_course, batch, database, tmp_path, counting_grader):
    regraded = crash_then_resume(toy_course, batch, tmp_path / "out", database, counting_grader)
    assert regraded == ["untouched", "wrong_mul"]
    assert gradebook_totals(database, ASSIGNMENT) == (expected_totals(), len(KINDS))
    assert finished_count(database, ASSIGNMENT) == len(KINDS)


def test_two_graders_at_once_on_different_assignments_lose_no_write(toy_course, batch, database, tmp_path):
    graders = [subprocess.Popen(toy_grader_command(toy_course, batch, tmp_path / assignment_id, assignment_id,
                                                   "--db-url", database), cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for assignment_id in (ASSIGNMENT, SECOND)]
    logs = [grader.communicate()[0] for grader in graders]
    assert [grader.returncode for grader in graders] == [0, 0], logs[0][-2000:] + logs[1][-2000:]
    for assignment_id in (ASSIGNMENT, SECOND):
        assert gradebook_totals(database, assignment_id) == (expected_totals(), len(KINDS))
        assert finished_count(database, assignment_id) == len(KINDS)
        csv = (tmp_path / assignment_id / "grades.csv").read_text()
        assert "grading failed" not in csv and csv.count("\n") == len(KINDS) + 1
