"""The course file (`course.toml`): due dates, extensions and the late policy.

    timezone = "Europe/Berlin"      # how due dates without an offset (and zip entry times) are read; default UTC

    [late_policy]
    method = "per_day"              # "none" (default), "zero" or "per_day"
    per_day = 0.10                  # per_day: the fraction of the assignment's score lost per started day late
    grace_minutes = 10              # a submission this little past its due date is on time

    [assignments.assignment4]
    due = 2026-11-20T23:59:00
    extensions = { s1234 = 2, s5678 = 2026-11-27T12:00:00 }   # days more, or a new due date

The policy follows nbgrader's LateSubmissionPlugin: a penalty is a number of points taken from
the score of a submitted assignment, never more than that score. "zero" is nbgrader's `zero`
method (a late submission scores 0); "per_day" takes `per_day` of the score for each started
day (24 hours) late. The due date with a student's extension is stored in the gradebook
(nbgrader's assignment due date and submission extension), the submission time too; the
exports apply the policy to the gradebook's current score.
"""
import math
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

METHODS = ("none", "zero", "per_day")
DAY = 86400.0


class CourseFileError(ValueError):
    """The course file says something this reader cannot use; the message says what and where."""


@dataclass(frozen=True)
class LatePolicy:
    method: str = "none"
    per_day: float = 0.0
    grace_minutes: float = 0.0

    def penalty(self, score, seconds_late):
        """Points taken from `score` (>= 0) for a submission `seconds_late` past its due date."""
        if seconds_late <= self.grace_minutes * 60 or self.method == "none" or score <= 0:
            return 0.0
        if self.method == "zero":
            return float(score)
        return min(float(score), score * self.per_day * math.ceil(seconds_late / DAY))

    def describe(self):
        """The policy in words, for feedback pages."""
        grace = f" (after {self.grace_minutes:g} minutes of grace)" if self.grace_minutes else ""
        if self.method == "zero":
            return f"a late submission scores 0{grace}"
        if self.method == "per_day":
            return f"{100 * self.per_day:g}% of the score is taken for each started day late{grace}"
        return "no late penalty"


@dataclass(frozen=True)
class CourseCalendar:
    """Due dates (naive UTC datetimes, as nbgrader stores them), extensions and the late policy."""
    due: dict = field(default_factory=dict)          # assignment id -> due date
    extensions: dict = field(default_factory=dict)   # (assignment id, student id) -> timedelta
    policy: LatePolicy = LatePolicy()
    timezone: str = "UTC"

    def due_date(self, assignment_id):
        return self.due.get(assignment_id)

    def extension(self, assignment_id, student_id):
        return self.extensions.get((assignment_id, student_id))

    def local_to_utc(self, moment):
        """A naive datetime read in the course's time zone, as naive UTC."""
        aware = moment.replace(tzinfo=ZoneInfo(self.timezone)) if moment.tzinfo is None else moment
        return aware.astimezone(timezone.utc).replace(tzinfo=None)


def as_datetime(value, where):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59))
    raise CourseFileError(f"{where}: expected a date and time such as 2026-11-20T23:59:00, got {value!r}")


def read_policy(table):
    policy = LatePolicy(**{k: table[k] for k in ("method", "per_day", "grace_minutes") if k in table})
    unknown = set(table) - {"method", "per_day", "grace_minutes"}
    if unknown or policy.method not in METHODS or not 0 <= policy.per_day <= 1 or policy.grace_minutes < 0:
        raise CourseFileError(f"[late_policy]: method is one of {', '.join(METHODS)}, per_day a fraction "
                              f"from 0 to 1 and grace_minutes >= 0 (got {table!r})")
    return policy


def read_calendar(data):
    """A CourseCalendar from the parsed course file."""
    zone = data.get("timezone", "UTC")
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError) as error:
        raise CourseFileError(f"timezone: {zone!r} is not a known time zone") from error
    calendar = CourseCalendar(policy=read_policy(data.get("late_policy", {})), timezone=zone)
    for assignment_id, table in data.get("assignments", {}).items():
        if "due" not in table:
            continue
        due = calendar.local_to_utc(as_datetime(table["due"], f"[assignments.{assignment_id}] due"))
        calendar.due[assignment_id] = due
        for student_id, value in table.get("extensions", {}).items():
            where = f"[assignments.{assignment_id}] extensions.{student_id}"
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                calendar.extensions[(assignment_id, student_id)] = timedelta(days=value)
            else:
                new_due = calendar.local_to_utc(as_datetime(value, where))
                calendar.extensions[(assignment_id, student_id)] = max(new_due - due, timedelta(0))
    return calendar


def load_calendar(path):
    """The calendar of the course file at `path` (an empty one, no penalty, if there is none)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return CourseCalendar()
    except tomllib.TOMLDecodeError as error:
        raise CourseFileError(f"{path}: {error}") from error
    return read_calendar(data)
