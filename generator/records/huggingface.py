"""Stage 2, records: the Hugging Face papers API's JSON answers as :class:`PaperMetadata`.

``GET /api/papers/{arxiv_id}`` answers one paper: ``id`` (the arXiv id), ``title``, ``summary``,
``authors`` (objects with a ``name``), ``publishedAt`` (the arXiv date, ISO 8601), ``upvotes`` and,
where the authors linked them, ``githubRepo`` and ``projectPage``. ``GET /api/papers/search?q=``
answers a list of ``{"paper": {...}}`` in the same shape. Every field is checked before it is
used; an answer about another paper is malformed. Pure: bytes in, metadata out.
"""

from __future__ import annotations

import json
from dataclasses import replace

from generator.records.links import CodeLink, extract_links
from generator.records.metadata import MalformedResponse, PaperMetadata, bare_arxiv_id, clean_text, day_of


def _json(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedResponse(f"Hugging Face: not valid JSON ({error})") from None


def _string(paper: dict, name: str, where: str, *, required: bool = True) -> str | None:
    value = paper.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise MalformedResponse(f"Hugging Face: {where}: {name!r} missing or not text")
    return clean_text(value)


def _links(paper: dict, where: str) -> tuple[CodeLink, ...]:
    """The linked repository, then the project page, canonical; unusable URLs are left out."""
    links: list[CodeLink] = []
    repository = _string(paper, "githubRepo", where, required=False)
    if repository:
        links += extract_links(repository)[:1]
    page = _string(paper, "projectPage", where, required=False)
    if page:
        links += [replace(link, kind="project") if link.kind == "other" else link for link in extract_links(page)[:1]]
    unique = {link.url: link for link in links}
    return tuple(unique.values())


def _paper(paper: object, where: str) -> PaperMetadata:
    if not isinstance(paper, dict):
        raise MalformedResponse(f"Hugging Face: {where}: expected a JSON object")
    arxiv_id = bare_arxiv_id(_string(paper, "id", where) or "")
    if arxiv_id is None:
        raise MalformedResponse(f"Hugging Face: {where}: id {paper.get('id')!r} is not an arXiv id")
    authors = paper.get("authors")
    if not isinstance(authors, list) or not all(
        isinstance(author, dict) and isinstance(author.get("name"), str) and author["name"].strip()
        for author in authors
    ):
        raise MalformedResponse(f"Hugging Face: {arxiv_id}: 'authors' is not a list of {{name}}")
    published = _string(paper, "publishedAt", arxiv_id)
    date = day_of(published or "")
    if date is None:
        raise MalformedResponse(f"Hugging Face: {arxiv_id}: publishedAt {published!r} is not a date")
    upvotes = paper.get("upvotes")
    if upvotes is not None and (isinstance(upvotes, bool) or not isinstance(upvotes, int) or upvotes < 0):
        raise MalformedResponse(f"Hugging Face: {arxiv_id}: upvotes {upvotes!r} is not a count")
    return PaperMetadata(
        source="huggingface",
        arxiv_id=arxiv_id,
        title=_string(paper, "title", arxiv_id) or "",
        abstract=_string(paper, "summary", arxiv_id, required=False) or "",
        authors=tuple(clean_text(author["name"]) for author in authors),
        date=date,
        upvotes=upvotes,
        links=_links(paper, arxiv_id),
    )


def huggingface_paper(body: bytes, arxiv_id: str) -> PaperMetadata:
    """The answer of ``/api/papers/{arxiv_id}``; an answer about another paper is malformed."""
    paper = _paper(_json(body), arxiv_id)
    if paper.arxiv_id != arxiv_id:
        raise MalformedResponse(f"Hugging Face: asked for {arxiv_id}, the answer is about {paper.arxiv_id}")
    return paper


def huggingface_search(body: bytes) -> list[PaperMetadata]:
    """The papers of a ``/api/papers/search`` answer, in its order (only id and title are needed)."""
    results = _json(body)
    if not isinstance(results, list):
        raise MalformedResponse("Hugging Face search: expected a JSON list")
    found = []
    for number, result in enumerate(results, start=1):
        paper = result.get("paper") if isinstance(result, dict) else None
        if not isinstance(paper, dict):
            raise MalformedResponse(f"Hugging Face search: result {number} has no 'paper' object")
        where = f"search result {number}"
        arxiv_id = bare_arxiv_id(_string(paper, "id", where) or "")
        title = _string(paper if "title" in paper else result, "title", where)
        if arxiv_id is None:
            raise MalformedResponse(f"Hugging Face search: result {number}: {paper.get('id')!r} is not an arXiv id")
        found.append(PaperMetadata(source="huggingface-search", arxiv_id=arxiv_id, title=title or ""))
    return found
