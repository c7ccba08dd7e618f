"""The course file's calendar and late policy, and where a submission's time comes from (no kernel)."""
import os
import zipfile
from datetime import datetime, timedelta

import pytest

from autograder.course import Course
from autograder.course_file import CourseCalendar, CourseFileError, LatePolicy, load_calendar
from autograder.grading.intake import Submission
from autograder.grading.submission_time import submission_time, zip_entry_times

HOUR = 3600.0


@pytest.mark.parametrize("policy, score, late, penalty", [
    (LatePolicy("none"), 8, 30 * HOUR, 0),
    (LatePolicy("zero"), 8, 1, 8),                                  # nbgrader's `zero`
    (LatePolicy("zero"), 8, 0, 0),
    (LatePolicy("per_day", 0.1), 8, 1, 0.8),                        # a started day counts
    (LatePolicy("per_day", 0.1), 8, 24 * HOUR, 0.8),
    (LatePolicy("per_day", 0.1), 8, 24 * HOUR + 1, 1.6),
    (LatePolicy("per_day", 0.3), 8, 100 * HOUR, 8),                 # never more than the score
    (LatePolicy("per_day", 0.1, grace_minutes=15), 8, 14 * 60, 0),  # within the grace
    (LatePolicy("per_day", 0.1, grace_minutes=15), 8, 16 * 60, 0.8),
])
def test_late_penalty(policy, score, late, penalty):
    assert policy.penalty(score, late) == pytest.approx(penalty)


def write(tmp_path, text):
    (tmp_path / "course.toml").write_text(text)
    return tmp_path / "course.toml"


def test_due_dates_and_extensions_are_read_in_the_course_time_zone(tmp_path):
    calendar = load_calendar(write(tmp_path, """
timezone = "Europe/Berlin"
[late_policy]
method = "per_day"
per_day = 0.2
[assignments.a1]
due = 2026-11-20T23:59:00
extensions = { ann = 2, ben = 2026-11-25T12:00:00 }
[assignments.a2]
due = 2026-12-01T12:00:00Z
"""))
    assert calendar.due_date("a1") == datetime(2026, 11, 20, 22, 59)       # CET is UTC+1
    assert calendar.due_date("a2") == datetime(2026, 12, 1, 12, 0)
    assert calendar.extension("a1", "ann") == timedelta(days=2)
    assert calendar.extension("a1", "ben") == datetime(2026, 11, 25, 11, 0) - datetime(2026, 11, 20, 22, 59)
    assert calendar.extension("a1", "cat") is None and calendar.due_date("a3") is None
    assert calendar.policy == LatePolicy("per_day", 0.2)


@pytest.mark.parametrize("text", ['[late_policy]\nmethod = "half"', '[late_policy]\nper_day = 2.0',
                                  'timezone = "Mars/Olympus"', '[assignments.a1]\ndue = "friday"'])
def test_a_course_file_it_cannot_use_is_refused_with_the_reason(tmp_path, text):
    with pytest.raises(CourseFileError):
        load_calendar(write(tmp_path, text))


def test_a_course_reads_its_course_file_and_none_means_no_penalty(tmp_path):
    assert Course.under(tmp_path).calendar == CourseCalendar()
    write(tmp_path, '[assignments.a1]\ndue = 2026-11-20T23:59:00')
    assert Course.under(tmp_path).calendar.due_date("a1") == datetime(2026, 11, 20, 23, 59)


def submission(folder):
    notebook = folder / "nb.ipynb"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    notebook.write_text("{}")
    return Submission("ann", "a1", folder, notebooks={"nb": notebook})


def test_the_time_comes_from_timestamp_txt_then_the_zip_entry_then_the_file(tmp_path):
    calendar = CourseCalendar(timezone="Europe/Berlin")
    unpacked = submission(tmp_path / "unzipped" / "ann" / "a1")
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("ann/a1/nb.ipynb", date_time=(2026, 11, 20, 10, 30, 0)), "{}")
    entries = zip_entry_times(archive)
    assert submission_time(unpacked, entries, calendar) == (
        datetime(2026, 11, 20, 9, 30), "the time of its entry in the zip of submissions")
    os.utime(unpacked.notebooks["nb"], (0, datetime(2026, 11, 21, 8, 0).timestamp()))
    moment, source = submission_time(unpacked, {}, calendar)
    assert source == "the modification time of the submitted file"
    assert moment == datetime.utcfromtimestamp(datetime(2026, 11, 21, 8, 0).timestamp())
    (unpacked.folder / "timestamp.txt").write_text("2026-11-19 18:00:00.000000 UTC")
    assert submission_time(unpacked, entries, calendar) == (datetime(2026, 11, 19, 18, 0), "the time in its timestamp.txt")
    (unpacked.folder / "timestamp.txt").write_text("yesterday-ish")
    _, source = submission_time(unpacked, entries, calendar)
    assert source.startswith("timestamp.txt could not be read") and source.endswith("zip of submissions")


def test_a_zip_entry_without_a_valid_date_is_left_out_not_the_batch(tmp_path):
    """Zip writers may leave an entry's date fields 0 (month 0): that entry has no time; the
    others keep theirs and nothing raises (the hostile batch's zip bomb is such an entry)."""
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("ann/a1/nb.ipynb", date_time=(2026, 11, 20, 10, 30, 0)), "{}")
        z.writestr(zipfile.ZipInfo("bob/a1/nb.ipynb", date_time=(1980, 0, 0, 0, 0, 0)), "{}")
    assert zip_entry_times(archive) == {"ann/a1/nb.ipynb": datetime(2026, 11, 20, 10, 30)}
