"""`python -m autograder audit`: how many known wrong answers the grader
rejects and how many right answers it accepts, measured through the real
`grade` path.

Catalogued variants (autograder/variants/<assignment>.py) are packed into
submissions: the perfect notebook with several variants in place of their cells,
wrong and correct ones never mixed, and at most one variant per part and per cell
in a submission. Every part is graded on its own (a part computed from another
one is re-graded with the reference in place of a failed dependency, see
autograder/dependencies.py), so a submission with wrong variants in parts A, B
and C must lose exactly A, B and C, each with its own bug named in the feedback;
a submission of correct variants must keep full points. Packing grades each
assignment's catalog in about ten notebooks instead of one per variant. Each
variant is also checked alone at the hidden-test level (tests/test_hidden_tests.py).
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


def pack(variants):
    """Group variants into submissions: one kind per group, no two on the same part or cell."""
    groups = []
    for variant in variants:
        fits = (g for g in groups if g[0].kind == variant.kind
                and all(v.part != variant.part and v.cell != variant.cell for v in g))
        group = next(fits, None)
        if group is None:
            groups.append([variant])
        else:
            group.append(variant)
    return groups


def judge(variant, group, report):
    """Did the grader treat this variant, graded with the rest of its group, as it should?

    Returns (ok, named, detail). A wrong variant must cost its own part, and the
    group's submission must lose no part without a wrong variant in it.
    """
    lost = sorted(p.part for p in report.parts if not p.passed)
    where = f"lost {', '.join(lost) or 'nothing'} in {report.student_id}"
    if variant.kind == "correct":
        return not lost, True, where
    own = [p for p in report.parts if p.part == variant.part]
    named = any(f"your code {variant.description}" in p.message for p in own)
    ok = variant.part in lost and set(lost) <= {v.part for v in group}
    return ok, named, f"{where} (bugs in {', '.join(v.part for v in group)})"


def audit_assignment(assignment_id, work_dir, data_size="small", jobs=1, cell_timeout=300):
    """Grade the packed variant submissions of one assignment; return a list of Verdicts."""
    groups = pack(variants_for(assignment_id))
    names = [f"{group[0].kind}-{index:02d}" for index, group in enumerate(groups, 1)]
    batch = Path(work_dir) / "batch"
    for notebook_path in paths.source_notebooks(assignment_id):
        perfect = perfect_notebook(assignment_id, notebook_path.stem)
        for name, group in zip(names, groups):
            nb = perfect
            for variant in group:
                nb = with_variant(nb, variant)
            write_submission(batch, name, assignment_id, notebook_path.stem, nb)
    reports = {r.student_id: r for r in grade(batch, Path(work_dir) / "graded", [assignment_id], cell_timeout,
                                              data_size=data_size, quiet=True, jobs=jobs)}
    verdicts = []
    for name, group in zip(names, groups):
        for variant in group:
            ok, named, detail = judge(variant, group, reports[name])
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
