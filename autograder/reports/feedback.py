"""One HTML feedback page per student, from a GradebookExport (reports/model.py).

Unlike nbgrader's own feedback (its issue #917), the page shows only each part's points and
message, never the source of a test cell nor a reference value; it adds the instructor's
scores and comments from formgrader, the written answers' grades, and the submission time with
any late penalty. Only the assignments the student submitted are shown.
"""
import html

from autograder.reports.grade_table import late_text

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
{sections}
<p>Each part is graded on its own: a part you lost does not cost you the others.
Run your notebook from the top (Kernel &rarr; Restart &amp; Run All) before submitting.</p>
</body></html>
"""
TIME = "%Y-%m-%d %H:%M UTC"


def escaped(text):
    return html.escape(str(text))


def comment_html(comment):
    return f"<p><em>Your instructor:</em> {escaped(comment)}</p>" if comment else ""


def part_row(part):
    status = ('<span class="pass">pass</span>' if part.passed else '<span class="fail">fail</span>' if part.graded
              else "not graded")
    points = f"{part.score:g} / {part.max_score:g}" if part.graded else f"&ndash; / {part.max_score:g}"
    changed = "<p><em>Score set by your instructor.</em></p>" if part.changed_by_hand else ""
    return (f"<tr><td>{escaped(part.part)}</td><td>{points}</td>"
            f"<td>{status}</td><td><pre>{escaped(part.message)}</pre>{changed}{comment_html(part.comment)}</td></tr>")


def written_row(answer):
    points = "not graded yet" if answer.score is None else f"{answer.score:g} / {answer.max_score:g}"
    return (f"<tr><td>{escaped(answer.name)}</td><td>{points}</td><td>graded by hand</td>"
            f"<td>{comment_html(answer.comment)}</td></tr>")


def timing(submission):
    """When it was handed in and how we know; the due date, and any late penalty."""
    if submission.submitted_at is None:
        return ""
    source = f" (taken from {escaped(submission.time_source)})" if submission.time_source else ""
    text = f"Submitted {submission.submitted_at:{TIME}}{source}."
    if submission.due is not None:
        text += f" Due {submission.due:{TIME}}."
    if submission.seconds_late > 0:
        text += f" Handed in {late_text(submission.seconds_late)} late"
        text += (f": <strong>late penalty &minus;{submission.penalty:g} points</strong> ({escaped(submission.policy)})."
                 if submission.penalty else f" (no penalty: {escaped(submission.policy)}).")
    return f"<p>{text}</p>"


def assignment_section(submission):
    rows = "\n".join([part_row(p) for p in submission.parts] + [written_row(w) for w in submission.written])
    others = "".join(f"<li>{escaped(name)}: {escaped(text)}</li>" for name, text in submission.comments)
    others = f"<p>Comments from your instructor:</p><ul>{others}</ul>" if others else ""
    total = f"{submission.total:g}" if submission.graded else "not graded yet"
    return (f"<h2>{escaped(submission.assignment_id)}: {total} / {submission.max_score:g}</h2>\n"
            f"{timing(submission)}\n<table><tr><th>part</th><th>points</th><th>result</th><th>message</th></tr>\n"
            f"{rows}\n</table>{others}")


def feedback_page(student):
    notes = ""
    if student.notes:
        items = "".join(f"<li>{escaped(n)}</li>" for n in dict.fromkeys(student.notes))
        notes = f"<h2>Notes</h2><ul>{items}</ul>"
    sections = "\n".join(assignment_section(s) for s in student.submissions)
    total = f"{student.total:g}" if student.graded else "not graded yet"
    return PAGE.format(student=escaped(student.student_id), total=total, max_total=student.max_total,
                       notes=notes, sections=sections or "<p>No submission of yours was graded in this batch.</p>")


def write_feedback(export, folder):
    """Write folder/<student_id>.html for every student of the export; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for student in export.students:
        (folder / f"{student.student_id}.html").write_text(feedback_page(student))
    return folder
