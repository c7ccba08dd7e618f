"""The grade table (grades.csv), the LMS table (canvas.csv) and the summary printed after grading,
from a GradebookExport (reports/model.py).

A student who did not submit an assignment gets blank cells for it, never a 0, unless the export
was asked for missing_as_zero (after the deadline). Totals and maxima are over the assignments a
student submitted (all of the export's, with missing_as_zero). A part the grading machine could
not grade is blank too (not 0), and so are the totals it is in. Every text cell is escaped against
formula injection (spreadsheet_text).
"""
import csv
import statistics
from collections import Counter

MAX_NOTE_CHARS = 160
MAX_HEADLINE_CHARS = 200  # of a failed part's message in the notes column (the likely cause is kept whole)
# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text):
    """`text` as a CSV cell that no spreadsheet runs as a formula: prefixed with ' when it starts
    with = + - @, a tab or a carriage return. For every text cell (not the numbers we format)."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def column_name(assignment_id, part):
    return f"{assignment_id}.{part}"


def number(value):
    return "" if value is None else f"{value:g}"


def short_reason(message):
    """A failed part's message for the notes column: its first line (cut), and the likely cause
    whole when one is named (the feedback page has the whole message)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    head = lines[0] if lines else ""
    head = head if len(head) <= MAX_HEADLINE_CHARS else head[:MAX_HEADLINE_CHARS] + "..."
    return " ".join([head] + [line for line in lines[1:] if line.startswith("Likely cause")])


def late_note(submission):
    if submission.penalty <= 0:
        return None
    return (f"{submission.assignment_id}: submitted {late_text(submission.seconds_late)} late, "
            f"{submission.penalty:g} points taken ({submission.policy}).")


def late_text(seconds):
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days} d {hours} h {rest // 60} min" if days else f"{hours} h {rest // 60} min"


def submission_notes(submission):
    """Everything a student should know about one submission, for grades.csv: its notes, each
    failed part's reason (none is cut away), the late penalty, the written answers not graded yet."""
    notes = list(submission.notes)
    notes += [f"{column_name(p.assignment_id, p.part)}: {short_reason(p.message)}" for p in submission.parts
              if p.graded and not p.passed and p.message and not any(p.message in note for note in submission.notes)]
    notes.append(late_note(submission))
    if submission.ungraded:
        notes.append(f"{submission.assignment_id}: {len(submission.ungraded)} written answer(s) not graded yet.")
    return [n for n in notes if n]


def notes_cell(student):
    return "; ".join(dict.fromkeys(n for s in student.submissions for n in submission_notes(s)))


def totals(export, student):
    """(total, max_total) of one student, over the submitted assignments (all with missing_as_zero);
    (None, None) when there is nothing to add up."""
    counted = student.submissions
    maxima = {a.assignment_id: a.max_score for a in export.assignments}
    total = sum(s.total for s in counted) if student.graded else None
    if export.missing_as_zero:
        return total, sum(maxima.values())
    if not counted:
        return None, None
    return total, sum(maxima[s.assignment_id] for s in counted)


def grade_columns(export):
    """[(header, assignment id, function of a SubmissionGrades)] of every assignment's columns, in order."""
    columns = []
    for info in export.assignments:
        a = info.assignment_id
        columns += [(column_name(a, part), a, lambda s, i=i: s.parts[i].score if s.parts[i].graded else None)
                    for i, (part, _) in enumerate(info.parts)]
        columns += [(column_name(a, name), a, lambda s, i=i: s.written[i].score)
                    for i, (name, _) in enumerate(info.written)]
        if info.due is not None:
            columns.append((column_name(a, "late_penalty"), a, lambda s: s.penalty))
    return columns


def write_grades_csv(export, path):
    """One row per student, a column per graded part and written answer (blank until graded),
    a late-penalty column per assignment with a due date, then total, max_total and notes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = grade_columns(export)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id"] + [spreadsheet_text(header) for header, _, _ in columns]
                        + ["total", "max_total", "notes"])
        for student in export.students:
            cells = []
            for _, assignment_id, value in columns:
                submission = student.submission(assignment_id)
                cells.append(number(value(submission)) if submission else ("0" if export.missing_as_zero else ""))
            total, max_total = totals(export, student)
            writer.writerow([spreadsheet_text(student.student_id)] + cells
                            + [number(total), number(max_total), spreadsheet_text(notes_cell(student))])
    return path


def submission_total(submission, missing_as_zero):
    """canvas.csv's cell of one assignment: its total, blank if it was not submitted (0 with
    missing_as_zero) or could not be graded."""
    if submission is None:
        return "0" if missing_as_zero else ""
    return number(submission.total) if submission.graded else ""


def canvas_assignments(export):
    """The assignments canvas.csv has a column for: those somebody in the export submitted."""
    return [info for info in export.assignments if export.submitters(info.assignment_id)]


def write_canvas_csv(export, path):
    """A gradebook CSV in the layout Canvas imports: Student, ID, SIS User ID, SIS Login ID,
    Section, then one column per assignment (its score after any late penalty), and a first row
    of points possible. Student ids fill the SIS columns. An assignment nobody submitted has no
    column; a student who did not submit one gets a blank (Canvas leaves the grade as it is),
    or 0 with missing_as_zero."""
    assignments = canvas_assignments(export)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
                        + [spreadsheet_text(a.assignment_id) for a in assignments])
        writer.writerow(["Points Possible", "", "", "", ""] + [number(a.max_score) for a in assignments])
        for student in export.students:
            values = []
            for info in assignments:
                submission = student.submission(info.assignment_id)
                values.append(submission_total(submission, export.missing_as_zero))
            student_id = spreadsheet_text(student.student_id)
            writer.writerow([student_id, "", student_id, student_id, ""] + values)
    return path


def histogram_lines(totals, max_total, bins=5, width=30):
    """A text histogram of total scores in `bins` equal ranges."""
    counts = Counter(min(int(bins * t / max_total), bins - 1) if max_total else 0 for t in totals)
    top = max(counts.values(), default=1)
    lines = []
    for b in range(bins):
        low, high = max_total * b / bins, max_total * (b + 1) / bins
        bar = "#" * round(width * counts.get(b, 0) / top)
        lines.append(f"  {low:5.0f}-{high:<5.0f} {counts.get(b, 0):4d} {bar}")
    return lines


def print_assignment_summary(export, info):
    submitted = export.submitters(info.assignment_id)
    missing = export.non_submitters(info.assignment_id)
    parts = len(info.parts) + len(info.written)
    print(f"{info.assignment_id}: {len(submitted)} submission(s), {parts} part(s), {info.max_score:g} points"
          + (f"; {len(missing)} student(s) did not submit" if missing else ""))
    print_not_graded([s for s in submitted if not s.graded])
    scores = [s.total for s in submitted if s.graded]
    if not scores:
        return
    print(f"  Scores of those who submitted: min {min(scores):g}, median {statistics.median(scores):g}, "
          f"mean {statistics.mean(scores):.1f}, max {max(scores):g}")
    print("\n".join(histogram_lines(scores, info.max_score)))
    failed = Counter(column_name(p.assignment_id, p.part) for s in submitted for p in s.parts
                     if p.graded and not p.passed)
    if failed:
        print("  Parts most often failed:")
        for name, count in failed.most_common(5):
            print(f"    {name}: {count} of {len(submitted)} submissions")
    ungraded = sum(len(s.ungraded) for s in submitted)
    if ungraded:
        print(f"  {ungraded} written answer(s) still to grade in formgrader.")


def print_summary(export):
    """Per assignment: submissions, scores over those who submitted, the parts most often failed;
    then the submissions with notes."""
    print(f"Graded {len(export.students)} student(s) on {len(export.assignments)} assignment(s).")
    for info in export.assignments:
        print_assignment_summary(export, info)
    print_submission_notes(export.students)


def print_not_graded(submissions):
    """Submissions the grading machine could not grade: blank in grades.csv, graded by a rerun."""
    if submissions:
        print(f"  NOT GRADED ({len(submissions)}; blank in grades.csv; run the same command again to grade them):")
        for submission in submissions:
            reason = next(p.message for p in submission.parts if not p.graded)
            print(f"    {submission.student_id}: {reason[:MAX_NOTE_CHARS]}")


def print_submission_notes(students, limit=20):
    """Missing, damaged, renamed or crashed submissions, listed once at the end."""
    noted = [s for s in students if s.notes]
    if not noted:
        return
    print(f"Submissions with notes ({len(noted)}; all of them are in grades.csv):")
    for student in noted[:limit]:
        print(f"  {student.student_id}: {student.notes[0][:MAX_NOTE_CHARS]}")
    if len(noted) > limit:
        print(f"  ... and {len(noted) - limit} more")
