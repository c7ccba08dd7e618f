"""No module rewrites another's globals: values (the course, the settings) are passed instead.

Reads every module of both packages with `ast` and looks for an assignment to an attribute of an
imported module (`paths.X = ...`, `setattr(module, ...)`, `module.X += ...`).
"""
import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def imported_module_names(tree):
    """Local names bound to imported modules (import x, import x.y as z, from pkg import module)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                # `from autograder import course` binds a module; `from x import function` a value:
                # both are another module's objects, and neither may be rebound through an attribute.
                names.add(alias.asname or alias.name)
    return names


def rewrites(source):
    tree = ast.parse(source)
    modules = imported_module_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in modules:
                found.append(f"line {node.lineno}: {ast.unparse(target)} = ...")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in modules):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_rewrites_another_modules_globals():
    wrong = {}
    for package in ("autograder", "coursekit"):
        for path in sorted((REPO / package).rglob("*.py")):
            if rewrites(path.read_text()):
                wrong[str(path.relative_to(REPO))] = rewrites(path.read_text())
    assert not wrong, wrong


def test_the_check_sees_a_rewrite():
    assert rewrites("from autograder import course\ncourse.REPO_ROOT = 1\n")
    assert rewrites("import os\nsetattr(os, 'sep', '/')\n")
    assert not rewrites("class A:\n    pass\na = A()\na.x = 1\n")
