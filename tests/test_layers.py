"""The code is in three layers, and a file imports only its own layer or those below:

- bottom: core (shared building blocks) and pagecache (the page cache), which import
  no other project package, not even each other; and mail (email, subscribers,
  announcements), which uses them and knows no content app;
- middle: delegations and symposium, side by side, importing only the bottom;
- top: cosn_global, which composes the site from all of them.

And no two files import each other, directly or in a longer loop.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {
    "core": set(),
    "pagecache": set(),
    "mail": {"core", "pagecache"},
    "delegations": {"core", "pagecache", "mail"},
    "symposium": {"core", "pagecache", "mail"},
    "cosn_global": {"core", "pagecache", "mail", "delegations", "symposium"},
}
# Tests, migrations (which name the code of their day) and the benchmark are not layered.
NOT_LAYERED = {"tests", "migrations"}


def modules():
    for package in ALLOWED:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not NOT_LAYERED & set(relative.parts):
                yield ".".join(relative.with_suffix("").parts).removesuffix(".__init__"), path


def imports(name, path):
    """The project modules that the file imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (target for target in targets if target.split(".")[0] in ALLOWED)


MODULES = dict(modules())
GRAPH = {
    name: {target for target in imports(name, path) if target in MODULES and target != name}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_only_its_layer_or_those_below(name):
    own = name.split(".")[0]
    others = {target.split(".")[0] for target in imports(name, MODULES[name])} - {own}
    assert others <= ALLOWED[own], f"{name} imports {sorted(others - ALLOWED[own])}"


def test_no_modules_import_each_other():
    loops = []
    for start in GRAPH:
        seen, stack = set(), [(start, [start])]
        while stack:
            node, path = stack.pop()
            for target in GRAPH[node]:
                if target == start:
                    loops.append(" -> ".join([*path, start]))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, target]))
    assert loops == []
