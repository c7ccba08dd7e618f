"""Everything exported from the gradebook, in one call: what `grade` runs at its end and
`python -m autograder export` runs alone.

In the output folder: grades.csv and canvas.csv (reports/grade_table.py), feedback/<student>.html
(reports/feedback.py), summary-<assignment>.html (reports/summary_page.py) and similarity.csv
(reports/similarity.py, when the course folder with the graded notebooks is there).
"""
from pathlib import Path

from autograder.exports.gradebook_read import read_gradebook
from autograder.reports.feedback import write_feedback
from autograder.reports.grade_table import print_summary, write_canvas_csv, write_grades_csv
from autograder.reports.similarity import similar_pairs, write_similarity_csv
from autograder.reports.summary_page import write_summary_pages


def similarity(export, course_root):
    """Flagged pairs of every assignment of the export ([] without a course folder)."""
    if course_root is None or not (Path(course_root) / "autograded").is_dir():
        return []
    return [pair for info in export.assignments
            for pair in similar_pairs(Path(course_root), info.assignment_id,
                                      [s.student_id for s in export.submitters(info.assignment_id)])]


def export_all(course, db_url, output_dir, assignment_ids=None, student_ids=None, missing_as_zero=False,
               course_root=None, quiet=True):
    """Read the gradebook at db_url (for `assignment_ids` and `student_ids`, default all; see
    exports/gradebook_read.py) and write every export into output_dir; return the GradebookExport."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    export = read_gradebook(course, db_url, assignment_ids, student_ids, missing_as_zero)
    grades = write_grades_csv(export, output_dir / "grades.csv")
    write_canvas_csv(export, output_dir / "canvas.csv")
    feedback = write_feedback(export, output_dir / "feedback")
    pairs = similarity(export, course_root)
    similar = write_similarity_csv(pairs, output_dir / "similarity.csv")
    summaries = write_summary_pages(export, output_dir, pairs)
    if not quiet:
        print_summary(export)
        print(f"\nGrade table: {grades} (and canvas.csv for an LMS)\n"
              f"Feedback:    {feedback}/<student>.html\n"
              f"Summary:     {', '.join(str(p) for p in summaries) or '-'}\n"
              f"Similarity:  {similar} ({len(pairs)} flagged pair(s) of answers to one part)")
    return export
