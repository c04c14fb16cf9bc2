"""The house rules on dependencies between apps (STYLE.md), checked by import-linter on every test run."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency: run uv sync"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


# The one accepted circle (STYLE.md, issue 10): a service enqueues its own app's Celery task, and the task calls the
# service. The service side must import the task lazily (inside a function), so that importing either module alone
# never needs the other first.
ACCEPTED = re.compile(r"^apps\.(\w+)\.services -> apps\.\1\.tasks$")


def _import_graph() -> dict[str, set[str]]:
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("apps", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    return {
        module: {
            imported for imported in graph.find_modules_directly_imported_by(module) if imported.startswith("apps.")
        }
        for module in graph.modules
        if module.startswith("apps.")
    }


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _lazy_only(importer: str, imported: str) -> bool:
    """True when every `import` of `imported` in `importer` sits inside a function body."""
    path = ROOT.joinpath(*importer.split(".")).with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    inside = {id(child) for function in functions for child in ast.walk(function)}
    package = importer.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        if any(name == imported for name in names) and id(node) not in inside:
            return False
    return True


def test_no_import_cycle_between_modules_of_apps():
    edges = _import_graph()
    accepted = sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets if ACCEPTED.match(f"{a} -> {b}"))
    eager = [edge for edge in accepted if not _lazy_only(*edge.split(" -> "))]
    assert not eager, f"a service imports its own app's tasks at module level (make it lazy): {eager}"
    for edge in accepted:
        importer, imported = edge.split(" -> ")
        edges[importer].discard(imported)
    assert not _cycles(edges), f"import cycles between modules of apps/: {_cycles(edges)}"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
