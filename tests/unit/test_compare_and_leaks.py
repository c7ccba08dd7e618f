"""Comparison messages and the release leak check, on small hand-made inputs."""
import nbformat
import numpy as np

from autograder.judging.compare import compare_outputs, relative_error
from autograder.release.leak_check import notebook_leaks


def test_relative_error_reports_the_worst_element():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    actual = expected.copy()
    actual[1, 0] = 3.3
    error, index = relative_error(actual, expected)
    assert index == (1, 0) and abs(error - 0.3 / 3.3) < 1e-12


def test_round_off_near_zero_is_not_an_error():
    expected = np.array([1.0, 1e-17])
    assert relative_error(np.array([1.0, 3e-17]), expected)[0] < 1e-9


def test_messages_name_output_and_element_but_not_the_reference():
    reference = {"loss": np.array(2.3456789), "dW": np.array([[0.5, -0.25]])}
    problems = compare_outputs({"loss": 2.3456789, "dW": np.array([[0.5, np.nan]])}, reference, 1e-6)
    assert problems == ["dW contains nan or inf at element (0, 1)"]
    problems = compare_outputs({"loss": 4.6913578, "dW": np.array([[0.5, -0.25]])}, reference, 1e-6)
    assert len(problems) == 1 and problems[0].startswith("loss is off by a relative error of 5.0e-01")
    assert "2.345" not in problems[0]
    assert compare_outputs({"loss": 1.0, "dW": np.zeros((2, 2))}, reference, 1e-6)[1].startswith("dW has shape")


def make_notebook(tmp_path, source, outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = list(outputs)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(path))
    return path


def test_leak_check_flags_markers_outputs_and_reference_numbers(tmp_path):
    references = {"part": {"case": {"loss": np.array(1.2345678901)}}}
    assert notebook_leaks(make_notebook(tmp_path, "x = 1.5  # fine"), references) == []
    assert "BEGIN SOLUTION" in notebook_leaks(make_notebook(tmp_path, "### BEGIN SOLUTION\nx=1"), references)[0]
    assert "reference value 1.23456789" in notebook_leaks(
        make_notebook(tmp_path, "assert abs(loss - 1.23456789) < 1e-6"), references)[0]
    output = nbformat.v4.new_output("stream", name="stdout", text="hi")
    assert "outputs from a run" in notebook_leaks(make_notebook(tmp_path, "print('hi')", [output]), references)[0]
