"""Catalog of known variants of each graded function (instructor-only).

`wrong` variants are typical student bugs: each must lose the points of its
own part and only that part. `correct` variants are right answers written
differently: each must keep full points.

An assignment's catalog is the table `<assignment>.toml` in this folder (data:
the variants' code is input for the grader, not code this package runs):
- `[[base]]` entries name a piece of code that variants start from, usually the
  right version of a function: `name`, `code`;
- `[[variant]]` entries, in order: `name`, `part`, `kind` ("wrong" or "correct"),
  `description`, `hint` (wrong variants only), optional `cell` (default
  `<part>_code`), and the variant's code: `code` (written out in full), or
  `base` (the name of a base), or `builder` with `args` (a function of the
  module `<assignment>.py`, called with those keyword arguments); then optional
  `edits = [{ old = "...", new = "..." }, ...]`, applied in turn, each `old`
  occurring exactly once.
docs/audit.md ("Adding a variant") shows an example entry.

This module reads a table into `Variant` records (`variants_for`, `load_variants`).
"""
import functools
import importlib
import importlib.util
import inspect
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.course import CATALOG_DIR

KINDS = ("wrong", "correct")
REQUIRED_KEYS = ("name", "part", "kind", "description")
CODE_KEYS = ("code", "base", "builder")
VARIANT_KEYS = {*REQUIRED_KEYS, *CODE_KEYS, "hint", "cell", "args", "edits"}
BASE_KEYS = {"name", "code"}
EDIT_KEYS = {"old", "new"}


@dataclass(frozen=True)
class Variant:
    """One known implementation of a graded part.

    name: short id; part: the graded part it affects; kind: "wrong" or "correct";
    description: one line on what it does; hint: what to tell a student who has it
    ("" for a correct variant); cell: grade_id of the solution cell it replaces;
    source: that cell's new code.
    """
    name: str
    part: str
    kind: str
    description: str
    hint: str
    cell: str
    source: str


class CatalogError(ValueError):
    """A catalog table that cannot be read into Variants (the message names the file and entry)."""


def solution_cell(part):
    """The grade_id of the solution cell of `part` when the part has a cell of its own."""
    return f"{part}_code"


def variants_for(assignment_id):
    """The catalogued variants of one assignment, in table order ([] when it has no catalog)."""
    return list(cached_variants(assignment_id))


@functools.cache
def cached_variants(assignment_id):
    table = CATALOG_DIR / f"{assignment_id}.toml"
    if not table.is_file():
        return ()
    name = f"autograder.catalog.{assignment_id}"
    builders = importlib.import_module(name) if importlib.util.find_spec(name) else None
    return tuple(load_variants(table, builders))


def load_variants(table, builders=None):
    """The Variants of the TOML file `table`, in order; `builders` is the module whose
    functions `builder` entries name (None: the table has no builder entries).

    Raises CatalogError, naming the file and the entry, for anything it cannot read.
    """
    table = Path(table)
    try:
        data = tomllib.loads(table.read_text())
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{table}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"base", "variant"})
    if unknown:
        raise CatalogError(f"{table}: unknown table {unknown[0]!r} (there are [[base]] and [[variant]])")
    bases = read_entries(table, "base", data.get("base", []), read_base)
    return read_entries(table, "variant", data.get("variant", []),
                        lambda entry: read_variant(entry, dict(bases), builders))


def read_entries(table, kind, entries, read):
    """[read(entry), ...] for a list of entries with unique names; errors say which entry."""
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise CatalogError(f"{table}: {kind} must be a list of tables ([[{kind}]] entries)")
    results, names = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{table}, {kind} {entry.get('name', f'number {number}')!r}"
        try:
            result = read(entry)
        except CatalogError as error:
            raise CatalogError(f"{where}: {error}") from None
        if entry["name"] in names:
            raise CatalogError(f"{where}: a {kind} of that name comes earlier in the file")
        names.add(entry["name"])
        results.append(result)
    return results


def check_keys(entry, allowed, required):
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise CatalogError(f"unknown key {unknown[0]!r} (the keys are {', '.join(sorted(allowed))})")
    for key in required:
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise CatalogError(f"{key!r} must be a non-empty string")


def read_base(entry):
    """(name, code) of a [[base]] entry."""
    check_keys(entry, BASE_KEYS, ("name", "code"))
    return entry["name"], entry["code"]


def read_variant(entry, bases, builders):
    """A [[variant]] entry as a Variant."""
    check_keys(entry, VARIANT_KEYS, REQUIRED_KEYS)
    kind = entry["kind"]
    if kind not in KINDS:
        raise CatalogError(f"kind is {kind!r}: it must be 'wrong' or 'correct'")
    hint = entry.get("hint", "")
    if kind == "wrong" and not (isinstance(hint, str) and hint):
        raise CatalogError("a wrong variant needs a hint: what to tell a student who has this bug")
    if kind == "correct" and "hint" in entry:
        raise CatalogError("a correct variant has no hint")
    cell = entry.get("cell", solution_cell(entry["part"]))
    source = apply_edits(starting_code(entry, bases, builders), entry.get("edits", []))
    return Variant(entry["name"], entry["part"], kind, entry["description"], hint, cell, source)


def starting_code(entry, bases, builders):
    """The code an entry's edits apply to: its `code`, its base's code or its builder's result."""
    given = [key for key in CODE_KEYS if key in entry]
    if len(given) != 1:
        raise CatalogError("give exactly one of 'code' (written out), 'base' (a [[base]] name) and "
                           "'builder' (a function of the assignment's module)")
    if "args" in entry and "builder" not in entry:
        raise CatalogError("'args' goes with 'builder'")
    if "code" in entry:
        return entry["code"]
    if "base" in entry:
        if entry["base"] not in bases:
            raise CatalogError(f"no [[base]] named {entry['base']!r} in this file")
        return bases[entry["base"]]
    builder = getattr(builders, str(entry["builder"]), None)
    if not inspect.isfunction(builder):
        module = builders.__name__ if builders else "the assignment (it has no module)"
        raise CatalogError(f"builder {entry['builder']!r} is not a function of {module}")
    args = entry.get("args", {})
    try:
        inspect.signature(builder).bind(**args)
    except TypeError as error:
        raise CatalogError(f"builder {entry['builder']!r} does not take these args: {error}") from None
    return builder(**args)


def apply_edits(code, edits):
    """`code` with each edit ({old, new}) applied in turn; each `old` must occur exactly once."""
    for edit in edits:
        if not isinstance(edit, dict) or set(edit) != EDIT_KEYS or not all(isinstance(v, str) for v in edit.values()):
            raise CatalogError(f"an edit is a table of two strings, old and new, not {edit!r}")
        count = code.count(edit["old"])
        if count != 1:
            raise CatalogError(f"edit does not apply: {edit['old']!r} occurs {count} times in the code, not once")
        code = code.replace(edit["old"], edit["new"])
    return code
