"""The suite's one graded batch of real assignments (tests/conftest.py, `course_batch`):
everything the demo, audit, untouched-release, reliability, forge and solution-notebook
tests need, graded in a single `grade` call on the reduced data size.

Students (each test looks up its own):
- the demo's (autograder.demo.build_demo_batch): perfect, untouched, bug_<variant>,
  edited_test_cell, deleted_test_cell, renamed_file, damaged_file (Assignment 1), and
  `perfect` also submits the newest assignment (autograder.demo.add_newest_assignment);
- the audit's packed variant submissions of Assignment 1 (wrong-NN, correct-NN, as
  autograder.audit.audit_assignment names them);
- `untouched` also submits the untouched release of every other assignment, and
  `solutions` the perfect notebook of every other assignment but the newest;
- reliability_hostile: Assignment 1 saved by JupyterLab 4 with a copied answer cell, a
  50 GB allocation and a 10 MB print flood;
- forge_hostile: Assignment 1 with one hidden test disabled, trying to read instructor files;
- the verdicts the kernel cannot forge (issue 13, findings 5 and 6; tests/course/test_forge_real.py):
  hostile_swallow (nothing implemented, every cell wrapped in try/except by an AST transformer),
  hostile_trusted (regularization_penalty from the grader's trusted helper, its record forged),
  hostile_thread (a wrong penalty, its record rewritten by a background thread), hostile_rerun
  (a buggy svm_loss_vectorized, and code that rewrites the evidence during the dependency rerun).
"""
from pathlib import Path

from autograder.audit import pack
from autograder.catalog import variants_for
from autograder.catalog.assignment1 import svm_naive
from autograder.course import CATALOG_DIR
from autograder.demo import NEWEST_ASSIGNMENT, add_newest_assignment, build_demo_batch
from autograder.examples import (cell_by_grade_id, perfect_notebook, released_notebook, with_cell_source, with_variant,
                                 write_submission)
from autograder.examples import faults as fx
from tests.support.attacks import (A1_ATTACK, REWRITE_RECORDS_LATER, REWRITE_THE_EVIDENCE, SWALLOW_EVERYTHING,
                                   USE_TRUSTED_PENALTY, attack)

A1 = "assignment1"
CELL_TIMEOUT = 300  # the audit's (the longest any of these tests used)
RELIABILITY_HOSTILE = "reliability_hostile"
FORGE_HOSTILE = "forge_hostile"
OTHERS_PERFECT = "solutions"
VERDICT_ATTACKS = ("hostile_swallow", "hostile_trusted", "hostile_thread", "hostile_rerun")
RERUN_BUG = "svm_no_averaging"   # a bug in svm_loss_vectorized: the sanity values and the SVM search depend on it


def solved_by(assignment_id):
    """The student of the batch who submitted the solution of `assignment_id`: the demo's perfect
    student submits Assignment 1 and the newest assignment, OTHERS_PERFECT the rest."""
    return "perfect" if assignment_id in (A1, NEWEST_ASSIGNMENT) else OTHERS_PERFECT


def audit_groups(assignment_id=A1):
    """{student: variants} of the audit's packed submissions, named as audit_assignment names them."""
    groups = pack(variants_for(assignment_id))
    return {f"{group[0].kind}-{index:02d}": group for index, group in enumerate(groups, 1)}


def write_audit_submissions(course, batch, assignment_id=A1):
    groups = audit_groups(assignment_id)
    for notebook_path in course.source_notebooks(assignment_id):
        perfect = perfect_notebook(course, assignment_id, notebook_path.stem)
        for name, group in groups.items():
            nb = perfect
            for variant in group:
                nb = with_variant(nb, variant)
            write_submission(batch, name, assignment_id, notebook_path.stem, nb)
    return groups


def reliability_hostile(course):
    hostile = fx.with_statement_in_function(perfect_notebook(course, A1, "linear_classifiers"),
                                            "svm_loss_naive_code", fx.MEMORY_HOG)
    hostile = fx.with_prelude(hostile, "softmax_loss_naive_code", fx.OUTPUT_FLOOD)
    return fx.as_jupyterlab4(fx.with_duplicated_cell(hostile, "regularization_penalty_code"))


def forge_targets(course, output):
    """The instructor files the forge attack tries to read."""
    return [course.references_file(A1), course.source_notebooks(A1)[0], output / "gradebook.db",
            CATALOG_DIR / "assignment1.py", CATALOG_DIR / "assignment1.toml"]


def forge_hostile(course, output):
    source = attack(A1_ATTACK, TARGETS=forge_targets(course, output)) + "\nimport numpy as np\n" + svm_naive(n="1")
    notebook = course.source_notebooks(A1)[0].stem
    return with_cell_source(perfect_notebook(course, A1, notebook), "svm_loss_naive_code", source)


def verdict_attacks(course):
    """{student: notebook} of the attacks on the verdicts (issue 13, findings 5 and 6)."""
    notebook = course.source_notebooks(A1)[0].stem
    perfect = perfect_notebook(course, A1, notebook)
    untouched = released_notebook(course, A1, notebook)
    bug = next(v for v in variants_for(A1) if v.name == RERUN_BUG)
    rerun = with_variant(perfect, bug)
    first_cell = cell_by_grade_id(rerun, "svm_loss_naive_code")
    return {
        "hostile_swallow": with_cell_source(untouched, "svm_loss_naive_code", SWALLOW_EVERYTHING),
        "hostile_trusted": with_cell_source(perfect, "regularization_penalty_code", attack(USE_TRUSTED_PENALTY)),
        "hostile_thread": with_cell_source(perfect, "regularization_penalty_code", REWRITE_RECORDS_LATER),
        "hostile_rerun": with_cell_source(rerun, "svm_loss_naive_code", REWRITE_THE_EVIDENCE + "\n" + first_cell.source),
    }


def write_course_batch(course, batch, output):
    """Write every submission; return {"demo": {student: what}, "audit": {student: variants}}."""
    demo = build_demo_batch(course, batch)
    add_newest_assignment(course, batch)
    audit = write_audit_submissions(course, batch)
    for assignment_id in course.assignment_ids():
        if assignment_id == A1:
            continue
        for source in course.source_notebooks(assignment_id):
            write_submission(batch, "untouched", assignment_id, source.stem,
                             released_notebook(course, assignment_id, source.stem))
            if assignment_id != NEWEST_ASSIGNMENT:   # the demo's perfect student submits it
                write_submission(batch, OTHERS_PERFECT, assignment_id, source.stem,
                                 perfect_notebook(course, assignment_id, source.stem))
    path = Path(batch) / RELIABILITY_HOSTILE / A1 / "linear_classifiers.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(reliability_hostile(course))
    write_submission(batch, FORGE_HOSTILE, A1, course.source_notebooks(A1)[0].stem, forge_hostile(course, output))
    for student, nb in verdict_attacks(course).items():
        write_submission(batch, student, A1, course.source_notebooks(A1)[0].stem, nb)
    return {"demo": demo, "audit": audit}


def assignment_report(student, assignment_id=A1):
    """The part of a student's exported grades (reports.model.StudentGrades) about one assignment."""
    return assignments_report(student, [assignment_id])


def assignments_report(student, assignment_ids):
    """The part of a student's exported grades (reports.model.StudentGrades) about the given assignments."""
    from autograder.reports.model import StudentGrades
    return StudentGrades(student.student_id, [s for s in student.submissions if s.assignment_id in assignment_ids])
