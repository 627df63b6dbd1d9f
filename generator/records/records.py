"""Stage 2, records: the curated paper record and how listing entries become records.

A record is the reviewed truth about one paper. Listing entries of the same
paper (matched on the title compared case- and punctuation-insensitively)
merge into one record; a re-import only adds papers, adds listing names to
``sources`` and fills fields that are still empty, so a curator's edits survive.
Pure functions only: reading and writing files belongs to :mod:`generator.records.storage`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from slugify import slugify

from generator.records.links import CodeLink, extract_links
from generator.records.listings import ListingEntry

MAX_SLUG_LENGTH = 80


@dataclass(frozen=True)
class Paper:
    """One paper record. Field order is the order written to YAML."""

    id: str
    title: str
    authors: tuple[str, ...] = ()  # every author's name, in the paper's order (from arXiv or Hugging Face)
    abstract: str = ""
    date: str | None = None  # ISO YYYY-MM-DD, publication date where a listing gives it
    authors_count: int | None = None
    organisation: str | None = None
    upvotes: int | None = None
    sources: tuple[str, ...] = ()
    code: tuple[CodeLink, ...] = ()
    added: str | None = None  # ISO date the paper entered the catalogue
    # Curated fields: never written by the import, kept on every re-import. ``add`` and ``enrich``
    # fill the empty ones from the public APIs and say in ``provenance`` where and when.
    arxiv_id: str | None = None
    primary_category: str | None = None  # arXiv's primary category, e.g. cs.CL
    links: tuple[CodeLink, ...] = ()
    topics_add: tuple[str, ...] = ()
    topics_remove: tuple[str, ...] = ()
    # (field, "<source> <YYYY-MM-DD>") for every field add or enrich filled, in field order.
    provenance: tuple[tuple[str, str], ...] = ()
    # Derived at load time, not stored in the record.
    topics: tuple[str, ...] = field(default=(), compare=False)

    @property
    def all_links(self) -> tuple[CodeLink, ...]:
        """Code links then curated links, GitHub repositories first, no duplicates."""
        seen: set[str] = set()
        merged = []
        for link in (*self.code, *self.links):
            if link.url not in seen:
                seen.add(link.url)
                merged.append(link)
        return tuple(sorted(merged, key=lambda link: link.kind != "github"))

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


RECORD_FIELDS = tuple(name for name in Paper.__dataclass_fields__ if name != "topics")
REQUIRED_FIELDS = ("id", "title")
# Fields a record leaves out when empty, so records written before they existed stay byte-identical.
OPTIONAL_FIELDS = ("authors", "arxiv_id", "primary_category", "links", "topics_add", "topics_remove", "provenance")


def title_key(title: str) -> str:
    """The identity of a title: case-, space- and punctuation-insensitive."""
    return re.sub(r"[\W_]+", "", title.casefold())


def make_slug(title: str) -> str:
    """A readable URL slug of a title, cut on a word boundary; LaTeX markup is dropped first."""
    readable = re.sub(r"\\[a-zA-Z]+|[$^_{}]", "", title)  # $\textbf{S}^2$IP-LLM -> S2IP-LLM
    return slugify(readable, max_length=MAX_SLUG_LENGTH, word_boundary=True) or "paper"


def _merge_entry(paper: Paper, entry: ListingEntry) -> Paper:
    """Fill what is still empty in ``paper`` from ``entry`` and add its source."""
    updates: dict = {}
    if not paper.abstract and entry.abstract:
        updates["abstract"] = entry.abstract
    for name in ("date", "authors_count", "organisation", "upvotes"):
        if getattr(paper, name) is None and getattr(entry, name) is not None:
            updates[name] = getattr(entry, name)
    if entry.source not in paper.sources:
        updates["sources"] = tuple(sorted({*paper.sources, entry.source}))
    if not paper.code and not paper.sources and entry.abstract:
        updates["code"] = tuple(extract_links(entry.abstract))
    return replace(paper, **updates) if updates else paper


def merge_entries(existing: list[Paper], entries: list[ListingEntry], *, today: str) -> list[Paper]:
    """Merge listing entries into existing records; return every record sorted by id.

    Within one import, entries of the same paper fill each other's gaps in
    listing order, and the highest upvote count wins.
    """
    by_key: dict[str, str] = {}
    papers: dict[str, Paper] = {}
    for paper in existing:
        papers[paper.id] = paper
        by_key.setdefault(title_key(paper.title), paper.id)
    # A record whose curator corrected the title still matches its listing by slug.
    by_slug = {paper.id: paper.id for paper in existing}
    fresh: set[str] = set()
    for entry in entries:
        key = title_key(entry.title)
        paper_id = by_key.get(key) or by_slug.get(make_slug(entry.title))
        if paper_id is None:
            paper_id = _unique_slug(make_slug(entry.title), papers)
            papers[paper_id] = Paper(id=paper_id, title=entry.title, added=today)
            by_key[key] = paper_id
            fresh.add(paper_id)
        paper = papers[paper_id]
        merged = _merge_entry(paper, entry)
        if paper_id in fresh and entry.upvotes is not None and (merged.upvotes or 0) < entry.upvotes:
            merged = replace(merged, upvotes=entry.upvotes)
        papers[paper_id] = merged
    return [papers[paper_id] for paper_id in sorted(papers)]


def _unique_slug(slug: str, taken: dict[str, Paper]) -> str:
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"
