"""The generator stands alone: its docs tree builds with MkDocs without the plugin, and with Zensical.

``python -m generator pages --out DIR --config-out FILE`` writes the complete docs tree and a config
without the plugin; ``python -m generator search SITE`` indexes whatever engine built. The real
catalogue goes through both engines; the paper pages must be complete in both, and the MkDocs build
of the tree must equal the plugin's build.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from benchmarks.search_browser import serve
from generator.engine.compact import compact_html
from tests.conftest import FIXTURES, REPO, environment, make_project, run_generator

PAPER = "qlora-efficient-finetuning-of-quantized-llms"
LISTS = ("making-llm-inference-fast", "peft-where-to-start")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project with the tree written into build/docs and standalone.yml beside mkdocs.yml."""
    project = make_project(tmp_path_factory.mktemp("standalone"), REPO / "catalogue")
    result = run_generator("pages", "--out", "build/docs", "--config-out", "standalone.yml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"pages: \d+ files \(\d+ generated pages\) in build/docs\n", result.stdout)
    return project


def engine(project, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command], cwd=project, capture_output=True, text=True, env=environment(), check=False, timeout=600
    )


@pytest.fixture(scope="module")
def zensical_site(project):
    result = engine(project, sys.executable, "-m", "zensical", "build", "-f", "standalone.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    indexed = run_generator("search", "site", cwd=project)
    assert indexed.returncode == 0, indexed.stderr
    return site


def test_the_tree_holds_docs_generated_pages_and_data(project):
    tree = project / "build" / "docs"
    assert (tree / "about.md").read_bytes() == (project / "docs" / "about.md").read_bytes()
    assert "<!-- catalogue:summary -->" not in (tree / "index.md").read_text()
    assert "<strong>749</strong> papers" in (tree / "index.md").read_text()
    assert len(list((tree / "papers").glob("*/index.md"))) == 749
    for data in ("feed.xml", "citations.bib", "api/papers.json", "api/topics.json", "charts/papers-per-year.svg"):
        assert (tree / data).stat().st_size > 100, data
    page = (tree / "papers" / PAPER / "index.md").read_text()
    assert page.startswith("---\n") and "\ntemplate: paper.html\n" in page and 'class="paper-metadata"' in page
    config = (project / "standalone.yml").read_text()
    assert "docs_dir: build/docs" in config and "- catalogue" not in config
    assert 'href="peft-where-to-start/"' in (tree / "lists" / "index.md").read_text()
    for slug in LISTS:
        page = (tree / "lists" / slug / "index.md").read_text()
        assert page.startswith("---\n") and f"\nsource: catalogue/lists/{slug}.yml\n" in page
        assert page.count('class="reading-list-entry"') >= 6
        for data in ("feed.xml", "citations.bib"):
            assert (tree / "lists" / slug / data).stat().st_size > 1000, (slug, data)
    assert (tree / "api" / "lists.json").is_file() and (tree / "api" / "lists.schema.json").is_file()


def test_the_tree_and_its_config_agree_on_the_header_search_engine(tmp_path):
    """The header box's engine (the plugin's option ``header_search``) reaches the standalone config, and
    paper pages stay out of lunr when Pagefind serves the header box, as in the plugin's build."""
    project = make_project(tmp_path, FIXTURES / "mini" / "catalogue")
    default = run_generator("pages", "--out", "auto", "--config-out", "auto.yml", cwd=project)
    assert default.returncode == 0, default.stderr
    assert yaml.safe_load((project / "auto.yml").read_text())["extra"]["header_search"] == "lunr"  # 8 papers
    assert "exclude: true" not in (project / "auto" / "papers" / "no" / "index.md").read_text()
    config = (project / "mkdocs.yml").read_text()
    (project / "mkdocs.yml").write_text(
        config.replace("  - catalogue\n", "  - catalogue:\n      header_search: pagefind\n")
    )
    chosen = run_generator("pages", "--out", "chosen", "--config-out", "chosen.yml", cwd=project)
    assert chosen.returncode == 0, chosen.stderr
    assert yaml.safe_load((project / "chosen.yml").read_text())["extra"]["header_search"] == "pagefind"
    assert "exclude: true" in (project / "chosen" / "papers" / "no" / "index.md").read_text()


def test_the_tree_refuses_a_folder_it_did_not_write(project):
    (project / "mine").mkdir()
    (project / "mine" / "notes.txt").write_text("keep me")
    result = run_generator("pages", "--out", "mine", cwd=project)
    assert result.returncode == 1 and "not empty and not a generated docs tree" in result.stderr
    assert (project / "mine" / "notes.txt").read_text() == "keep me"


def test_mkdocs_builds_the_tree_without_the_plugin_as_the_plugin_does(project, real_site):
    result = engine(project, sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "standalone.yml", "-d", "plain")
    assert result.returncode == 0, result.stdout + result.stderr
    plain = project / "plain"
    assert not (plain / "pagefind").exists()  # the plugin's only extra step: python -m generator search
    papers = sorted(path.relative_to(real_site) for path in real_site.glob("papers/*/index.html"))
    assert len(papers) == 749
    for path in papers:  # the plugin also compacts the HTML (generator/engine/compact.py), nothing else
        assert compact_html((plain / path).read_text()) == (real_site / path).read_text(), path
    lists = [f"lists/{slug}/{name}" for slug in LISTS for name in ("feed.xml", "citations.bib")]
    for data in (
        "feed.xml",
        "citations.bib",
        "api/papers.json",
        "api/lists.json",
        "charts/papers-per-year.svg",
        *lists,
    ):
        assert (plain / data).read_bytes() == (real_site / data).read_bytes(), data
    assert compact_html((plain / "glance/index.html").read_text()) == (real_site / "glance/index.html").read_text()


def test_zensical_builds_every_paper_page_complete(zensical_site):
    assert len(list(zensical_site.glob("papers/*/index.html"))) == 749
    page = (zensical_site / "papers" / PAPER / "index.html").read_text()
    assert "<title>QLoRA: Efficient Finetuning of Quantized LLMs" in page
    for part in (
        '<h1 id="title">QLoRA: Efficient Finetuning of Quantized LLMs</h1>',
        'class="paper-abstract"',  # the abstract
        'class="topic-chip" href="../../topics/',  # topic chips
        'class="curator-notes"',  # notes, with the add-a-note and edit-record actions
        "Add a note",
        "Edit record",
        'id="related"',  # related papers
        'class="language-bibtex highlight paper-bibtex"',  # BibTeX
        '<meta name="citation_title" content="QLoRA: Efficient Finetuning of Quantized LLMs">',
        '<script type="application/ld+json">',
        "data-pagefind-body",
    ):
        assert part in page, part
    topic = (zensical_site / "topics" / "peft" / "index.html").read_text()
    assert f'href="../../papers/{PAPER}/"' in topic
    assert (zensical_site / "feed.xml").is_file() and (zensical_site / "api" / "papers.json").is_file()


def test_zensical_builds_the_list_pages_and_their_links_lead_to_the_papers(zensical_site):
    overview = zensical_site / "lists" / "index.html"
    assert [href for href in re.findall(r'class="reading-lists-title" href="([^"]+)"', overview.read_text())] == [
        f"{slug}/" for slug in LISTS
    ]
    for slug in LISTS:
        page = zensical_site / "lists" / slug / "index.html"
        html = page.read_text()
        assert "data-pagefind-body" in html and 'class="reading-list-note"' in html
        papers = re.findall(r'<li id="entry-\d+" class="reading-list-entry"><a href="([^"]+)"', html)
        assert len(papers) >= 6
        for href in papers:  # relative links mean the same under Zensical as under MkDocs
            assert href.startswith("../../papers/") and (page.parent / href / "index.html").resolve().is_file(), href
    qlora = (zensical_site / "papers" / PAPER / "index.html").read_text()
    back = re.search(r'<a href="(\.\./\.\./lists/peft-where-to-start/)#entry-\d+">', qlora)
    assert back and (zensical_site / "papers" / PAPER / back.group(1) / "index.html").resolve().is_file()


def test_the_search_page_works_on_the_zensical_site(zensical_site, chromium_browser):
    with serve(zensical_site) as base:
        page = chromium_browser.new_page()
        page.goto(base + "search/?query=qlora")
        first = page.locator(".catalogue-search__result a.catalogue-search__title").first
        first.wait_for(timeout=15000)
        titles = page.locator(".catalogue-search__result a.catalogue-search__title").all_text_contents()
        assert any("QLoRA" in title for title in titles[:3]), titles
        count = page.evaluate(
            """async () => {
                const pagefind = await import(new URL("../pagefind/pagefind.js", location.href).href);
                const search = await pagefind.search(null, {filters: {code: {any: ["yes", "no"]}}});
                return search ? search.results.length : -1;
            }"""
        )
        page.close()
    assert count == 749  # the one standard bundle holds every paper
