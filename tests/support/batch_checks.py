"""Comparing two grading runs of the same batch, and reading what a gradebook holds."""
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, func, select

from autograder.gradebook_schema import FINISHED, UNFINISHED


def assert_same_grading(expected_dir, output_dir):
    """Same grades.csv and the same feedback page for every student."""
    assert (output_dir / "grades.csv").read_text() == (expected_dir / "grades.csv").read_text()
    pages = sorted(p.name for p in (expected_dir / "feedback").glob("*.html"))
    assert sorted(p.name for p in (output_dir / "feedback").glob("*.html")) == pages
    for name in pages:
        assert (output_dir / "feedback" / name).read_text() == (expected_dir / "feedback" / name).read_text(), name


def gradebook_totals(db_url, assignment_id):
    """{student: total score} of one assignment, and the number of submission rows."""
    with Gradebook(db_url) as gradebook:
        submissions = gradebook.assignment_submissions(assignment_id)
        return {s.student.id: s.score for s in submissions}, len(submissions)


def finished_count(db_url, assignment_id):
    engine = create_engine(db_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(FINISHED)
                                   .where(FINISHED.c.assignment_id == assignment_id)
                                   .where(FINISHED.c.fingerprint != UNFINISHED)).scalar_one()
    engine.dispose()
    return count
