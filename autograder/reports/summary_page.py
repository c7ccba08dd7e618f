"""A one-page HTML summary per assignment, for the instructor, from a GradebookExport: statistics
over the students who submitted (those who did not are counted and listed apart), the score
histogram, the pass rate of every part and of every hidden case (item analysis), the written
answers still to grade, the bugs most often diagnosed, the submissions that could not be graded,
the late ones, and the pairs of answers most alike (a flag, never a grade). Plots are embedded PNGs."""
import base64
import html
import io
import re
import statistics
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CAUSE = re.compile(r"Likely cause: your code (.+?)\. Hint:")
GRADING_PROBLEMS = ("was not submitted", "not valid notebook JSON", "could not be read", "grading failed",
                    "could not be graded", "did not finish", "not graded")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; }}
</style></head><body>
<h1>{title}</h1>
<table id="statistics">
<tr><th>submitted</th><td>{submitted}</td></tr>
<tr><th>did not submit</th><td>{missing}</td></tr>
<tr><th>mean of those who submitted</th><td>{mean}</td></tr>
<tr><th>median of those who submitted</th><td>{median}</td></tr>
<tr><th>points possible</th><td>{max_total:g}</td></tr>
</table>
<img alt="score histogram" src="data:image/png;base64,{histogram}">
<h2>Pass rate per part</h2>
<table id="parts"><tr><th>part</th><th>points</th><th>passed</th></tr>{part_rows}</table>
<h2>Pass rate per hidden test case</h2>
<table id="cases"><tr><th>part</th><th>case</th><th>passed</th></tr>{case_rows}</table>
<h2>Written answers</h2>
<table id="written"><tr><th>answer</th><th>points</th><th>graded</th><th>mean</th></tr>{written_rows}</table>
<h2>Bugs most often diagnosed</h2>
{bug_list}
<h2>Submissions that could not be graded in full</h2>
{failure_list}
<h2>Late submissions</h2>
{late_list}
<h2>Did not submit</h2>
{missing_list}
<h2>Answers most alike</h2>
<p>Pairs whose answer cells share at least a third of their code once the released starter code is
removed (copydetect; names and strings do not count). A flag to look at, never a change to a grade.</p>
<table id="similarity"><tr><th>part</th><th>students</th><th>share of each in the other</th></tr>{similar_rows}</table>
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


def rate(passed, count):
    return f"{passed} of {count}" + (f" ({100 * passed / count:.0f}%)" if count else "")


def row(*cells):
    return "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"


def case_rows(info, submitted):
    """One row per hidden case: how many of the submissions passed it (a case not run counts as failed)."""
    rows = []
    for part, _ in info.parts:
        grades = [next(p for p in s.parts if p.part == part) for s in submitted]
        names = list(dict.fromkeys(name for g in grades for name in g.cases))
        rows += [row(part, name, rate(sum(bool(g.cases.get(name)) for g in grades), len(grades))) for name in names]
    return rows


def written_rows(info, submitted):
    rows = []
    for index, (name, points) in enumerate(info.written):
        scores = [s.written[index].score for s in submitted if s.written[index].score is not None]
        mean = f"{statistics.mean(scores):.1f}" if scores else "-"
        rows.append(row(name, f"{points:g}", f"{len(scores)} of {len(submitted)}", mean))
    return rows


def summary_page(export, info, similar=()):
    """HTML text of one assignment's summary; similar: its flagged SimilarPairs."""
    a = info.assignment_id
    submitted = export.submitters(a)
    missing = export.non_submitters(a)
    totals = [s.total for s in submitted if s.graded]
    passed = Counter(p.part for s in submitted for p in s.parts if p.passed)
    part_rows = "".join(row(part, f"{points:g}", rate(passed[part], len(submitted))) for part, points in info.parts)
    bugs = Counter(f"{p.part}: {m.group(1)}" for s in submitted for p in s.parts if (m := CAUSE.search(p.message)))
    failures = [f"{s.student_id}: {note}" for s in submitted for note in s.notes
                if any(k in note for k in GRADING_PROBLEMS)]
    late = [f"{s.student_id}: {s.seconds_late / 3600:.1f} hours late, {s.penalty:g} points taken"
            for s in submitted if s.seconds_late > 0]
    similar_rows = "".join(row(p.part, " and ".join(p.students), " / ".join(f"{100 * x:.0f}%" for x in p.similarity))
                           for p in similar)
    return PAGE.format(
        title=f"{html.escape(a)}: grading summary", submitted=len(submitted), missing=len(missing),
        mean=f"{statistics.mean(totals):.1f}" if totals else "-",
        median=f"{statistics.median(totals):g}" if totals else "-", max_total=info.max_score,
        histogram=histogram_png(totals, info.max_score), part_rows=part_rows,
        case_rows="".join(case_rows(info, submitted)), written_rows="".join(written_rows(info, submitted)),
        bug_list=items_or_none([f"{bug} ({n} students)" for bug, n in bugs.most_common(10)]),
        failure_list=items_or_none(failures), late_list=items_or_none(late), missing_list=items_or_none(missing),
        similar_rows=similar_rows)


def write_summary_pages(export, folder, similar=()):
    """Write folder/summary-<assignment>.html for every assignment somebody submitted; return the paths."""
    written = []
    for info in export.assignments:
        if not export.submitters(info.assignment_id):
            continue
        path = folder / f"summary-{info.assignment_id}.html"
        path.write_text(summary_page(export, info, [p for p in similar if p.assignment_id == info.assignment_id]))
        written.append(path)
    return written
