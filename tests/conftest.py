"""Shared fixtures: build real sites with MkDocs into temporary folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
# What a site needs beside its catalogue: the configuration, the hand-written pages, the theme
# overrides and what the pages include.
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "CONTRIBUTING.md")


def copy_site_sources(root: Path, target: Path) -> None:
    """Copy the site configuration (mkdocs.yml, docs/, overrides/, what docs include) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def make_project(target: Path, catalogue: Path) -> Path:
    """A project folder with the real site configuration and the given catalogue."""
    copy_site_sources(REPO, target)
    shutil.copytree(catalogue, target / "catalogue")
    labels = catalogue.parent / "sources" / "labels.yml"  # what readers see for each listing
    if labels.is_file():
        (target / "sources").mkdir(exist_ok=True)
        shutil.copy(labels, target / "sources" / "labels.yml")
    return target


def build_fixture_site(target: Path, **options: object) -> Path:
    """The fixture catalogue built with ``mkdocs build --strict`` into ``target/site``, with ``options``
    for the catalogue plugin (e.g. ``header_search="pagefind"``); returns the site folder."""
    project = make_project(target, FIXTURES / "mini" / "catalogue")
    if options:
        config = project / "mkdocs.yml"
        lines = "".join(f"      {name}: {value}\n" for name, value in options.items())
        config.write_text(config.read_text().replace("  - catalogue\n", f"  - catalogue:\n{lines}"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def environment(extra: dict | None = None) -> dict:
    """Subprocess environment that imports the generator from this checkout."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1", **(extra or {})}


def mkdocs_build(project: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``mkdocs build --strict``; the site goes to ``project/site``."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site"), *extra],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment(env),
        check=False,
    )


def run_generator(*arguments: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment(env),
        check=False,
    )


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    """The fixture catalogue built once with ``mkdocs build --strict``; returns the site folder."""
    project = make_project(tmp_path_factory.mktemp("mini"), FIXTURES / "mini" / "catalogue")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real catalogue built once with ``mkdocs build --strict``; returns the site folder."""
    project = make_project(tmp_path_factory.mktemp("real"), REPO / "catalogue")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Debian Chromium for the whole session (search tests); skipped only without it."""
    from benchmarks.search_browser import CHROMIUM, chromium

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def real_site_url(real_site) -> str:
    """The real site (with its Pagefind index) served on 127.0.0.1; returns the base URL."""
    from benchmarks.search_browser import serve

    with serve(real_site) as base:
        yield base
