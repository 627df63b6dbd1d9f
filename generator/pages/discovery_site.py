"""Stage 4, site: the discovery files and pages of the catalogue, for :func:`generator.site.generate_site`.

Pure: a catalogue (and the related papers computed once) in; out come the feeds, the BibTeX
files, the topics and reading lists exports and the JSON Schemas, the chart SVGs, and the
generated pages "Papers with code", "Catalogue at a glance" and "Open data" (as ``(markdown,
title)`` by source path).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from generator.pages.charts import Chart
from generator.pages.citations import render_bibtex
from generator.pages.discovery import feed_link
from generator.pages.exports import safe_json
from generator.pages.feeds import TOPIC_FEED_SIZE, newest_papers, render_feed
from generator.pages.open_data import (
    lists_export,
    lists_schema,
    papers_schema,
    render_open_data_page,
    topics_export,
    topics_schema,
)
from generator.pages.overview_pages import render_code_page, render_glance_page, render_sortable_list
from generator.records.catalogue import Catalogue
from generator.records.topics import Topic

DISCOVERY_PAGES = {
    "code/index.md": "Papers with code",
    "glance/index.md": "Catalogue at a glance",
    "open-data/index.md": "Open data",
}


def discovery_files(
    catalogue: Catalogue,
    charts: list[Chart],
    *,
    site_url: str,
    site_name: str,
    memo: Callable[..., str] | None = None,
) -> dict[str, str]:
    """Feeds, BibTeX, topics and lists exports, schemas and charts: site path -> text.

    ``memo(key, function, *args, **kwargs)`` (``mkdocs serve``, :class:`generator.engine.serve.Memo`) gives
    back the feeds of the previous rebuild whose newest papers did not change (feedgen takes ~8 ms a feed).
    """
    files = {path: make() for path, make in _discovery_makers(catalogue, site_url, site_name, memo or _call).items()}
    for chart in charts:
        files[f"charts/{chart.name}.svg"] = chart.svg
    return files


def _discovery_makers(
    catalogue: Catalogue, site_url: str, site_name: str, run: Callable[..., str]
) -> dict[str, Callable[[], str]]:
    """Each discovery file's path, and how to make it."""
    papers = list(catalogue.papers)
    names = {topic.id: topic.name for topic in catalogue.topics}
    makers = {
        "feed.xml": lambda: run(
            (newest_papers(papers), site_name, site_url, names),
            render_feed,
            papers,
            title=f"{site_name}: newest papers",
            subtitle="The newest papers of the catalogue.",
            site_url=site_url,
            feed_path="feed.xml",
            topic_names=names,
        ),
        "citations.bib": lambda: render_bibtex(papers, site_url=site_url),
        "api/topics.json": lambda: safe_json(topics_export(catalogue.topics, papers)),
        "api/papers.schema.json": lambda: safe_json(papers_schema()),
        "api/topics.schema.json": lambda: safe_json(topics_schema()),
        "api/lists.json": lambda: safe_json(lists_export(catalogue.lists)),
        "api/lists.schema.json": lambda: safe_json(lists_schema()),
    }
    for topic in catalogue.topics:
        makers[f"topics/{topic.id}/feed.xml"] = partial(_topic_feed, catalogue, topic, site_url, site_name, names, run)
        makers[f"topics/{topic.id}/citations.bib"] = partial(_topic_bibtex, catalogue, topic, site_url)
    return makers


def _topic_feed(
    catalogue: Catalogue, topic: Topic, site_url: str, site_name: str, names: dict[str, str], run: Callable[..., str]
) -> str:
    members = catalogue.papers_in(topic.id)
    return run(
        (newest_papers(members, TOPIC_FEED_SIZE), topic, site_name, site_url, names),
        render_feed,
        members,
        title=f"{site_name}: {topic.name}",
        subtitle=topic.description,
        site_url=site_url,
        feed_path=f"topics/{topic.id}/feed.xml",
        page_path=f"topics/{topic.id}/",
        topic_names=names,
        limit=TOPIC_FEED_SIZE,
    )


def _topic_bibtex(catalogue: Catalogue, topic: Topic, site_url: str) -> str:
    return render_bibtex(catalogue.papers_in(topic.id), site_url=site_url)


def _call(key: object, function: Callable[..., str], /, *args: object, **kwargs: object) -> str:
    return function(*args, **kwargs)


def discovery_pages(
    catalogue: Catalogue, charts: list[Chart], *, note_counts: Mapping[str, int] | None = None
) -> dict[str, str]:
    """Markdown of the generated discovery pages by source path."""
    papers = list(catalogue.papers)
    return {
        "code/index.md": render_code_page(papers, note_counts=note_counts),
        "glance/index.md": render_glance_page(charts, papers_count=len(papers)),
        "open-data/index.md": render_open_data_page(len(papers), len(catalogue.topics), len(catalogue.lists)),
    }


def topic_listing(catalogue: Catalogue, topic: Topic, *, note_counts: Mapping[str, int] | None = None) -> str:
    """The sortable paper list of a topic page."""
    return render_sortable_list(
        catalogue.papers_in(topic.id), prefix="../../", list_id=f"papers-{topic.id}", note_counts=note_counts
    )


def topic_links(topic: Topic) -> str:
    """Links under a topic's count: its feed and its BibTeX."""
    return (
        '<p class="topic-links"><a href="feed.xml" type="application/atom+xml">Atom feed</a>'
        ' · <a href="citations.bib">BibTeX of its papers</a></p>'
    )


def topic_head(topic: Topic, *, site_name: str) -> str:
    return feed_link("feed.xml", f"{site_name}: {topic.name}")
