"""`submit` refuses what is not the released notebook, before anything runs, and packs the
rest in the layout `grade` takes (no kernel here: the check is stubbed where it would run;
tests/grading/test_submit_grade.py hands a real submit zip to `grade`)."""
import zipfile

import nbformat
import pytest

from autograder.course import Course
from autograder.examples import perfect_notebook, released_notebook, with_cell_source, without_cell
from coursekit import submit
from coursekit.cells import is_written_answer, nbgrader_meta
from coursekit.student_id import id_problem

COURSE = Course.from_repo()
A1, NOTEBOOK = "assignment1", "linear_classifiers"


@pytest.fixture
def no_check(monkeypatch):
    """`check` must not run for a refused notebook; for an accepted one it reports two parts."""
    ran = []

    def fake_check(path, data_size, timeout, out):
        ran.append(path)
        return [("svm_loss_naive", 12, True, "passed"), ("svm_search", 10, False, "not implemented yet")]

    monkeypatch.setattr(submit, "check_notebook", fake_check)
    return ran


def write(folder, nb, name=NOTEBOOK):
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def refusal(path, student="alice", output=None):
    with pytest.raises(submit.Refusal) as refused:
        submit.submit(path, student, output or path.parent)
    assert not list(path.parent.glob("*.zip")), "a refused notebook was packed"
    return str(refused.value)


@pytest.mark.parametrize("student", ["", "../alice", "alice bob", ".hidden", "-rf", "a" * 65, "al/ice", "élise"])
def test_an_invalid_student_id_is_refused(student, tmp_path, no_check):
    path = write(tmp_path, perfect_notebook(COURSE, A1, NOTEBOOK))
    assert "student id" in refusal(path, student)
    assert id_problem(student) and no_check == []


@pytest.mark.parametrize("student", ["alice", "s1234567", "jane.doe@uni.edu", "A-1_b"])
def test_usual_student_ids_are_valid(student):
    assert id_problem(student) is None


def test_a_notebook_that_is_not_of_the_course_is_refused(tmp_path, no_check):
    path = write(tmp_path, nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), "essay")
    message = refusal(path)
    assert "not a notebook of this course" in message and "linear_classifiers.ipynb" in message
    assert no_check == []


def test_another_file_under_the_released_name_is_refused(tmp_path, no_check):
    path = write(tmp_path, nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]))
    assert "not the released linear_classifiers.ipynb" in refusal(path)


def test_a_renamed_notebook_is_refused_with_its_released_name(tmp_path, no_check):
    path = write(tmp_path, perfect_notebook(COURSE, A1, NOTEBOOK), "Copy of linear_classifiers")
    message = refusal(path)
    assert "saved under another name" in message and "Rename it to linear_classifiers.ipynb" in message


def test_an_edited_test_cell_is_refused(tmp_path, no_check):
    nb = with_cell_source(perfect_notebook(COURSE, A1, NOTEBOOK), "test_svm_loss_naive", "pass")
    message = refusal(write(tmp_path, nb))
    assert "the test cell test_svm_loss_naive was changed" in message
    assert message.count("was changed") == 1


def test_a_deleted_test_cell_is_refused(tmp_path, no_check):
    nb = without_cell(perfect_notebook(COURSE, A1, NOTEBOOK), "test_softmax_search")
    assert "the cell test_softmax_search is missing" in refusal(write(tmp_path, nb))


def test_edited_provided_code_is_refused(tmp_path, no_check):
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    provided = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "provided_gradient_check")
    provided.source += "\nrel_error = lambda a, b: 0.0"
    assert "the provided cell provided_gradient_check was changed" in refusal(write(tmp_path, nb))


def test_a_damaged_file_is_refused(tmp_path, no_check):
    path = tmp_path / f"{NOTEBOOK}.ipynb"
    path.write_text(nbformat.writes(perfect_notebook(COURSE, A1, NOTEBOOK))[:500])
    assert "could not be read as a notebook" in refusal(path)


def test_whitespace_an_editor_adds_is_not_an_edit(tmp_path, no_check):
    nb = perfect_notebook(COURSE, A1, NOTEBOOK)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("locked"):
            cell.source = "\n".join(line + "  " for line in cell.source.splitlines()) + "\n\n"
    submit.submit(write(tmp_path, nb), "alice", tmp_path)
    assert no_check


def test_an_accepted_notebook_is_packed_as_grade_takes_it(tmp_path, no_check):
    (tmp_path / "work").mkdir()
    (tmp_path / "out").mkdir()
    path, out = write(tmp_path / "work", perfect_notebook(COURSE, A1, NOTEBOOK)), tmp_path / "out"
    target = submit.submit(path, "jane.doe@uni.edu", out)
    assert target == out / f"jane.doe@uni.edu_{A1}.zip" and no_check == [path]
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == [f"jane.doe@uni.edu/{A1}/{submit.REPORT_NAME}",
                                              f"jane.doe@uni.edu/{A1}/{NOTEBOOK}.ipynb"]
        assert archive.read(f"jane.doe@uni.edu/{A1}/{NOTEBOOK}.ipynb") == path.read_bytes()
        report = archive.read(f"jane.doe@uni.edu/{A1}/{submit.REPORT_NAME}").decode()
    assert "[PASS] svm_loss_naive (12 points)" in report and "[FAIL] svm_search (10 points)" in report
    assert "1 of 2 parts pass (12 of 22 points)" in report


def test_the_untouched_release_may_be_handed_in(tmp_path, no_check):
    assert submit.submit(write(tmp_path, released_notebook(COURSE, A1, NOTEBOOK)), "alice", tmp_path).is_file()


def test_the_command_line_says_why_and_exits_2(tmp_path, no_check, capsys):
    path = write(tmp_path, perfect_notebook(COURSE, A1, NOTEBOOK), "Untitled")
    assert submit.main([str(path), "--student", "alice", "--output", str(tmp_path)]) == 2
    assert "Rename it to linear_classifiers.ipynb" in capsys.readouterr().err


def test_written_answers_filled_in_are_accepted_and_packed_as_written(tmp_path, no_check):
    """A written answer is the student's own text in an answer cell: submit takes it as it is."""
    nb = released_notebook(COURSE, A1, NOTEBOOK)
    answers = [cell for cell in nb.cells if is_written_answer(cell)]
    assert len(answers) >= 2
    for number, cell in enumerate(answers):
        cell.source = f"My own answer {number}: with $C$ classes each margin is about 1, so $C - 1$."
    path = write(tmp_path, nb)
    with zipfile.ZipFile(submit.submit(path, "alice", tmp_path)) as archive:
        packed = nbformat.reads(archive.read(f"alice/{A1}/{NOTEBOOK}.ipynb").decode(), as_version=4)
    assert [c.source for c in packed.cells if is_written_answer(c)] == [c.source for c in answers]


def test_a_deleted_written_answer_cell_is_refused(tmp_path, no_check):
    nb = released_notebook(COURSE, A1, NOTEBOOK)
    grade_id = next(nbgrader_meta(c)["grade_id"] for c in nb.cells if is_written_answer(c))
    assert f"the cell {grade_id} is missing" in refusal(write(tmp_path, without_cell(nb, grade_id)))
