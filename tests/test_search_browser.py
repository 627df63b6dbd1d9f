"""Search in a real browser: the header box, the catalogue search page, a phone, hostile text.

The built real site (with its Pagefind index) is served on 127.0.0.1 and driven with Debian's
Chromium through Playwright (fixtures ``real_site_url`` and ``chromium_browser`` in conftest.py).
"""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FIXTURES, REPO, build_fixture_site, make_project, mkdocs_build

from benchmarks.search_browser import open_header_search, paper_id, serve
from generator.records.catalogue import load_catalogue

SEARCH_TRAFFIC = ("search_index.json", "/workers/search.", "/pagefind/")
MULTILINGUAL = "Multilingual & low-resource languages"
INSTRUCTION = "Instruction tuning & alignment"


@pytest.fixture(scope="module")
def papers():
    return {paper.id: paper for paper in load_catalogue(REPO).papers}


@pytest.fixture()
def page(chromium_browser):
    context = chromium_browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def settle(page, expected: str) -> None:
    """Wait until the page shows the results of the search whose URL contains ``expected``."""
    page.wait_for_function(
        """(expected) => {
          const root = document.getElementById("catalogue-search");
          return location.search.includes(expected) && root.dataset.shown === location.search
            && root.dataset.state !== "searching";
        }""",
        arg=expected,
    )


def result_ids(page) -> list[str]:
    hrefs = page.locator(".catalogue-search__result > a").evaluate_all("links => links.map(a => a.href)")
    return [paper_id(href) for href in hrefs]


def result_count(page) -> int:
    """The number of results the status line reports (the list shows ten at a time)."""
    return int(page.locator(".catalogue-search__status").inner_text().split()[0])


def test_header_box_downloads_nothing_until_used_then_finds_the_paper(page, real_site_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(real_site_url + "papers/qlora-efficient-finetuning-of-quantized-llms/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if any(part in url for part in SEARCH_TRAFFIC)]
    # Material reads link[rel=alternate] as language versions and fetches the sitemap beside them:
    # the feed links must not look like one (generator/discovery.py feed_link).
    assert not [url for url in requested if "sitemap.xml" in url]
    open_header_search(page, real_site_url)
    page.keyboard.type("speculative decoding")
    first = page.locator(".md-search-result__item > a.md-search-result__link").first
    first.wait_for()
    titles = page.locator(".md-search-result__item h1").all_text_contents()
    assert any("DySpec: Faster Speculative Decoding" in title for title in titles[:5])
    assert [url for url in requested if url.endswith("search/search_index.json")]
    assert not [url for url in requested if "/pagefind/" in url], "the header box uses lunr at this size"


def test_search_page_two_facets_sort_by_date_and_url_state(page, real_site_url, papers):
    page.goto(real_site_url + "search/")
    page.wait_for_selector("#catalogue-search[data-ready=true]")
    page.fill("#catalogue-search-query", "llama")
    settle(page, "query=llama")
    everything = result_ids(page)
    page.check(f"input[data-facet=topic][value='{MULTILINGUAL}']")
    page.check("input[data-facet=code][value=yes]")
    page.select_option("#catalogue-search-sort", "date")
    settle(page, "code=yes&sort=date")
    ids = result_ids(page)
    assert ids and len(ids) < len(everything)
    narrow = result_count(page)
    for found in ids:
        assert "multilingual" in papers[found].topics and papers[found].all_links
    dates = [papers[found].date or "0000-00-00" for found in ids]  # undated papers sort last
    assert dates == sorted(dates, reverse=True) and dates[0] > "0000"
    assert page.locator(".catalogue-search__excerpt mark").count() > 0
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"query": ["llama"], "topic": [MULTILINGUAL], "code": ["yes"], "sort": ["date"]}

    # OR within a facet: a second topic widens the results, still AND with the other facet.
    page.check(f"input[data-facet=topic][value='{INSTRUCTION}']")
    settle(page, "topic=Instruction+tuning+%26+alignment&topic=Multilingual")
    wider = result_ids(page)
    # Counts, not the first ten of each: those depend on how papers of equal date are ordered.
    assert result_count(page) > narrow
    for found in wider:
        assert {"multilingual", "alignment"} & set(papers[found].topics) and papers[found].all_links

    # The URL restores the same search in a new page.
    shared = page.url
    page.goto(shared)
    settle(page, "sort=date")
    assert page.input_value("#catalogue-search-query") == "llama"
    assert page.input_value("#catalogue-search-sort") == "date"
    assert page.is_checked(f"input[data-facet=topic][value='{INSTRUCTION}']")
    assert result_ids(page) == wider


def test_search_page_on_a_phone(chromium_browser, real_site_url, papers):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(real_site_url + "search/?query=qlora&year=2023")
    settle(page, "query=qlora")
    ids = result_ids(page)
    assert "qlora-efficient-finetuning-of-quantized-llms" in ids[:3]
    assert all(papers[found].year == 2023 for found in ids)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator(".catalogue-search__result").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] + 40 <= 844  # the first result shows without scrolling: the facets are folded away
    button = page.locator(".catalogue-search__show-facets")
    assert button.is_visible() and "(1 chosen)" in button.inner_text()
    assert page.locator("input[data-facet=year]").count() == 0
    button.tap()
    page.wait_for_selector("#catalogue-search[data-facets=shown]")
    assert page.is_checked("input[data-facet=year][value='2023']")
    page.tap("#catalogue-search-query")
    page.fill("#catalogue-search-query", "galore")
    settle(page, "query=galore")
    assert "galore-memory-efficient-llm-training-by-gradient-low-rank-projection" not in result_ids(
        page
    )  # a 2024 paper
    page.uncheck("input[data-facet=year][value='2023']")
    settle(page, "query=galore")
    page.wait_for_function("!location.search.includes('year')")
    settle(page, "query=galore")
    assert result_ids(page)[0] == "galore-memory-efficient-llm-training-by-gradient-low-rank-projection"
    context.close()


def test_wide_screens_show_the_facets_beside_the_results(page, real_site_url):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(real_site_url + "search/?query=gpt")
    settle(page, "query=gpt")
    page.wait_for_selector("#catalogue-search[data-facets=shown]")
    result = page.locator(".catalogue-search__result").first.bounding_box()
    facets = page.locator(".catalogue-search__facets").bounding_box()
    assert result["y"] + 40 <= 768 and facets["x"] > result["x"] + result["width"]


@pytest.mark.parametrize(
    ("query", "expected", "shown"),
    [
        ("tranformer", "transform", "for “transformer” (no close match for “tranformer”)"),
        ("speculatve decoding", "speculative decod", ""),  # Pagefind's own tolerance finds these
        ("retreival augmented", "retriev augment", "for “retrieval augmented”"),
        ("mixture of experst", "mixture expert", "for “mixture of experts”"),
    ],
)
def test_a_misspelt_word_still_finds_its_papers(page, real_site_url, papers, query, expected, shown):
    """``expected``: word stems every top result holds (Pagefind matches "transformer" in "Transformed")."""
    page.goto(real_site_url + "search/?query=" + query)
    settle(page, "query=")
    status = page.locator(".catalogue-search__status").inner_text()
    assert shown in status and result_count(page) >= 5
    for found in result_ids(page)[:3]:
        text = f"{papers[found].title} {papers[found].abstract}".lower()
        assert all(word in text for word in expected.split()), (found, expected)


def test_papers_matching_every_word_come_first(page, real_site_url, papers):
    page.goto(real_site_url + "search/?query=time series anomaly detection")
    settle(page, "query=")
    ids = result_ids(page)
    assert ids and "anomaly" in papers[ids[0]].title.lower() and "time-series" in papers[ids[0]].title.lower()
    for found in ids:  # Pagefind returns only papers with all four words
        text = f"{papers[found].title} {papers[found].abstract}".lower()
        assert all(word in text for word in ("time", "series", "anomaly", "detection")), found


HOSTILE = """id: hostile
title: '<img src=x onerror="window.pwned=1">Hostile LoRA <script>window.pwned=2</script>'
abstract: 'Zebrafinch <b onmouseover=alert(1)>bold</b> &amp; <mark>fake</mark> zebrafinch.'
date: 2024-01-02
authors_count: 1
organisation: '<i>Org</i>'
upvotes: 3
sources:
- fixture.txt
code: []
added: 2026-11-23
"""


def test_hostile_text_is_shown_as_text_in_search_results(chromium_browser, tmp_path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "mini" / "catalogue", catalogue)
    (catalogue / "papers" / "hostile.yml").write_text(HOSTILE, encoding="utf-8")
    project = make_project(tmp_path / "project", catalogue)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(project / "site") as base:
        page = chromium_browser.new_page()
        page.goto(base + "search/?query=zebrafinch")
        settle(page, "query=zebrafinch")
        title = page.locator(".catalogue-search__title").first
        assert "<img" in title.text_content() and "Hostile LoRA" in title.text_content()
        excerpt = page.locator(".catalogue-search__excerpt").first
        tags = excerpt.evaluate("node => [...node.querySelectorAll('*')].map(element => element.tagName)")
        assert set(tags) == {"MARK"}
        assert "<b onmouseover" in excerpt.text_content() and "<mark>fake</mark>" in excerpt.text_content()
        page.wait_for_selector("#catalogue-search[data-facets=shown]")  # they load after the first results
        organisations = page.locator("input[data-facet=organisation]").evaluate_all("boxes => boxes.map(b => b.value)")
        assert "<i>Org</i>" in organisations
        assert page.evaluate("window.pwned") is None
        page.close()


def test_header_box_on_pagefind_for_big_catalogues(chromium_browser, tmp_path):
    site = build_fixture_site(tmp_path / "project", header_search="pagefind")
    with serve(site) as base:
        page = chromium_browser.new_page()
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        open_header_search(page, base)
        page.keyboard.type("test time scaling")
        first = page.locator(".md-search-result__item > a.md-search-result__link").first
        first.wait_for()
        assert paper_id(first.get_attribute("href")) == "s-test-time-scaling-for-code-generation"
        assert page.locator(".md-search-result__meta").text_content() == "1 matching paper"
        assert page.locator(".md-search-result__item mark").count() > 0
        assert [url for url in requested if url.endswith("/pagefind/pagefind.js")], "the site's one bundle"
        assert not [url for url in requested if "search_index.json" in url or "/workers/search." in url]
        # The first three results show first; the rest of the ten follow.
        page.locator("[data-md-component=search-query]").fill("model")
        page.wait_for_function(
            "/^[4-9] matching papers$/.test(document.querySelector('.md-search-result__meta').textContent)"
        )
        count = int(page.locator(".md-search-result__meta").text_content().split()[0])
        page.wait_for_function(f"document.querySelectorAll('.md-search-result__item').length === {count}")
        titles = page.locator(".md-search-result__item h1").all_text_contents()
        assert len(set(titles)) == count
        page.close()


UNDATED = {"1e10", "no", "p2-law-scaling-law-for-post-training-after-model-pruning",
           "s2ip-llm-semantic-space-informed-prompt-learning-with-llm-for-time-series"}  # fmt: skip


def test_search_page_sorts_by_date_and_upvotes_with_pagefind(chromium_browser, mini_site):
    with serve(mini_site) as base:
        page = chromium_browser.new_page()
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base + "search/?code=yes&code=no&sort=date")
        settle(page, "sort=date")
        ids = result_ids(page)
        assert ids[:4] == [
            "s-test-time-scaling-for-code-generation",  # 2025-02-20
            "better-faster-large-language-models-via-multi-token-prediction",  # 2024-04-30
            "flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget",  # 2023-09-07
            "this-land-is-your-my-land-evaluating-geopolitical-biases-in-language-models",  # 2023-05-24
        ]
        assert set(ids[4:]) == UNDATED
        # By upvotes: 12 before 3 (as numbers; as text "3" would come first), the papers without after.
        page.select_option("#catalogue-search-sort", "upvotes")
        settle(page, "sort=upvotes")
        assert result_ids(page)[:2] == [
            "s-test-time-scaling-for-code-generation",
            "better-faster-large-language-models-via-multi-token-prediction",
        ]
        # Relevance is Pagefind's default order again.
        page.select_option("#catalogue-search-sort", "relevance")
        page.fill("#catalogue-search-query", "time")
        settle(page, "query=time")
        assert "sort=" not in page.url
        assert set(result_ids(page)) == {
            "s-test-time-scaling-for-code-generation",
            "s2ip-llm-semantic-space-informed-prompt-learning-with-llm-for-time-series",
        }
        search_files = {url.split(base, 1)[1] for url in requested if "/pagefind/" in url}
        assert search_files and all(path.startswith("pagefind/") for path in search_files), "the one bundle"
        page.close()


def test_sort_by_date_puts_the_newest_paper_first_on_the_real_site(page, real_site_url, papers):
    newest = max(paper.date for paper in papers.values() if paper.date)
    most_upvoted = max(paper.upvotes or 0 for paper in papers.values())
    page.goto(real_site_url + "search/?code=yes&code=no&sort=date")
    settle(page, "sort=date")
    assert result_count(page) == len(papers)
    ids = result_ids(page)
    dates = [papers[found].date for found in ids]
    assert dates[0] == newest and dates == sorted(dates, reverse=True)
    page.select_option("#catalogue-search-sort", "upvotes")
    settle(page, "sort=upvotes")
    upvotes = [papers[found].upvotes or 0 for found in result_ids(page)]
    assert upvotes[0] == most_upvoted and upvotes == sorted(upvotes, reverse=True)


def test_sorted_results_page_on_across_values_in_order_without_repeats(page, real_site_url, papers):
    """Sorted results come a value of the order's filter at a time: "More" keeps the order across values."""
    page.goto(real_site_url + "search/?code=yes&code=no&sort=upvotes")
    settle(page, "sort=upvotes")
    for shown in (20, 30, 40):
        page.click(".catalogue-search__more")
        page.wait_for_function("(n) => document.querySelectorAll('.catalogue-search__result').length >= n", arg=shown)
    ids = result_ids(page)
    assert len(ids) == 40 and len(set(ids)) == 40
    upvotes = [papers[found].upvotes or 0 for found in ids]
    assert upvotes == sorted((paper.upvotes or 0 for paper in papers.values()), reverse=True)[:40]
    assert len(set(upvotes)) > 5, "the first forty results span several values"


@pytest.mark.parametrize("address", ["search/", "search/?query=qlora"])
def test_what_the_reader_types_before_pagefind_loads_is_never_overwritten(page, real_site_url, papers, address):
    held = []  # pagefind.js is held back until the reader has typed
    page.route("**/pagefind/pagefind.js", lambda route: held.append(route))
    with page.expect_request("**/pagefind/pagefind.js"):  # the page's script has run and waits for Pagefind
        page.goto(real_site_url + address)
    page.click("#catalogue-search-query")
    page.keyboard.press("Control+A")
    page.keyboard.type("galore", delay=30)
    page.wait_for_timeout(300)  # past the typing pause: the page tried to search without Pagefind
    assert held, "the page asked for Pagefind"
    assert page.get_attribute("#catalogue-search", "data-ready") is None, "Pagefind must not have loaded yet"
    for route in held:
        route.continue_()
    settle(page, "query=galore")
    assert page.input_value("#catalogue-search-query") == "galore"
    assert parse_qs(urlsplit(page.url).query) == {"query": ["galore"]}
    assert result_ids(page)[0] == "galore-memory-efficient-llm-training-by-gradient-low-rank-projection"


def test_the_search_page_finds_reading_lists_by_title_and_description(page, real_site_url):
    page.goto(real_site_url + "search/?query=where+to+start")
    settle(page, "query=where")
    first = page.locator(".catalogue-search__result").first
    assert first.locator(".catalogue-search__title").text_content() == "Parameter-efficient fine-tuning: where to start"
    assert first.locator(".catalogue-search__title").get_attribute("href").endswith("/lists/peft-where-to-start/")
    facts = first.locator(".catalogue-search__facts").text_content()
    assert facts == "Reading list — 11 papers — curated by @paper-catalogue — updated Nov 23, 2026"
    # Words only its description holds, and the facet that keeps lists apart from papers.
    page.goto(real_site_url + "search/?query=serving+engineer&kind=reading+list")
    settle(page, "query=serving")
    hrefs = page.locator(".catalogue-search__result > a").evaluate_all("links => links.map(a => a.href)")
    assert [href.removeprefix(real_site_url) for href in hrefs] == ["lists/making-llm-inference-fast/"]
    assert page.is_checked("input[data-facet=kind][value='reading list']")
    assert page.locator(".catalogue-search__status").text_content() == "1 result"
