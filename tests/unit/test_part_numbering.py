"""Every notebook numbers its sections without gaps, and its points table names each graded part by
the section it is in: a student who reads "3.3a" in the table finds section 3.3, and no section is
missing between two others."""
import re

import nbformat
import pytest

from autograder.course import Course

COURSE = Course.from_repo()
SECTION = re.compile(r"^## (\d+)\. ", re.MULTILINE)
SUBSECTION = re.compile(r"^### (\d+)\.(\d+) ", re.MULTILINE)
# A row of the autograded points table: | label | `test_...` | points |
PART_ROW = re.compile(r"^\|\s*([^|]*?)\s*\|\s*`(test_\w+)`\s*\|", re.MULTILINE)
LABEL = re.compile(r"^(\d+(?:\.\d+)?)([a-z]?)[. ]")


def headings(cells):
    """The numbers of the notebook's sections ("4") and subsections ("3.7"), in order."""
    numbers = []
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        found = [(m.start(), m.group(1)) for m in SECTION.finditer(cell.source)]
        found += [(m.start(), f"{m.group(1)}.{m.group(2)}") for m in SUBSECTION.finditer(cell.source)]
        numbers += [number for _, number in sorted(found)]
    return numbers


def numbering_gaps(numbers):
    """What is wrong with a list of section numbers: a gap, a repeat, or a subsection of another section."""
    problems = []
    sections = [int(n) for n in numbers if "." not in n]
    if sections != list(range(1, len(sections) + 1)):
        problems.append(f"sections numbered {sections}, not 1 to {len(sections)}")
    current, expected_sub = 0, 1
    for number in numbers:
        if "." not in number:
            current, expected_sub = int(number), 1
            continue
        section, sub = (int(part) for part in number.split("."))
        if section != current or sub != expected_sub:
            problems.append(f"subsection {number} where {current}.{expected_sub} was expected")
        expected_sub = sub + 1
    return problems


def part_label_problems(table_text, numbers):
    """What is wrong with the points table's part labels: one naming no section, or out of order."""
    problems, previous = [], None
    for label, grade_id in PART_ROW.findall(table_text):
        match = LABEL.match(label)
        if not match:
            problems.append(f"{grade_id}: the label {label!r} names no section")
            continue
        number, letter = match.groups()
        if number not in numbers:
            problems.append(f"{grade_id}: the label {label!r} names section {number}, which the notebook lacks")
        key = ([int(p) for p in number.split(".")], letter)
        if previous is not None and key <= previous:
            problems.append(f"{grade_id}: the label {label!r} comes after a later or equal part")
        previous = key
    return problems


NOTEBOOKS = [(a, p.stem) for a in COURSE.assignment_ids() for p in COURSE.source_notebooks(a)]


@pytest.mark.parametrize("assignment_id, notebook", NOTEBOOKS)
@pytest.mark.parametrize("folder", ["solutions_dir", "assignments_dir"])
def test_sections_run_without_gaps_and_the_table_names_them(assignment_id, notebook, folder):
    cells = nbformat.read(str(getattr(COURSE, folder) / assignment_id / f"{notebook}.ipynb"), as_version=4).cells
    numbers = headings(cells)
    assert numbers, "the notebook has no numbered section"
    assert numbering_gaps(numbers) == []
    table = next(cell.source for cell in cells if PART_ROW.search(cell.source))
    assert PART_ROW.findall(table), "no points table"
    assert part_label_problems(table, numbers) == []


def test_a_gap_and_a_wrong_label_are_seen():
    """The checks can fail: a subsection or a section skipped, a label naming no section or out of order."""
    numbers = ["1", "1.1", "1.2", "2", "3", "3.1", "3.3"]
    assert numbering_gaps(numbers) == ["subsection 3.3 where 3.2 was expected"]
    assert numbering_gaps(["1", "2", "4"]) == ["sections numbered [1, 2, 4], not 1 to 3"]
    old_table = "| 1a. `log_uniform` | `test_log_uniform` | 4 |\n| 1b. `best_on_border` | `test_best_on_border` | 5 |\n"
    assert part_label_problems(old_table, ["1", "1.1"]) == []
    assert part_label_problems(old_table.replace("1a.", "7."), ["1", "1.1"]) == [
        "test_log_uniform: the label '7. `log_uniform`' names section 7, which the notebook lacks",
        "test_best_on_border: the label '1b. `best_on_border`' comes after a later or equal part"]
