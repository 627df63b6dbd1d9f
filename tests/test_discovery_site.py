"""Full build of the fixture catalogue: related papers, BibTeX, Scholar meta, JSON-LD, feeds links,
charts, sortable topic lists, the discovery pages, and the open data against its JSON Schemas."""

from __future__ import annotations

import html
import itertools
import json
import re

import jsonschema
from test_site import read

S_STAR = "s-test-time-scaling-for-code-generation"
BETTER = "better-faster-large-language-models-via-multi-token-prediction"


def head_of(page: str) -> str:
    return page.split("</head>")[0]


def test_paper_page_related_and_bibtex(mini_site):
    page = read(mini_site, "papers", S_STAR, "index.html")
    related = json.loads(read(mini_site, "api", "papers.json"))
    related = next(paper["related"] for paper in related if paper["id"] == S_STAR)
    assert 0 < len(related) <= 5 and S_STAR not in related
    section = page.split('<h2 id="related" data-search-exclude data-pagefind-ignore>Related papers</h2>')[1]
    section = section.split("</ol>")[0]
    assert re.findall(r'href="../../papers/([^/]+)/"', section) == related
    code = page.split(
        '<div class="language-bibtex highlight paper-bibtex" data-pagefind-ignore><pre><span></span><code>'
    )[1]
    bibtex = html.unescape(code.split("</code>")[0])
    assert bibtex.startswith(f"@misc{{{S_STAR},\n  title = {{{{S*: Test Time Scaling for Code Generation}}}},")


def test_paper_page_scholar_meta_and_json_ld(mini_site):
    page = read(mini_site, "papers", BETTER, "index.html")
    assert '<link rel="alternate feed" type="application/atom+xml" href="../../feed.xml"' in head_of(page)
    # The citation metadata is part of the generated page itself, so every engine publishes it.
    metadata = re.search(r'<div class="paper-metadata" hidden data-pagefind-ignore>(.*?)</div>', page, re.S).group(1)
    assert (
        '<meta name="citation_title" content="Better &amp; Faster Large Language Models via Multi-token Prediction">'
        in metadata
    )
    assert '<meta name="citation_publication_date" content="2024/04/30">' in metadata
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', metadata, re.S).group(1)
    assert "&" not in script and "<" not in script
    article = json.loads(script)
    assert article["@type"] == "ScholarlyArticle" and article["@context"] == "https://schema.org"
    assert article["headline"] == "Better & Faster Large Language Models via Multi-token Prediction"
    assert article["url"] == f"https://paper-catalogue.github.io/paper-catalogue/papers/{BETTER}/"
    assert article["datePublished"] == "2024-04-30"


def test_topic_page_sortable_rows_and_feed(mini_site):
    page = read(mini_site, "topics", "peft", "index.html")
    rows = re.findall(r'<li data-date="([^"]*)" data-upvotes="(\d+)" data-code="([01])">', page)
    assert len(rows) == 2 and rows[0][0] > rows[1][0] == ""  # newest first, undated last
    assert '<div class="paper-sort" data-sort-for="papers-peft" hidden>' in page
    assert '<link rel="alternate feed" type="application/atom+xml" href="feed.xml"' in head_of(page)
    assert 'href="citations.bib"' in page and "assets/sort.js" in page


def test_discovery_pages(mini_site):
    code = read(mini_site, "code", "index.html")
    papers = json.loads(read(mini_site, "api", "papers.json"))
    with_code = sorted(paper["id"] for paper in papers if paper["code"])
    assert sorted(re.findall(r'data-code="1"><a href="../papers/([^/]+)/"', code)) == with_code
    glance = read(mini_site, "glance", "index.html")
    svgs = re.findall(r"<svg xmlns:xlink.*?</svg>", glance, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        assert 'role="img"' in svg and re.search(r"<title id=\"[^\"]+\">[^<]+</title>", svg)
        assert "<image" not in svg and "<script" not in svg and "currentColor" in svg
    assert "<table>" in glance and "Papers per publication year" in glance
    assert "catalogue-chart:" not in glance and "data-search-exclude" not in glance
    for name in ("papers-per-topic", "papers-per-year", "share-with-code", "topic-cooccurrence"):
        assert (mini_site / "charts" / f"{name}.svg").read_text().startswith("<svg ")
    lunr = json.loads(read(mini_site, "search", "search_index.json"))["docs"]
    glance_text = " ".join(doc["text"] for doc in lunr if doc["location"].startswith("glance/"))
    assert "Papers per publication year" in glance_text, "the tables and captions are searchable"
    assert "currentColor" not in glance_text and "<svg" not in glance_text, "the charts' SVG text is not"
    open_data = read(mini_site, "open-data", "index.html")
    assert 'href="../api/papers.schema.json"' in open_data and "<code>related</code>" in open_data


def test_exports_validate_against_schemas(mini_site):
    for name in ("papers", "topics"):
        schema = json.loads(read(mini_site, "api", f"{name}.schema.json"))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(json.loads(read(mini_site, "api", f"{name}.json")), schema)


def test_real_exports_validate(real_site):
    papers = json.loads(read(real_site, "api", "papers.json"))
    jsonschema.validate(papers, json.loads(read(real_site, "api", "papers.schema.json")))
    assert all(paper["related"] for paper in papers)
    assert (real_site / "glance" / "index.html").stat().st_size < 600_000


def test_heat_map_draws_the_cells_of_topic_pairs_that_share_papers_only(real_site):
    """A pair of topics sharing no paper would be a transparent cell: it is left out of the SVG."""
    papers = json.loads(read(real_site, "api", "papers.json"))
    pairs = {pair for paper in papers for pair in itertools.combinations(sorted(paper["topics"]), 2)}
    svg = read(real_site, "charts", "topic-cooccurrence.svg")
    cells = re.findall(r'<path d="[^"]*" clip-path="[^"]*" style="([^"]*)"', svg)  # the cells, clipped to the axes
    assert len(pairs) > 100 and len(cells) == 2 * len(pairs)
    assert all(style.startswith("fill: var(--chart-bar") for style in cells)


def test_generation_is_deterministic():
    from conftest import FIXTURES

    from generator.pages.site import generate_site
    from generator.records.catalogue import load_catalogue

    catalogue = load_catalogue(FIXTURES / "mini")
    first, second = (generate_site(catalogue, site_url="https://example.org/") for _ in range(2))
    assert first.files == second.files and first.pages == second.pages
    assert first.files["feed.xml"].count("<entry>") == 8
