"""Our own table in nbgrader's gradebook database, `autograder_finished`: one row per graded
submission with what nbgrader's tables do not hold (each part's message and hidden-case outcomes,
the submission's notes, the grader's own scores) and the fingerprint that resume reads.

The grading side writes it (grading/journal.py, grading/gradebook.py); the exports read it
beside nbgrader's tables (exports/). A row whose fingerprint is UNFINISHED records a
submission whose grading failed: the exports show its reason, and a rerun grades it again.
"""
import json

from sqlalchemy import Column, MetaData, String, Table, Text, select

UNFINISHED = "-"

FINISHED = Table(
    "autograder_finished", MetaData(),
    Column("student_id", String(128), primary_key=True),
    Column("assignment_id", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("outcome", Text, nullable=False),
)


def create_finished_table(engine):
    FINISHED.create(engine, checkfirst=True)


def finished_rows(engine):
    """{(student_id, assignment_id): row} of every row, finished or not."""
    with engine.connect() as connection:
        return {(r.student_id, r.assignment_id): r for r in connection.execute(select(FINISHED))}


def outcome_of(row):
    """{"results": [part result dicts], "notes": [str]} of one row."""
    return json.loads(row.outcome)
