"""What the reports show: the gradebook's contents for a set of assignments and students, as plain
values (exports/ reads them from the gradebook; nothing here reads a database or a grading run)."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class PartGrade:
    """One autograded part of one submission, as the gradebook holds it now.

    score: the gradebook's score (a score set in formgrader wins); graded_score: what the grader
    gave (None when the gradebook has no grader's record); message: the grader's message; comment:
    the instructor's comment (formgrader); cases: hidden case name -> passed; graded: False when
    the grading machine failed (not the submission): no score, and a rerun grades it.
    """
    assignment_id: str
    part: str
    score: float
    max_score: float
    message: str = ""
    graded_score: float | None = None
    comment: str = ""
    cases: dict = field(default_factory=dict)
    graded: bool = True

    @property
    def passed(self):
        return self.graded and self.score >= self.max_score > 0

    @property
    def changed_by_hand(self):
        """The gradebook's score is not the one the grader gave: someone changed it in formgrader."""
        return self.graded_score is not None and self.score != self.graded_score


@dataclass
class WrittenAnswer:
    """One hand-graded answer cell of one submission: score None until it is graded."""
    assignment_id: str
    name: str
    score: float | None
    max_score: float
    comment: str = ""


@dataclass
class SubmissionGrades:
    """One student's graded submission of one assignment."""
    student_id: str
    assignment_id: str
    parts: list = field(default_factory=list)      # PartGrade
    written: list = field(default_factory=list)    # WrittenAnswer
    notes: list = field(default_factory=list)
    comments: list = field(default_factory=list)   # (cell name, comment) not shown beside a part
    submitted_at: datetime | None = None           # naive UTC, as nbgrader stores it
    time_source: str = ""                          # where submitted_at came from
    due: datetime | None = None                    # with the student's extension
    seconds_late: float = 0.0
    penalty: float = 0.0
    policy: str = ""                               # the late policy in words

    @property
    def score(self):
        """Points before any late penalty (a written answer not graded yet counts 0)."""
        return sum(p.score for p in self.parts) + sum(w.score or 0.0 for w in self.written)

    @property
    def total(self):
        return self.score - self.penalty

    @property
    def max_score(self):
        return sum(p.max_score for p in self.parts) + sum(w.max_score for w in self.written)

    @property
    def ungraded(self):
        return [w for w in self.written if w.score is None]

    @property
    def graded(self):
        """False when the grading machine could not grade it (its score is then blank, not 0)."""
        return all(p.graded for p in self.parts)


@dataclass
class AssignmentInfo:
    """One assignment of an export: its parts and written answers, in notebook order, with points."""
    assignment_id: str
    parts: list          # (part, points)
    written: list        # (name, points)
    due: datetime | None = None

    @property
    def max_score(self):
        return sum(points for _, points in self.parts) + sum(points for _, points in self.written)


@dataclass
class StudentGrades:
    """Everything exported for one student: the submissions among the exported assignments."""
    student_id: str
    submissions: list = field(default_factory=list)   # SubmissionGrades, in assignment order

    @property
    def parts(self):
        return [p for s in self.submissions for p in s.parts]

    @property
    def notes(self):
        return [n for s in self.submissions for n in s.notes]

    @property
    def total(self):
        return sum(s.total for s in self.submissions)

    @property
    def graded(self):
        return all(s.graded for s in self.submissions)

    @property
    def max_total(self):
        return sum(s.max_score for s in self.submissions)

    def submission(self, assignment_id):
        return next((s for s in self.submissions if s.assignment_id == assignment_id), None)


@dataclass
class GradebookExport:
    """The assignments and students of one export and their submissions."""
    assignments: list                  # AssignmentInfo
    students: list                     # StudentGrades, sorted by id
    missing_as_zero: bool = False

    def submitters(self, assignment_id):
        return [s.submission(assignment_id) for s in self.students if s.submission(assignment_id)]

    def non_submitters(self, assignment_id):
        return [s.student_id for s in self.students if s.submission(assignment_id) is None]
