"""What a student id may be: one rule for `submit` and the grader.

An id names a folder in a submission (``<id>/<assignment>/<notebook>.ipynb``), a student in
the gradebook and a feedback file, so it is 1 to 64 characters from letters, digits and
``. _ - @`` (an e-mail address or a matriculation number fits), starting with a letter or a
digit: no spaces, no path separators, never ``.`` or ``..``.
"""
import re

MAX_LENGTH = 64
PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")


def id_problem(student_id):
    """None when `student_id` is a valid id, else what is wrong with it (a sentence)."""
    if not student_id:
        return "the student id is empty."
    if len(student_id) > MAX_LENGTH:
        return f"the student id is {len(student_id)} characters long; at most {MAX_LENGTH} are allowed."
    if not PATTERN.fullmatch(student_id):
        return (f"the student id {student_id!r} may use only letters, digits and . _ - @, "
                "and must start with a letter or a digit.")
    return None
