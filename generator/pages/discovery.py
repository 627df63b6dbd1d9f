"""Stage 3, pages: what a paper page adds for discovery and citation.

Pure renderers, records in and safe HTML out:

* the "Related papers" section (computed by :mod:`generator.pages.related`) with the topics each shares;
* the BibTeX block, rendered as Material's code block so its copy button appears;
* the citation metadata, in the page itself so every engine publishes it: Google Scholar
  ``citation_*`` meta tags (read by Zotero's connector: one ``citation_author`` per author, in
  order, the date, the arXiv id and the PDF) and schema.org ``ScholarlyArticle`` JSON-LD with its
  ``author`` list (``<``, ``>``, ``&`` escaped so no title can close the script).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from generator.markup.text import escape, plain_text, render_inline
from generator.records.records import Paper
from generator.records.topics import Topic


def render_related(paper: Paper, related: Sequence[Paper], topics: dict[str, Topic], *, prefix: str) -> str:
    """The "Related papers" section: each related paper with the topics it shares with ``paper``."""
    if not related:
        return ""
    items = []
    for other in related:
        shared = [topic_id for topic_id in other.topics if topic_id in paper.topics]
        chips = "".join(f'<span class="topic-chip">{escape(topics[topic_id].name)}</span>' for topic_id in shared)
        shared_html = f' <span class="related-topics" aria-label="Shared topics">{chips}</span>' if chips else ""
        items.append(f'<li><a href="{prefix}papers/{other.id}/">{render_inline(other.title)}</a>{shared_html}</li>')
    # Other papers' titles are not this paper's content: kept out of both search indexes.
    return (
        '<h2 id="related" data-search-exclude data-pagefind-ignore>Related papers</h2>\n'
        f'<ol class="related-papers" data-pagefind-ignore>{"".join(items)}</ol>'
    )


def render_bibtex_block(bibtex: str) -> str:
    """The BibTeX entry as Material renders a code block (``content.code.copy`` adds the copy button).

    Newlines become ``&#10;`` so the block stays one line: Markdown must not see a blank line
    inside the paper's HTML block.
    """
    code = escape(bibtex.strip()).replace("\n", "&#10;")
    return (
        '<h2 id="cite" data-search-exclude data-pagefind-ignore>Cite</h2>\n'
        '<div class="language-bibtex highlight paper-bibtex" data-pagefind-ignore>'
        f"<pre><span></span><code>{code}</code></pre></div>"
    )


def _json_for_html(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def scholarly_article(paper: Paper, topics: dict[str, Topic], *, page_url: str) -> dict:
    """schema.org ``ScholarlyArticle`` of a paper, from what the record knows."""
    article: dict = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "url": page_url,  # "@id" would repeat it
        "headline": plain_text(paper.title),  # Google's field for an article's title; "name" would repeat it
    }
    # No "description": the page's <meta name="description"> holds the same summary (issue 7).
    if paper.authors:
        article["author"] = [{"@type": "Person", "name": plain_text(name)} for name in paper.authors]
    if paper.date:
        article["datePublished"] = paper.date
    if paper.topics:
        article["keywords"] = [topics[topic_id].name for topic_id in paper.topics]
    if paper.arxiv_id:
        article["identifier"] = f"arXiv:{paper.arxiv_id}"
        article["sameAs"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
    repositories = [link.url for link in paper.all_links if link.kind == "github"]
    if repositories:
        article["isBasedOn"] = repositories
    return article


def _meta(name: str, content: str) -> str:
    return f'<meta name="{escape(name)}" content="{escape(content)}">'


def feed_link(href: str, title: str) -> str:
    # "alternate feed", not just "alternate": Material's bundle takes every link[rel=alternate] for a
    # language version and downloads the sitemap.xml beside it on each page (321 KB gzipped at 20,000
    # papers); feed readers read the rel tokens, so "alternate" still announces the feed.
    return f'<link rel="alternate feed" type="application/atom+xml" href="{escape(href)}" title="{escape(title)}">'


def paper_metadata(paper: Paper, topics: dict[str, Topic], *, site_url: str) -> str:
    """A paper page's citation metadata, Scholar meta and JSON-LD, every value escaped.

    One hidden block of the page body: engines copy it as it is, no theme template is needed.
    """
    tags = [_meta("citation_title", plain_text(paper.title))]
    tags += [_meta("citation_author", plain_text(name)) for name in paper.authors]
    if paper.date:
        scholar_date = paper.date.replace("-", "/")
        tags += [_meta("citation_publication_date", scholar_date), _meta("citation_online_date", scholar_date)]
    if paper.arxiv_id:
        tags += [
            _meta("citation_arxiv_id", paper.arxiv_id),
            _meta("citation_pdf_url", f"https://arxiv.org/pdf/{paper.arxiv_id}"),
        ]
    page_url = f"{site_url}papers/{paper.id}/"
    article = _json_for_html(scholarly_article(paper, topics, page_url=page_url))
    tags.append(f'<script type="application/ld+json">{article}</script>')
    return f'<div class="paper-metadata" hidden data-pagefind-ignore>{"".join(tags)}</div>'
