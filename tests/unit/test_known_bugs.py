"""Naming the likely bug on the student's side (coursekit/known_bugs.py): the
visible tests and `check` name a catalogued bug from the released known_bugs.json,
which gives away neither the catalog nor any value.

The audit through `check` (every wrong variant, filled into the released notebook) is in
tests/course/test_check_audit.py (Assignment 1) and tests/full/test_check_audit_full.py."""
import json

import numpy as np
import pytest

from autograder.release.fingerprints import known_bugs_table
from autograder.catalog import Variant, variants_for
from autograder.course import Course
from coursekit.check import named_verdict
from coursekit.checks import assert_below, assert_close
from coursekit.known_bugs import (FILE_NAME, likely_cause, lookup_key, seal, text_material, unseal,
                                  value_material)

COURSE = Course.from_repo()
CATALOGUED = [a for a in COURSE.assignment_ids() if variants_for(a)]


def bug(name="sum_not_mean", description="sums the loss over the batch instead of averaging",
        hint="divide the loss by N"):
    return Variant(name, "loss", "wrong", description, hint, "loss_code", "")


def first_failure(check, *args):
    with pytest.raises(AssertionError) as caught:
        check(*args)
    return caught.value


def write_table(folder, variants, fingerprints):
    (folder / FILE_NAME).write_text(json.dumps(known_bugs_table(variants, fingerprints)))


def test_a_sealed_message_opens_only_with_its_fingerprint():
    material = value_material("loss", 24.0)
    sealed = seal(material, "Likely cause: your code sums.")
    assert unseal(material, sealed) == "Likely cause: your code sums."
    assert unseal(value_material("loss", 3.0), sealed) != "Likely cause: your code sums."
    assert "sums" not in sealed and lookup_key(material) != lookup_key(value_material("loss", 3.0))


def test_fingerprints_ignore_rounding_noise_but_not_a_factor():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((5, 4))
    assert value_material("dW", values) == value_material("dW", values * (1 + 1e-13))
    assert value_material("dW", values) != value_material("dW", values * 6)
    assert value_material("dW", values) != value_material("W", values)


def test_assert_close_names_a_catalogued_bug_and_only_that_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summed = first_failure(assert_close, "loss", 6 * 1.5, 1.5, 1e-8)
    write_table(tmp_path, [bug()], {"sum_not_mean": summed.fingerprint})
    again = first_failure(assert_close, "loss", 9.0 + 1e-14, 1.5, 1e-8)
    assert "Likely cause: your code sums the loss over the batch instead of averaging. " \
           "Hint: divide the loss by N." in str(again)
    assert str(again).startswith("loss: your result differs from the expected one by a relative error of")
    other = first_failure(assert_close, "loss", 2.5, 1.5, 1e-8)
    assert "Likely cause" not in str(other) and "relative error of 4.0e-01" in str(other)


def test_assert_below_names_a_catalogued_bug(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    errors = np.array([0.5, 0.25, 1e-10])
    failure = first_failure(assert_below, "gradient check", errors, 1e-7)
    write_table(tmp_path, [bug("no_reg_grad", "forgets the penalty's gradient", "add reg * W")],
                {"no_reg_grad": failure.fingerprint})
    assert "Likely cause: your code forgets the penalty's gradient" in str(
        first_failure(assert_below, "gradient check", errors * (1 + 1e-12), 1e-7))


def test_check_names_a_bug_behind_a_plain_assert_or_an_exception(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evalue = "operands could not be broadcast together with shapes (4,3) (4,) "
    write_table(tmp_path, [bug("no_keepdims", "subtracts the row maximum without keepdims", "use keepdims=True")],
                {"no_keepdims": text_material("ValueError", evalue)})

    def cell(ename, value):
        return {"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "grade_id": "test_loss"}},
                "outputs": [{"output_type": "error", "ename": ename, "evalue": value, "traceback": []}]}
    passed, message = named_verdict(cell("ValueError", evalue))
    assert not passed and message.startswith("ValueError: operands could not be broadcast")
    assert "Likely cause: your code subtracts the row maximum without keepdims. Hint: use keepdims=True." in message
    assert "Likely cause" not in named_verdict(cell("ValueError", "another message"))[1]


def test_two_bugs_with_one_hint_that_fail_alike_share_the_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    material = value_material("loss", 18.0)
    write_table(tmp_path, [bug("a", "sums over the examples", "divide by N"), Variant(
        "b", "vectorized", "wrong", "sums over the batch", "divide by N", "vectorized_code", "")],
        {"a": material, "b": material})
    assert likely_cause(material) == ("Likely cause: your code sums over the examples (in loss), or your code "
                                      "sums over the batch (in vectorized). Hint: divide by N.")


def test_two_bugs_that_fail_alike_are_both_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    material = value_material("loss", 0.0)
    write_table(tmp_path, [bug("a", "returns zero", "compute the loss"), bug("b", "never adds the margins", "add them")],
                {"a": material, "b": material})
    cause = likely_cause(material)
    assert "in loss, your code returns zero (hint: compute the loss)" in cause
    assert "in loss, your code never adds the margins (hint: add them)" in cause


@pytest.mark.parametrize("assignment_id", CATALOGUED)
def test_released_table_gives_nothing_away(assignment_id):
    text = (COURSE.assignments_dir / assignment_id / FILE_NAME).read_text()
    table = json.loads(text)
    assert table["bugs"], "no catalogued bug fails the visible tests: was the table generated?"
    for variant in variants_for(assignment_id):
        for secret in (variant.description, variant.hint, variant.source.strip().splitlines()[0]):
            assert not secret or secret not in text, f"{FILE_NAME} shows {secret!r}"
