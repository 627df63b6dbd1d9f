"""The command line: ``python -m generator import|add|enrich|check|topics|pages|search``.

Each command is a thin edge around the pure stages: it reads files through
:mod:`generator.records.storage` and :mod:`generator.records.catalogue`, prints what happened and
exits non-zero with ``file:line: field: reason`` messages when something is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.engine.adding import add_command
from generator.engine.enriching import enrich_command
from generator.engine.paper_sources import today
from generator.engine.settings import SettingsError, read_settings, standalone_config
from generator.pages.site import generate_site, header_engine
from generator.pages.tree import TreeError, docs_tree, write_tree
from generator.records.catalogue import CatalogueError, load_catalogue, read_records, write_records
from generator.records.listings import ListingEntry, ListingError, parse_listing
from generator.records.notes import naming_notice
from generator.records.records import merge_entries
from generator.records.sources import LABELS_FILE, add_labels
from generator.records.storage import StorageError, decode_text
from generator.records.topics import count_table
from generator.records.transaction import finish_pending
from generator.search.index import SearchIndexError, build_search_index


def command_import(arguments: argparse.Namespace) -> int:
    """Parse every listing, then merge into the records; write nothing if anything fails."""
    root = Path(arguments.root)
    entries: list[ListingEntry] = []
    texts: dict[str, str] = {}  # each listing's text by file name, for its label
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
        texts[path.name] = text
    finish_pending(root)  # a killed import before this one: completed or dropped, never half
    existing, problems = read_records(root)
    errors.extend(str(problem) for problem in problems)
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        print("import: nothing written", file=sys.stderr)
        return 1
    papers = merge_entries(existing, entries, today=today())
    changed = write_records(root, papers)
    for name in add_labels(root, texts):
        print(f"{name}: labelled in {LABELS_FILE.as_posix()} (review the label readers see)")
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
    for source in sorted({source for paper in catalogue.papers for source in paper.sources}):
        if catalogue.label(source) == source:  # a hint: readers see the file name until it has a label
            print(f"{LABELS_FILE.as_posix()}: notice: no label for {source!r}; readers see its file name")
    for note in catalogue.notes:  # hints, not errors: a file name is the curator's choice
        notice = naming_notice(note)
        if notice:
            print(notice)
    notes, lists = len(catalogue.notes), len(catalogue.lists)
    print(
        f"check: {len(catalogue.papers)} papers, {len(catalogue.topics)} topics,"
        f" {notes} note{'s' if notes != 1 else ''}, {lists} reading list{'s' if lists != 1 else ''}, no problems"
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


def command_pages(arguments: argparse.Namespace) -> int:
    """Write the complete docs tree: docs/, every generated page and every data file."""
    root = Path(arguments.root)
    try:
        settings = read_settings(root / arguments.config)
        catalogue = load_catalogue(root)
        # The header box's engine, as the plugin picks it: by catalogue size unless mkdocs.yml names one.
        engine = header_engine(len(catalogue.papers), choice=settings.header_search)
        content = generate_site(
            catalogue,
            site_url=settings.site_url,
            site_name=settings.site_name,
            repository=settings.repository,
            lunr_papers=engine == "lunr",
        )
        tree = docs_tree(root / settings.docs_dir, content)
        written = write_tree(tree, Path(arguments.out))
        if arguments.config_out:
            target = Path(arguments.config_out)
            config = standalone_config(root / arguments.config, Path(arguments.out), target, header_search=engine)
            target.write_text(config, encoding="utf-8")
    except CatalogueError as error:
        print(error, file=sys.stderr)
        print(f"pages: {len(error.problems)} problem(s), nothing written", file=sys.stderr)
        return 1
    except (SettingsError, TreeError) as error:
        print(f"pages: {error}", file=sys.stderr)
        return 1
    print(f"pages: {written} files ({len(content.pages)} generated pages) in {arguments.out}")
    return 0


def command_search(arguments: argparse.Namespace) -> int:
    """Index a built site with Pagefind into SITE_DIR/pagefind/."""
    try:
        summary = build_search_index(Path(arguments.site))
    except SearchIndexError as error:
        print(f"search: {error}", file=sys.stderr)
        return 1
    print(f"search: Pagefind bundle in {summary.folder}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Paper catalogue generator.")
    parser.add_argument("--root", default=".", help="the project folder holding catalogue/ (default: .)")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import", help="import raw listings into catalogue/papers/")
    importer.add_argument("listings", nargs="+", help="listing text files, e.g. sources/*.txt")
    importer.set_defaults(run=command_import)
    add_command(commands)
    enrich_command(commands)
    checker = commands.add_parser("check", help="validate the whole catalogue")
    checker.set_defaults(run=command_check)
    topics = commands.add_parser("topics", help="print how many papers each topic gets")
    topics.set_defaults(run=command_topics)
    pages = commands.add_parser("pages", help="write the complete docs tree that any engine can build")
    pages.add_argument("--out", required=True, help="the folder to write (emptied first if it holds a tree)")
    pages.add_argument("--config", default="mkdocs.yml", help="the site settings (default: mkdocs.yml)")
    pages.add_argument(
        "--config-out", help="also write a copy of the config that builds the tree without the plugin (e.g. site.yml)"
    )
    pages.set_defaults(run=command_pages)
    search = commands.add_parser("search", help="index a built site with Pagefind")
    search.add_argument("site", help="the built site folder, e.g. site/")
    search.set_defaults(run=command_search)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return arguments.run(arguments)
