"""The package's shape: imports run one way, no module imports in a circle, and no module is overlong."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "broadsheet"

# Each group may import only the groups listed for it (and the shared modules, and itself).
SHARED = {"errors", "urls", "paths", "stamps", "parallel", "guard", "deadline", "frozen"}
MAY_IMPORT = {
    "load": set(),
    "model": {"load"},
    "plan": {"load", "model"},
    "render": {"load", "model", "plan"},
    "output": set(),
    "options": {"load"},
    "incremental": {"load", "model", "plan", "render", "output", "options"},
    "pipeline": {"load", "model", "plan", "render", "output", "options", "incremental"},
    "run": {"load", "output", "options", "incremental", "pipeline"},  # the pipeline, only past the summary's proof
    "preview": {"load", "output", "options", "incremental", "pipeline", "run"},
    "cli": {"options", "pipeline", "run", "preview", "scaffold", "paper", "workflow"},  # paper: init and theme eject
    "paper": {"workflow"},
    "workflow": set(),
    "scaffold": {"load"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every broadsheet module a file imports, wherever the import statement is (function-local ones too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("broadsheet")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("broadsheet"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from broadsheet import urls`
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; name the module in full")
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        if path.name == "__init__.py":
            continue  # a package's __init__ re-exports; importing a submodule runs it first anyway
        edges[name] = {m for m in imports_of(path) if m in modules and m != name and modules[m].name != "__init__.py"}
    return edges


def group_of(module: str) -> str:
    return module.split(".")[1]


def test_no_module_imports_in_a_circle():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            raise AssertionError("import circle: " + " -> ".join([*trail[trail.index(module) :], module]))
        if module in done:
            return
        for target in sorted(edges.get(module, ())):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])


def test_imports_run_one_way_between_the_stages():
    wrong = []
    for module, targets in graph().items():
        group = group_of(module)
        allowed = SHARED if group in SHARED else MAY_IMPORT[group] | SHARED | {group}
        wrong += [f"{module} imports {t}" for t in sorted(targets) if group_of(t) not in allowed]
    assert wrong == []


def test_no_module_is_overlong_and_no_function_runs_past_a_screen():
    long_modules = [
        f"{p.relative_to(PACKAGE)}: {n} lines"
        for p in sorted(PACKAGE.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    ]
    # A screen: 80 lines of ruff-formatted code, which puts each argument of a long call on a line of its own.
    long_functions = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 80:
                long_functions.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.name}")
    assert long_modules == [] and long_functions == []
