"""``python -m generator add REF... [--bibtex FILE]``: one new record per paper.

A REF is an arXiv id (with or without a version), an arXiv abstract or PDF URL, or a Hugging Face
paper URL; ``--bibtex`` adds every entry of a BibTeX file (:mod:`generator.records.bibtex_import`).
Each paper is looked up on arXiv and Hugging Face (:mod:`generator.remote.lookup`), refused when the
catalogue already has it (same arXiv id or normalised title: the message names the record), and
otherwise written with everything the sources know and a ``provenance`` entry per field. A paper
that fails is reported and nothing is written for it; the others are still added.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.engine.paper_sources import close_sources, open_sources, record_path, save_paper, today
from generator.records.bibtex_import import read_bibtex
from generator.records.catalogue import check_record, load_topics, read_records
from generator.records.enrichment import find_duplicate, new_paper
from generator.records.metadata import MalformedResponse, PaperMetadata, parse_reference
from generator.records.records import Paper
from generator.records.storage import StorageError, read_text
from generator.records.topics import match_topics
from generator.remote.cache import Response
from generator.remote.http import FetchError
from generator.remote.lookup import PaperSources


class Refused(Exception):
    """A paper that cannot be added; the message says why."""


@dataclass(frozen=True)
class Wanted:
    """One paper asked for: by arXiv id, or (a BibTeX entry without one) by its own fields."""

    label: str  # how the messages name it: the REF, or FILE:line: key
    arxiv_id: str | None = None
    paper: PaperMetadata | None = None
    error: str | None = None


def _wanted(arguments: argparse.Namespace) -> list[Wanted]:
    wanted = []
    for reference in arguments.references:
        try:
            wanted.append(Wanted(label=reference, arxiv_id=parse_reference(reference)))
        except ValueError as error:
            wanted.append(Wanted(label=reference, error=str(error)))
    for name in arguments.bibtex or []:
        try:
            items = read_bibtex(read_text(name))
        except (OSError, StorageError) as error:
            wanted.append(Wanted(label=name, error=getattr(error, "strerror", None) or str(error)))
            continue
        if not items:
            wanted.append(Wanted(label=name, error="no BibTeX entry"))
        for item in items:
            label = f"{Path(name).as_posix()}:{item.line}: {item.key}"
            wanted.append(Wanted(label=label, arxiv_id=item.arxiv_id, paper=item.paper, error=item.error))
    return wanted


def _refuse_duplicate(papers: list[Paper], *, arxiv_id: str | None, title: str | None) -> None:
    existing = find_duplicate(papers, arxiv_id=arxiv_id, title=title)
    if existing is not None:
        same = "arXiv id" if arxiv_id and existing.arxiv_id == arxiv_id else "title"
        raise Refused(f"already in the catalogue: {record_path(existing.id)} (same {same})")


def _make(root: Path, wanted: Wanted, papers: list[Paper], sources: PaperSources) -> tuple[Paper, tuple[Response, ...]]:
    if wanted.error:
        raise Refused(wanted.error)
    found: list[PaperMetadata] = [wanted.paper] if wanted.paper else []
    responses: tuple[Response, ...] = ()
    if wanted.arxiv_id:
        _refuse_duplicate(papers, arxiv_id=wanted.arxiv_id, title=None)
        found, responses = sources.paper(wanted.arxiv_id)
    _refuse_duplicate(papers, arxiv_id=None, title=found[0].title)
    paper = new_paper(found, taken=[paper.id for paper in papers], today=today())
    problems = check_record(root, paper)
    if problems:
        raise Refused("; ".join(f"{problem.field}: {problem.reason}" for problem in problems))
    return paper, responses


def command_add(arguments: argparse.Namespace) -> int:
    root = Path(arguments.root)
    if not arguments.references and not arguments.bibtex:
        print("add: name at least one paper (an arXiv id or URL) or --bibtex FILE", file=sys.stderr)
        return 2
    papers, problems = read_records(root)
    topics, topic_problems = load_topics(root)
    if problems or topic_problems:
        for problem in problems + topic_problems:
            print(problem, file=sys.stderr)
        print("add: the catalogue has problems; fix them first, nothing written", file=sys.stderr)
        return 1
    try:
        sources = open_sources(root)
    except ValueError as error:
        print(f"add: {error}", file=sys.stderr)
        return 2
    added = refused = 0
    try:
        for wanted in _wanted(arguments):
            try:
                paper, responses = _make(root, wanted, papers, sources)
            except (Refused, FetchError, MalformedResponse) as error:
                print(f"{wanted.label}: {error}; nothing written", file=sys.stderr)
                refused += 1
                continue
            path = save_paper(root, sources, paper, responses)
            papers.append(paper)
            added += 1
            chosen = ", ".join(match_topics(paper.title, paper.abstract, topics)) or "none (add topics_add)"
            authors = f"{len(paper.authors)} author{'' if len(paper.authors) == 1 else 's'}"
            print(f"{wanted.label}: added {path} ({authors}; topics: {chosen})")
    finally:
        asked = close_sources(sources)
    print(f"add: {added} added, {refused} refused; requests: {asked}")
    return 1 if refused else 0


def add_command(commands: argparse._SubParsersAction) -> None:
    """Register ``add`` with the command line."""
    adder = commands.add_parser("add", help="add papers by arXiv id or URL, or from a BibTeX file")
    adder.add_argument(
        "references", nargs="*", metavar="REF", help="arXiv id (2509.04664[v2]), arXiv abs/pdf URL or HF paper URL"
    )
    adder.add_argument("--bibtex", action="append", metavar="FILE", help="add every entry of a BibTeX file")
    adder.set_defaults(run=command_add)
