"""The autograder's imports run one way: from the command line down (docs/architecture.md).

Every module's imports are read with `ast` (including imports inside functions, which
would otherwise hide a cycle) and checked against LAYERS, written down once here.
"""
import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Top to bottom. A module may import its own subpackage and any layer below its own, never above
# and never a neighbour in its own layer.
LAYERS = [
    ["autograder.__main__"],
    ["autograder.cli"],
    ["autograder.demo", "autograder.audit", "autograder.gradescope"],
    ["autograder.grading", "autograder.release"],
    ["autograder.exports"],
    ["autograder.reports", "autograder.hidden"],
    ["autograder.judging", "autograder.kernel"],
    ["autograder.cases"],
    ["autograder.catalog", "autograder.examples", "autograder.trusted"],
    ["autograder.nbgrader_setup", "autograder.course"],
    ["autograder.course_file", "autograder.gradebook_schema"],
    ["autograder"],   # the package itself (its __init__ holds nothing)
]


def module_name(path):
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(package):
    return {module_name(p): p for p in sorted((REPO / package).rglob("*.py"))}


def imported(path, name):
    """Every project module that the file imports (absolute or relative), anywhere in it."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m.split(".")[0] in ("autograder", "coursekit")}


def resolve(name, known):
    """The longest known module name that `name` is or lies inside (None if not a module)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def layer_of(name):
    for index, names in enumerate(LAYERS):
        for prefix in names:
            if name == prefix or (prefix != "autograder" and name.startswith(prefix + ".")):
                return index, prefix
    raise AssertionError(f"{name} is in no layer: add it to LAYERS in {__file__}")


def graph():
    known = {**package_modules("autograder"), **package_modules("coursekit")}
    return {name: {resolve(m, known) for m in imported(path, name)} - {None, name}
            for name, path in known.items()}


def test_every_autograder_module_has_a_layer():
    for name in package_modules("autograder"):
        layer_of(name)


def test_imports_never_climb_nor_cross_a_layer():
    wrong = []
    for name, targets in graph().items():
        if not name.startswith("autograder"):
            continue
        here, home = layer_of(name)
        for target in targets:
            if target.startswith("coursekit") or target == "autograder":
                continue
            there, other = layer_of(target)
            if other != home and there <= here:
                wrong.append(f"{name} -> {target}")
    assert not wrong, "imports that climb or cross a layer:\n  " + "\n  ".join(sorted(wrong))


def test_the_student_side_never_imports_the_instructor_side():
    wrong = [f"{name} -> {t}" for name, targets in graph().items() if name.startswith("coursekit")
             for t in targets if t.startswith("autograder")]
    assert not wrong, wrong


def test_no_import_cycle():
    edges = graph()
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(target):] + [target]))
            if target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_the_checker_sees_a_climb(tmp_path):
    """The check itself can fail: a module of a lower layer importing a higher one is caught."""
    low, high = layer_of("autograder.cases.records")[0], layer_of("autograder.grading.batch")[0]
    assert low > high
    source = "from autograder.grading.batch import grade\n"
    path = tmp_path / "x.py"
    path.write_text(source)
    assert "autograder.grading.batch" in imported(path, "autograder.cases.x")
