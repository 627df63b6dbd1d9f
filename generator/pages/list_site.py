"""Stage 4, site: everything a reading list adds to the site, for :func:`generator.pages.site.generate_site`.

Pure: the catalogue in; out come the "Reading lists" page and a page per list (Markdown and page
meta by source path), and each list's Atom feed and BibTeX file, papers in the list's order.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.markup.text import escape, html_text, plain_text, shorten
from generator.pages.citations import render_bibtex
from generator.pages.discovery import feed_link
from generator.pages.feeds import FALLBACK_DATE, Channel, feed_date, render_atom
from generator.pages.list_pages import LISTS_INDEX, list_path, render_list_page, render_lists_overview
from generator.pages.note_pages import Repository
from generator.records.catalogue import Catalogue
from generator.records.reading_lists import ReadingList


def reading_list_pages(
    catalogue: Catalogue,
    *,
    repository: Repository | None,
    site_name: str,
    note_counts: Mapping[str, int] | None = None,
) -> dict[str, tuple[str, dict]]:
    """The "Reading lists" page and each list's page: (Markdown, meta) by source path."""
    papers = catalogue.by_id()
    topics = {topic.id: topic for topic in catalogue.topics}
    pages = {LISTS_INDEX: (render_lists_overview(catalogue.lists, repository=repository), {"hide": ["toc"]})}
    for reading_list in catalogue.lists:
        markdown = render_list_page(reading_list, papers, topics, repository=repository, note_counts=note_counts)
        pages[list_path(reading_list.slug)] = (
            markdown,
            {
                "title": escape(reading_list.title),
                "description": escape(shorten(html_text(reading_list.description_html))),
                "hide": ["toc"],
                "source": reading_list.path,
                "extra_head": feed_link("feed.xml", f"{site_name}: {plain_text(reading_list.title)}"),
            },
        )
    return pages


def reading_list_files(catalogue: Catalogue, *, site_url: str, site_name: str) -> dict[str, str]:
    """Each list's Atom feed and BibTeX file, papers in list order: site path -> text."""
    by_id = catalogue.by_id()
    files = {}
    for reading_list in catalogue.lists:
        files[f"lists/{reading_list.slug}/feed.xml"] = render_list_feed(
            reading_list, catalogue, site_url=site_url, site_name=site_name
        )
        papers = [by_id[paper_id] for paper_id in reading_list.paper_ids]
        files[f"lists/{reading_list.slug}/citations.bib"] = render_bibtex(papers, site_url=site_url)
    return files


def render_list_feed(reading_list: ReadingList, catalogue: Catalogue, *, site_url: str, site_name: str) -> str:
    """A list's Atom feed: its papers in its order, each with the curator's note as the entry's content.

    Updated when the list says it was, else with its newest paper."""
    by_id = catalogue.by_id()
    papers = [by_id[paper_id] for paper_id in reading_list.paper_ids]
    updated = reading_list.updated or max((feed_date(paper) for paper in papers), default=FALLBACK_DATE)
    channel = Channel(
        title=f"{site_name}: {plain_text(reading_list.title)}",
        subtitle=shorten(html_text(reading_list.description_html), 400),
        site_url=site_url,
        feed_path=f"lists/{reading_list.slug}/feed.xml",
        page_path=f"lists/{reading_list.slug}/",
        updated=updated,
    )
    names = {topic.id: topic.name for topic in catalogue.topics}
    notes = {entry.paper: entry.note_html for entry in reading_list.entries if entry.note_html}
    return render_atom(papers, channel, topic_names=names, contents=notes)
