"""What each catalogued bug does to the visible tests: the released known_bugs.json.

So that a student's own visible tests (in Jupyter, and in `check`) can name a
likely bug without the catalog being shipped, the release runs the released
notebook with the solutions filled in, in one kernel on the reduced data size.
After each test cell, for every wrong variant of that part, a probe cell puts
the variant in place of its cell, runs the visible tests again, keeps the
fingerprint of the first failure (coursekit/known_bugs.py) and puts the
solution back. known_bugs.json then maps each fingerprint's digest to the
message "Likely cause: your code ... Hint: ..." sealed with that fingerprint.
A variant that passes the visible tests has no fingerprint: only the hidden
tests catch it, and the grader names it.
"""
import json
import tempfile
from pathlib import Path

import nbformat

from autograder.judging.diagnose import describe
from autograder.examples import filled_in, solution_cells, variant_cell_source
from autograder.kernel.kernel_env import kernel_environment
from autograder.catalog import variants_for
from coursekit.cells import is_test_cell, part_name
from coursekit.check import execute
from coursekit.known_bugs import FILE_NAME, FORMAT, lookup_key, seal

PROBE_TIMEOUT = 600

PROBE_HELPER = '''
def _probe_visible_tests(variant_source, test_source, solution_source):
    """The fingerprint of the first failure of test_source with the variant in place (None if it passes)."""
    import contextlib, io
    from coursekit.known_bugs import failure_material
    space = globals()
    exec(compile(variant_source, "<variant>", "exec"), space)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(test_source, "<visible tests>", "exec"), space)
        return None
    except Exception as error:
        return failure_material(error)
    finally:
        exec(compile(solution_source, "<solution>", "exec"), space)

_probe_fingerprints = {}
'''


def probe_source(variant, test_source, solution_source):
    return (f"_probe_fingerprints[{variant.name!r}] = _probe_visible_tests(\n"
            f"    {variant_cell_source(variant)!r},\n"
            f"    {test_source!r},\n    {solution_source!r})")


def probing_notebook(perfect, wrong_variants, solutions, results_path):
    """`perfect` with the probe helper first, probe cells after each probed test cell,
    and the cells after the last probed test cell dropped (they are not needed)."""
    by_part = {}
    for variant in wrong_variants:
        by_part.setdefault(variant.part, []).append(variant)
    cells = [nbformat.v4.new_code_cell(PROBE_HELPER)]
    probed = 0
    for cell in perfect.cells:
        if probed == len(by_part):
            break
        cells.append(cell)
        part = part_name(cell) if is_test_cell(cell) else None
        if part in by_part:
            probed += 1
            cells += [nbformat.v4.new_code_cell(probe_source(v, cell.source, solutions[v.cell])) for v in by_part[part]]
    cells.append(nbformat.v4.new_code_cell(
        f"import json\nwith open({str(results_path)!r}, 'w') as _f:\n    json.dump(_probe_fingerprints, _f)"))
    nb = nbformat.from_dict(perfect)
    nb.cells = cells
    return nb


def run_errors(nb):
    """Errors of the run: none is expected, since the solutions pass and probes catch what the variants raise."""
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, c in enumerate(nb.cells)
            if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]


def variant_fingerprints(course, assignment_id, released_notebook):
    """{wrong variant name: fingerprint of its first visible failure, or None} for one released notebook."""
    name = Path(released_notebook).stem
    solutions = solution_cells(course, assignment_id, name)
    nb = filled_in(course, nbformat.read(str(released_notebook), as_version=4), assignment_id, name)
    wrong = [v for v in variants_for(assignment_id) if v.kind == "wrong" and v.cell in solutions]
    if not wrong:
        return {}
    with tempfile.TemporaryDirectory(prefix="fingerprints-") as tmp:
        results = Path(tmp) / "fingerprints.json"
        probing = probing_notebook(nb, wrong, solutions, results)
        with kernel_environment("small"):
            execute(probing, Path(released_notebook).parent, timeout=PROBE_TIMEOUT)
        errors = run_errors(probing)
        if errors or not results.exists():
            raise RuntimeError(f"probing the visible tests of {assignment_id} failed: {errors or 'no results'}")
        return json.loads(results.read_text())


def known_bugs_table(variants, fingerprints):
    """The known_bugs.json content: {lookup key: sealed message}, one entry per distinct fingerprint."""
    causes = {}
    for variant in variants:
        material = fingerprints.get(variant.name)
        if material:
            causes.setdefault(material, []).append(variant)
    bugs = {lookup_key(material): seal(material, cause_message(alike)) for material, alike in causes.items()}
    return {"format": FORMAT, "bugs": dict(sorted(bugs.items()))}


def cause_message(alike):
    """The message for the variants that fail the visible tests alike (the kernel does not
    know which part's test is running, so when several parts share it, each is named)."""
    if len(alike) == 1:
        return describe(alike[0])
    if len({v.hint for v in alike}) == 1:
        return ("Likely cause: " + ", or ".join(f"your code {v.description} (in {v.part})" for v in alike)
                + f". Hint: {alike[0].hint}.")
    return "Likely cause, one of: " + "; or ".join(
        f"in {v.part}, your code {v.description} (hint: {v.hint})" for v in alike) + "."


def write_known_bugs(course, assignment_id, released_dir):
    """Probe every released notebook of the assignment; write released_dir/known_bugs.json.

    Returns {variant name: fingerprint or None}. Writes nothing for an assignment without a catalog.
    """
    fingerprints = {}
    for notebook in sorted(Path(released_dir).glob("*.ipynb")):
        fingerprints.update(variant_fingerprints(course, assignment_id, notebook))
    if fingerprints:
        table = known_bugs_table(variants_for(assignment_id), fingerprints)
        (Path(released_dir) / FILE_NAME).write_text(json.dumps(table, indent=1) + "\n")
    return fingerprints
