"""Item analysis on the suite's graded batch of real assignments: every hidden case of Assignment 1
has its pass rate on the summary page, carried from judging through the gradebook to the page."""
from autograder.cases import parts_for
from autograder.exports.gradebook_read import read_gradebook
from tests.support.assignment1_batch import A1
from tests.support.html_tables import Tables


def test_every_hidden_case_has_a_pass_rate_and_the_rates_follow_the_submissions(course_batch):
    export = read_gradebook(course_batch["course"], f"sqlite:///{course_batch['output'] / 'gradebook.db'}", [A1])
    students = {s.student_id: s.submission(A1) for s in export.students if s.submission(A1)}
    hidden = {part: [case.name for case in p.cases] for part, p in parts_for(A1).items()}
    perfect = {p.part: p.cases for p in students["perfect"].parts if p.part in hidden}
    assert perfect == {part: dict.fromkeys(names, True) for part, names in hidden.items()}
    untouched = [p for p in students["untouched"].parts if p.part in hidden]
    assert len(untouched) == len(hidden) and not any(any(p.cases.values()) for p in untouched)  # none ran, or all failed
    rows = Tables((course_batch["output"] / f"summary-{A1}.html").read_text()).tables["cases"][1:]
    assert sorted((part, case) for part, case, _ in rows) == sorted((p, c) for p, names in hidden.items() for c in names)
    for part, case, rate in rows:
        passed = sum(bool(p.cases.get(case)) for s in students.values() for p in s.parts if p.part == part)
        assert rate.startswith(f"{passed} of {len(students)} "), (part, case)
