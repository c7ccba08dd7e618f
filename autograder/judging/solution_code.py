"""The solution implementations, taken from the nbgrader source notebooks.

The source notebooks in solutions/ are the one place where solutions live.
Tools that need the solution functions (reference generation, example
submissions) take the top-level definitions from those notebooks: imports,
functions and classes; test cells, and statements that load data or train,
are skipped.
"""
import ast
import hashlib

import nbformat

from coursekit.cells import is_test_cell

KEPT_NODES = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)


def without_magics(source):
    """Drop IPython-only lines (%magic, !shell) so the cell parses as Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def cell_definitions(source):
    """The source segments of one code cell's top-level imports, functions and classes."""
    source = without_magics(source)
    return [ast.get_source_segment(source, node) for node in ast.parse(source).body if isinstance(node, KEPT_NODES)]


def definitions_source(notebook_path, skip=is_test_cell):
    """Source text of the top-level imports, functions and classes of a notebook's code cells
    (those for which skip(cell) is false: all but the test cells by default)."""
    nb = nbformat.read(str(notebook_path), as_version=4)
    pieces = [piece for cell in nb.cells if cell.cell_type == "code" and not skip(cell)
              for piece in cell_definitions(cell.source)]
    return "\n\n".join(pieces) + "\n"


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
