"""Imports point down only (STYLE.md §2, docs/architecture.md).

The design is one declared table: each layer of `generator/` (a subpackage,
or a top-level module) and the layers it may import. A module's layer is the
folder it sits in, so a new module is checked without any edit here. Within
a layer modules may import each other, but never in a cycle. Third-party
libraries that shape the output have one home each.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# layer -> the layers it may import ("ingest.record": that module only).
# Every layer may also import the package root (`from generator import __version__`).
LAYERS: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "ingest": frozenset({"core"}),
    "content": frozenset({"core", "ingest.record"}),
    "site": frozenset({"core", "content"}),
    "render": frozenset({"core", "site"}),
    "publish": frozenset({"core"}),
    "search": frozenset({"core", "site"}),
    "archive": frozenset({"core", "ingest"}),
    "commands": frozenset({"core", "ingest", "content", "site", "render", "publish", "archive", "search"}),
    "cli": frozenset({"core", "commands"}),
    "__main__": frozenset({"cli"}),
    "__init__": frozenset(),
}

# library -> the layers or modules that may import it
LIBRARIES: dict[str, frozenset[str]] = {
    "click": frozenset({"cli"}),
    "jinja2": frozenset({"render"}),
    "markupsafe": frozenset({"render"}),
    "nh3": frozenset({"render"}),
    "cmarkgfm": frozenset({"render.markdown"}),
    "yaml": frozenset({"core.frontmatter"}),
    "tomllib": frozenset({"core.config"}),
    "slugify": frozenset({"core.slugs"}),
    "sqlite3": frozenset({"content.cache"}),
    "selectolax": frozenset({"ingest.html"}),
    "http.server": frozenset({"commands.serve_http"}),
    "bagit": frozenset({"commands.bag"}),
    "warcio": frozenset({"ingest.warc", "archive"}),
    "cdxj_indexer": frozenset({"archive.index"}),
    "httpx": frozenset({"archive.fetch"}),
    "watchfiles": frozenset({"commands.serve"}),
    "pagefind": frozenset({"search.pagefind"}),
}


def module_name(path: Path, root: Path) -> str:
    """generator/ingest/text/parse.py -> "ingest.text.parse"; a package's __init__ is its name."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    return module.split(".")[0]


def imported(path: Path, module: str, modules: set[str]) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of every module a file imports: `from generator.site import pages`
    imports generator.site.pages, `from generator.core.errors import SiteError` generator.core.errors."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ["generator", *package[: len(package) - node.level + 1]]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            inner = name.removeprefix("generator").removeprefix(".")
            submodules = [alias.name for alias in node.names
                          if name.startswith("generator") and
                          (f"{inner}.{alias.name}" if inner else alias.name) in modules]
            if submodules and len(submodules) == len(node.names):
                for alias in submodules:
                    yield f"{name}.{alias}", node.lineno
            else:
                yield name, node.lineno


def allows(allowed: frozenset[str], target: str) -> bool:
    """Whether a layer allowed `allowed` may import the liveblog module `target`."""
    return any(target == rule or target.startswith(rule + ".") for rule in allowed)


def own_modules(root: Path) -> set[str]:
    return {module_name(p, root) for p in root.rglob("*.py")}


def violations(root: Path) -> list[str]:
    """Every import in the package under `root` that the tables forbid."""
    found: list[str] = []
    modules = own_modules(root)
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        layer = layer_of(module)
        if layer not in LAYERS:
            found.append(f"{module}: not in any layer of the table")
            continue
        for name, line in imported(path, module, modules):
            where = f"{path.relative_to(root.parent)}:{line}"
            if name == "generator" or name.startswith("generator."):
                target = name.removeprefix("generator").removeprefix(".")
                if target in ("", "__init__") or layer_of(target) == layer:
                    continue
                if not allows(LAYERS[layer], target):
                    found.append(f"{where}: {module} ({layer}) imports generator.{target}")
                continue
            for library, users in LIBRARIES.items():
                if name == library or name.startswith(library + "."):
                    if not allows(users, module):
                        found.append(f"{where}: {module} imports {library}; only {sorted(users)} may")
    return found


def cycles(root: Path) -> list[list[str]]:
    """Import cycles between liveblog's own modules (module-level imports only)."""
    modules = own_modules(root)
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        module = module_name(path, root)
        edges: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # top level only
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
                base = node.module.removeprefix("generator.")  # type: ignore[union-attr]
                for alias in node.names:
                    edges.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
            elif isinstance(node, ast.Import):
                edges |= {a.name.removeprefix("generator.") for a in node.names
                          if a.name.startswith("generator.")}
        graph[module] = {edge for edge in edges if edge in modules and edge != module}
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for edge in sorted(graph.get(node, ())):
            if state.get(edge) == 1:
                found.append(trail[trail.index(edge):] + [edge] if edge in trail else [node, edge])
            elif edge not in state:
                visit(edge, trail + [edge])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_every_layer_in_the_table_exists_and_every_folder_is_a_layer() -> None:
    layers = {layer_of(m) for m in own_modules(PACKAGE)}
    assert layers == set(LAYERS)


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "\n" not in doc.strip(), f"{init}: needs a one-line docstring"
        assert "May import" in doc or "Imports nothing" in doc, f"{init}: say what it may import"


def test_imports_point_down() -> None:
    assert violations(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert cycles(PACKAGE) == []


@pytest.mark.parametrize(("planted", "source", "expected"), [
    ("core/planted.py", "from generator.site.pages import PageSpec\n",
     "core.planted (core) imports generator.site.pages"),
    ("content/planted.py", "from generator.ingest.text.parse import parse_capture\n",
     "content.planted (content) imports generator.ingest.text.parse"),
    ("site/planted.py", "from generator.render import markdown\n",
     "site.planted (site) imports generator.render.markdown"),
    ("publish/planted.py", "import generator.commands.build\n",
     "publish.planted (publish) imports generator.commands.build"),
    ("site/planted.py", "import jinja2\n", "site.planted imports jinja2"),
    ("newlayer/__init__.py", '"""A folder no one declared."""\n', "newlayer: not in any layer"),
])
def test_a_planted_upward_import_fails(tmp_path: Path, planted: str, source: str,
                                       expected: str) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "theme", "skeleton"))
    assert violations(copy) == []
    (copy / planted).parent.mkdir(exist_ok=True)
    (copy / planted).write_text(source, encoding="utf-8")
    found = violations(copy)
    assert len(found) == 1 and expected in found[0], found


def test_a_planted_cycle_fails(tmp_path: Path) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "theme", "skeleton"))
    (copy / "core" / "a.py").write_text("from generator.core import b\n", encoding="utf-8")
    (copy / "core" / "b.py").write_text("from generator.core.a import x\n", encoding="utf-8")
    assert cycles(copy) == [["core.a", "core.b", "core.a"]]
