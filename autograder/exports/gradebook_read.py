"""Reading the gradebook into the values the reports show (reports/model.py).

Scores, written-answer grades, comments, submission times, due dates and extensions come from
nbgrader's tables, so whatever was changed in formgrader is what is exported; each part's
message, its hidden-case outcomes and the submission's notes come from our own table
(gradebook_schema.py). The late policy comes from the course file (the Course's calendar).
"""
import nbformat
from nbgrader.api import Gradebook
from sqlalchemy import create_engine

from autograder.gradebook_schema import finished_rows, outcome_of, time_sources
from autograder.reports.model import (AssignmentInfo, GradebookExport, PartGrade, StudentGrades, SubmissionGrades,
                                      WrittenAnswer)
from coursekit.cells import nbgrader_meta

NOT_FINISHED = ("its grading did not finish: run the same `grade` command again to grade it "
                "(the scores shown are what the gradebook holds).")


def part_of(grade_id):
    """The part a test cell grades: its grade id without the 'test_' prefix."""
    return grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id


def source_order(course, assignment_id):
    """{grade id: position} of the graded cells in the course's source notebooks ({} if it has none)."""
    folder = course.solutions_dir / assignment_id
    order = {}
    for path in course.source_notebooks(assignment_id) if folder.is_dir() else []:
        for cell in nbformat.read(str(path), as_version=4).cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            if nbgrader_meta(cell).get("grade") and grade_id not in order:
                order[grade_id] = len(order)
    return order


def assignment_info(gradebook, course, assignment_id):
    """The assignment's autograded parts and written answers, in the course's notebook order."""
    assignment = gradebook.find_assignment(assignment_id)
    cells = []
    for notebook in assignment.notebooks:
        by_hand = {c.name for c in notebook.solution_cells}
        cells += [(c.name, c.max_score, c.name in by_hand) for c in notebook.grade_cells]
    order = source_order(course, assignment_id)
    cells.sort(key=lambda cell: (order.get(cell[0], len(order)), cell[0]))
    return AssignmentInfo(assignment_id, [(part_of(name), points) for name, points, manual in cells if not manual],
                          [(name, points) for name, points, manual in cells if manual], assignment.duedate)


def attach_comments(result, comments):
    """Put each instructor's comment beside its written answer or part (`<part>_code` cells), else in a list."""
    written = {w.name: w for w in result.written}
    parts = {f"{p.part}_code": p for p in result.parts}
    for name, text in comments:
        target = written.get(name) or parts.get(name)
        if target is not None:
            target.comment = text
        else:
            result.comments.append((name, text))


def submission_grades(submission, info, row, time_source, calendar):
    """One SubmittedAssignment of nbgrader's, with our row (or None), as SubmissionGrades."""
    grades, comments = {}, []
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            grades[grade.name] = grade
        comments += [(c.name, c.manual_comment) for c in notebook.comments if c.manual_comment]
    outcome = outcome_of(row) if row is not None else {"results": [], "notes": []}
    recorded = {r["part"]: r for r in outcome["results"]}
    result = SubmissionGrades(submission.student.id, info.assignment_id, notes=list(outcome["notes"]),
                              submitted_at=submission.timestamp, time_source=time_source or "",
                              due=submission.duedate)
    for part, points in info.parts:
        grade = grades.get(f"test_{part}") or grades.get(part)
        mine = recorded.get(part, {})
        result.parts.append(PartGrade(info.assignment_id, part, float(grade.score) if grade else 0.0, points,
                                      mine.get("message", ""), mine.get("score"), cases=mine.get("cases", {}),
                                      graded=mine.get("graded", True)))
    for name, points in info.written:
        grade = grades.get(name)
        graded = grade is not None and (grade.manual_score is not None or grade.auto_score is not None)
        result.written.append(WrittenAnswer(info.assignment_id, name, float(grade.score) if graded else None, points))
    attach_comments(result, comments)
    if row is None and submission.notebooks:  # an UNFINISHED row's notes say why itself
        result.notes.append(f"{info.assignment_id}: {NOT_FINISHED}")
    result.seconds_late = submission.total_seconds_late
    result.penalty = calendar.policy.penalty(result.score, result.seconds_late)
    result.policy = calendar.policy.describe()
    return result


def read_gradebook(course, db_url, assignment_ids=None, student_ids=None, missing_as_zero=False):
    """A GradebookExport of `assignment_ids` (default: every assignment with a submission) for
    `student_ids` (default: every student in the gradebook), with the course's late policy."""
    engine = create_engine(db_url, future=True)
    try:
        rows, sources = finished_rows(engine), time_sources(engine)
    finally:
        engine.dispose()
    with Gradebook(db_url) as gradebook:
        students = sorted(student_ids if student_ids is not None else [s.id for s in gradebook.students])
        wanted = set(students)
        by_student = {s: StudentGrades(s) for s in students}
        known = {a.name for a in gradebook.assignments}
        names = [a for a in (sorted(known) if assignment_ids is None else assignment_ids) if a in known]
        assignments = []
        for assignment_id in names:
            info = assignment_info(gradebook, course, assignment_id)
            submissions = [s for s in gradebook.assignment_submissions(assignment_id) if s.student.id in wanted]
            if not submissions and assignment_ids is None:
                continue
            assignments.append(info)
            for submission in sorted(submissions, key=lambda s: s.student.id):
                key = (submission.student.id, assignment_id)
                by_student[key[0]].submissions.append(
                    submission_grades(submission, info, rows.get(key), sources.get(key), course.calendar))
    return GradebookExport(assignments, list(by_student.values()), missing_as_zero)
