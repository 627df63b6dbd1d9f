"""Stage 3, pages: everything the catalogue adds to a site, independent of the site engine.

:func:`generate_site` takes the loaded catalogue and returns the generated pages (Markdown plus
page meta) and the extra files (open data, feeds, BibTeX, charts). :mod:`generator.pages.tree`
turns them into a docs tree; the MkDocs plugin hands the same tree to MkDocs in memory.

Page meta values that reach HTML (``title``, ``description``, ``extra_head``) are already escaped
or sanitised here, because templates emit them verbatim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import yaml

from generator.markup.text import escape, shorten
from generator.pages.charts import catalogue_charts
from generator.pages.citations import render_bibtex
from generator.pages.discovery import paper_metadata, render_bibtex_block, render_related
from generator.pages.discovery_site import (
    DISCOVERY_PAGES,
    discovery_files,
    discovery_pages,
    topic_head,
    topic_links,
    topic_listing,
)
from generator.pages.exports import write_exports
from generator.pages.list_pages import render_in_lists
from generator.pages.list_site import reading_list_files, reading_list_pages
from generator.pages.note_pages import Repository, render_notes_section, render_recent_notes
from generator.pages.related import Related, related_papers
from generator.pages.render import (
    PageSections,
    count_papers_per_topic,
    paper_path,
    render_paper_page,
    render_summary,
    render_topic_page,
    render_topics_overview,
    topic_path,
)
from generator.pages.search_words import WORDS_FILE, search_words
from generator.records.catalogue import Catalogue
from generator.records.notes import notes_by_paper
from generator.records.reading_lists import ReadingList, lists_by_paper
from generator.records.records import Paper
from generator.records.topics import Topic

DEFAULT_SITE_NAME = "ML Paper Catalogue"
# libyaml's emitter where PyYAML was built with it (the wheels are): 20x faster than the pure-Python one,
# which took ~2 s for 749 pages' front matter.
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Above this many papers the header box queries Pagefind instead of lunr. Lunr's first search costs
# its worker (12 KB gzipped) plus its index, about 0.075 KB gzipped per paper with the fields kept
# (titles, facts, topics): 68 KB at 749 papers, the 150 KB budget near 1,800 papers.
LUNR_MAX_PAPERS = 1500


def header_engine(paper_count: int, *, choice: str = "auto", lunr_max_papers: int = LUNR_MAX_PAPERS) -> str:
    """The header box's engine: ``choice`` (the plugin's ``header_search`` option) unless it is
    ``"auto"``; then ``"lunr"`` (Material's search) for small catalogues, ``"pagefind"`` above the budget."""
    if choice != "auto":
        return choice
    return "lunr" if paper_count <= lunr_max_papers else "pagefind"


@dataclass(frozen=True)
class GeneratedPage:
    """A page's Markdown source and its meta.

    ``meta`` keys: ``title`` and ``description`` (escaped HTML), ``hide`` (Material), ``template``,
    ``search`` (Material's lunr), ``source`` (the catalogue file that "edit" opens), ``extra_head``
    (safe HTML for <head>: a feed link, nothing a reader needs).
    """

    markdown: str
    meta: dict = field(default_factory=dict)

    @cached_property
    def source(self) -> str:
        """The page as a Markdown file (:func:`page_source`), made once per page: a page that ``mkdocs
        serve`` takes back from its memo is not written out again."""
        return page_source(self.markdown, self.meta)


def page_source(markdown: str, meta: dict) -> str:
    """A page as a Markdown file: ``meta`` as YAML front matter (sorted keys), then the Markdown."""
    if not meta:
        return markdown
    front = yaml.dump(
        meta, Dumper=SafeDumper, sort_keys=True, allow_unicode=True, default_flow_style=False, width=10**6
    )
    return f"---\n{front}---\n\n{markdown}"


@dataclass(frozen=True)
class SiteContent:
    """Generated pages by source path, extra files by site path, and the home-page summary."""

    pages: dict[str, GeneratedPage]
    files: dict[str, str | bytes]
    summary: str


# ``memo(key, function, *args, **kwargs)``: the function's result, or the one kept under the same key.
Memo = Callable[..., object]


def _call(key: object, function: Callable, /, *args: object, **kwargs: object) -> object:
    return function(*args, **kwargs)


def _digest(data: object) -> str:
    return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()


def generate_site(
    catalogue: Catalogue,
    *,
    site_url: str = "",
    site_name: str = DEFAULT_SITE_NAME,
    repository: Repository | None = None,
    lunr_papers: bool | None = None,
    memo: Memo | None = None,
) -> SiteContent:
    """Every generated page and file of the catalogue, in sorted order.

    ``site_url`` (absolute, ending in ``/``) makes feed, citation and JSON-LD URLs absolute;
    ``repository`` (the catalogue's GitHub repository and branch) enables the "Add a note",
    "Edit record" and note history links. ``lunr_papers``: whether paper pages go into Material's
    lunr index (default: when lunr serves the header box, :func:`header_engine`). ``memo`` (kept by
    ``mkdocs serve`` across rebuilds) gives back results whose inputs did not change: the related
    papers' TF-IDF blocks and ranking (:func:`~generator.pages.related.related_papers`), the
    abstracts' word counts of the search vocabulary, the charts and each paper page.
    """
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    run = memo or _call
    topics = {topic.id: topic for topic in catalogue.topics}
    by_id = catalogue.by_id()
    notes = notes_by_paper(catalogue.notes)
    note_counts = {paper_id: len(paper_notes) for paper_id, paper_notes in notes.items()}
    papers = list(catalogue.papers)
    related: Related = related_papers(catalogue.papers, memo=memo)
    if lunr_papers is None:
        lunr_papers = header_engine(len(papers)) == "lunr"
    # Material's lunr: a paper outranks pages that merely mention it; or no paper at all (Pagefind serves).
    lunr = {"boost": 2} if lunr_papers else {"exclude": True}
    # What every paper page shares, hashed once (the taxonomy alone is ~50 KB of text).
    shared = _digest((catalogue.topics, catalogue.source_labels, site_url, repository, lunr)) if memo else ""
    labels = dict(catalogue.source_labels)
    in_lists = lists_by_paper(catalogue.lists)
    # Each record hashed once: a page's key names its paper and its related papers by these.
    records = {paper.id: _digest(paper) for paper in papers} if memo else {}
    pages: dict[str, GeneratedPage] = {}
    for paper in papers:
        paper_notes = notes.get(paper.id, [])
        others = [by_id[other] for other, _ in related[paper.id]]
        memberships = in_lists.get(paper.id, [])
        lists_key = [(item.slug, item.title, len(item.entries), position) for item, position in memberships]
        others_key = [records.get(other.id) for other in others]
        pages[paper_path(paper.id)] = run(
            ("paper", shared, records.get(paper.id), paper_notes, others_key, lists_key),
            paper_page,
            paper,
            notes=paper_notes,
            others=others,
            reading_lists=memberships,
            topics=topics,
            repository=repository,
            site_url=site_url,
            lunr=lunr,
            labels=labels,
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
                "title": escape(topic.name),
                "description": escape(shorten(topic.description)),
                "hide": ["toc"],
                "source": "catalogue/topics.yml",
                "extra_head": topic_head(topic, site_name=site_name),
            },
        )
    chart_inputs = [(paper.date, paper.topics, bool(paper.all_links)) for paper in papers]
    charts = run(("charts", _digest((chart_inputs, catalogue.topics))), catalogue_charts, papers, catalogue.topics)
    for path, markdown in discovery_pages(catalogue, charts, note_counts=note_counts).items():
        pages[path] = GeneratedPage(markdown=markdown, meta={"title": escape(DISCOVERY_PAGES[path]), "hide": ["toc"]})
    list_pages = reading_list_pages(catalogue, repository=repository, site_name=site_name, note_counts=note_counts)
    for path, (markdown, meta) in list_pages.items():
        pages[path] = GeneratedPage(markdown=markdown, meta=meta)
    pages["topics/index.md"] = GeneratedPage(
        markdown=render_topics_overview(list(catalogue.topics), count_papers_per_topic(papers, catalogue.topics)),
        meta={"hide": ["toc"], "source": "catalogue/topics.yml"},
    )
    summary = render_summary(papers, list(catalogue.topics), note_counts=note_counts)
    summary += render_recent_notes(catalogue.notes, by_id)
    files = {
        WORDS_FILE: search_words(papers, catalogue.topics, memo=memo),
        **write_exports(catalogue, related={key: [other for other, _ in found] for key, found in related.items()}),
        **discovery_files(catalogue, charts, site_url=site_url, site_name=site_name, memo=memo),
        **reading_list_files(catalogue, site_url=site_url, site_name=site_name),
    }
    return SiteContent(pages=pages, files=dict(sorted(files.items())), summary=summary)


def paper_page(
    paper: Paper,
    *,
    notes: list,
    others: list[Paper],
    reading_lists: list[tuple[ReadingList, int]],
    topics: dict[str, Topic],
    repository: Repository | None,
    site_url: str,
    lunr: dict,
    labels: dict[str, str] | None = None,
) -> GeneratedPage:
    """One paper's page: everything a reader needs is in its Markdown, the meta only shapes the chrome."""
    sections = PageSections(
        after_abstract=(
            render_notes_section(paper, notes, topics=topics, repository=repository),
            render_in_lists(reading_lists, prefix="../../"),
            render_related(paper, others, topics, prefix="../../"),
        ),
        end=(
            render_bibtex_block(render_bibtex([paper], site_url=site_url)),
            paper_metadata(paper, topics, site_url=site_url),
        ),
    )
    return GeneratedPage(
        markdown=render_paper_page(paper, topics, sections, labels=labels),
        meta={
            "title": escape(paper.title),
            "description": escape(shorten(paper.abstract or paper.title)),
            "hide": ["toc"],
            "template": "paper.html",  # overrides/paper.html: lean chrome under Material
            "source": f"catalogue/papers/{paper.id}.yml",
            "search": lunr,
        },
    )
