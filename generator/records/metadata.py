"""Stage 2, records: what the public APIs say about a paper, and how a curator names one.

:class:`PaperMetadata` is one source's view of one paper (arXiv's Atom entry, Hugging Face's JSON,
a BibTeX entry), already cleaned: whitespace collapsed, the date as ``YYYY-MM-DD``, links canonical.
:func:`parse_reference` turns what a curator types after ``python -m generator add`` (an arXiv id,
an arXiv abstract or PDF URL, a Hugging Face paper URL) into a bare arXiv id. Pure functions only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.records.links import CodeLink

# New-style ids (2305.14314, optionally v2) and old-style ones (hep-th/9901001, math.GT/0309136).
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
VERSIONED_ID = re.compile(rf"^(?P<id>{ARXIV_ID})(?:v\d+)?$")
ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})


class MalformedResponse(ValueError):
    """An API answer that cannot be used: not XML or JSON, a missing field, another paper's id."""


@dataclass(frozen=True)
class PaperMetadata:
    """One source's view of one paper; ``source`` is a provenance source name (see the schema)."""

    source: str
    title: str
    arxiv_id: str | None = None
    abstract: str = ""
    authors: tuple[str, ...] = ()
    date: str | None = None  # YYYY-MM-DD of the first version
    primary_category: str | None = None
    upvotes: int | None = None
    links: tuple[CodeLink, ...] = ()


def clean_text(text: str) -> str:
    """One line: arXiv wraps titles and abstracts and pads them with white space."""
    return " ".join(text.split())


def day_of(timestamp: str) -> str | None:
    """``YYYY-MM-DD`` of an ISO 8601 timestamp such as ``2025-09-04T17:26:00Z``, None if it is not one."""
    day = timestamp.strip()[:10]
    try:
        return dt.date.fromisoformat(day).isoformat() if len(day) == 10 else None
    except ValueError:
        return None


def bare_arxiv_id(text: str) -> str | None:
    """The arXiv id without its version, or None when ``text`` is not one."""
    match = VERSIONED_ID.match(text.strip())
    return match["id"] if match else None


def parse_reference(reference: str) -> str:
    """The bare arXiv id a reference names; ValueError saying why when it names none.

    Accepted: ``2509.04664``, ``2509.04664v2``, ``arXiv:2509.04664``, ``https://arxiv.org/abs/…``,
    ``https://arxiv.org/pdf/…[.pdf]`` and ``https://huggingface.co/papers/…``.
    """
    text = reference.strip()
    found = bare_arxiv_id(re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE))
    if found:
        return found
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/")
    prefixes = ("/abs/", "/pdf/") if host in ARXIV_HOSTS else ("/papers/",) if host in HF_HOSTS else ()
    for prefix in prefixes:
        if path.startswith(prefix):
            found = bare_arxiv_id(path[len(prefix) :].removesuffix(".pdf").removesuffix(".md"))
            if found:
                return found
    raise ValueError(
        f"{reference!r} is not an arXiv id (2509.04664), an arXiv abstract or PDF URL,"
        " or a Hugging Face paper URL (https://huggingface.co/papers/2509.04664)"
    )


def cache_key(arxiv_id: str) -> str:
    """A file name for an arXiv id: old-style ids hold a slash."""
    return arxiv_id.replace("/", "_")
