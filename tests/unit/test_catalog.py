"""The catalog tables (autograder/catalog/<assignment>.toml) read into Variants, and a bad
entry stops the reading with a message naming the file and the entry."""
import re
import textwrap
import types
from pathlib import Path

import pytest

from autograder.catalog import CatalogError, Variant, load_variants, variants_for
from autograder.course import CATALOG_DIR
from autograder.kernel.sandbox import hidden_paths

REPO = Path(__file__).resolve().parents[2]
TABLES = sorted(CATALOG_DIR.glob("*.toml"))

BUILDERS = types.ModuleType("builders")
BUILDERS.__dict__["scaled"] = lambda factor="1": f"def f(x):\n    return {factor} * x\n"
BUILDERS.__dict__["NOT_A_FUNCTION"] = "def f(x): ..."

GOOD = '''
[[base]]
name = "RIGHT"
code = """
def f(x):
    return 2 * x
"""

[[variant]]
name = "times_three"
part = "f"
kind = "wrong"
description = "multiplies by 3"
hint = "multiply by 2"
base = "RIGHT"
edits = [{ old = "2 * x", new = "3 * x" }]

[[variant]]
name = "plus_itself"
part = "f"
kind = "correct"
description = "adds x to itself"
cell = "shared_code"
code = """
def f(x):
    return x + x
"""

[[variant]]
name = "built"
part = "g"
kind = "wrong"
description = "built by a function"
hint = "read the docstring"
builder = "scaled"
args = { factor = "4" }
edits = [{ old = "def f", new = "def g" }]
'''


def table(tmp_path, text):
    path = tmp_path / "assignment9.toml"
    path.write_text(text)
    return path


def test_a_table_reads_into_variants_in_order(tmp_path):
    assert load_variants(table(tmp_path, GOOD), BUILDERS) == [
        Variant("times_three", "f", "wrong", "multiplies by 3", "multiply by 2", "f_code",
                "def f(x):\n    return 3 * x\n"),
        Variant("plus_itself", "f", "correct", "adds x to itself", "", "shared_code",
                "def f(x):\n    return x + x\n"),
        Variant("built", "g", "wrong", "built by a function", "read the docstring", "g_code",
                "def g(x):\n    return 4 * x\n"),
    ]


def refusal(tmp_path, old, new):
    """The CatalogError of GOOD with its line `old` replaced by `new`; it names the file."""
    assert old in GOOD
    path = table(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CatalogError) as raised:
        load_variants(path, BUILDERS)
    assert str(raised.value).startswith(str(path))
    return str(raised.value)


def cases(*rows):
    """pytest params (old, new, message) from rows (what is wrong, old, new, message)."""
    return [pytest.param(*row[1:], id=row[0]) for row in rows]


# Each case: (what is wrong, a line of GOOD, what replaces it, what the error says).
BAD = cases(
    ("unknown key", 'hint = "multiply by 2"', 'hnit = "multiply by 2"', "variant 'times_three': unknown key 'hnit'"),
    ("no description", 'description = "adds x to itself"\n', "", "variant 'plus_itself': 'description' must be"),
    ("unknown kind", 'kind = "correct"', 'kind = "right"', "variant 'plus_itself': kind is 'right'"),
    ("wrong without hint", 'hint = "multiply by 2"\n', "", "variant 'times_three': a wrong variant needs a hint"),
    ("correct with hint", 'cell = "shared_code"', 'hint = "none"', "'plus_itself': a correct variant has no hint"),
    ("unknown base", 'base = "RIGHT"', 'base = "RIGTH"', "variant 'times_three': no [[base]] named 'RIGTH'"),
    ("two kinds of code", 'cell = "shared_code"', 'base = "RIGHT"', "'plus_itself': give exactly one of 'code'"),
    ("unknown builder", 'builder = "scaled"', 'builder = "scaled_up"', "variant 'built': builder 'scaled_up' is not a"),
    ("builder not a function", 'builder = "scaled"', 'builder = "NOT_A_FUNCTION"', "is not a function"),
    ("bad args", 'args = { factor = "4" }', 'args = { factr = "4" }', "builder 'scaled' does not take these args"),
    ("edit not found", 'old = "2 * x"', 'old = "2*x"', "'times_three': edit does not apply: '2*x' occurs 0 times"),
    ("edit found twice", 'old = "def f"', 'old = "x"', "variant 'built': edit does not apply: 'x' occurs 2 times"),
    ("edit not a table", '{ old = "2 * x", new = "3 * x" }', '["2 * x", "3 * x"]',
     "variant 'times_three': an edit is a table of two strings, old and new"),
    ("duplicate name", 'name = "plus_itself"', 'name = "times_three"',
     "variant 'times_three': a variant of that name comes earlier in the file"),
    ("unknown key in a base", 'name = "RIGHT"', 'name = "RIGHT"\nnote = "f"', "base 'RIGHT': unknown key 'note'"),
    ("unknown table", "[[variant]]", "[[variants]]", "unknown table 'variants'"),
    ("not TOML", 'part = "f"', "part = f", "not valid TOML"),
)


@pytest.mark.parametrize("old, new, message", BAD)
def test_a_bad_entry_is_refused_naming_the_file_the_entry_and_the_fault(tmp_path, old, new, message):
    assert message in refusal(tmp_path, old, new)


def test_a_builder_entry_needs_the_assignments_module(tmp_path):
    with pytest.raises(CatalogError, match="builder 'scaled' is not a function of the assignment"):
        load_variants(table(tmp_path, GOOD), None)


@pytest.mark.parametrize("path", TABLES, ids=[p.stem for p in TABLES])
def test_every_catalog_table_reads(path):
    variants = variants_for(path.stem)
    assert len(variants) >= 30
    assert {v.kind for v in variants} == {"wrong", "correct"}
    assert all(v.source.strip() for v in variants)


def test_an_assignment_without_a_table_has_no_variants():
    assert variants_for("assignment0") == []


def test_the_tables_are_hidden_from_the_kernels():
    """The sandbox empties the catalog folder as a whole in a kernel's view: the tables
    are in it, not beside it (kernel/sandbox.py; the forge tests try to read one)."""
    assert [p.stem for p in TABLES] == [f"assignment{i}" for i in range(1, 7)]
    hidden = hidden_paths()
    assert CATALOG_DIR.resolve() in hidden
    assert all(any(p.resolve().is_relative_to(folder) for folder in hidden) for p in TABLES)


def test_the_example_entry_in_docs_audit_reads_when_added_to_its_table(tmp_path):
    """docs/audit.md shows how to add a variant: its example entry, appended to the table it
    names, reads as the last variant of that assignment."""
    doc = (REPO / "docs" / "audit.md").read_text()
    example = re.search(r"## Adding a variant.*?```toml\n(.*?)```", doc, re.S).group(1)
    assignment = re.search(r"`autograder/catalog/(assignment\d)\.toml`", doc.split("## Adding a variant")[1]).group(1)
    path = tmp_path / f"{assignment}.toml"
    path.write_text((CATALOG_DIR / f"{assignment}.toml").read_text() + "\n" + textwrap.dedent(example))
    variants = load_variants(path, None)
    assert variants[:-1] == variants_for(assignment)
    assert variants[-1].name == re.search(r'name = "(\w+)"', example).group(1)
