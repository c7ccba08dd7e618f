"""Building submissions from the released notebooks: the untouched release, a
perfect one (solution cells filled from the source notebook), and ones with a
catalogued variant in place of one function.
"""
from pathlib import Path

import nbformat

from coursekit.cells import is_test_cell, nbgrader_meta, part_name

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def released_notebook(course, assignment_id, notebook_name):
    return nbformat.read(str(course.assignments_dir / assignment_id / f"{notebook_name}.ipynb"), as_version=4)


def without_markers(source):
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def solution_cells(course, assignment_id, notebook_name):
    """{grade_id: solution code without markers} of the source notebook's solution cells."""
    nb = nbformat.read(str(course.solutions_dir / assignment_id / f"{notebook_name}.ipynb"), as_version=4)
    return {nbgrader_meta(c)["grade_id"]: without_markers(c.source)
            for c in nb.cells if nbgrader_meta(c).get("solution")}


def cell_by_grade_id(nb, grade_id):
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def filled_in(course, nb, assignment_id, notebook_name):
    """Released notebook node `nb` with every solution cell filled in from the source (in place)."""
    for grade_id, code in solution_cells(course, assignment_id, notebook_name).items():
        cell_by_grade_id(nb, grade_id).source = code
    return nb


def perfect_notebook(course, assignment_id, notebook_name):
    """The released notebook with every solution cell filled in from the source."""
    return filled_in(course, released_notebook(course, assignment_id, notebook_name), assignment_id, notebook_name)


def with_cell_source(nb, grade_id, source):
    """A copy of `nb` whose cell `grade_id` holds `source`."""
    copy = nbformat.from_dict(nb)
    cell_by_grade_id(copy, grade_id).source = source.strip("\n")
    return copy


def without_cell(nb, grade_id):
    """A copy of `nb` without the cell `grade_id` (a student deleted it)."""
    copy = nbformat.from_dict(nb)
    copy.cells = [c for c in copy.cells if nbgrader_meta(c).get("grade_id") != grade_id]
    return copy


def variant_cell_source(variant):
    """The code a catalogued variant puts in its cell (variants assume numpy as np)."""
    return "import numpy as np\n\n" + variant.source.strip("\n")


def with_variant(nb, variant):
    return with_cell_source(nb, variant.cell, variant_cell_source(variant))


def through_tests_of(nb, parts):
    """A copy of `nb` that ends with the last test cell of any of `parts` (the whole notebook when
    none of them has one). Cells run top to bottom, so what those test cells report does not
    change; the cells after them, which cannot affect it, are not run."""
    copy = nbformat.from_dict(nb)
    last = max((i for i, c in enumerate(copy.cells) if is_test_cell(c) and part_name(c) in parts), default=None)
    if last is not None:
        copy.cells = copy.cells[:last + 1]
    return copy


def write_submission(batch_root, student_id, assignment_id, notebook_name, nb):
    """Write one notebook as batch_root/<student>/<assignment>/<notebook>.ipynb; return its path."""
    path = Path(batch_root) / student_id / assignment_id / f"{notebook_name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
