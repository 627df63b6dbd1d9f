"""Stage 4, site: everything the catalogue adds to a site, independent of the site engine.

:func:`generate_site` takes the loaded catalogue and returns the generated pages
(Markdown plus page meta) and the extra files (open data and other exports).
The MkDocs plugin only hands these to MkDocs; another engine would do the same.

Page meta values that reach HTML (``title``, ``description``, ``extra_head``)
are already escaped or sanitised here, because templates emit them verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.catalogue import Catalogue
from generator.exports import write_exports
from generator.pages import (
    paper_path,
    render_paper_page,
    render_summary,
    render_topic_page,
    render_topics_overview,
    topic_path,
)
from generator.text import escape, shorten


@dataclass(frozen=True)
class GeneratedPage:
    """A page's Markdown source and its meta.

    ``meta`` keys: ``title`` and ``description`` (escaped HTML), ``hide`` (Material),
    ``source`` (the catalogue file that "edit" opens), ``extra_head`` (safe HTML for <head>).
    """

    markdown: str
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SiteContent:
    """Generated pages by source path, extra files by site path, and the home-page summary."""

    pages: dict[str, GeneratedPage]
    files: dict[str, str | bytes]
    summary: str


def topic_counts(catalogue: Catalogue) -> dict[str, int]:
    counts = {topic.id: 0 for topic in catalogue.topics}
    for paper in catalogue.papers:
        for topic_id in paper.topics:
            counts[topic_id] += 1
    return counts


def generate_site(catalogue: Catalogue) -> SiteContent:
    """Every generated page and file of the catalogue, in sorted order."""
    topics = {topic.id: topic for topic in catalogue.topics}
    pages: dict[str, GeneratedPage] = {}
    for paper in catalogue.papers:
        pages[paper_path(paper.id)] = GeneratedPage(
            markdown=render_paper_page(paper, topics),
            meta={
                "title": escape(paper.title),
                "description": escape(shorten(paper.abstract or paper.title)),
                "hide": ["navigation", "toc"],
                "source": f"catalogue/papers/{paper.id}.yml",
                "search": {"boost": 2},  # Material's lunr: a paper outranks pages that merely mention it
            },
        )
    for topic in catalogue.topics:
        pages[topic_path(topic.id)] = GeneratedPage(
            markdown=render_topic_page(topic, catalogue.papers_in(topic.id)),
            meta={
                "description": escape(shorten(topic.description)),
                "hide": ["toc"],
                "source": "catalogue/topics.yml",
            },
        )
    pages["topics/index.md"] = GeneratedPage(
        markdown=render_topics_overview(list(catalogue.topics), topic_counts(catalogue)),
        meta={"hide": ["toc"], "source": "catalogue/topics.yml"},
    )
    summary = render_summary(list(catalogue.papers), list(catalogue.topics))
    return SiteContent(pages=pages, files=write_exports(catalogue), summary=summary)
