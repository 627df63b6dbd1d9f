"""Search: what each engine indexes, how the Pagefind step behaves, and ranking quality.

Quality runs the real engines in Debian's Chromium: Material's lunr through the header box of the
built real site, Pagefind through ``pagefind.js``. Every query in ``tests/search_queries.yml`` names
the paper it must find; each engine must put it in the top 3 for at least 90% of the queries.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, make_project, mkdocs_build

from generator.records.catalogue import load_catalogue
from generator.pages.render import pagefind_markers, render_paper_page
from benchmarks.search_browser import lunr_top, open_header_search, pagefind_top
from generator.search.index import LUNR_MAX_PAPERS, SearchIndexError, build_search_index, header_engine
from generator.search_process import SearchIndexProcess
from generator.search_shards import SHARD_PAGES

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yml").read_text(encoding="utf-8"))
REQUIRED_HIT_RATE = 0.9


@pytest.fixture(scope="module")
def mini_catalogue():
    return load_catalogue(FIXTURES / "mini")


def test_query_set_is_large_and_names_real_papers():
    ids = {path.stem for path in (REPO / "catalogue" / "papers").glob("*.yml")}
    assert len(QUERIES) >= 40
    assert {query["paper"] for query in QUERIES} <= ids
    kinds = {query["kind"] for query in QUERIES}
    assert {"exact title", "title fragment", "method name", "acronym", "lower case", "misspelled"} <= kinds
    assert {"hyphenated name", "dotted name", "math title", "topic words"} <= kinds


def test_paper_page_carries_pagefind_body_filters_and_sort_meta(mini_catalogue):
    topics = {topic.id: topic for topic in mini_catalogue.topics}
    paper = next(p for p in mini_catalogue.papers if p.id == "s-test-time-scaling-for-code-generation")
    page = render_paper_page(paper, topics)
    assert page.startswith(
        '<div class="paper" data-paper-id="s-test-time-scaling-for-code-generation" data-pagefind-body'
        ' data-pagefind-meta="date:2025-02-20">'
    )
    attributes, hidden = pagefind_markers(paper, topics)
    assert hidden.startswith('<div hidden data-pagefind-ignore data-pagefind-meta="upvotes:12">')
    assert '<span data-pagefind-filter="topic">Code</span>' in hidden
    assert '<span data-pagefind-filter="year">2025</span>' in hidden
    assert '<span data-pagefind-filter="code">yes</span>' in hidden
    assert re.search(r'<span data-pagefind-filter="source">[^<]+\.txt</span>', hidden)


def test_undated_paper_still_sorts_and_hostile_organisation_is_escaped(mini_catalogue):
    topics = {topic.id: topic for topic in mini_catalogue.topics}
    paper = mini_catalogue.papers[0]
    hostile = type(paper)(**{**paper.__dict__, "date": None, "upvotes": None, "organisation": '<b>"x"</b>'})
    attributes, hidden = pagefind_markers(hostile, topics)
    assert 'data-pagefind-meta="date:0000-00-00"' in attributes
    assert 'data-pagefind-meta="upvotes:0"' in hidden
    assert '<span data-pagefind-filter="organisation">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</span>' in hidden
    assert 'data-pagefind-filter="year"' not in hidden


def test_header_engine_switches_to_pagefind_above_the_lunr_budget():
    assert header_engine(749) == "lunr"
    assert header_engine(LUNR_MAX_PAPERS) == "lunr"
    assert header_engine(LUNR_MAX_PAPERS + 1) == "pagefind"
    assert header_engine(20_000) == "pagefind"


def test_only_paper_pages_are_in_the_pagefind_index(mini_site):
    assert (mini_site / "pagefind" / "pagefind.js").is_file()
    assert not (mini_site / "pagefind-titles").exists(), "the title index is built only for the Pagefind header box"
    entry = json.loads((mini_site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 8  # the fixture's 8 papers, no topic or hand-written page
    for page in ("index.html", "about/index.html", "topics/index.html", "search/index.html"):
        assert "data-pagefind-body" not in (mini_site / page).read_text(encoding="utf-8")


def test_failed_indexing_keeps_the_previous_index(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "pagefind.js").write_text("previous")
    (site / "papers" / "x").mkdir(parents=True)
    (site / "papers" / "x" / "index.html").write_text("<html><body data-pagefind-body><h1>X</h1></body></html>")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match=r"site: Pagefind failed"):
        build_search_index(site)
    assert (site / "pagefind" / "pagefind.js").read_text() == "previous"
    assert not list(tmp_path.glob(".pagefind-*")), "the staging folder is always removed"


FAKE_PAGEFIND = """#!{python}
import sys
while sys.stdin.buffer.read(1) not in (b",", b""):  # the first request
    pass
sys.stdout.buffer.write(b"{answer},")
sys.stdout.buffer.flush()
sys.stdin.buffer.read()  # then silence until the client hangs up
"""


@pytest.mark.parametrize("answer", ["bm90IGpzb24=", "@@@"])  # base64 of "not json"; not even base64
def test_an_unreadable_answer_from_pagefind_fails_the_build_instead_of_hanging(tmp_path, monkeypatch, answer):
    fake = tmp_path / "pagefind"
    fake.write_text(FAKE_PAGEFIND.format(python=sys.executable, answer=answer))
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    site = tmp_path / "site"
    (site / "papers" / "x").mkdir(parents=True)
    (site / "papers" / "x" / "index.html").write_text("<html><body data-pagefind-body><h1>X</h1></body></html>")
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            build_search_index(site, titles=True)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the build waited forever for an answer"
    assert len(outcome) == 1 and isinstance(outcome[0], SearchIndexError), outcome
    assert "Pagefind's service stopped answering" in str(outcome[0])
    assert str(site) in str(outcome[0])
    assert not (site / "pagefind").exists()


def test_a_failure_while_pages_are_fed_reaches_the_build_with_the_page(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"  # its first request is the paper index's, made for the first page
    fake.write_text(FAKE_PAGEFIND.format(python=sys.executable, answer="@@@"))
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    stream = SearchIndexProcess(shard_pages=SHARD_PAGES, staging_parent=tmp_path / "staging", pages=2)
    stream.add("/papers/x/", "<html><body data-pagefind-body><h1>X</h1></body></html>")
    stream.add("/papers/y/", "<html><body data-pagefind-body><h1>Y</h1></body></html>")
    site = tmp_path / "site"
    with pytest.raises(SearchIndexError, match=r"site: Pagefind failed at /papers/x/: .*stopped answering"):
        stream.finish(site)
    assert not site.exists() and list((tmp_path / "staging").iterdir()) == []


def test_mkdocs_build_without_pagefind_fails_with_the_reason(tmp_path):
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    result = mkdocs_build(project, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")})
    assert result.returncode != 0
    assert re.search(r"Pagefind could not start: .*no-such-pagefind", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not list(project.glob(".pagefind-*")) and not (project / "site" / "pagefind").exists()


def test_indexing_replaces_the_previous_index(tmp_path):
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "stale.txt").write_text("old")
    (site / "papers" / "x").mkdir(parents=True)
    (site / "papers" / "x" / "index.html").write_text(
        "<html><body><div data-pagefind-body><h1>X</h1></div></body></html>"
    )
    summary = build_search_index(site)
    assert summary.pages == 1 and summary.folder == (site / "pagefind").resolve()
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "pagefind" / "stale.txt").exists()


def test_missing_site_is_a_clear_error(tmp_path):
    with pytest.raises(SearchIndexError, match=r"no built site to index"):
        build_search_index(tmp_path / "nowhere")


def test_lunr_index_keeps_titles_and_topics_but_not_abstracts(real_site):
    index = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["pipeline"] == ["stopWordFilter", "trimmer"]
    locations = [doc["location"] for doc in index["docs"]]
    assert not [location for location in locations if location.endswith(("#abstract", "#code", "#find"))]
    assert "search/" not in locations  # the catalogue search page itself is not a result
    qlora = [doc for doc in index["docs"] if doc["location"].startswith("papers/qlora-efficient")]
    assert {doc["title"] for doc in qlora} == {"QLoRA: Efficient Finetuning of Quantized LLMs", "Curator notes"}
    assert any("NormalFloat" in doc["text"] for doc in qlora if doc["location"].endswith("#notes"))
    assert any("Quantization" in doc["text"] for doc in qlora) and all(doc["boost"] == 2 for doc in qlora)
    compressed = len(gzip.compress((real_site / "search" / "search_index.json").read_bytes()))
    print(f"\nlunr index: {compressed / 1024:.0f} KB gzipped for {len(index['docs'])} entries")


def hit_rate(engine: str, found: dict[str, list[str]]) -> float:
    misses = [
        (query["query"], found[query["query"]]) for query in QUERIES if query["paper"] not in found[query["query"]]
    ]
    rate = 1 - len(misses) / len(QUERIES)
    print(
        f"\n{engine}: expected paper in the top 3 for {len(QUERIES) - len(misses)}/{len(QUERIES)} queries ({rate:.0%})"
    )
    for query, top in misses:
        print(f"  {engine} miss: {query!r} -> {top}")
    return rate


def test_lunr_header_search_quality(chromium_browser, real_site_url):
    page = chromium_browser.new_page()
    open_header_search(page, real_site_url)
    found = {query["query"]: lunr_top(page, query["query"]) for query in QUERIES}
    page.close()
    assert hit_rate("lunr (header box)", found) >= REQUIRED_HIT_RATE


def test_pagefind_search_quality(chromium_browser, real_site_url):
    page = chromium_browser.new_page()
    page.goto(real_site_url + "search/")
    found = {query["query"]: pagefind_top(page, query["query"]) for query in QUERIES}
    page.close()
    assert hit_rate("pagefind (search page)", found) >= REQUIRED_HIT_RATE
