"""The grade table (grades.csv) and the summary printed after a grading run."""
import csv
import statistics
from collections import Counter

MAX_NOTE_CHARS = 160
# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text):
    """`text` as a CSV cell that no spreadsheet runs as a formula: prefixed with ' when it starts
    with = + - @, a tab or a carriage return. For every text cell (not the numbers we format)."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def column_name(assignment_id, part):
    return f"{assignment_id}.{part}"


def notes_cell(report):
    """Reasons for lost points and remarks, in one CSV cell (why a part was not graded is in the notes)."""
    reasons = [f"{p.part}: {p.message}" for p in report.parts if p.graded and not p.passed]
    text = "; ".join(dict.fromkeys(report.notes + reasons))
    return text if len(text) <= 4000 else text[:4000] + "..."


def score_cell(score, graded=True):
    """A score as grades.csv writes it: blank when the part was not graded (not 0)."""
    return f"{score:g}" if graded else ""


def write_grades_csv(reports, columns, path):
    """One row per student, one column per graded part, then total, max_total and notes. A part the
    grader could not grade is blank, and so is the total of a student with such a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id"] + [spreadsheet_text(column_name(a, part)) for a, part, _ in columns]
                        + ["total", "max_total", "notes"])
        for report in sorted(reports, key=lambda r: r.student_id):
            parts = {(p.assignment_id, p.part): p for p in report.parts}
            cells = [score_cell(parts[key].score, parts[key].graded) if (key := (a, part)) in parts else "0"
                     for a, part, _ in columns]
            writer.writerow([spreadsheet_text(report.student_id)] + cells
                            + [score_cell(report.total, report.graded), f"{report.max_total:g}",
                               spreadsheet_text(notes_cell(report))])
    return path


def write_canvas_csv(reports, columns, path):
    """A gradebook CSV in the layout Canvas imports: Student, ID, SIS User ID,
    SIS Login ID, Section, then one column per assignment, and a first row of
    points possible. Student ids from the submissions fill the SIS columns."""
    assignments = list(dict.fromkeys(a for a, _, _ in columns))
    possible = {a: sum(points for b, _, points in columns if b == a) for a in assignments}
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
                        + [spreadsheet_text(a) for a in assignments])
        writer.writerow(["Points Possible", "", "", "", ""] + [f"{possible[a]:g}" for a in assignments])
        for report in sorted(reports, key=lambda r: r.student_id):
            parts = {a: [p for p in report.parts if p.assignment_id == a] for a in assignments}
            student = spreadsheet_text(report.student_id)
            writer.writerow([student, "", student, student, ""] + [
                score_cell(sum(p.score for p in parts[a]), all(p.graded for p in parts[a])) for a in assignments])
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


def print_summary(reports, columns):
    """Students graded, score distribution, the parts most often failed, and who could not be graded."""
    not_graded = [r for r in reports if not r.graded]
    reports = [r for r in reports if r.graded]
    totals = [r.total for r in reports]
    max_total = sum(points for _, _, points in columns)
    print(f"Graded {len(reports)} student(s) on {len(columns)} part(s), {max_total:g} points in all.")
    print_not_graded(not_graded)
    if not totals:
        return
    print(f"Scores: min {min(totals):g}, median {statistics.median(totals):g}, "
          f"mean {statistics.mean(totals):.1f}, max {max(totals):g}")
    print("\n".join(histogram_lines(totals, max_total)))
    failed = Counter(column_name(p.assignment_id, p.part) for r in reports for p in r.parts if not p.passed)
    if failed:
        print("Parts most often failed:")
        for name, count in failed.most_common(5):
            print(f"  {name}: {count} of {len(reports)} students")
    print_submission_notes(reports)


def print_not_graded(reports):
    """Students with a submission the grader could not grade: blank in grades.csv, graded by a rerun."""
    if reports:
        print(f"NOT GRADED ({len(reports)}; blank in grades.csv; run the same command again to grade them):")
        for report in sorted(reports, key=lambda r: r.student_id):
            reason = next(p.message for p in report.parts if not p.graded)
            print(f"  {report.student_id}: {reason[:MAX_NOTE_CHARS]}")


def print_submission_notes(reports, limit=20):
    """Missing, damaged, renamed or crashed submissions, listed once at the end."""
    noted = [r for r in sorted(reports, key=lambda r: r.student_id) if r.notes]
    if not noted:
        return
    print(f"Submissions with notes ({len(noted)}; all of them are in grades.csv):")
    for report in noted[:limit]:
        print(f"  {report.student_id}: {report.notes[0][:MAX_NOTE_CHARS]}")
    if len(noted) > limit:
        print(f"  ... and {len(noted) - limit} more")
