"""The package's folders are the pipeline's stages: imports run one way, and never in a loop.

Every import in parallelbook/ (at module level or inside a function) is read
with ast; a module may import only from its own stage or a lower one, and the
graph of imports between modules has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "parallelbook"

# Lowest first.  A module's stage is that of its folder, or its own name at the top.
STAGES = (
    ("__init__", "problems", "model", "files", "cache"),
    ("text",),
    ("read",),
    ("review",),
    ("render",),
    ("outputs",),
    ("pipeline",),
    ("commands",),
    ("cli", "__main__"),
)


def stage_of(module: str) -> int:
    parts = module.split(".")[1:] or ["__init__"]
    for index, names in enumerate(STAGES):
        if parts[0] in names:
            return index
    raise AssertionError(f"{module} belongs to no stage: add its folder to STAGES (and to LAYOUT in the README)")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str], root: Path = PACKAGE) -> set[str]:
    """The parallelbook modules a file imports (a package's name where a name is imported from it)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("parallelbook"):
                continue
            for alias in node.names:  # `from . import model` imports the module parallelbook.model
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("parallelbook"))
    return found - {name}


def import_graph(root: Path) -> dict[str, set[str]]:
    files = sorted(root.rglob("*.py"))
    modules = {module_name(path, root) for path in files}
    return {module_name(path, root): imports_of(path, modules, root) for path in files}


def upward(graph: dict[str, set[str]], module: str) -> list[str]:
    return sorted(target for target in graph[module] if stage_of(target) > stage_of(module))


def find_loop(graph: dict[str, set[str]]) -> list[str]:
    """One import loop of the graph (its modules, the first repeated at the end), or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (loop := visit(target)):
                return loop
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state and (loop := visit(module)):
            return loop
    return []


FILES = sorted(PACKAGE.rglob("*.py"))
GRAPH = import_graph(PACKAGE)


def test_every_folder_says_what_it_is_for():
    for folder in sorted({path.parent for path in FILES}):
        init = folder / "__init__.py"
        assert init.is_file(), f"{folder} is not a package"
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring.split()) >= 12, f"{init} must say in a few lines what the folder is for"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_down_the_pipeline(module):
    assert not upward(GRAPH, module), f"{module} (stage {stage_of(module)}) imports from a later stage: {upward(GRAPH, module)}"


def test_no_import_loops():
    loop = find_loop(GRAPH)
    assert not loop, "import loop: " + " -> ".join(loop)


def test_the_checks_catch_an_upward_import_and_a_loop(tmp_path):
    """A made-up package whose text stage imports the pipeline, which imports it back."""
    root = tmp_path / "parallelbook"
    (root / "text").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "text" / "__init__.py").write_text("")
    (root / "text" / "probe.py").write_text("def late():\n    from ..pipeline import build\n")
    (root / "pipeline.py").write_text("from .text.probe import late\nfrom . import model\n")
    (root / "model.py").write_text("")
    graph = import_graph(root)
    assert graph["parallelbook.pipeline"] == {"parallelbook.text.probe", "parallelbook.model"}
    assert upward(graph, "parallelbook.text.probe") == ["parallelbook.pipeline"]
    assert find_loop(graph) == ["parallelbook.pipeline", "parallelbook.text.probe", "parallelbook.pipeline"]
