"""Our own tables in nbgrader's gradebook database: `autograder_finished`, one row per graded
submission with what nbgrader's tables do not hold (each part's message and hidden-case outcomes,
the submission's notes, the grader's own scores) and the fingerprint that resume reads; and
`autograder_submitted`, where each submission's time (in nbgrader's table) came from.

The grading side writes it (grading/journal.py, grading/gradebook.py); the exports read it
beside nbgrader's tables (exports/). A row whose fingerprint is UNFINISHED records a
submission whose grading failed: the exports show its reason, and a rerun grades it again.
"""
import json

from sqlalchemy import Column, MetaData, String, Table, Text, inspect, select

UNFINISHED = "-"

FINISHED = Table(
    "autograder_finished", MetaData(),
    Column("student_id", String(128), primary_key=True),
    Column("assignment_id", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("outcome", Text, nullable=False),
)


SUBMITTED = Table(
    "autograder_submitted", MetaData(),
    Column("student_id", String(128), primary_key=True),
    Column("assignment_id", String(128), primary_key=True),
    Column("time_source", Text, nullable=False),
)


def create_tables(engine):
    for table in (FINISHED, SUBMITTED):
        table.create(engine, checkfirst=True)


def rows_by_submission(engine, table):
    """{(student_id, assignment_id): row} of one of our tables ({} in a gradebook we never wrote)."""
    if not inspect(engine).has_table(table.name):
        return {}
    with engine.connect() as connection:
        return {(r.student_id, r.assignment_id): r for r in connection.execute(select(table))}


def finished_rows(engine):
    """{(student_id, assignment_id): row} of every autograder_finished row, finished or not."""
    return rows_by_submission(engine, FINISHED)


def outcome_of(row):
    """{"results": [part result dicts], "notes": [str]} of one row."""
    return json.loads(row.outcome)


def time_sources(engine):
    """{(student_id, assignment_id): where its submission time came from}."""
    return {key: row.time_source for key, row in rows_by_submission(engine, SUBMITTED).items()}
