"""Search: what each engine indexes, how the Pagefind step behaves, and ranking quality.

The real engines run in Debian's Chromium: Material's lunr through the header box of the built real
site, Pagefind through its standard JS API on the site's one bundle, ``pagefind/``. Every query in
``tests/search_queries.yml`` names the paper it must find; each engine must put it in the top 3 for
at least 90% of the queries.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, make_project, mkdocs_build, run_generator

from benchmarks.search_browser import lunr_top, open_header_search, pagefind_top, paper_id
from generator.pages.render import pagefind_markers, render_paper_page
from generator.pages.site import LUNR_MAX_PAPERS, header_engine
from generator.records.catalogue import load_catalogue
from generator.search.index import SearchIndexError, build_search_index

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


def test_paper_page_carries_pagefind_body_filters_and_order_filters(mini_catalogue):
    topics = {topic.id: topic for topic in mini_catalogue.topics}
    paper = next(p for p in mini_catalogue.papers if p.id == "s-test-time-scaling-for-code-generation")
    page = render_paper_page(paper, topics)
    assert page.startswith(
        '<div class="paper" data-paper-id="s-test-time-scaling-for-code-generation" data-pagefind-body'
        ' data-pagefind-meta="date:2025-02-20">'
    )
    attributes, hidden = pagefind_markers(paper, topics, labels=dict(mini_catalogue.source_labels))
    assert hidden.startswith('<div hidden data-pagefind-ignore data-pagefind-meta="upvotes:12">')
    assert '<span data-pagefind-filter="topic">Code</span>' in hidden
    assert '<span data-pagefind-filter="year">2025</span>' in hidden
    assert '<span data-pagefind-filter="code">yes</span>' in hidden
    assert '<span data-pagefind-filter="source">Fixture listing, Jan 1</span>' in hidden  # a label, not a file name
    # The search page's orders are filters (one value a page), not Pagefind sort keys.
    assert '<span data-pagefind-filter="date">2025-02-20</span><span data-pagefind-filter="upvotes">12</span>' in hidden
    assert "data-pagefind-sort" not in page


def test_undated_paper_still_sorts_and_hostile_organisation_is_escaped(mini_catalogue):
    topics = {topic.id: topic for topic in mini_catalogue.topics}
    paper = mini_catalogue.papers[0]
    hostile = type(paper)(**{**paper.__dict__, "date": None, "upvotes": None, "organisation": '<b>"x"</b>'})
    attributes, hidden = pagefind_markers(hostile, topics)
    assert 'data-pagefind-meta="date:0000-00-00"' in attributes
    assert 'data-pagefind-meta="upvotes:0"' in hidden
    assert '<span data-pagefind-filter="date">0000-00-00</span><span data-pagefind-filter="upvotes">0</span>' in hidden
    assert '<span data-pagefind-filter="organisation">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</span>' in hidden
    assert 'data-pagefind-filter="year"' not in hidden


def test_header_engine_switches_to_pagefind_above_the_lunr_budget():
    assert header_engine(749) == "lunr"
    assert header_engine(LUNR_MAX_PAPERS) == "lunr"
    assert header_engine(LUNR_MAX_PAPERS + 1) == "pagefind"
    assert header_engine(20_000) == "pagefind"


def test_only_paper_pages_are_in_the_one_pagefind_bundle(mini_site):
    assert (mini_site / "pagefind" / "pagefind.js").is_file()
    bundles = [path.parent.name for path in mini_site.glob("**/pagefind-entry.json")]
    assert bundles == ["pagefind"], "one standard bundle, no shards or title index"
    entry = json.loads((mini_site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 8  # the fixture's 8 papers, no topic or hand-written page
    for page in ("index.html", "about/index.html", "topics/index.html", "search/index.html"):
        assert "data-pagefind-body" not in (mini_site / page).read_text(encoding="utf-8")


def paper_site(folder: Path) -> Path:
    """A built site of one paper page, for the Pagefind step alone."""
    (folder / "papers" / "x").mkdir(parents=True)
    (folder / "papers" / "x" / "index.html").write_text(
        "<html><body><div data-pagefind-body><h1>X</h1></div></body></html>"
    )
    return folder


FAKE_PAGEFIND = """#!{python}
import sys
print({message!r}, file=sys.stderr)
sys.exit({code})
"""


@pytest.mark.parametrize(
    ("code", "message", "error"),
    [
        (
            3,
            "Error: the site folder is unreadable",
            r"site: Pagefind failed \(3\): Error: the site folder is unreadable",
        ),
        (0, "", r"site: Pagefind wrote no pagefind/pagefind-entry\.json"),  # "success" without a bundle
    ],
)
def test_a_failed_pagefind_run_is_an_error_naming_the_site_and_leaves_no_stale_bundle(
    tmp_path, monkeypatch, code, message, error
):
    fake = tmp_path / "pagefind"
    fake.write_text(FAKE_PAGEFIND.format(python=sys.executable, message=message, code=code))
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    site = paper_site(tmp_path / "site")
    (site / "pagefind").mkdir()
    (site / "pagefind" / "pagefind.js").write_text("a previous build's bundle")
    with pytest.raises(SearchIndexError, match=error):
        build_search_index(site)
    assert not (site / "pagefind").exists(), "a stale bundle would search pages that may be gone"


def test_mkdocs_build_without_pagefind_fails_with_the_reason(tmp_path):
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    result = mkdocs_build(project, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")})
    assert result.returncode != 0
    assert re.search(r"site: Pagefind failed .*no-such-pagefind", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site" / "pagefind").exists()


def test_indexing_replaces_the_previous_index(tmp_path):
    site = paper_site(tmp_path / "site")
    (site / "pagefind").mkdir()
    (site / "pagefind" / "stale.txt").write_text("old")
    summary = build_search_index(site)
    assert summary.folder == (site / "pagefind").resolve()
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "pagefind" / "stale.txt").exists()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 1


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


# Pagefind's documented JS API on the site's one bundle, as any reader's script could use it.
ALL_PAPERS = """async () => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const everything = await pagefind.search(null, {});
  const urls = await Promise.all(everything.results.map(async (result) => (await result.data()).url));
  const withCode = await pagefind.search(null, { filters: { code: ["yes"] } });
  const withoutCode = await pagefind.search(null, { filters: { code: ["no"] } });
  const papers = await pagefind.search(null, { filters: { kind: ["paper"] } });
  const lists = await pagefind.search(null, { filters: { kind: ["reading list"] } });
  const listUrls = await Promise.all(lists.results.map(async (result) => (await result.data()).url));
  return {
    urls, withCode: withCode.results.length, withoutCode: withoutCode.results.length,
    papers: papers.results.length, listUrls,
  };
}"""


def test_pagefind_js_api_finds_every_paper_and_list_in_the_one_bundle(chromium_browser, real_site_url):
    papers = {path.stem for path in (REPO / "catalogue" / "papers").glob("*.yml")}
    lists = {f"/lists/{path.stem}/" for path in (REPO / "catalogue" / "lists").glob("*.yml")}
    assert len(papers) == 749 and len(lists) == 2
    page = chromium_browser.new_page()
    page.goto(real_site_url + "about/")  # a page that loads no search itself
    found = page.evaluate(ALL_PAPERS)
    page.close()
    ids = [paper_id(url) for url in found["urls"]]
    assert len(ids) == len(set(ids)) and set(ids) == papers | lists
    assert found["papers"] == len(papers) and set(found["listUrls"]) == lists  # the filter "kind"
    assert found["withCode"] + found["withoutCode"] == len(papers)
    assert 0 < found["withCode"] < len(papers)


def test_pagefind_indexes_what_a_reader_searches_not_the_page_furniture(chromium_browser, real_site_url):
    """Titles and abstracts are indexed; the "Find this paper" links, "Listed in", the "Code and
    resources" heading and link kinds, and the date text are not
    (every paper carries them: they only cost index memory), nor the Pagefind sort table."""
    page = chromium_browser.new_page()
    page.goto(real_site_url + "search/")
    # Every paper page names Semantic Scholar under "Find this paper"; a few abstracts use the words.
    assert len(pagefind_top(page, "Semantic Scholar", count=50)) < 50
    # 161 papers link a GitHub repository, labelled "GitHub repository" under "Code and resources".
    assert len(pagefind_top(page, "GitHub repository", count=200)) < 50
    assert len(pagefind_top(page, "Code and resources", count=200)) < 50
    assert pagefind_top(page, "QLoRA", count=1) == ["qlora-efficient-finetuning-of-quantized-llms"]
    page.close()


def test_search_can_be_a_step_of_its_own_after_mkdocs_build(tmp_path):
    """CATALOGUE_SEARCH=off: ``mkdocs build`` writes the site only and ``python -m generator search`` indexes
    it after, so a large catalogue never holds MkDocs' pages and Pagefind's index in memory at once."""
    project = make_project(tmp_path, FIXTURES / "mini" / "catalogue")
    result = mkdocs_build(project, env={"CATALOGUE_SEARCH": "off"})
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert (site / "papers" / "no" / "index.html").is_file() and not (site / "pagefind").exists()
    assert "left to `python -m generator search" in result.stderr
    indexed = run_generator("search", str(site), cwd=project)
    assert indexed.returncode == 0, indexed.stderr
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    wrong = mkdocs_build(project, env={"CATALOGUE_SEARCH": "later"})
    assert wrong.returncode != 0 and "CATALOGUE_SEARCH='later': expected on or off" in wrong.stderr
