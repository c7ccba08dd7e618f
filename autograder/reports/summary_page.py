"""A one-page HTML summary per assignment, for the instructor: the score
histogram, the pass rate of every part, the bugs most often diagnosed, and the
students whose grading failed, with why. Plots are embedded PNGs."""
import base64
import html
import io
import re
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CAUSE = re.compile(r"Likely cause: your code (.+?)\. Hint:")
GRADING_PROBLEMS = ("was not submitted", "not valid notebook JSON", "could not be read", "grading failed",
                    "could not be graded", "no assignment", "not graded")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; }}
</style></head><body>
<h1>{title}</h1>
<p>{count} students; mean {mean:.1f} of {max_total:g} points.</p>
<img alt="score histogram" src="data:image/png;base64,{histogram}">
<h2>Pass rate per part</h2>
<table><tr><th>part</th><th>points</th><th>passed</th></tr>{pass_rows}</table>
<h2>Bugs most often diagnosed</h2>
{bug_list}
<h2>Students whose grading failed</h2>
{failure_list}
</body></html>
"""


def histogram_png(totals, max_total):
    figure, axes = plt.subplots(figsize=(6, 3))
    axes.hist(totals, bins=10, range=(0, max_total or 1), color="#4c72b0", edgecolor="white")
    axes.set_xlabel("total score")
    axes.set_ylabel("students")
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def items_or_none(items):
    if not items:
        return "<p>None.</p>"
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def summary_page(assignment_id, reports, columns):
    """HTML text of one assignment's summary; columns as in grades.csv: (assignment, part, points)."""
    parts = [(part, points) for a, part, points in columns if a == assignment_id]
    results = [[p for p in r.parts if p.assignment_id == assignment_id] for r in reports]
    totals = [sum(p.score for p in rs) for rs in results if all(p.graded for p in rs)]
    max_total = sum(points for _, points in parts)
    passed = Counter(p.part for rs in results for p in rs if p.passed)
    pass_rows = "".join(f"<tr><td>{html.escape(part)}</td><td>{points:g}</td>"
                        f"<td>{passed[part]} of {len(reports)}</td></tr>" for part, points in parts)
    bugs = Counter(f"{p.part}: {m.group(1)}" for rs in results for p in rs if (m := CAUSE.search(p.message)))
    failures = [f"{r.student_id}: {note}" for r in reports for note in r.notes
                if note.startswith(assignment_id) and any(k in note for k in GRADING_PROBLEMS)]
    return PAGE.format(title=f"{html.escape(assignment_id)}: grading summary", count=len(reports),
                       mean=sum(totals) / len(totals) if totals else 0.0, max_total=max_total,
                       histogram=histogram_png(totals, max_total), pass_rows=pass_rows,
                       bug_list=items_or_none([f"{bug} ({n} students)" for bug, n in bugs.most_common(10)]),
                       failure_list=items_or_none(failures))


def write_summary_pages(reports, columns, folder):
    """Write folder/summary-<assignment>.html for every assignment; return the paths."""
    written = []
    for assignment_id in dict.fromkeys(a for a, _, _ in columns):
        path = folder / f"summary-{assignment_id}.html"
        path.write_text(summary_page(assignment_id, reports, columns))
        written.append(path)
    return written
