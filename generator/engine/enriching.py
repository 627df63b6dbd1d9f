"""``python -m generator enrich [RECORD_ID...] [--dry-run] [--refresh]``: fill what records lack.

With no ids, every record that lacks one of :data:`~generator.records.enrichment.CORE_FIELDS`
(arXiv id, authors, date, primary category). A record without an arXiv id is looked up by title,
and only an equal normalised title counts: no match and several matches are reported, never
guessed. Only empty fields are filled, each with a ``provenance`` entry. Each record is written as
soon as it is done, so a stopped run goes on where it stopped, and answers come from
``sources/cache/`` before the network (``--refresh`` asks again). It ends with a table: filled,
already complete, no match, ambiguous, failed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from generator.engine.paper_sources import close_sources, open_sources, record_path, save_paper, today
from generator.records.catalogue import check_record, read_records
from generator.records.enrichment import fill_paper, find_duplicate, lacks
from generator.records.metadata import MalformedResponse
from generator.records.records import Paper
from generator.remote.http import FetchError
from generator.remote.lookup import PaperSources

OUTCOMES = ("filled", "already complete", "no match", "ambiguous", "failed")


class Failed(Exception):
    """A record that cannot be enriched; the message says why."""


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "; ".join(getattr(item, "url", str(item)) for item in value)
    return str(value)


def _changes(after: Paper, filled: tuple[str, ...]) -> list[str]:
    origin = dict(after.provenance)
    return [f"  {name}: {_shown(getattr(after, name))} ({origin[name].split()[0]})" for name in filled]


def enrich_paper(
    paper: Paper, papers: list[Paper], sources: PaperSources, *, root: Path, dry_run: bool
) -> tuple[str, list[str]]:
    """Enrich one record: its outcome (one of OUTCOMES) and the lines to report.

    ``papers`` is the whole catalogue; a written record replaces its old self there.
    """
    arxiv_id, found_by, responses = paper.arxiv_id, None, ()
    if not arxiv_id:
        match, responses = sources.find_by_title(paper.id, paper.title)
        if match.status != "match":
            if not dry_run:
                sources.cache.keep(list(responses))
            if match.status == "none":
                return "no match", ["no arXiv paper has this title"]
            return "ambiguous", [f"{len(match.candidates)} papers have this title: {', '.join(match.candidates)}"]
        arxiv_id, found_by = match.arxiv_id, match.source
        other = find_duplicate([other for other in papers if other.id != paper.id], arxiv_id=arxiv_id, title=None)
        if other is not None:
            raise Failed(f"the title search found {arxiv_id}, already the arXiv id of {record_path(other.id)}")
    found, more = sources.paper(arxiv_id)
    enriched, filled = fill_paper(paper, found, today=today(), arxiv_id=(arxiv_id, found_by) if found_by else None)
    if not filled:
        return "already complete", []
    problems = check_record(root, enriched)
    if problems:
        raise Failed("; ".join(f"{problem.field}: {problem.reason}" for problem in problems))
    if dry_run:
        return "filled", ["would fill:", *_changes(enriched, filled)]
    save_paper(root, sources, enriched, responses + more)
    papers[papers.index(paper)] = enriched  # a later title search must see this arXiv id
    return "filled", [f"filled {', '.join(filled)}"]


def summary_table(counts: Counter) -> str:
    width = max(len(outcome) for outcome in OUTCOMES)
    return "\n".join(f"  {outcome:<{width}}  {counts[outcome]:>5}" for outcome in OUTCOMES)


def _selected(papers: list[Paper], ids: list[str]) -> list[Paper]:
    by_id = {paper.id: paper for paper in papers}
    unknown = [paper_id for paper_id in ids if paper_id not in by_id]
    if unknown:
        raise Failed("no such record: " + ", ".join(record_path(paper_id) for paper_id in unknown))
    return [by_id[paper_id] for paper_id in dict.fromkeys(ids)] if ids else papers


def command_enrich(arguments: argparse.Namespace) -> int:
    root = Path(arguments.root)
    papers, problems = read_records(root)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("enrich: the catalogue has problems; fix them first, nothing written", file=sys.stderr)
        return 1
    try:
        selected = _selected(papers, arguments.records)
        sources = open_sources(root, refresh=arguments.refresh)
    except (Failed, ValueError) as error:
        print(f"enrich: {error}", file=sys.stderr)
        return 2
    todo = [paper for paper in selected if lacks(paper)]
    counts = Counter({"already complete": len(selected) - len(todo)})
    interrupted = False
    try:
        with tqdm(todo, unit="paper", file=sys.stderr, disable=None, dynamic_ncols=True) as progress:
            for paper in progress:
                try:
                    outcome, lines = enrich_paper(paper, papers, sources, root=root, dry_run=arguments.dry_run)
                except (Failed, FetchError, MalformedResponse) as error:
                    outcome, lines = "failed", [str(error)]
                counts[outcome] += 1
                for number, line in enumerate(lines):
                    text = f"{record_path(paper.id)}: {line}" if number == 0 else line
                    tqdm.write(text, file=sys.stderr if outcome == "failed" else sys.stdout)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        asked = close_sources(sources)
    verb = "would be" if arguments.dry_run else "were"
    print(f"enrich: {len(selected)} records, {len(todo)} lacked something ({verb} looked up); requests: {asked}")
    print(summary_table(counts))
    if interrupted:
        print("enrich: interrupted; what was done is written, run it again to go on", file=sys.stderr)
        return 130
    return 1 if counts["failed"] else 0


def enrich_command(commands: argparse._SubParsersAction) -> None:
    """Register ``enrich`` with the command line."""
    enricher = commands.add_parser("enrich", help="fill what records lack from arXiv and Hugging Face")
    enricher.add_argument("records", nargs="*", metavar="RECORD_ID", help="records to enrich (default: all)")
    enricher.add_argument("--dry-run", action="store_true", help="show what would be filled; write nothing")
    enricher.add_argument("--refresh", action="store_true", help="ask the APIs again instead of the cache")
    enricher.set_defaults(run=command_enrich)
