"""What ``add`` and ``enrich`` share: the day, the APIs behind their cache, and writing a record.

A record and the answers it was made from are written together, the answers first, each file
atomically: a run stopped at any point leaves whole files, and the next run goes on from there.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from generator.records.catalogue import PAPERS_DIR, write_records
from generator.records.records import Paper
from generator.remote.cache import Response, ResponseCache
from generator.remote.lookup import PaperSources, clients_from_environment


def today() -> str:
    """The day of an import, an addition or a filled field; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def open_sources(root: Path, *, refresh: bool = False, environ: Mapping[str, str] | None = None) -> PaperSources:
    """arXiv and Hugging Face as the environment configures them, with the cache under ``root``."""
    arxiv, huggingface = clients_from_environment(os.environ if environ is None else environ)
    return PaperSources(ResponseCache(root), arxiv=arxiv, huggingface=huggingface, refresh=refresh)


def close_sources(sources: PaperSources) -> str:
    """Close both connections; how many requests each API got, for the closing summary."""
    sources.arxiv.close()
    sources.huggingface.close()
    return f"{sources.arxiv.requests} to arXiv, {sources.huggingface.requests} to Hugging Face"


def save_paper(root: Path, sources: PaperSources, paper: Paper, responses: tuple[Response, ...]) -> str:
    """Keep the answers, then write the record; its path as the catalogue names it."""
    sources.cache.keep(list(responses))
    write_records(root, [paper])
    return (PAPERS_DIR / f"{paper.id}.yml").as_posix()


def record_path(paper_id: str) -> str:
    return (PAPERS_DIR / f"{paper_id}.yml").as_posix()
