"""Stage 2, records: the entries of a BibTeX file, for ``python -m generator add --bibtex FILE``.

Parsed with bibtexparser 2 (LaTeX decoded, ``author`` split into names in "First Last" order).
An entry that names an arXiv paper (``eprint`` with ``archivePrefix = {arXiv}`` or no prefix, an
arXiv ``url``, an arXiv DOI ``10.48550/arXiv.…``, or ``journal = {arXiv preprint arXiv:…}``) is
added from the APIs like an arXiv id; any other entry becomes a record from its own fields
(``title``, ``author``, ``abstract``, a full ``date``, ``url``). An entry or block that cannot
become a record is reported with its key (or line) and the reason. Pure: text in, items out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import bibtexparser
from bibtexparser import middlewares

from generator.records.links import extract_links
from generator.records.metadata import PaperMetadata, bare_arxiv_id, clean_text, day_of, parse_reference

ARXIV_DOI = re.compile(r"^(?:https?://doi\.org/)?10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)
ARXIV_JOURNAL = re.compile(r"\barxiv:(?P<id>\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class BibtexItem:
    """One entry: an arXiv id to look up, a paper from its own fields, or why it is neither."""

    key: str
    line: int
    arxiv_id: str | None = None
    paper: PaperMetadata | None = None
    error: str | None = None


def _arxiv_id(fields: dict[str, object]) -> str | None:
    eprint, prefix = fields.get("eprint"), str(fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv")
    if isinstance(eprint, str) and prefix.lower() == "arxiv":
        found = bare_arxiv_id(re.sub(r"^arxiv:", "", eprint.strip(), flags=re.IGNORECASE))
        if found:
            return found
    url = fields.get("url")
    if isinstance(url, str) and "arxiv.org/" in url:
        try:
            return parse_reference(url)
        except ValueError:
            pass
    doi = ARXIV_DOI.match(str(fields.get("doi") or "").strip())
    if doi and bare_arxiv_id(doi["id"]):
        return bare_arxiv_id(doi["id"])
    journal = ARXIV_JOURNAL.search(str(fields.get("journal") or ""))
    return bare_arxiv_id(journal["id"].rstrip(".,;")) if journal else None


def _own_paper(fields: dict[str, object]) -> PaperMetadata:
    """A paper from the entry's own fields; ValueError when it has no title."""
    title = clean_text(str(fields.get("title") or ""))
    if not title:
        raise ValueError("no title")
    authors = fields.get("author") or []
    authors = tuple(clean_text(name) for name in (authors if isinstance(authors, list) else [str(authors)]))
    abstract = clean_text(str(fields.get("abstract") or ""))
    links = extract_links(str(fields.get("url") or "")) + extract_links(abstract)
    return PaperMetadata(
        source="bibtex",
        title=title,
        abstract=abstract,
        authors=tuple(name for name in authors if name),
        date=day_of(str(fields.get("date") or "")),  # only a full date: a year alone is no day
        links=tuple({link.url: link for link in links}.values()),
    )


def read_bibtex(text: str) -> list[BibtexItem]:
    """Every entry and unparsable block of a BibTeX file, in file order."""
    stack = [
        middlewares.NormalizeFieldKeys(),
        middlewares.LatexDecodingMiddleware(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
        middlewares.MergeNameParts(style="first"),
    ]
    library = bibtexparser.parse_string(text, append_middleware=stack)
    items = []
    for block in library.failed_blocks:
        error = getattr(block, "error", None)
        reason = clean_text(str(getattr(error, "abort_reason", None) or error or "")) or "not valid BibTeX"
        key = getattr(block, "key", None) or f"block at line {block.start_line + 1}"
        items.append(BibtexItem(key=key, line=block.start_line + 1, error=f"not valid BibTeX: {reason}"))
    for entry in library.entries:
        fields = {field.key: field.value for field in entry.fields}
        line = entry.start_line + 1
        arxiv_id = _arxiv_id(fields)
        if arxiv_id:
            items.append(BibtexItem(key=entry.key, line=line, arxiv_id=arxiv_id))
            continue
        try:
            items.append(BibtexItem(key=entry.key, line=line, paper=_own_paper(fields)))
        except ValueError as error:
            items.append(BibtexItem(key=entry.key, line=line, error=str(error)))
    return sorted(items, key=lambda item: item.line)
