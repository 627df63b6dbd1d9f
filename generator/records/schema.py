"""Stage 2, records: the schema of a paper record, checked field by field.

Turns a :class:`~generator.storage.Document` into a :class:`~generator.records.Paper`
and back. Every problem becomes a :class:`Problem` that names the file, the line
and the field, e.g. ``catalogue/papers/x.yml:7: date: expected YYYY-MM-DD, got '23 May'``.

Fields ``add`` and ``enrich`` fill from the public APIs:

* ``authors``: every author's name, in the paper's order;
* ``arxiv_id``: ``2305.14314`` (no version) or an old-style ``hep-th/9901001``;
* ``primary_category``: arXiv's primary category, e.g. ``cs.CL``;
* ``provenance``: where and when each filled field came from, a mapping of field name to
  ``"<source> <YYYY-MM-DD>"`` (code links may name several sources: ``huggingface,arxiv``). A source
  is one of :data:`PROVENANCE_SOURCES`: ``arxiv`` and ``huggingface`` for the paper's own record
  there, ``arxiv-search`` and ``huggingface-search`` for an arXiv id found by title, ``bibtex`` for
  a BibTeX entry's own fields. The date is the day the field was filled. The answers themselves
  are kept in ``sources/cache/``. A field with a provenance entry is still the curator's to
  correct: nothing ever overwrites a value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.records.links import LINK_KINDS, CodeLink
from generator.records.records import OPTIONAL_FIELDS, RECORD_FIELDS, REQUIRED_FIELDS, Paper
from generator.records.storage import Document

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARXIV_PATTERN = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})$")
HOST_PATTERN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
CATEGORY_PATTERN = re.compile(r"^[a-z-]+(?:\.[A-Za-z-]+)?$")
PROVENANCE_SOURCES = ("arxiv", "arxiv-search", "huggingface", "huggingface-search", "bibtex")
_SOURCE = f"(?:{'|'.join(PROVENANCE_SOURCES)})"
PROVENANCE_PATTERN = re.compile(rf"^{_SOURCE}(?:,{_SOURCE})* \d{{4}}-\d{{2}}-\d{{2}}$")
LIST_FIELDS = ("sources", "authors", "topics_add", "topics_remove")
LINK_FIELDS = ("code", "links")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, printable as ``path:line: field: reason``."""

    path: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}: {where}{self.reason}"


# The longest text a field may hold: the longest real ones are ~250 and ~3,000 characters.
TEXT_LIMITS = {"title": 500, "abstract": 10_000, "organisation": 300}


def is_valid_url(url: object) -> bool:
    """An absolute http(s) URL with a real host name and no spaces."""
    if not isinstance(url, str) or any(character.isspace() for character in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(HOST_PATTERN.match(parts.hostname or ""))


def is_iso_date(value: object) -> bool:
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _text(value: object) -> str:
    return repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"


def _check_links(document: Document, name: str, value: object, problems: list[Problem]) -> tuple[CodeLink, ...]:
    def problem(where: tuple, reason: str) -> None:
        problems.append(Problem(document.path, document.line(name, *where), name, reason))

    if not isinstance(value, list):
        problem((), f"expected a list of {{url, kind}}, got {_text(value)}")
        return ()
    links = []
    for index, item in enumerate(value):
        label = f"{name}[{index}]"
        if not isinstance(item, dict) or set(item) - {"url", "kind"} or "url" not in item:
            problems.append(Problem(document.path, document.line(name, index), label, "expected {url, kind}"))
            continue
        url, kind = item["url"], item.get("kind", "other")
        if not is_valid_url(url):
            problems.append(
                Problem(document.path, document.line(name, index, "url"), f"{label}.url", f"malformed URL {_text(url)}")
            )
            continue
        if kind not in LINK_KINDS:
            problems.append(
                Problem(
                    document.path,
                    document.line(name, index, "kind"),
                    f"{label}.kind",
                    f"unknown kind {_text(kind)} (expected one of {', '.join(LINK_KINDS)})",
                )
            )
            continue
        links.append(CodeLink(url=url, kind=kind))
    return tuple(links)


def _check_provenance(document: Document, value: object, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        problems.append(
            Problem(document.path, document.line("provenance"), "provenance", f"expected a mapping, got {_text(value)}")
        )
        return ()
    known = [name for name in RECORD_FIELDS if name not in ("id", "provenance")]
    entries = []
    for name, where in value.items():
        label, line = f"provenance.{name}", document.line("provenance", name)
        if name not in known:
            problems.append(Problem(document.path, line, label, "not a record field"))
        elif not isinstance(where, str) or not PROVENANCE_PATTERN.match(where):
            expected = f"'<source> YYYY-MM-DD', the source one of {', '.join(PROVENANCE_SOURCES)}"
            problems.append(Problem(document.path, line, label, f"expected {expected}, got {_text(where)}"))
        else:
            entries.append((name, where))
    return tuple(sorted(entries, key=lambda entry: known.index(entry[0])))


def paper_from_document(document: Document, *, expected_id: str) -> tuple[Paper | None, list[Problem]]:
    """Check one record document; return the paper (None when unusable) and its problems."""
    problems: list[Problem] = []
    data = document.data
    if not isinstance(data, dict):
        return None, [Problem(document.path, 1, "", "expected a mapping of record fields")]

    def problem(name: str, reason: str) -> None:
        problems.append(Problem(document.path, document.line(name), name, reason))

    for name in data:
        if name not in RECORD_FIELDS:
            problem(name, f"unknown field (known fields: {', '.join(RECORD_FIELDS)})")
    for name in REQUIRED_FIELDS:
        if data.get(name) in (None, ""):
            problems.append(
                Problem(document.path, document.line(name) if name in data else 1, name, "required field missing")
            )
    values: dict = {}
    for name in ("id", "title", "abstract", "organisation", "arxiv_id", "primary_category"):
        value = data.get(name)
        if isinstance(value, list | dict):
            problem(name, f"expected text, got a {'list' if isinstance(value, list) else 'mapping'}")
            continue
        if value is not None and not isinstance(value, str):
            value = str(value)  # an unquoted number is still text here, never rewritten on disk
        if value is not None and len(value) > TEXT_LIMITS.get(name, len(value)):
            problem(name, f"too long: {len(value):,} characters (at most {TEXT_LIMITS[name]:,})")
            continue
        if value is not None:
            values[name] = value
    if "id" in values:
        if not ID_PATTERN.match(values["id"]):
            problem("id", f"expected lower-case words joined by '-', got {values['id']!r}")
        elif values["id"] != expected_id:
            problem("id", f"{values['id']!r} does not match the file name {expected_id!r}")
    if values.get("arxiv_id") and not ARXIV_PATTERN.match(values["arxiv_id"]):
        problem("arxiv_id", f"expected an arXiv id such as 2305.14314, got {values['arxiv_id']!r}")
    if values.get("primary_category") and not CATEGORY_PATTERN.match(values["primary_category"]):
        problem("primary_category", f"expected an arXiv category such as cs.CL, got {values['primary_category']!r}")
    for name in ("date", "added"):
        value = data.get(name)
        if value is not None:
            if is_iso_date(value):
                values[name] = value
            else:
                problem(name, f"expected YYYY-MM-DD, got {_text(value)}")
    for name in ("authors_count", "upvotes"):
        value = data.get(name)
        if value is not None:
            if isinstance(value, int) and value >= 0:
                values[name] = value
            else:
                problem(name, f"expected a whole number, got {_text(value)}")
    for name in LIST_FIELDS:
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            problem(name, f"expected a list of names, got {_text(value)}")
        else:
            values[name] = tuple(value)
    for name in LINK_FIELDS:
        if data.get(name) is not None:
            values[name] = _check_links(document, name, data[name], problems)
    if data.get("provenance") is not None:
        values["provenance"] = _check_provenance(document, data["provenance"], problems)
    if problems or "id" not in values or "title" not in values:
        return None, problems
    return Paper(**values), problems


def paper_to_data(paper: Paper) -> dict:
    """The record as plain data in field order; empty curated fields are left out."""
    data: dict = {}
    for name in RECORD_FIELDS:
        value = getattr(paper, name)
        if name in LINK_FIELDS:
            value = [{"url": link.url, "kind": link.kind} for link in value]
        elif name == "provenance":
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        if name in OPTIONAL_FIELDS and not value:
            continue
        data[name] = value
    return data
