"""The definitions of a notebook: what the hidden tests run, for solutions and submissions alike.

A notebook's definitions are the top-level imports, functions, classes and literal
constants (`EPS = 1e-8`, `SIZES = (1, 2)`, `relu = lambda x: ...`) of its code cells,
in notebook order, test cells left out; statements that load data, train or print are
skipped. The source notebooks in solutions/ are the one place where solutions live:
reference generation and example submissions take the solution functions from their
definitions. The judge runner takes a submission's definitions the same way
(grading/judge_runner.py), with locked cells as released.
"""
import ast
import hashlib

import nbformat

from coursekit.cells import is_test_cell, nbgrader_meta

DEFINITION_NODES = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
LITERAL_NODES = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp, ast.unaryop,
                 ast.operator, ast.Load, ast.Lambda)


def without_magics(source):
    """Drop IPython-only lines (%magic, !shell) so the cell parses as Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def is_literal(node):
    """A value that runs no code: constants, containers and arithmetic of them, or a lambda
    (its body runs only when called)."""
    if isinstance(node, ast.Lambda):
        return True
    return isinstance(node, LITERAL_NODES) and all(is_literal(child) for child in ast.iter_child_nodes(node))


def names_only(target):
    return isinstance(target, ast.Name) or (isinstance(target, (ast.Tuple, ast.List))
                                            and all(isinstance(t, ast.Name) for t in target.elts))


def is_definition(node):
    if isinstance(node, DEFINITION_NODES):
        return True
    if isinstance(node, ast.Assign):
        return all(names_only(t) for t in node.targets) and is_literal(node.value)
    return isinstance(node, ast.AnnAssign) and node.value is not None and names_only(node.target) \
        and is_literal(node.value)


def cell_definitions(source):
    """Source of each definition at the top level of one cell (none when the cell does not parse)."""
    source = without_magics(source)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [ast.get_source_segment(source, node) for node in tree.body if is_definition(node)]


def notebook_definitions(nb, released=None):
    """The definitions of notebook node `nb`, in order, test cells left out.

    released: the released notebook, whose locked cells replace the notebook's own
    (as nbgrader restores them before running it).
    """
    locked = {nbgrader_meta(c).get("grade_id"): c.source for c in (released.cells if released else [])
              if nbgrader_meta(c).get("locked") and not nbgrader_meta(c).get("solution")}
    pieces = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or is_test_cell(cell):
            continue
        source = locked.get(nbgrader_meta(cell).get("grade_id"), cell.get("source", ""))
        pieces.extend(cell_definitions(source if isinstance(source, str) else ""))
    return pieces


def definitions_source(notebook_path):
    """Source text of the definitions of a notebook file."""
    return "\n\n".join(notebook_definitions(nbformat.read(str(notebook_path), as_version=4))) + "\n"


def solution_source(course, assignment_id):
    """All definitions of an assignment's source notebooks, in notebook order."""
    return "\n".join(definitions_source(p) for p in course.source_notebooks(assignment_id))


def solution_digest(course, assignment_id):
    """sha256 of the solution definitions: tells whether references are stale."""
    return hashlib.sha256(solution_source(course, assignment_id).encode()).hexdigest()


def solution_namespace(course, assignment_id):
    """Execute the solution definitions and return the resulting namespace (a dict)."""
    namespace = {"__name__": f"solution_{assignment_id}"}
    exec(compile(solution_source(course, assignment_id), f"<solutions/{assignment_id}>", "exec"), namespace)
    return namespace
