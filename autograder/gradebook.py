"""Writing scores into nbgrader's gradebook ourselves, for the submissions that
nbgrader's autograde did not grade in this database: ones graded in a worker
process, and ones with no gradable notebook (so every student is listed)."""
from nbgrader.api import Gradebook


def record_scores(db_url, submission, notebooks, scores):
    """Record one submission in one transaction.

    notebooks: the assignment's notebook names; scores: notebook -> {grade_id:
    (auto_score, manual_score)}; a notebook or grade without scores gets 0.
    """
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_student(submission.student_id)
        gradebook.update_or_create_submission(submission.assignment_id, submission.student_id)
        for notebook in notebooks:
            notebook_scores = scores.get(notebook, {})
            graded = gradebook.find_submission_notebook(notebook, submission.assignment_id, submission.student_id)
            for grade in graded.grades:
                grade.auto_score, grade.manual_score = notebook_scores.get(grade.name, (0.0, None))
                grade.needs_manual_grade = False
        gradebook.db.commit()
