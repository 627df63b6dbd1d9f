"""Stage 2, records: fill a record from what the public APIs say, never over a curator's value.

``enrich`` and ``add`` share these pure functions: which records lack something, which paper a
title search found (only equal titles count, compared by :func:`~generator.records.records.title_key`),
which existing record a new paper would duplicate, and the record with every empty field filled,
each filled field written down in ``provenance`` with its source and the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from generator.records.metadata import PaperMetadata
from generator.records.records import RECORD_FIELDS, Paper, make_slug, title_key

# What makes a record complete: the fields only the APIs know. The rest (upvotes, an empty
# abstract, code links) are filled too whenever a record is visited.
CORE_FIELDS = ("arxiv_id", "authors", "date", "primary_category")
# Filled in this order, each from the first source that has it.
FILLED_FIELDS = ("arxiv_id", "authors", "abstract", "date", "authors_count", "upvotes", "code", "primary_category")


def lacks(paper: Paper) -> tuple[str, ...]:
    """The core fields ``paper`` has no value for."""
    return tuple(name for name in CORE_FIELDS if not getattr(paper, name))


@dataclass(frozen=True)
class TitleMatch:
    """The outcome of a title search: ``status`` is ``match``, ``ambiguous`` or ``none``."""

    status: str
    arxiv_id: str | None = None
    source: str | None = None
    candidates: tuple[str, ...] = ()  # every arXiv id whose title is equal


def match_title(title: str, found: Sequence[PaperMetadata]) -> TitleMatch:
    """The one paper among ``found`` whose normalised title equals ``title``; never a guess."""
    key = title_key(title)
    equal = sorted({paper.arxiv_id for paper in found if paper.arxiv_id and title_key(paper.title) == key})
    if not equal:
        return TitleMatch("none")
    source = found[0].source if found else None
    if len(equal) > 1:
        return TitleMatch("ambiguous", source=source, candidates=tuple(equal))
    return TitleMatch("match", arxiv_id=equal[0], source=source, candidates=tuple(equal))


def find_duplicate(papers: Iterable[Paper], *, arxiv_id: str | None, title: str | None) -> Paper | None:
    """The existing record of the same paper: the same arXiv id, or the same normalised title."""
    key = title_key(title) if title else None
    for paper in papers:
        if arxiv_id and paper.arxiv_id == arxiv_id:
            return paper
        if key and title_key(paper.title) == key:
            return paper
    return None


def _value(name: str, sources: Sequence[PaperMetadata]) -> tuple[object, str] | None:
    """A value for an empty field from ``sources`` with the names of the sources it came from.

    Code links are the union of every source's (a repository Hugging Face knows, the links in the
    abstract), GitHub repositories first; any other field comes from the first source that has it.
    """
    if name == "code":
        links: dict[str, object] = {}
        names: list[str] = []
        for source in sources:
            fresh = [link for link in source.links if link.url not in links]
            links.update((link.url, link) for link in fresh)
            names += [source.source] if fresh and source.source not in names else []
        ordered = tuple(sorted(links.values(), key=lambda link: link.kind != "github"))
        return (ordered, ",".join(names)) if ordered else None
    for source in sources:
        value = (len(source.authors) or None) if name == "authors_count" else getattr(source, name)
        if value not in (None, "", ()):
            return value, source.source
    return None


def fill_paper(
    paper: Paper, sources: Sequence[PaperMetadata], *, today: str, arxiv_id: tuple[str, str] | None = None
) -> tuple[Paper, tuple[str, ...]]:
    """``paper`` with each empty field filled from ``sources`` (the first that has it wins).

    ``arxiv_id`` is an id found by title and the search that found it. Returns the record and the
    names of the fields filled; a field that has a value is never touched.
    """
    updates: dict = {}
    origin: dict[str, str] = dict(paper.provenance)
    if arxiv_id and not paper.arxiv_id:
        updates["arxiv_id"], origin["arxiv_id"] = arxiv_id[0], f"{arxiv_id[1]} {today}"
    for name in FILLED_FIELDS:
        if name in updates or getattr(paper, name) not in (None, "", ()):
            continue
        found = _value(name, sources)
        if found is not None:
            updates[name], origin[name] = found[0], f"{found[1]} {today}"
    if not updates:
        return paper, ()
    order = {name: index for index, name in enumerate(RECORD_FIELDS)}
    provenance = tuple(sorted(origin.items(), key=lambda entry: order[entry[0]]))
    filled = tuple(name for name in RECORD_FIELDS if name in updates)
    return replace(paper, **updates, provenance=provenance), filled


def new_paper(sources: Sequence[PaperMetadata], *, taken: Iterable[str], today: str) -> Paper:
    """A record for a paper not yet in the catalogue, everything filled from ``sources`` (first wins)."""
    first = sources[0]
    paper_id = make_slug(first.title)
    taken = set(taken)
    number = 2
    while paper_id in taken:
        paper_id = f"{make_slug(first.title)}-{number}"
        number += 1
    start = Paper(id=paper_id, title=first.title, added=today, provenance=(("title", f"{first.source} {today}"),))
    paper, _ = fill_paper(start, sources, today=today)
    return paper
