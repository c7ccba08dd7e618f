"""The summary page and the similarity report, from values built by hand (no kernel, no gradebook):
statistics over those who submitted, non-submitters apart, the pass rate of every hidden case;
a copied answer with renamed variables is the top pair, independent answers are not flagged, and
the pair is on the summary page and in similarity.csv without changing a grade."""
import csv

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from autograder.reports.feedback import feedback_page
from autograder.reports.grade_table import notes_cell, write_canvas_csv, write_grades_csv
from autograder.reports.model import AssignmentInfo, GradebookExport, PartGrade, StudentGrades, SubmissionGrades
from autograder.reports.similarity import similar_pairs, write_similarity_csv
from autograder.reports.summary_page import summary_page
from tests.support.html_tables import Tables

CASES = ("one example", "float32", "large scores")


def graded(student, passes, notes=()):
    """A submission of `hw` whose part `loss` (4 points) passed the cases in `passes`, plus a 2-point part."""
    cases = {name: name in passes for name in CASES}
    loss = PartGrade("hw", "loss", 4.0 if all(cases.values()) else 0.0, 4.0, "", cases=cases)
    return StudentGrades(student, [SubmissionGrades(student, "hw", [loss, PartGrade("hw", "plot", 2.0, 2.0)],
                                                    notes=list(notes))])


def test_summary_statistics_are_over_submitters_with_a_pass_rate_per_case():
    students = [graded("ann", CASES), graded("ben", ("one example", "float32")), graded("cat", ("one example",)),
                StudentGrades("dan"), StudentGrades("eve")]
    export = GradebookExport([AssignmentInfo("hw", [("loss", 4.0), ("plot", 2.0)], [])], students)
    page = Tables(summary_page(export, export.assignments[0]))
    statistics = {row[0]: row[1] for row in page.tables["statistics"]}
    assert (statistics["submitted"], statistics["did not submit"]) == ("3", "2")
    assert statistics["mean of those who submitted"] == "3.3"      # (6 + 2 + 2) / 3, not / 5
    assert page.lists["Did not submit"] == ["dan", "eve"]
    assert "Submissions that could not be graded in full" not in page.lists   # "None."
    assert page.tables["cases"][1:] == [["loss", "one example", "3 of 3 (100%)"], ["loss", "float32", "2 of 3 (67%)"],
                                        ["loss", "large scores", "1 of 3 (33%)"]]
    assert page.tables["parts"][1:] == [["loss", "4", "1 of 3 (33%)"], ["plot", "2", "3 of 3 (100%)"]]


STARTER = '''def pairwise_distances(X, Y):
    """Euclidean distances between the rows of X (N, D) and of Y (M, D): an array (N, M)."""
    # YOUR CODE HERE
    raise NotImplementedError()'''
HEADER = STARTER.split("    # YOUR CODE HERE")[0]
COPIED = HEADER + '''    squares_x = np.sum(X ** 2, axis=1)[:, None]
    squares_y = np.sum(Y ** 2, axis=1)[None, :]
    cross = X @ Y.T
    distances = np.sqrt(np.maximum(squares_x + squares_y - 2 * cross, 0.0))
    return distances'''
RENAMED = HEADER + '''    a = np.sum(X ** 2, axis=1)[:, None]
    b = np.sum(Y ** 2, axis=1)[None, :]
    ab = X @ Y.T
    d = np.sqrt(np.maximum(a + b - 2 * ab, 0.0))   # clip rounding below zero
    return d'''
LOOPS = HEADER + '''    out = np.zeros((X.shape[0], Y.shape[0]))
    for i in range(X.shape[0]):
        for j in range(Y.shape[0]):
            out[i, j] = np.linalg.norm(X[i] - Y[j])
    return out'''
BROADCAST = HEADER + '''    difference = X[:, None, :] - Y[None, :, :]
    return np.sqrt((difference * difference).sum(axis=-1))'''


def notebook(source):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": "distances_code",
                                 "schema_version": 3}
    return new_notebook(cells=[cell])


def test_a_copied_answer_with_renamed_variables_is_the_top_pair_and_independent_ones_are_not_flagged(tmp_path):
    (tmp_path / "release" / "hw").mkdir(parents=True)
    nbformat.write(notebook(STARTER), str(tmp_path / "release" / "hw" / "nb.ipynb"))
    answers = {"ann": COPIED, "ben": LOOPS, "cat": RENAMED, "dan": BROADCAST, "eve": STARTER}
    for student, source in answers.items():
        (tmp_path / "autograded" / student / "hw").mkdir(parents=True)
        nbformat.write(notebook(source), str(tmp_path / "autograded" / student / "hw" / "nb.ipynb"))
    pairs = similar_pairs(tmp_path, "hw", sorted(answers))
    assert [pair.students for pair in pairs] == [("ann", "cat")]
    assert pairs[0].part == "distances" and min(pairs[0].similarity) > 0.8
    with open(write_similarity_csv(pairs, tmp_path / "similarity.csv"), newline="") as handle:
        assert [row[:4] for row in csv.reader(handle)][1:] == [["hw", "distances", "ann", "cat"]]
    students = [graded(s, CASES) for s in sorted(answers)]
    export = GradebookExport([AssignmentInfo("hw", [("loss", 4.0), ("plot", 2.0)], [])], students)
    page = Tables(summary_page(export, export.assignments[0], pairs))
    assert [row[:2] for row in page.tables["similarity"][1:]] == [["distances", "ann and cat"]]
    statistics = {row[0]: row[1] for row in page.tables["statistics"]}
    assert statistics["mean of those who submitted"] == "6.0"   # a flag, never a change to a grade


def test_the_notes_cell_keeps_every_failed_parts_likely_cause():
    """Twenty failed parts with long messages: no part's named bug is cut away (the old cell stopped at
    4,000 characters), and each message's long detail stays on the feedback page."""
    causes = [f"Likely cause: your code forgets bug number {i}. Hint: fix number {i}." for i in range(20)]
    parts = [PartGrade("hw", f"part{i}", 0.0, 5.0, f"AssertionError: part{i}: 3 of 5 hidden test cases failed."
                       + "\n  case 'x': " + "detail " * 300 + "\n" + causes[i]) for i in range(20)]
    cell = notes_cell(StudentGrades("ann", [SubmissionGrades("ann", "hw", parts)]))
    assert all(cause in cell for cause in causes) and "detail" not in cell


def test_a_submission_the_grading_machine_could_not_grade_is_blank_everywhere_not_zero(tmp_path):
    """Its parts are blank in grades.csv and canvas.csv (not 0), its feedback says "not graded", and
    the summary's statistics leave it out (a rerun grades it)."""
    stuck = [PartGrade("hw", part, 0.0, points, "not graded: the sandbox could not be set up.", graded=False)
             for part, points in (("loss", 4.0), ("plot", 2.0))]
    students = [graded("ann", CASES), StudentGrades("ben", [SubmissionGrades("ben", "hw", stuck)])]
    export = GradebookExport([AssignmentInfo("hw", [("loss", 4.0), ("plot", 2.0)], [])], students)
    with open(write_grades_csv(export, tmp_path / "grades.csv"), newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert (rows["ben"]["hw.loss"], rows["ben"]["hw.plot"], rows["ben"]["total"]) == ("", "", "")
    assert rows["ann"]["total"] == "6"
    with open(write_canvas_csv(export, tmp_path / "canvas.csv"), newline="") as handle:
        assert {row[0]: row[5] for row in list(csv.reader(handle))[2:]} == {"ann": "6", "ben": ""}
    page = feedback_page(students[1])
    assert "not graded yet" in page and '<span class="fail">' not in page and "<td>not graded</td>" in page
    statistics = {row[0]: row[1] for row in Tables(summary_page(export, export.assignments[0])).tables["statistics"]}
    assert statistics["mean of those who submitted"] == "6.0"
