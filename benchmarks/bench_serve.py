"""Benchmark of live editing: ``python -m benchmarks.bench_serve [--papers N] [--edits 3]``.

Starts ``mkdocs serve`` on a copy of the project (the real catalogue, or N synthetic papers), then
makes two kinds of edit, ``--edits`` of each, and measures the time from the write until the served
site shows all of it:

* a record edit gives a paper a new title that names LoRA: the paper page has the new title, the
  ``peft`` topic page lists the paper, and the search index holds the new title;
* a note edit writes a curator note on a paper (``catalogue/notes/<paper>--<author>.md``; the next
  edit of that kind rewrites it): the paper page shows the note's text;
* a list edit writes a reading list of six papers (``catalogue/lists/bench-list.yml``; the next edit
  of that kind rewrites its first note): the list page shows the note's text.

Only loopback traffic, bounded in count and time.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from benchmarks.bench import REPO, environment, make_project

TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def wait_until(check, *, limit: float = TIMEOUT) -> float:  # noqa: ANN001 - a callable returning bool
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if check():
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"bench_serve: nothing changed within {limit:.0f} s")


def edit_and_wait(project: Path, base: str, paper_id: str, marker: str) -> float:
    record = project / "catalogue" / "papers" / f"{paper_id}.yml"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    title_line = next(index for index, line in enumerate(lines) if line.startswith("title:"))
    end = title_line + 1
    while end < len(lines) and lines[end].startswith("  "):  # a folded title continues indented
        end += 1
    lines[title_line:end] = [f"title: 'LoRA check {marker}'\n"]
    record.write_text("".join(lines), encoding="utf-8")

    def shown() -> bool:  # the small page first: the 2 MB search index only once the page changed
        return (
            marker in fetch(f"{base}/papers/{paper_id}/")
            and marker in fetch(f"{base}/topics/peft/")
            and marker in fetch(f"{base}/search/search_index.json")
        )

    return wait_until(shown)


def settle(log_path: Path, *, quiet: float = 3.0) -> None:
    """Wait until the server has logged nothing for ``quiet`` seconds: the background work an edit starts
    (related papers and charts recomputed, one more rebuild, Pagefind's re-index) is over, so each edit is
    timed from a settled server, as a maintainer's next edit usually is."""
    size, since = -1, time.perf_counter()
    while time.perf_counter() - since < quiet:
        time.sleep(0.1)
        if log_path.stat().st_size != size:
            size, since = log_path.stat().st_size, time.perf_counter()


def write_note_and_wait(project: Path, base: str, paper_id: str, marker: str) -> float:
    note = project / "catalogue" / "notes" / f"{paper_id}--bench-writer.md"
    note.parent.mkdir(exist_ok=True)
    note.write_text(
        f"---\npaper: {paper_id}\nauthor: bench-writer\ndate: 2026-01-01\n---\nNote check {marker}.\n",
        encoding="utf-8",
    )
    return wait_until(lambda: marker in fetch(f"{base}/papers/{paper_id}/"))


def write_list_and_wait(project: Path, base: str, paper_ids: list[str], marker: str) -> float:
    reading_list = project / "catalogue" / "lists" / "bench-list.yml"
    reading_list.parent.mkdir(exist_ok=True)
    others = "".join(f"- paper: {paper_id}\n" for paper_id in paper_ids[1:])
    reading_list.write_text(
        "slug: bench-list\ntitle: Bench list\ndescription: A list the benchmark edits.\ncurators: [bench-writer]\n"
        f"entries:\n- section: First\n  paper: {paper_ids[0]}\n  note: List check {marker}.\n{others}",
        encoding="utf-8",
    )
    return wait_until(lambda: marker in fetch(f"{base}/lists/bench-list/"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_serve")
    parser.add_argument("--papers", type=int, default=0, help="synthetic papers (0: the real catalogue)")
    parser.add_argument("--edits", type=int, default=3)
    arguments = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="catalogue-serve-"))
    project = work / "project"
    make_project(REPO, project, papers=arguments.papers, seed=20261123)
    port = free_port()
    site_url = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url") or "/"
    base = f"http://127.0.0.1:{port}{urlsplit(site_url).path.rstrip('/')}"
    log_path = work / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],  # livereload on: it watches files
            cwd=project,
            env=environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        first = wait_until(lambda: "<html" in fetch(f"{base}/"))
        settle(log_path)  # the watcher starts right after the first build
        print(f"first build served after {first:.1f} s")
        ids = sorted(path.stem for path in (project / "catalogue" / "papers").glob("*.yml"))
        for number in range(arguments.edits):
            paper_id = ids[(number + 1) * len(ids) // (arguments.edits + 1)]
            seconds = edit_and_wait(project, base, paper_id, f"edit-{number}-{int(time.time())}")
            print(f"record edit {number + 1}: {paper_id} shown (page, topic page, search) after {seconds:.2f} s")
            settle(log_path)
        noted = ids[len(ids) // 3]
        for number in range(arguments.edits):
            seconds = write_note_and_wait(project, base, noted, f"note-{number}-{int(time.time())}")
            print(f"note edit {number + 1}: {noted} shown (page) after {seconds:.2f} s")
            settle(log_path)
        listed = ids[len(ids) // 2 : len(ids) // 2 + 6]
        for number in range(arguments.edits):
            seconds = write_list_and_wait(project, base, listed, f"list-{number}-{int(time.time())}")
            print(f"list edit {number + 1}: bench-list shown (page) after {seconds:.2f} s")
            settle(log_path)
        builds = re.findall(r"Documentation built in ([\d.]+) seconds", log_path.read_text(errors="replace"))
        print("serve rebuilds (MkDocs' own timing, s):", " ".join(builds[1:]))
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the plugin stops its background work and deletes its folders
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
