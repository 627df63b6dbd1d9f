"""Atom feeds of the built site, parsed with feedparser: valid Atom, newest first, one per topic."""

from __future__ import annotations

import json

import feedparser

from generator.pages.feeds import SUMMARY_LENGTH, TOPIC_FEED_SIZE, newest_papers
from generator.records.records import Paper

SITE_URL = "https://paper-catalogue.github.io/paper-catalogue/"


def parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_catalogue_feed_is_atom_newest_first(mini_site):
    feed = parse(mini_site / "feed.xml")
    papers = {paper["id"]: paper for paper in json.loads((mini_site / "api" / "papers.json").read_text())}
    ids = [entry.id.removeprefix(SITE_URL + "papers/").rstrip("/") for entry in feed.entries]
    assert sorted(ids) == sorted(papers)
    dates = [papers[paper_id]["date"] for paper_id in ids]
    dated = [date for date in dates if date]
    assert dated == sorted(dated, reverse=True) and dates[: len(dated)] == dated  # undated last
    first = feed.entries[0]
    assert first.link == f"{SITE_URL}papers/{ids[0]}/" and first.updated.startswith(dated[0])
    assert feed.feed.updated.startswith(max(papers[i]["date"] or papers[i]["added"] for i in ids))
    titles = [entry.title for entry in feed.entries]
    assert "Better & Faster Large Language Models via Multi-token Prediction" in titles
    summary = next(entry.summary for entry in feed.entries if entry.title.startswith("S*"))
    assert "<4.3% & more" in summary


def test_topic_feeds_hold_their_papers(mini_site):
    topics = json.loads((mini_site / "api" / "topics.json").read_text())
    for topic in topics:
        feed = parse(mini_site / topic["feed"])
        ids = sorted(entry.id.removeprefix(SITE_URL + "papers/").rstrip("/") for entry in feed.entries)
        assert ids == topic["papers"], topic["id"]
        assert feed.feed.title.endswith(topic["name"])
        assert all(topic["id"] in [tag.term for tag in entry.tags] for entry in feed.entries)


def test_newest_uses_date_then_added():
    papers = [
        Paper(id="old", title="Old", date="2023-01-01", added="2026-01-01"),
        Paper(id="new", title="New", date="2024-01-01", added="2025-01-01"),
        Paper(id="undated-late", title="U1", added="2026-02-01"),
        Paper(id="undated-early", title="U2", added="2025-02-01"),
        Paper(id="same-a", title="A", date="2023-01-01", added="2026-03-01"),
    ]
    order = [paper.id for paper in newest_papers(papers)]
    assert order == ["new", "same-a", "old", "undated-late", "undated-early"]


def test_real_feeds_parse(real_site):
    feed = parse(real_site / "feed.xml")
    assert len(feed.entries) == 50
    papers = {paper["id"]: paper for paper in json.loads((real_site / "api" / "papers.json").read_text())}
    for entry in feed.entries:  # a summary: the abstract's opening, whole words, "…" where cut
        abstract = " ".join(papers[entry.id.removeprefix(SITE_URL + "papers/").rstrip("/")]["abstract"].split())
        assert len(entry.summary) <= SUMMARY_LENGTH
        assert entry.summary == abstract or abstract.startswith(entry.summary.removesuffix("…").rstrip(",;:."))
    assert len(list((real_site / "topics").glob("*/feed.xml"))) == 27
    by_topic = {topic["id"]: topic for topic in json.loads((real_site / "api" / "topics.json").read_text())}
    for topic_id, topic in by_topic.items():
        entries = parse(real_site / topic["feed"]).entries
        # Only the newest: none of the topic's other papers is newer than the feed's oldest entry.
        assert len(entries) == min(TOPIC_FEED_SIZE, len(topic["papers"])), topic_id
        shown = {entry.id.removeprefix(SITE_URL + "papers/").rstrip("/") for entry in entries}
        oldest = min(papers[paper_id]["date"] or "" for paper_id in shown)
        assert all((papers[other]["date"] or "") <= oldest for other in set(topic["papers"]) - shown), topic_id
