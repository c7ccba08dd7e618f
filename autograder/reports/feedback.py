"""One HTML feedback page per student.

Unlike nbgrader's own feedback (its issue #917), the page shows only each
part's points and message: never the source of a test cell, never a
reference value.
"""
import html

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback for {student}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: .4em .6em; text-align: left; vertical-align: top; }}
.pass {{ color: #1a7f37; font-weight: bold; }} .fail {{ color: #c62828; font-weight: bold; }}
pre {{ white-space: pre-wrap; margin: 0; font-family: inherit; }}
</style></head><body>
<h1>Feedback for {student}</h1>
<p>Total: <strong>{total} / {max_total:g}</strong> points.</p>
{notes}
{tables}
<p>Each part is graded on its own: a part you lost does not cost you the others.
Run your notebook from the top (Kernel &rarr; Restart &amp; Run All) before submitting.</p>
</body></html>
"""


def part_row(part):
    status = ('<span class="pass">pass</span>' if part.passed else '<span class="fail">fail</span>' if part.graded
              else "not graded")
    points = f"{part.score:g} / {part.max_score:g}" if part.graded else f"&ndash; / {part.max_score:g}"
    return (f"<tr><td>{html.escape(part.part)}</td><td>{points}</td>"
            f"<td>{status}</td><td><pre>{html.escape(part.message)}</pre></td></tr>")


def assignment_table(assignment_id, parts):
    rows = "\n".join(part_row(p) for p in parts)
    return (f"<h2>{html.escape(assignment_id)}</h2>\n<table><tr><th>part</th><th>points</th>"
            f"<th>result</th><th>message</th></tr>\n{rows}\n</table>")


def feedback_page(report):
    by_assignment = {}
    for part in report.parts:
        by_assignment.setdefault(part.assignment_id, []).append(part)
    notes = ""
    if report.notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in dict.fromkeys(report.notes))
        notes = f"<h2>Notes</h2><ul>{items}</ul>"
    tables = "\n".join(assignment_table(a, parts) for a, parts in by_assignment.items())
    total = f"{report.total:g}" if report.graded else "not graded yet"
    return PAGE.format(student=html.escape(report.student_id), total=total,
                       max_total=report.max_total, notes=notes, tables=tables)


def write_feedback(reports, folder):
    """Write folder/<student_id>.html for every report; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for report in reports:
        (folder / f"{report.student_id}.html").write_text(feedback_page(report))
    return folder
