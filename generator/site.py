"""Stage 4, site: everything the catalogue adds to a site, independent of the site engine.

:func:`generate_site` takes the loaded catalogue and returns the generated pages
(Markdown plus page meta) and the extra files (open data and other exports).
The MkDocs plugin only hands these to MkDocs; another engine would do the same.

Page meta values that reach HTML (``title``, ``description``, ``extra_head``)
are already escaped or sanitised here, because templates emit them verbatim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.catalogue import Catalogue
from generator.charts import Chart, catalogue_charts
from generator.citations import render_bibtex
from generator.discovery import paper_head, render_bibtex_block, render_related
from generator.discovery_site import (
    DISCOVERY_PAGES,
    discovery_file_paths,
    discovery_files,
    discovery_pages,
    topic_head,
    topic_links,
    topic_listing,
)
from generator.exports import PAPERS_EXPORT, write_exports
from generator.note_pages import Repository, render_notes_section, render_recent_notes
from generator.notes import notes_by_paper
from generator.pages import (
    PageSections,
    count_papers_per_topic,
    paper_path,
    render_paper_page,
    render_summary,
    render_topic_page,
    render_topics_overview,
    topic_path,
)
from generator.records import Paper
from generator.search_index import header_engine
from generator.text import escape, shorten
from generator.topics import Topic

if TYPE_CHECKING:
    from generator.related import Related

DEFAULT_SITE_NAME = "ML Paper Catalogue"
# Where a paper page's "Related papers" section goes when the related papers come later (related_later).
RELATED_MARKER = "<!-- catalogue:related -->"


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


def generate_site(
    catalogue: Catalogue,
    *,
    site_url: str = "",
    site_name: str = DEFAULT_SITE_NAME,
    repository: Repository | None = None,
    related_later: bool = False,
    lunr_papers: bool | None = None,
    related: Related | None = None,
    charts: list[Chart] | None = None,
    memo: Memo | None = None,
) -> SiteContent:
    """Every generated page and file of the catalogue, in sorted order.

    ``site_url`` (absolute, ending in ``/``) makes feed, citation and JSON-LD URLs absolute;
    ``repository`` (the catalogue's GitHub repository and branch) enables the
    "Add a note", "Edit record" and note history links.
    With ``related_later`` the related papers are not computed here: paper pages carry
    :data:`RELATED_MARKER` where their section goes, and the files are left out but for an empty
    placeholder of each (pages link to them); :func:`related_content` gives the sections and every file
    once the caller has the related papers (the MkDocs plugin computes them all in another process while
    MkDocs renders: feeds, BibTeX and exports took ~0.5 s of 5,000 papers' 2.5 s here). The charts are not
    drawn either: the glance page carries :data:`generator.charts.MARKER` for each SVG
    (:func:`generator.overview_pages.fill_charts`) and ``charts/*.svg`` are left to the caller.
    ``lunr_papers``: whether paper pages go into Material's lunr index (default: when lunr serves the
    header box, :func:`generator.search_index.header_engine`); above that size Pagefind serves both
    search boxes and lunr would only cost build time (~1 ms a page) and 2.7 KB a paper of index.
    ``related`` and ``charts``: results computed already (``mkdocs serve`` keeps them across rebuilds,
    :mod:`generator.serve_stages`), used instead of computing them here; ``memo`` (serve too) returns the
    paper pages and export files of the previous rebuild whose inputs are unchanged.
    """
    site_url = _absolute_base(site_url)
    topics = {topic.id: topic for topic in catalogue.topics}
    by_id = catalogue.by_id()
    notes = notes_by_paper(catalogue.notes)
    note_counts = {paper_id: len(paper_notes) for paper_id, paper_notes in notes.items()}
    if related is None and not related_later:
        from generator.related import related_papers  # noqa: PLC0415 - scikit-learn: only where it runs

        related = related_papers(catalogue.papers)
    if lunr_papers is None:
        lunr_papers = header_engine(len(catalogue.papers)) == "lunr"
    # Material's lunr: a paper outranks pages that merely mention it; or no paper at all (Pagefind serves).
    lunr = {"boost": 2} if lunr_papers else {"exclude": True}
    run = memo or _call
    # What every paper page shares, hashed once (the taxonomy alone is ~50 KB of text).
    shared = hashlib.sha256(repr((catalogue.topics, site_url, repository, lunr)).encode()).hexdigest() if memo else ""
    pages: dict[str, GeneratedPage] = {}
    for paper in catalogue.papers:
        paper_notes = notes.get(paper.id, [])
        others = None if related is None else [by_id[other] for other, _ in related[paper.id]]
        pages[paper_path(paper.id)] = run(
            (shared, paper, paper_notes, others),
            paper_page,
            paper,
            notes=paper_notes,
            others=others,
            topics=topics,
            repository=repository,
            site_url=site_url,
            lunr=lunr,
        )
    for topic in catalogue.topics:
        pages[topic_path(topic.id)] = GeneratedPage(
            markdown=render_topic_page(
                topic,
                catalogue.papers_in(topic.id),
                listing=topic_listing(catalogue, topic, note_counts=note_counts),
                links=topic_links(topic),
            ),
            meta={
                "description": escape(shorten(topic.description)),
                "hide": ["toc"],
                "source": "catalogue/topics.yml",
                "extra_head": topic_head(topic, site_name=site_name),
            },
        )
    if charts is None:  # drawn with the related papers, when those come later
        charts = catalogue_charts(list(catalogue.papers), catalogue.topics, draw=not related_later)
    for path, markdown in discovery_pages(catalogue, charts, note_counts=note_counts).items():
        pages[path] = GeneratedPage(markdown=markdown, meta={"title": escape(DISCOVERY_PAGES[path]), "hide": ["toc"]})
    pages["topics/index.md"] = GeneratedPage(
        markdown=render_topics_overview(
            list(catalogue.topics), count_papers_per_topic(catalogue.papers, catalogue.topics)
        ),
        meta={"hide": ["toc"], "source": "catalogue/topics.yml"},
    )
    summary = render_summary(list(catalogue.papers), list(catalogue.topics), note_counts=note_counts)
    summary += render_recent_notes(catalogue.notes, by_id)
    if related is None:  # written with the related papers (related_content); MkDocs checks pages' links to them
        files: dict[str, str | bytes] = dict.fromkeys([PAPERS_EXPORT, *discovery_file_paths(catalogue)], "")
    else:
        files = site_files(catalogue, related, charts, site_url=site_url, site_name=site_name, memo=memo)
    return SiteContent(pages=pages, files=files, summary=summary)


def site_files(
    catalogue: Catalogue,
    related: Related,
    charts: list[Chart],
    *,
    site_url: str,
    site_name: str,
    memo: Memo | None = None,
) -> dict[str, str | bytes]:
    """The exports, feeds and BibTeX files (and the charts drawn already), by site path."""
    return {
        **write_exports(catalogue, related=related_ids(related)),
        **discovery_files(catalogue, charts, site_url=site_url, site_name=site_name, memo=memo),
    }


def _absolute_base(site_url: str) -> str:
    """``site_url`` ending in one ``/`` (empty stays empty: relative URLs)."""
    return site_url.rstrip("/") + "/" if site_url else ""


# ``memo(key, function, *args, **kwargs)``: the function's result, or the one kept under the same key.
Memo = Callable[..., object]


def _call(key: object, function: Callable, /, *args: object, **kwargs: object) -> object:
    return function(*args, **kwargs)


def paper_page(
    paper: Paper,
    *,
    notes: list,
    others: list[Paper] | None,
    topics: dict[str, Topic],
    repository: Repository | None,
    site_url: str,
    lunr: dict,
) -> GeneratedPage:
    """One paper's page; ``others``: its related papers, or None for :data:`RELATED_MARKER` (filled later)."""
    sections = PageSections(
        after_abstract=(
            render_notes_section(paper, notes, topics=topics, repository=repository),
            RELATED_MARKER if others is None else render_related(paper, others, topics, prefix="../../"),
        ),
        end=(render_bibtex_block(render_bibtex([paper], site_url=site_url)),),
    )
    return GeneratedPage(
        markdown=render_paper_page(paper, topics, sections),
        meta={
            "title": escape(paper.title),
            "description": escape(shorten(paper.abstract or paper.title)),
            "hide": ["navigation", "toc"],
            "template": "paper.html",  # overrides/paper.html: lean chrome (issue 7)
            "source": f"catalogue/papers/{paper.id}.yml",
            "extra_head": paper_head(paper, topics, site_url=site_url),
            "search": lunr,
        },
    )


def related_ids(related: Related) -> dict[str, list[str]]:
    return {paper_id: [other for other, _ in found] for paper_id, found in related.items()}


def related_section(paper: Paper, related: Related, by_id: dict[str, Paper], topics: dict[str, Topic]) -> str:
    """A paper page's "Related papers" section (empty when it has none)."""
    return render_related(paper, [by_id[other] for other, _ in related[paper.id]], topics, prefix="../../")


@dataclass(frozen=True)
class RelatedContent:
    """What ``related_later`` left out: each paper page's section by source path, and the files by site path."""

    sections: dict[str, str]
    files: dict[str, str | bytes]


def related_content(
    catalogue: Catalogue, related: Related, *, site_url: str = "", site_name: str = DEFAULT_SITE_NAME
) -> RelatedContent:
    """The related sections and the files of a site generated with ``related_later`` (same arguments)."""
    site_url = _absolute_base(site_url)
    topics = {topic.id: topic for topic in catalogue.topics}
    by_id = catalogue.by_id()
    sections = {paper_path(paper.id): related_section(paper, related, by_id, topics) for paper in catalogue.papers}
    files = site_files(catalogue, related, [], site_url=site_url, site_name=site_name)
    return RelatedContent(sections=sections, files=files)


def fill_related(html: str, section: str) -> str:
    """A page generated with ``related_later``, with its related section where the marker is.

    The marker is one of the page's newline-joined parts; an empty section drops the part with its
    newline, so the page is exactly what ``generate_site`` renders with the related papers at hand.
    """
    return html.replace(f"\n{RELATED_MARKER}", f"\n{section}" if section else "", 1)
