"""`python -m autograder audit`: how many known wrong answers the grader
rejects and how many right answers it accepts, measured through the real
`grade` path.

Catalogued variants (autograder/catalog/<assignment>.toml) are packed into
submissions: the perfect notebook with several variants in place of their cells,
wrong and correct ones never mixed, and at most one variant per part and per cell
in a submission. Every part is graded on its own (a part computed from another
one is re-graded with the reference in place of a failed dependency, see
autograder/grading/dependencies.py), so a submission with wrong variants in parts A, B
and C must lose exactly A, B and C, each with its own bug named in the feedback;
a submission of correct variants must keep full points. Packing grades each
assignment's catalog in about ten notebooks instead of one per variant. Each
variant is also checked alone at the hidden-test level (tests/test_hidden_tests.py).

The student's side is audited too (`audit_check`): each wrong variant, filled
into the released notebook, runs through `check` (the visible tests only), and
where its part fails there, the message must name the bug (from the released
known_bugs.json, autograder/release/fingerprints.py).
"""
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.examples import perfect_notebook, through_tests_of, with_variant, write_submission
from autograder.grading.batch import grade
from autograder.kernel.kernel_env import kernel_environment
from autograder.catalog import variants_for
from coursekit.check import part_verdicts, run_notebook


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


def audit_assignment(course, assignment_id, work_dir, jobs=1, cell_timeout=300):
    """Grade the packed variant submissions of one assignment (at course.data_size); return a list of Verdicts."""
    groups = pack(variants_for(assignment_id))
    names = [f"{group[0].kind}-{index:02d}" for index, group in enumerate(groups, 1)]
    batch = Path(work_dir) / "batch"
    for notebook_path in course.source_notebooks(assignment_id):
        perfect = perfect_notebook(course, assignment_id, notebook_path.stem)
        for name, group in zip(names, groups):
            nb = perfect
            for variant in group:
                nb = with_variant(nb, variant)
            write_submission(batch, name, assignment_id, notebook_path.stem, nb)
    reports = {r.student_id: r for r in grade(course, batch, Path(work_dir) / "graded", [assignment_id],
                                              cell_timeout, quiet=True, jobs=jobs)}
    verdicts = []
    for name, group in zip(names, groups):
        for variant in group:
            ok, named, detail = judge(variant, group, reports[name])
            verdicts.append(Verdict(assignment_id, variant, ok, named, detail))
    return verdicts


@dataclass
class CheckVerdict:
    """What `check` said of one wrong variant: whether its part failed the visible tests, and was named."""
    variant: object
    fails_visible: bool
    named: bool
    message: str


def check_notebook(course, assignment_id, notebook_name, variants, folder):
    """{part: (passed, message)} from `check` on the released notebook with `variants` filled in,
    run up to the last test cell of their parts (what comes after cannot change their verdicts)."""
    nb = perfect_notebook(course, assignment_id, notebook_name)
    for variant in variants:
        nb = with_variant(nb, variant)
    nb = through_tests_of(nb, {variant.part for variant in variants})
    path = Path(folder) / f"{notebook_name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    with kernel_environment("small"):
        verdicts = part_verdicts(run_notebook(path, figures=False))
    return {part: (passed, message) for part, _, passed, message in verdicts}


def check_verdict(variant, verdicts):
    passed, message = verdicts[variant.part]
    return CheckVerdict(variant, not passed, f"your code {variant.description}" in message, message)


def audit_check(course, assignment_id, work_dir, jobs=1):
    """Run `check` on the packed wrong variants of one assignment (`jobs` notebooks at a time);
    return a CheckVerdict per variant.

    In a packed notebook a bug can also break a later part's visible tests (they
    may call the buggy function); a variant not named there is checked again alone.
    """
    wrong = [v for v in variants_for(assignment_id) if v.kind == "wrong"]
    notebooks = [p.stem for p in course.source_notebooks(assignment_id)]
    packed = [(group, notebook_name, Path(work_dir) / f"packed-{index:02d}")
              for index, group in enumerate(pack(wrong), 1) for notebook_name in notebooks]
    # check_notebook runs on the reduced size; set it once around the threads too, so that one
    # thread leaving its own kernel_environment never takes it from another one's kernel.
    with kernel_environment("small"), ThreadPoolExecutor(jobs) as pool:
        found_in = list(pool.map(lambda item: check_notebook(course, assignment_id, item[1], item[0], item[2]), packed))
    verdicts = {}
    for (group, _, _), found in zip(packed, found_in):
        verdicts.update({v.name: check_verdict(v, found) for v in group if v.part in found})
    for variant in wrong:
        verdict = verdicts.get(variant.name)
        if verdict and verdict.fails_visible and not verdict.named:
            for notebook_name in notebooks:
                found = check_notebook(course, assignment_id, notebook_name, [variant],
                                       Path(work_dir) / f"alone-{variant.name}")
                if variant.part in found:
                    verdicts[variant.name] = check_verdict(variant, found)
    return [verdicts[v.name] for v in wrong if v.name in verdicts]


def print_check_table(assignment_verdicts):
    """Per assignment: wrong variants, how many fail the visible tests in `check`, and how many of those are named."""
    print("| assignment | wrong variants | fail the visible tests (check) | of those, named by check |")
    print("| --- | --- | --- | --- |")
    for assignment_id, verdicts in assignment_verdicts.items():
        failing = [v for v in verdicts if v.fails_visible]
        print(f"| {assignment_id} | {len(verdicts)} | {len(failing)} | {sum(v.named for v in failing)}/{len(failing)} |")
    for verdicts in assignment_verdicts.values():
        for v in verdicts:
            if v.fails_visible and not v.named:
                print(f"  {v.variant.name} ({v.variant.part}): not named by check: {v.message[:200]}")


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


def run_audit(course, assignment_ids=None, jobs=1, check=True):
    """Audit the given assignments (default: all with a catalog) through `grade` and,
    with `check`, through the student's `check`; return True if all is as it should be."""
    verdicts, check_verdicts = [], {}
    for assignment_id in assignment_ids or [a for a in course.assignment_ids() if variants_for(a)]:
        with tempfile.TemporaryDirectory(prefix=f"audit-{assignment_id}-") as tmp:
            verdicts += audit_assignment(course, assignment_id, tmp, jobs)
            if check:
                check_verdicts[assignment_id] = audit_check(course, assignment_id, Path(tmp) / "check", jobs)
    print_table(verdicts)
    if check:
        print()
        print_check_table(check_verdicts)
    return (all(v.ok and v.named for v in verdicts)
            and all(v.named for found in check_verdicts.values() for v in found if v.fails_visible))
