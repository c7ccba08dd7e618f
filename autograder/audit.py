"""`python -m autograder audit`: how many known wrong answers the grader
rejects and how many right answers it accepts, measured through the real
`grade` path.

For every catalogued variant (autograder/variants/<assignment>.py) it builds a
submission (the perfect notebook with that variant in place of one cell) and
grades the whole batch. A wrong variant must lose the points of its part and
only those, and its feedback must name it; a correct variant must keep full
points.
"""
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import paths
from autograder.examples import perfect_notebook, with_variant, write_submission
from autograder.grade import grade
from autograder.variants import variants_for


@dataclass
class Verdict:
    assignment_id: str
    variant: object
    ok: bool
    named: bool
    detail: str


def judge(variant, report):
    """Did the grader treat this variant as it should? Returns (ok, named, detail)."""
    lost = sorted(p.part for p in report.parts if not p.passed)
    if variant.kind == "correct":
        return not lost, True, f"lost {', '.join(lost)}" if lost else "full marks"
    own = [p for p in report.parts if p.part == variant.part]
    named = any(f"your code {variant.description}" in p.message for p in own)
    ok = lost == [variant.part]
    return ok, named, f"lost {', '.join(lost) or 'nothing'}"


def audit_assignment(assignment_id, work_dir, data_size="small", jobs=1, cell_timeout=300):
    """Grade one submission per variant; return a list of Verdicts."""
    variants = variants_for(assignment_id)
    batch = Path(work_dir) / "batch"
    for notebook_path in paths.source_notebooks(assignment_id):
        perfect = perfect_notebook(assignment_id, notebook_path.stem)
        for variant in variants:
            write_submission(batch, f"{variant.kind}-{variant.name}", assignment_id, notebook_path.stem,
                             with_variant(perfect, variant))
    reports = {r.student_id: r for r in grade(batch, Path(work_dir) / "graded", [assignment_id], cell_timeout,
                                              data_size=data_size, quiet=True, jobs=jobs)}
    verdicts = []
    for variant in variants:
        ok, named, detail = judge(variant, reports[f"{variant.kind}-{variant.name}"])
        verdicts.append(Verdict(assignment_id, variant, ok, named, detail))
    return verdicts


def print_table(verdicts):
    """Per assignment: variants tried, wrong ones rejected, right ones accepted, bugs named."""
    print("| assignment | variants | wrong rejected | right accepted | wrong named by diagnostics |")
    print("| --- | --- | --- | --- | --- |")
    for assignment_id in dict.fromkeys(v.assignment_id for v in verdicts):
        mine = [v for v in verdicts if v.assignment_id == assignment_id]
        wrong = [v for v in mine if v.variant.kind == "wrong"]
        right = [v for v in mine if v.variant.kind == "correct"]
        print(f"| {assignment_id} | {len(mine)} | {sum(v.ok for v in wrong)}/{len(wrong)} | "
              f"{sum(v.ok for v in right)}/{len(right)} | {sum(v.named for v in wrong)}/{len(wrong)} |")
    for v in verdicts:
        if not (v.ok and v.named):
            print(f"  {v.assignment_id} {v.variant.kind} {v.variant.name} ({v.variant.part}): {v.detail}"
                  f"{'' if v.named else ', not named by the diagnostics'}")


def run_audit(assignment_ids=None, data_size="small", jobs=1):
    """Audit the given assignments (default: all with a catalog); return True if all is as it should be."""
    verdicts = []
    for assignment_id in assignment_ids or [a for a in paths.assignment_ids() if variants_for(a)]:
        with tempfile.TemporaryDirectory(prefix=f"audit-{assignment_id}-") as tmp:
            verdicts += audit_assignment(assignment_id, tmp, data_size, jobs)
    print_table(verdicts)
    return all(v.ok and v.named for v in verdicts)
