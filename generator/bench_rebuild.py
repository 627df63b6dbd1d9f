"""Profile of one ``mkdocs serve`` rebuild: ``python -m generator.bench_rebuild [--edit record|note] [--profile 40]``.

Runs what ``mkdocs serve`` runs, in this process and without the HTTP server: one plugin instance (and its serve
session) kept across builds, a fresh config for each, the serve address as site_url. After the first build it edits a
record (a new title naming LoRA) or a note, rebuilds, waits for the background work (related papers and
charts recomputed, the one more rebuild that asks for, Pagefind's re-index) and prints the rebuild's wall
and CPU time; ``--profile N`` prints the N most expensive calls of the last rebuild (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import _serve_url

from generator.bench import REPO, make_project


def edit(project: Path, kind: str, number: int) -> None:
    if kind == "record":
        record = sorted((project / "catalogue" / "papers").glob("*.yml"))[300 + number]
        record.write_text(record.read_text(encoding="utf-8").replace("title: ", f"title: LoRA {number} ", 1))
    else:
        paper_id = sorted((project / "catalogue" / "papers").glob("*.yml"))[300].stem
        note = project / "catalogue" / "notes" / f"{paper_id}--bench-writer.md"
        note.parent.mkdir(exist_ok=True)
        note.write_text(f"---\npaper: {paper_id}\nauthor: bench-writer\ndate: 2026-01-01\n---\nNote {number}.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bench_rebuild")
    parser.add_argument("--edit", choices=("record", "note"), default="record")
    parser.add_argument("--rebuilds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="print the N most expensive calls of the last one")
    arguments = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="catalogue-rebuild-"))
    project, site = work / "project", work / "site"
    make_project(REPO, project, papers=0, seed=1)
    os.chdir(project)  # mkdocs.yml's paths (snippets) are relative to it
    serve_url = _serve_url("127.0.0.1", 8000, "/paper-catalogue/")

    def config():  # noqa: ANN202 - MkDocs' config, loaded again for every rebuild as serve does
        loaded = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        loaded.site_url = serve_url
        return loaded

    first = config()
    first.plugins.on_startup(command="serve", dirty=False)
    session = first.plugins["catalogue"].session  # the serve session, kept across rebuilds
    profile = cProfile.Profile()
    try:
        start = time.perf_counter()
        build(first, serve_url=serve_url)
        print(f"first build {time.perf_counter() - start:.2f} s")
        for number in range(arguments.rebuilds):
            edit(project, arguments.edit, number)
            last = number == arguments.rebuilds - 1 and arguments.profile
            wall, cpu = time.perf_counter(), time.thread_time()
            profile.enable() if last else None
            build(config(), serve_url=serve_url)
            profile.disable() if last else None
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            print(f"{arguments.edit} edit {number + 1}: rebuild {wall:.2f} s wall, {cpu:.2f} s CPU", end="")
            session.derived.wait_idle(120)
            if session.rebuilds_asked:  # related papers or charts changed: the converging rebuild
                session.rebuilds_asked = 0
                wall = time.perf_counter()
                build(config(), serve_url=serve_url)
                print(f"; converging rebuild {time.perf_counter() - wall:.2f} s", end="")
            session.serve_search.wait_idle(120)
            print()
    finally:
        first.plugins.on_shutdown()
        shutil.rmtree(work, ignore_errors=True)
    if arguments.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(arguments.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
