"""The release refuses a source that would leak, before it probes anything (nbgrader
generate_assignment only, no kernel); nothing is released then."""
import shutil

import nbformat
import pytest

from autograder.catalog import variants_for
from autograder.course import CATALOG_DIR, REFERENCES_DIR, Course
from autograder.judging.references import load_references
from autograder.release.leak_check import reference_values
from autograder.release.release import LeakError, release
from coursekit.cells import nbgrader_meta

REPO = Course.from_repo()


def course_with_extra_cell(tmp_path, text):
    """A course whose assignment1 sources are the repository's plus a markdown cell `text`."""
    course = Course(tmp_path / "solutions", tmp_path / "assignments", REFERENCES_DIR)
    (course.solutions_dir / "assignment1").mkdir(parents=True)
    for notebook in REPO.source_notebooks("assignment1"):
        nb = nbformat.read(str(notebook), as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(text))
        nbformat.write(nb, str(course.solutions_dir / "assignment1" / notebook.name))
    return course


def test_release_refuses_a_reference_value_in_the_source(tmp_path):
    value = reference_values(load_references(REPO, "assignment1"))[-1]
    course = course_with_extra_cell(tmp_path, f"The loss should be {value!r}.")
    with pytest.raises(LeakError, match="reference value"):
        release(course, "assignment1", tmp_path / "released")
    assert not (tmp_path / "released" / "assignment1").exists()
    assert not (course.assignments_dir / "assignment1").exists()


def test_release_refuses_a_catalogued_bug_description_in_the_source(tmp_path):
    bug = next(v for v in variants_for("assignment1") if v.kind == "wrong")
    course = course_with_extra_cell(tmp_path, f"A common bug: your code {bug.description}.")
    with pytest.raises(LeakError, match=f"description of the catalogued bug {bug.name}"):
        release(course, "assignment1")
    assert not (course.assignments_dir / "assignment1").exists()


def test_release_refuses_a_catalog_table_among_the_sources(tmp_path):
    """A copy of the catalog table left beside the source notebooks would be released with
    them: the leak check reads it and refuses."""
    course = course_with_extra_cell(tmp_path, "Notes.")
    shutil.copy(CATALOG_DIR / "assignment1.toml", course.solutions_dir / "assignment1" / "variants.toml")
    with pytest.raises(LeakError, match="variants.toml contains the description of the catalogued bug"):
        release(course, "assignment1")
    assert not (course.assignments_dir / "assignment1").exists()


def test_release_refuses_a_model_answer_outside_its_answer_cell(tmp_path):
    """A line of a written answer's rubric pasted into another cell (which nbgrader releases as it is)."""
    source = nbformat.read(str(REPO.source_notebooks("assignment1")[0]), as_version=4)
    rubric_line = next(line for cell in source.cells if nbgrader_meta(cell).get("grade_id") == "written_kinks"
                       for line in cell.source.splitlines() if line.startswith("- 1 point"))
    course = course_with_extra_cell(tmp_path, f"Hint for the question above:\n{rubric_line}")
    with pytest.raises(LeakError, match="model answer or rubric"):
        release(course, "assignment1")
    assert not (course.assignments_dir / "assignment1").exists()
