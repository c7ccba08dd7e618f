"""Every write of ours to the gradebook database; nbgrader's autograde writes its own scores.

- the scores of submissions that nbgrader's autograde did not grade in this
  database: ones graded in a worker process, and ones with no gradable notebook
  (so every student is listed); written answers are left for grading by hand;
- every autograded part's score, from the grader's verdicts (never from nbgrader's
  "the cell raised no error"), and the parts the dependency rerun gave back (as manual
  scores);
- the finished-submission rows that crash safety and resume read (journal.py);
- each submission's time, the assignment's due date and the student's extension
  (nbgrader's columns, which formgrader shows) and where the time came from (ours);
- what lets several graders share one server database (PostgreSQL).
"""
from contextlib import contextmanager

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy import create_engine, delete, insert, text

from autograder.gradebook_schema import FINISHED, SUBMITTED
from autograder.nbgrader_setup import COURSE_ID

SCHEMA_LOCK_KEY = 7231  # any fixed number: the advisory lock all our graders agree on


def with_driver(db_url):
    """A PostgreSQL URL without a driver names psycopg2, the one requirements.txt installs
    (SQLAlchemy's own default is psycopg 3)."""
    return "postgresql+psycopg2://" + db_url[len("postgresql://"):] if db_url.startswith("postgresql://") else db_url


def record_scores(db_url, submission, notebooks, scores, finished=None):
    """Record one submission in one transaction.

    notebooks: the assignment's notebook names; scores: notebook -> {grade_id:
    (auto_score, manual_score)}; a notebook or grade without scores gets 0. A written
    answer keeps the manual score it has here (record_written_answer).
    finished(session), if given, adds its own writes to the same transaction
    (the journal's finished mark).
    """
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_student(submission.student_id)
        gradebook.update_or_create_submission(submission.assignment_id, submission.student_id)
        for notebook in notebooks:
            notebook_scores = scores.get(notebook, {})
            graded = gradebook.find_submission_notebook(notebook, submission.assignment_id, submission.student_id)
            for grade in graded.grades:
                auto_score, manual_score = notebook_scores.get(grade.name, (0.0, None))
                if grade.cell_type == "markdown":
                    record_written_answer(grade, auto_score)
                else:
                    grade.auto_score, grade.manual_score = auto_score, manual_score
                    grade.needs_manual_grade = False
        if finished is not None:
            finished(gradebook.db)
        gradebook.db.commit()


def record_written_answer(grade, auto_score):
    """A written answer (a markdown answer cell) is graded by hand, in formgrader: keep its manual
    score and, as nbgrader's autograde does, mark it for manual grading when it was answered (no
    automatic score; an untouched answer scores 0) or when a manual score is there to review."""
    grade.auto_score = auto_score
    grade.needs_manual_grade = auto_score is None or grade.manual_score is not None


@contextmanager
def schema_lock(db_url):
    """Serialize schema and shared-row creation between graders on one PostgreSQL
    database (a session advisory lock); nothing to do for SQLite, which takes
    one grader at a time anyway."""
    if not db_url.startswith("postgresql"):
        yield
        return
    engine = create_engine(db_url, future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
    finally:
        engine.dispose()


def add_students(db_url, student_ids):
    """Create the courses and students that grading will refer to, before it
    starts: two graders (on different assignments) creating the same student
    at once would otherwise collide, and one of them would lose its write."""
    with Gradebook(db_url, course_id=COURSE_ID), Gradebook(db_url) as gradebook:
        known = {student.id for student in gradebook.students}
        for student_id in sorted(set(student_ids) - known):
            gradebook.add_student(student_id)


def gradebook_scores(db_url, submission, notebook):
    """{grade_id: (auto_score, manual_score)} of one graded notebook ({} if not graded)."""
    with Gradebook(db_url) as gradebook:
        try:
            graded = gradebook.find_submission_notebook(notebook, submission.assignment_id, submission.student_id)
        except MissingEntry:
            return {}
        return {grade.name: (grade.auto_score, grade.manual_score) for grade in graded.grades}


def record_verdicts(db_url, submission, notebook, notebook_parts, results, given_back):
    """Write every autograded part's score of one graded notebook, in one transaction: the
    points of its verdict (points or 0, whatever nbgrader's "the cell raised no error" gave)
    as the autograded score, and for the results in `given_back` (the dependency rerun's)
    their points as a manual score. notebook_parts: [(part, grade_id, points)]."""
    grade_ids = {part: grade_id for part, grade_id, _ in notebook_parts}
    given = {result.part for result in given_back}
    with Gradebook(db_url) as gradebook:
        for result in results:
            grade = gradebook.find_grade(grade_ids[result.part], notebook, submission.assignment_id,
                                         submission.student_id)
            grade.auto_score = 0.0 if result.part in given else result.score
            grade.manual_score = result.max_score if result.part in given else None
        gradebook.db.commit()


def write_finished(connection, submission, fingerprint, outcome):
    """Mark one submission finished (outcome: JSON text), inside the caller's transaction."""
    key = (FINISHED.c.student_id == submission.student_id) & (FINISHED.c.assignment_id == submission.assignment_id)
    connection.execute(delete(FINISHED).where(key))
    connection.execute(insert(FINISHED).values(student_id=submission.student_id,
                                               assignment_id=submission.assignment_id,
                                               fingerprint=fingerprint, outcome=outcome))


def record_submission_times(db_url, timed, calendar):
    """Record when each submission was handed in, against which due date: timed is
    [(submission, naive UTC time, source in words)]; calendar: the course file's, which decides
    the due date and extensions of the assignments it gives a due date (the others keep theirs).
    Our table exists (the journal creates it) before this runs."""
    with Gradebook(db_url) as gradebook:
        dated = {a for a in {s.assignment_id for s, _, _ in timed} if calendar.due_date(a) is not None}
        for assignment_id in sorted(dated):
            gradebook.update_or_create_assignment(assignment_id, duedate=calendar.due_date(assignment_id))
        for submission, moment, source in timed:
            dates = ({"extension": calendar.extension(submission.assignment_id, submission.student_id)}
                     if submission.assignment_id in dated else {})
            gradebook.update_or_create_submission(submission.assignment_id, submission.student_id,
                                                  timestamp=moment, **dates)
            key = ((SUBMITTED.c.student_id == submission.student_id)
                   & (SUBMITTED.c.assignment_id == submission.assignment_id))
            gradebook.db.execute(delete(SUBMITTED).where(key))
            gradebook.db.execute(insert(SUBMITTED).values(student_id=submission.student_id,
                                                          assignment_id=submission.assignment_id, time_source=source))
        gradebook.db.commit()
