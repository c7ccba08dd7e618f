"""Which submissions are finished: crash safety and resume.

A submission is finished when its row is in the table `autograder_finished` of
the gradebook database. The row holds the submission's part results and notes
and a fingerprint of what was graded (the submitted bytes, the assignment's
sources and references, the cell timeout and data size). It is written last:
in the same transaction as the scores when the single writer records a
worker's outcome, and right after nbgrader's own commits when grading in this
process. So a grader killed at any moment leaves every submission either
finished, with complete scores, or unfinished, and a rerun grades only the
unfinished ones (nbgrader overwrites their partial scores; nothing is
duplicated). A changed submission or changed grading material has another
fingerprint and is graded again; `--force` regrades everything.
"""
import hashlib
import json
from dataclasses import asdict

from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, delete, insert, select

from autograder import paths
from autograder.results import PartResult

FINISHED = Table(
    "autograder_finished", MetaData(),
    Column("student_id", String(128), primary_key=True),
    Column("assignment_id", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("outcome", Text, nullable=False),
)


def digest_files(hasher, files):
    for path in files:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")


def material_digest(assignment_id, cell_timeout, data_size):
    """A digest of everything besides the submission that decides its grade."""
    hasher = hashlib.sha256(f"{assignment_id}\0{cell_timeout}\0{data_size}\0".encode())
    digest_files(hasher, paths.source_notebooks(assignment_id))
    references = paths.references_file(assignment_id)
    digest_files(hasher, [references] if references.exists() else [])
    return hasher.hexdigest()


class Journal:
    """The finished-submission records of one gradebook database."""

    def __init__(self, db_url, assignment_ids, cell_timeout, data_size):
        self.engine = create_engine(db_url, future=True)
        FINISHED.create(self.engine, checkfirst=True)
        self.material = {a: material_digest(a, cell_timeout, data_size) for a in assignment_ids}

    def fingerprint(self, submission):
        hasher = hashlib.sha256(self.material[submission.assignment_id].encode())
        for name, path in sorted(submission.notebooks.items()):
            hasher.update(f"\0notebook {name}\0".encode() + path.read_bytes())
        hasher.update(json.dumps([submission.problems, submission.notes], sort_keys=True).encode())
        return hasher.hexdigest()

    def finished(self, submissions):
        """{index in submissions: (results, notes)} of those already graded with this fingerprint."""
        with self.engine.connect() as connection:
            rows = {(r.student_id, r.assignment_id): r for r in connection.execute(select(FINISHED))}
        done = {}
        for i, submission in enumerate(submissions):
            row = rows.get((submission.student_id, submission.assignment_id))
            if row is not None and row.fingerprint == self.fingerprint(submission):
                outcome = json.loads(row.outcome)
                done[i] = [PartResult(**r) for r in outcome["results"]], outcome["notes"]
        return done

    def write(self, connection, submission, results, notes):
        """Mark one submission finished, inside the caller's transaction."""
        key = (FINISHED.c.student_id == submission.student_id) & (FINISHED.c.assignment_id == submission.assignment_id)
        connection.execute(delete(FINISHED).where(key))
        connection.execute(insert(FINISHED).values(
            student_id=submission.student_id, assignment_id=submission.assignment_id,
            fingerprint=self.fingerprint(submission),
            outcome=json.dumps({"results": [asdict(r) for r in results], "notes": list(notes)})))

    def mark(self, submission, results, notes):
        """Mark one submission finished, in a transaction of its own."""
        with self.engine.begin() as connection:
            self.write(connection, submission, results, notes)

    def close(self):
        self.engine.dispose()
