"""Which submissions are finished: crash safety and resume.

A submission is finished when its row is in the table `autograder_finished` of
the gradebook database (gradebook_schema.py) with its fingerprint. The row holds
the submission's part results and notes and a fingerprint of what was graded
(the submitted bytes, the assignment's sources and references, the cell timeout
and data size). It is written last: in the same transaction as the scores when
the single writer records a worker's outcome, and right after nbgrader's own
commits when grading in this process. So a grader killed at any moment leaves
every submission either finished, with complete scores, or unfinished, and a
rerun grades only the unfinished ones (nbgrader overwrites their partial scores;
nothing is duplicated). A submission whose grading failed gets a row with the
fingerprint UNFINISHED: the exports show why, and a rerun grades it again. A
changed submission or changed grading material has another fingerprint and is
graded again; `--force` regrades everything.
"""
import hashlib
import json
from dataclasses import asdict

from sqlalchemy import create_engine

from autograder.gradebook_schema import UNFINISHED, create_tables, finished_rows, outcome_of
from autograder.grading.gradebook import write_finished
from autograder.grading.results import PartResult


def digest_files(hasher, files):
    for path in files:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")


def outcome_text(results, notes):
    return json.dumps({"results": [asdict(r) for r in results], "notes": list(notes)})


def material_digest(course, assignment_id, cell_timeout):
    """A digest of everything besides the submission that decides its grade."""
    hasher = hashlib.sha256(f"{assignment_id}\0{cell_timeout}\0{course.data_size}\0".encode())
    digest_files(hasher, course.source_notebooks(assignment_id))
    references = course.references_file(assignment_id)
    digest_files(hasher, [references] if references.exists() else [])
    return hasher.hexdigest()


class Journal:
    """The finished-submission records of one gradebook database."""

    def __init__(self, course, db_url, assignment_ids, cell_timeout):
        self.engine = create_engine(db_url, future=True)
        create_tables(self.engine)
        self.material = {a: material_digest(course, a, cell_timeout) for a in assignment_ids}

    def fingerprint(self, submission):
        hasher = hashlib.sha256(self.material[submission.assignment_id].encode())
        for name, path in sorted(submission.notebooks.items()):
            hasher.update(f"\0notebook {name}\0".encode() + path.read_bytes())
        hasher.update(json.dumps([submission.problems, submission.notes], sort_keys=True).encode())
        return hasher.hexdigest()

    def finished(self, submissions):
        """{index in submissions: (results, notes)} of those already graded with this fingerprint."""
        rows = finished_rows(self.engine)
        done = {}
        for i, submission in enumerate(submissions):
            row = rows.get((submission.student_id, submission.assignment_id))
            if row is not None and row.fingerprint == self.fingerprint(submission):
                outcome = outcome_of(row)
                done[i] = [PartResult(**r) for r in outcome["results"]], outcome["notes"]
        return done

    def write(self, connection, submission, results, notes):
        """Mark one submission finished, inside the caller's transaction."""
        write_finished(connection, submission, self.fingerprint(submission), outcome_text(results, notes))

    def write_unfinished(self, connection, submission, results, notes):
        """Record why a submission's grading failed (for the exports) without marking it finished."""
        write_finished(connection, submission, UNFINISHED, outcome_text(results, notes))

    def mark(self, submission, results, notes):
        """Mark one submission finished, in a transaction of its own."""
        with self.engine.begin() as connection:
            self.write(connection, submission, results, notes)

    def mark_unfinished(self, submission, results, notes):
        with self.engine.begin() as connection:
            self.write_unfinished(connection, submission, results, notes)

    def close(self):
        self.engine.dispose()
