"""Imports point down only (STYLE.md §2): each module may import only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# module -> the generator modules it may import
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model": {"errors"},
    "config": {"errors"},
    "frontmatter": {"errors"},
    "urls": {"model", "config"},
    "capture": {"errors", "_capture_lines", "_capture_blocks", "_capture_topics"},
    "_capture_lines": {"errors"},
    "_capture_blocks": {"errors", "_capture_lines"},
    "_capture_topics": {"errors", "_capture_lines", "_capture_blocks"},
    "content": {"frontmatter", "model", "config", "errors"},
    "pages": {"model", "config", "urls"},
    "feeds": {"model", "config", "urls", "pages"},
    "render": {"pages", "config", "errors", "markup", "structured"},
    "structured": {"config", "model", "pages", "urls"},
    "markup": set(),
    "output": {"errors", "fixity"},
    "fixity": {"errors"},
    "merge": {"capture"},
    "importer": {"capture", "content", "frontmatter", "config", "output", "errors", "fixity",
                 "merge", "records", "__init__"},
    "records": {"capture", "frontmatter", "merge"},
    "build": {"config", "content", "feeds", "output", "pages", "render", "errors", "depends",
              "state", "fixity", "model"},
    "depends": {"pages"},
    "state": {"model"},
    "check": {"errors", "config", "urls"},
    "serve": {"build", "config", "errors"},
    "verify": {"capture", "config", "content", "errors", "fixity", "model", "urls"},
    "bag": {"config", "errors", "__init__"},
    "init": {"errors", "output", "render"},
    "cli": {"errors", "config", "importer", "build", "check", "serve", "init", "verify",
            "bag", "__init__"},
    "__init__": set(),
    "__main__": {"cli"},
}
THIRD_PARTY: dict[str, set[str]] = {
    "click": {"cli"},
    "jinja2": {"render"},
    "cmarkgfm": {"markup"},
    "nh3": {"render"},
    "markupsafe": {"render"},
    "yaml": {"frontmatter"},
    "tomllib": {"config"},
    "http.server": {"serve"},
    "bagit": {"bag"},
}


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "generator":
                names.update(f"generator.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert set(MODULES) <= set(ALLOWED), set(MODULES) - set(ALLOWED)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_point_down(module: str) -> None:
    found = imports(PACKAGE / f"{module}.py")
    own = {name.split(".")[1] for name in found if name.startswith("generator.")}
    own = {name if name != "__init__" else "__init__" for name in own}
    own -= {"__version__"}
    if "__version__" in {n.split(".")[-1] for n in found}:
        own.add("__init__")
    assert own <= ALLOWED[module], f"{module} imports {sorted(own - ALLOWED[module])}"
    for library, users in THIRD_PARTY.items():
        if any(name == library or name.startswith(library + ".") for name in found):
            assert module in users, f"{module} imports {library}; only {sorted(users)} may"
