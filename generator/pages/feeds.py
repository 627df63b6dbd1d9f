"""Stage 4, site: Atom feeds of the newest papers, for the catalogue and each topic, and of each
reading list's papers in its order (``feedgen``).

Pure: papers in, Atom XML out. Deterministic: every timestamp comes from the data (a paper's
date, else the date it entered the catalogue), never from the clock, and entries are in a fixed
order. "Newest" is by the paper's publication date, then by the date the paper entered the
catalogue (``added``), then id; papers without a publication date come after the dated ones
(newest added first), as on the topic pages. Entry ids are the
absolute page URLs (from ``site_url``), or ``tag:`` URIs when the site has no URL, so a reader
never sees an entry twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from generator.markup.text import plain_text, shorten
from generator.records.records import Paper

FEED_SIZE = 50
# A topic's feed is a "what's new" channel too; its page lists every paper. 50 entries with whole
# abstracts were ~80 KB a topic, 2.1 MB of the site at 749 papers (issue 7).
TOPIC_FEED_SIZE = 20
# An entry's <summary> is what Atom says it is, a summary: the abstract's opening, cut on a word;
# the whole abstract is on the page the entry links to.
SUMMARY_LENGTH = 400
FALLBACK_DATE = "1970-01-01"
TAG_AUTHORITY = "tag:paper-catalogue.invalid,2024:"


def feed_date(paper: Paper) -> str:
    """An entry's timestamp: the publication date, else when the paper entered the catalogue."""
    return paper.date or paper.added or FALLBACK_DATE


def newest_papers(papers: Sequence[Paper], limit: int = FEED_SIZE) -> list[Paper]:
    """The ``limit`` newest papers: dated ones newest first, then undated ones; ties by ``added``, id."""
    ordered = sorted(papers, key=lambda paper: paper.id)
    ordered.sort(key=lambda paper: (paper.date is not None, paper.date or "", paper.added or ""), reverse=True)
    return ordered[:limit]


def _timestamp(date: str) -> str:
    return f"{date}T00:00:00+00:00"


def _entry_id(site_url: str, path: str) -> str:
    return f"{site_url}{path}" if site_url else f"{TAG_AUTHORITY}{path}"


def render_feed(
    papers: Sequence[Paper],
    *,
    title: str,
    subtitle: str,
    site_url: str,
    feed_path: str,
    page_path: str = "",
    topic_names: dict[str, str] | None = None,
    limit: int = FEED_SIZE,
) -> str:
    """An Atom feed of the ``limit`` newest ``papers``; paths are site-relative (``topics/peft/feed.xml``)."""
    newest = newest_papers(papers, limit)
    updated = max((feed_date(paper) for paper in newest), default=FALLBACK_DATE)
    channel = Channel(
        title=title, subtitle=subtitle, site_url=site_url, feed_path=feed_path, page_path=page_path, updated=updated
    )
    return render_atom(newest, channel, topic_names=topic_names)


@dataclass(frozen=True)
class Channel:
    """What an Atom feed says of itself: title, subtitle, where it and its page live, when it changed."""

    title: str
    subtitle: str
    site_url: str
    feed_path: str
    page_path: str
    updated: str  # YYYY-MM-DD


def render_atom(
    papers: Sequence[Paper],
    channel: Channel,
    *,
    topic_names: dict[str, str] | None = None,
    contents: Mapping[str, str] | None = None,
) -> str:
    """An Atom feed of ``papers`` in the given order; ``contents``: safe HTML for an entry, by paper id."""
    topic_names, contents = topic_names or {}, contents or {}
    site_url = channel.site_url
    feed = FeedGenerator()
    feed.id(_entry_id(site_url, channel.feed_path))
    feed.title(channel.title)
    feed.subtitle(channel.subtitle or channel.title)
    feed.author({"name": "The catalogue's contributors"})
    feed.generator("paper-catalogue")
    # Without a site_url the links are relative, which Atom resolves against the feed's own URL.
    feed.link(href=f"{site_url}{channel.feed_path}", rel="self", type="application/atom+xml")
    feed.link(href=f"{site_url}{channel.page_path}" or "./", rel="alternate", type="text/html")
    feed.updated(_timestamp(channel.updated))
    for paper in papers:
        entry = feed.add_entry(order="append")
        entry.id(_entry_id(site_url, f"papers/{paper.id}/"))
        entry.title(plain_text(paper.title))
        entry.updated(_timestamp(feed_date(paper)))
        if paper.date:
            entry.published(_timestamp(paper.date))
        entry.link(href=f"{site_url}papers/{paper.id}/", rel="alternate", type="text/html")
        if paper.arxiv_id:
            entry.link(href=f"https://arxiv.org/abs/{paper.arxiv_id}", rel="related")
        entry.summary(shorten(paper.abstract, SUMMARY_LENGTH) or plain_text(paper.title))
        if contents.get(paper.id):
            entry.content(contents[paper.id], type="html")
        for topic_id in paper.topics:
            entry.category(term=topic_id, label=topic_names.get(topic_id, topic_id))
    return feed.atom_str(pretty=True).decode("utf-8")
