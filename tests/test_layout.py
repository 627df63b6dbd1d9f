"""The package's shape: stages named after the data's path, no import circles, small modules.

``generator/records`` (listings and API answers → records), ``generator/remote`` (the public paper
APIs, politely, behind the committed answer cache), ``generator/markup`` (untrusted text → safe HTML),
``generator/pages`` (records → pages and data files, pure: no MkDocs), ``generator/search``
(built site → Pagefind bundle), ``generator/engine`` (the MkDocs plugin and the CLI). Each stage
imports only stages before it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"
# Which stage may import which: the data flows one way.
ALLOWED = {
    "records": {"records", "markup"},
    "remote": {"remote", "records"},
    "markup": {"markup"},
    "pages": {"records", "markup", "pages"},
    "search": {"search"},
    "engine": {"records", "remote", "markup", "pages", "search", "engine"},
}
MAX_LINES = 300


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_every_module_sits_in_a_stage_and_imports_only_earlier_stages():
    for name, path in modules().items():
        parts = name.split(".")
        if len(parts) < 3:
            assert name in {"generator", "generator.__main__"} or parts[1] in ALLOWED, name
            continue
        stage = parts[1]
        for imported in imports(path):
            if imported.startswith("generator."):
                assert imported.split(".")[1] in ALLOWED[stage], (name, imported)


def test_the_import_graph_has_no_circles():
    graph = {name: {i for i in imports(path) if i in modules()} for name, path in modules().items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            assert state.get(other) != "open", " -> ".join([*trail, name, other])
            if other not in state:
                visit(other, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_no_module_streams_shards_or_rewrites_pagefind_output():
    for name, path in modules().items():
        found = imports(path)
        assert not {"cbor2", "multiprocessing"} & found, name
        text = path.read_text(encoding="utf-8")
        assert "mergeIndex" not in text and "pagefind.service" not in text, name
    for name in ("generator.pages", "generator.records", "generator.markup"):
        for module, path in modules().items():
            if module.startswith(name):
                assert not any(i.split(".")[0] == "mkdocs" for i in imports(path)), module


def test_modules_are_small_and_benchmarks_stay_outside_the_package():
    for name, path in modules().items():
        assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES, name
    assert not list(PACKAGE.rglob("bench*.py"))
    assert (REPO / "benchmarks" / "bench.py").is_file()
