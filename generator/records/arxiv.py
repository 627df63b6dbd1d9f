"""Stage 2, records: the arXiv API's Atom answers as :class:`PaperMetadata`.

arXiv answers ``/api/query`` with an Atom feed (namespaces Atom, ``arxiv:`` and ``opensearch:``).
Its traps, each handled here: titles and abstracts come hard-wrapped and padded with white space;
entry ids are URLs with a version (``http://arxiv.org/abs/2305.14314v1``); a bad query answers
HTTP 200 with one entry titled ``Error``; ``<published>`` is the first version's date (what the
catalogue calls the paper's date), ``<updated>`` the latest one's. XML is parsed with defusedxml,
so no entity or DTD in an answer is ever expanded. Pure: bytes in, metadata out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from generator.records.links import extract_links
from generator.records.metadata import MalformedResponse, PaperMetadata, bare_arxiv_id, clean_text, day_of

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ERROR_ID = "/api/errors"


def parse_arxiv_feed(body: bytes) -> list[PaperMetadata]:
    """Every entry of an arXiv Atom answer; MalformedResponse when it is not one."""
    try:
        root = defusedxml.ElementTree.fromstring(body, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise MalformedResponse(f"arXiv: not a valid Atom feed ({error})") from None
    if root.tag != f"{ATOM}feed":
        raise MalformedResponse(f"arXiv: expected an Atom <feed>, got <{root.tag}>")
    return [_entry(entry) for entry in root.findall(f"{ATOM}entry")]


def _text(entry: ElementTree.Element, tag: str, what: str) -> str:
    element = entry.find(tag)
    text = clean_text(element.text or "") if element is not None else ""
    if not text:
        raise MalformedResponse(f"arXiv: an entry has no {what}")
    return text


def _entry(entry: ElementTree.Element) -> PaperMetadata:
    entry_id = _text(entry, f"{ATOM}id", "<id>")
    if ERROR_ID in entry_id:
        summary = entry.findtext(f"{ATOM}summary") or "no detail"
        raise MalformedResponse(f"arXiv reports an error: {clean_text(summary)}")
    arxiv_id = bare_arxiv_id(entry_id.split("/abs/", 1)[-1])
    if arxiv_id is None:
        raise MalformedResponse(f"arXiv: entry id {entry_id!r} is not an arXiv abstract URL")
    published = _text(entry, f"{ATOM}published", "<published> date")
    date = day_of(published)
    if date is None:
        raise MalformedResponse(f"arXiv: {arxiv_id}: <published> {published!r} is not a date")
    authors = tuple(clean_text(name.text or "") for name in entry.findall(f"{ATOM}author/{ATOM}name"))
    if not authors or not all(authors):
        raise MalformedResponse(f"arXiv: {arxiv_id}: no author names")
    primary = entry.find(f"{ARXIV}primary_category")
    if primary is None:
        primary = entry.find(f"{ATOM}category")
    category = primary.get("term") if primary is not None else None
    if not category:
        raise MalformedResponse(f"arXiv: {arxiv_id}: no primary category")
    abstract = _text(entry, f"{ATOM}summary", "<summary>")
    return PaperMetadata(
        source="arxiv",
        arxiv_id=arxiv_id,
        title=_text(entry, f"{ATOM}title", "<title>"),
        abstract=abstract,
        authors=authors,
        date=date,
        primary_category=category,
        links=tuple(extract_links(abstract)),
    )


def arxiv_paper(body: bytes, arxiv_id: str) -> PaperMetadata | None:
    """The entry for ``arxiv_id`` in an ``id_list`` answer; None when arXiv has no such paper.

    An answer about another paper is malformed: the cache must never file it under this id.
    """
    entries = parse_arxiv_feed(body)
    if not entries:
        return None
    others = sorted({entry.arxiv_id for entry in entries if entry.arxiv_id != arxiv_id})
    if others or len(entries) > 1:
        shown = ", ".join(str(other) for other in others) or f"{len(entries)} entries"
        raise MalformedResponse(f"arXiv: asked for {arxiv_id}, the answer is about {shown}")
    return entries[0]
