"""The command line: ``python -m generator import|check|topics|search-budget``.

Each command is a thin edge around the pure stages: it reads files through
:mod:`generator.storage` and :mod:`generator.catalogue`, prints what happened and
exits non-zero with ``file:line: field: reason`` messages when something is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from generator.catalogue import CatalogueError, load_catalogue, read_records, write_records
from generator.listings import ListingEntry, ListingError, parse_listing
from generator.notes import naming_notice
from generator.records import merge_entries
from generator.storage import StorageError, decode_text
from generator.synthesise import DEFAULT_SEED
from generator.topics import count_table


def _today() -> str:
    """The import date; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def command_import(arguments: argparse.Namespace) -> int:
    """Parse every listing, then merge into the records; write nothing if anything fails."""
    root = Path(arguments.root)
    entries: list[ListingEntry] = []
    errors = []
    for path in arguments.listings:
        path = Path(path)
        try:
            text = decode_text(path.as_posix(), path.read_bytes())
            layout, found = parse_listing(path.name, text)
        except (ListingError, StorageError) as error:
            shown = str(error) if str(error).startswith(path.as_posix()) else f"{path.parent.as_posix()}/{error}"
            errors.append(shown.removeprefix("./"))
            continue
        except OSError as error:
            errors.append(f"{path.as_posix()}: cannot read ({error.strerror})")
            continue
        print(f"{path.as_posix()}: {layout} layout, {len(found)} papers")
        entries.extend(found)
    existing, problems = read_records(root)
    errors.extend(str(problem) for problem in problems)
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        print("import: nothing written", file=sys.stderr)
        return 1
    papers = merge_entries(existing, entries, today=_today())
    changed = write_records(root, papers)
    added = len(papers) - len(existing)
    print(f"{len(entries)} listing entries, {len(papers)} papers ({added} new), {len(changed)} files written")
    return 0


def command_check(arguments: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(arguments.root)
    except CatalogueError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"check: {len(error.problems)} problem(s)", file=sys.stderr)
        return 1
    for note in catalogue.notes:  # hints, not errors: a file name is the curator's choice
        notice = naming_notice(note)
        if notice:
            print(notice)
    print(
        f"check: {len(catalogue.papers)} papers, {len(catalogue.topics)} topics,"
        f" {len(catalogue.notes)} note{'s' if len(catalogue.notes) != 1 else ''}, no problems"
    )
    return 0


def command_topics(arguments: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(arguments.root)
    except CatalogueError as error:
        print(error, file=sys.stderr)
        return 1
    assignments = {paper.id: paper.topics for paper in catalogue.papers}
    print(count_table(assignments, list(catalogue.topics)))
    return 0


def command_bench(arguments: argparse.Namespace) -> int:
    from generator.bench import command_bench as bench  # imported on demand: only the benchmark needs it

    return bench(arguments)


def command_search_budget(arguments: argparse.Namespace) -> int:
    from generator.search_budget import run  # needs Playwright and Chromium (requirements-dev.txt)

    site, keep = (Path(arguments.site) if arguments.site else None), (Path(arguments.keep) if arguments.keep else None)
    print(run(papers=arguments.papers, site=site, keep=keep))
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Paper catalogue generator.")
    parser.add_argument("--root", default=".", help="the project folder holding catalogue/ (default: .)")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import", help="import raw listings into catalogue/papers/")
    importer.add_argument("listings", nargs="+", help="listing text files, e.g. sources/*.txt")
    importer.set_defaults(run=command_import)
    checker = commands.add_parser("check", help="validate the whole catalogue")
    checker.set_defaults(run=command_check)
    topics = commands.add_parser("topics", help="print how many papers each topic gets")
    topics.set_defaults(run=command_topics)
    bench = commands.add_parser("bench", help="measure the build on a synthetic catalogue of N papers")
    bench.add_argument("--papers", type=int, default=750, help="papers to synthesise (0: the real catalogue)")
    bench.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the synthetic catalogue")
    bench.add_argument("--keep", help="build in this folder and keep it (default: a temporary folder)")
    bench.add_argument("--json", help="also write every figure to this JSON file")
    bench.add_argument("--no-baseline", action="store_true", help="skip the MkDocs-only baseline build")
    bench.add_argument(
        "--repeat", type=_positive, default=1, help="run both builds this many times in turn; report the fastest"
    )
    bench.set_defaults(run=command_bench)
    budget = commands.add_parser("search-budget", help="measure search bytes and latency in Chromium")
    budget.add_argument("--papers", type=int, help="build a synthetic catalogue of this many papers")
    budget.add_argument("--site", help="measure this already built site instead of building one")
    budget.add_argument("--keep", help="build into this (new) folder and keep it, to measure again with --site")
    budget.set_defaults(run=command_search_budget)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return arguments.run(arguments)
