"""`python -m autograder demo`: release, build example submissions, grade them.

The batch (Assignment 1): a perfect submission, the untouched release, one typical
bug per graded part (the first one catalogued for it; `all_bugs=True` takes every
catalogued bug), edited and deleted test cells, a renamed notebook and a damaged
one; and the perfect student also submits the newest assignment, which is graded
end to end too. `python -m autograder audit` grades the whole catalog. Grading goes through the
same `grade` path an instructor uses, into an SQLite gradebook.
"""
import shutil
from pathlib import Path

from autograder.examples import (perfect_notebook, released_notebook, with_cell_source, with_variant,
                                 without_cell, write_submission)
from autograder.grading.batch import grade
from autograder.release.release import release
from autograder.catalog import variants_for

DEMO_ASSIGNMENT = "assignment1"
NEWEST_ASSIGNMENT = "assignment6"


def demo_bugs(assignment_id, all_bugs=False):
    """The catalogued wrong variants the demo grades: the first of each part, or all."""
    wrong = [v for v in variants_for(assignment_id) if v.kind == "wrong"]
    return wrong if all_bugs else list({v.part: v for v in reversed(wrong)}.values())[::-1]


def build_demo_batch(course, batch_root, assignment_id=DEMO_ASSIGNMENT, all_bugs=False):
    """Write the example submissions; return {student_id: what the submission is}."""
    notebook = course.source_notebooks(assignment_id)[0].stem
    perfect = perfect_notebook(course, assignment_id, notebook)
    described = {"perfect": "every part solved", "untouched": "the release, nothing filled in"}
    write_submission(batch_root, "perfect", assignment_id, notebook, perfect)
    write_submission(batch_root, "untouched", assignment_id, notebook, released_notebook(course, assignment_id, notebook))
    for variant in demo_bugs(assignment_id, all_bugs):
        student = f"bug_{variant.name}"
        write_submission(batch_root, student, assignment_id, notebook, with_variant(perfect, variant))
        described[student] = f"{variant.part}: {variant.description}"
    first_bug = next(v for v in variants_for(assignment_id) if v.kind == "wrong")
    edited = with_cell_source(with_variant(perfect, first_bug), f"test_{first_bug.part}", "pass")
    write_submission(batch_root, "edited_test_cell", assignment_id, notebook, edited)
    described["edited_test_cell"] = f"buggy {first_bug.part}, its test cell replaced by `pass`"
    write_submission(batch_root, "deleted_test_cell", assignment_id, notebook,
                     without_cell(perfect, f"test_{first_bug.part}"))
    described["deleted_test_cell"] = f"perfect, but the test cell of {first_bug.part} deleted"
    renamed = write_submission(batch_root, "renamed_file", assignment_id, notebook, perfect)
    renamed.rename(renamed.with_name(f"{notebook} (copy).ipynb"))
    described["renamed_file"] = "perfect, saved under another file name"
    damaged = write_submission(batch_root, "damaged_file", assignment_id, notebook, perfect)
    damaged.write_text(damaged.read_text()[:5000])
    described["damaged_file"] = "a notebook file cut off half-way (not valid JSON)"
    return described


def add_newest_assignment(course, batch_root, student="perfect", assignment_id=NEWEST_ASSIGNMENT):
    """`student` also submits every notebook of the newest assignment, solved."""
    for source in course.source_notebooks(assignment_id):
        write_submission(batch_root, student, assignment_id, source.stem,
                         perfect_notebook(course, assignment_id, source.stem))


def run_demo(course, output_dir, cell_timeout=120, jobs=2):
    """Release every assignment of `course` (into course.assignments_dir), build the demo batch
    and grade it at course.data_size; return the reports."""
    output_dir = Path(output_dir)
    shutil.rmtree(output_dir, ignore_errors=True)
    for assignment_id in course.assignment_ids():
        print(f"Releasing {assignment_id} ...")
        release(course, assignment_id)
    batch = output_dir / "submissions"
    described = build_demo_batch(course, batch)
    add_newest_assignment(course, batch)
    described["perfect"] += f" (in {DEMO_ASSIGNMENT} and in {NEWEST_ASSIGNMENT})"
    print(f"\nExample submissions in {batch}:")
    for student, what in described.items():
        print(f"  {student:38s} {what}")
    print(f"\nGrading with nbgrader (data size: {course.data_size}) ...\n")
    graded = [DEMO_ASSIGNMENT, NEWEST_ASSIGNMENT]
    reports = grade(course, batch, output_dir / "graded", graded, cell_timeout, jobs=jobs)
    print("\nPer student (autograded points of the assignments they submitted; the written answers are "
          "graded by hand, in formgrader):")
    for report in sorted(reports, key=lambda r: r.student_id):
        submitted = [a for a in graded if (batch / report.student_id / a).is_dir()]
        parts = [p for p in report.parts if p.assignment_id in submitted]
        lost = [p.part for p in parts if not p.passed]
        print(f"  {report.student_id:38s} {sum(p.score for p in parts):5g} / {sum(p.max_score for p in parts):g}"
              f"   lost: {', '.join(lost) if lost else '-'}")
    return reports
