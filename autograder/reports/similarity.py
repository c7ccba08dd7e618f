"""Which submissions' answers are most alike, per answer cell: a flag for the instructor to look
at, never a change to a grade.

Uses copydetect (the winnowing fingerprints of MOSS): each student's code answer cell is
tokenized with names and strings replaced (so renamed variables do not hide a copy), the
fingerprints of the released starter code of that cell (signature, docstring, given lines) are
removed as boilerplate, and a pair's similarity is the share of each answer's remaining tokens
found in the other. Only pairs sharing a fingerprint are compared, the most promising first.
Read from a course folder: the released notebooks in release/, the graded ones in autograded/.
"""
import csv
import io
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import nbformat
from copydetect import CodeFingerprint, compare_files
from copydetect.defaults import DISPLAY_THRESHOLD, GUARANTEE_THRESHOLD, NOISE_THRESHOLD

from autograder.reports.grade_table import spreadsheet_text
from coursekit.cells import nbgrader_meta

# copydetect's defaults: runs shorter than NOISE_THRESHOLD tokens never count as copied, runs of
# GUARANTEE_THRESHOLD are always found; a pair is flagged when each answer has at least
# DISPLAY_THRESHOLD of its tokens in the other.
WINDOW = GUARANTEE_THRESHOLD - NOISE_THRESHOLD + 1
CANDIDATES = 200        # pairs compared in full per cell: those sharing the most fingerprints


@dataclass
class SimilarPair:
    assignment_id: str
    part: str
    students: tuple        # (first, second)
    similarity: tuple      # share of each one's answer found in the other's (0..1)

    @property
    def score(self):
        return min(self.similarity)


def answer_cells(path):
    """{grade id: source} of the code answer cells of a notebook ({} when it cannot be read)."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # a damaged notebook has no answers to compare
        return {}
    return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and nbgrader_meta(c).get("solution") and nbgrader_meta(c).get("grade_id")}


def fingerprint(code, boilerplate=()):
    return CodeFingerprint("answer.py", NOISE_THRESHOLD, WINDOW, list(boilerplate), language="python",
                           fp=io.StringIO(code))


def part_label(grade_id):
    return grade_id[: -len("_code")] if grade_id.endswith("_code") else grade_id


def candidate_pairs(prints):
    """Pairs of students sharing fingerprints, the most shared first (at most CANDIDATES)."""
    holders = {}
    for student, print_ in prints.items():
        for value in print_.hashes:
            holders.setdefault(value, []).append(student)
    shared = Counter(pair for students in holders.values() for pair in combinations(sorted(students), 2))
    return [pair for pair, _ in shared.most_common(CANDIDATES)]


def cell_pairs(assignment_id, grade_id, starter, answers):
    """Flagged SimilarPairs of one answer cell; answers: {student: source}."""
    boilerplate = fingerprint(starter, ()).hashes if starter.strip() else []
    prints = {s: fingerprint(code, boilerplate) for s, code in answers.items() if code.strip() != starter.strip()}
    prints = {s: p for s, p in prints.items() if p.token_coverage > 0}
    flagged = []
    for first, second in candidate_pairs(prints):
        _, similarity, _ = compare_files(prints[first], prints[second])
        pair = SimilarPair(assignment_id, part_label(grade_id), (first, second), tuple(float(x) for x in similarity))
        if pair.score >= DISPLAY_THRESHOLD:
            flagged.append(pair)
    return sorted(flagged, key=lambda p: (-p.score, p.students))


def similar_pairs(course_root, assignment_id, students):
    """Flagged pairs of every code answer cell of one assignment, among `students`, from a course folder."""
    pairs = []
    for released in sorted((course_root / "release" / assignment_id).glob("*.ipynb")):
        starters = answer_cells(released)
        submitted = {s: answer_cells(course_root / "autograded" / s / assignment_id / released.name) for s in students}
        for grade_id, starter in starters.items():
            answers = {s: cells[grade_id] for s, cells in submitted.items() if grade_id in cells}
            pairs += cell_pairs(assignment_id, grade_id, starter, answers)
    return pairs


def write_similarity_csv(pairs, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "part", "student_1", "student_2", "share_of_1_in_2", "share_of_2_in_1"])
        for pair in pairs:
            writer.writerow([spreadsheet_text(pair.assignment_id), spreadsheet_text(pair.part),
                             *map(spreadsheet_text, pair.students), *(f"{x:.2f}" for x in pair.similarity)])
    return path
