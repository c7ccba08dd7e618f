"""Hidden cases follow each graded function's contract: every part with hidden cases has a
contract table (CONTRACTS in autograder/cases/<assignment>.py), the rows of what its docstring
allows or promises, and every row names a hidden case of that part."""
import dataclasses

import pytest

from autograder.cases import contracts_for, parts_for
from autograder.course import Course

COURSE = Course.from_repo()
GRADED = [a for a in COURSE.assignment_ids() if parts_for(a)]


def contract_problems(parts, contracts):
    """What is wrong with an assignment's contract tables (an empty list when nothing is)."""
    problems = [f"{part}: no contract table" for part in parts if not contracts.get(part)]
    problems += [f"{part}: a contract table for a part without hidden cases" for part in contracts if part not in parts]
    for part, rows in contracts.items():
        names = {case.name for case in parts[part].cases} if part in parts else set()
        seen = set()
        for row, case_name in rows:
            if row in seen:
                problems.append(f"{part}: the row '{row}' comes twice")
            seen.add(row)
            if part in parts and case_name not in names:
                problems.append(f"{part}: the row '{row}' names no hidden case of the part ('{case_name}')")
    return problems


@pytest.mark.parametrize("assignment_id", GRADED)
def test_every_graded_function_has_a_contract_table_whose_rows_name_its_cases(assignment_id):
    assert contract_problems(parts_for(assignment_id), contracts_for(assignment_id)) == []


def test_a_missing_case_a_missing_table_and_a_stray_table_are_found():
    parts, contracts = dict(parts_for("assignment2")), dict(contracts_for("assignment2"))
    rel_error = parts["rel_error"]
    parts["rel_error"] = dataclasses.replace(rel_error, cases=[c for c in rel_error.cases if c.name != "integer arrays"])
    assert contract_problems(parts, contracts) == [
        "rel_error: the row 'integer arrays' names no hidden case of the part ('integer arrays')"]
    del contracts["kink_crossed"]
    contracts["no_such_part"] = (("x", "y"),)
    assert contract_problems(parts_for("assignment2"), contracts) == [
        "kink_crossed: no contract table", "no_such_part: a contract table for a part without hidden cases"]
