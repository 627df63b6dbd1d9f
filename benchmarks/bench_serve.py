"""The live-editing benchmark: ``python -m benchmarks.bench_serve [--edits 3] [--papers N]``.

Starts ``mkdocs serve`` (livereload on) on a copy of the project, the real catalogue by default,
then makes two kinds of edit, ``--edits`` of each, and times each one from the write:

* a record edit gives a paper a new title; a note edit adds a line to the curator note; a list edit
  writes a reading list of six papers (``catalogue/lists/bench-list.yml``) with a new first note;
* "shown": until the paper page, fetched over HTTP from 127.0.0.1, holds the edit;
* "built": until the rebuild that serves it has logged "Reloading browsers", the moment MkDocs'
  livereload tells open browsers to reload.

MkDocs polls the watched folders for changes every half second, so up to 0.5 s of each figure is
the watcher's. Before every edit the server is left to settle (its log quiet), so an edit is timed
the way a curator's next edit usually meets the server, after Pagefind's background re-index.
Only loopback traffic.
"""

from __future__ import annotations

import argparse
import functools
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from benchmarks.bench import REPO, environment, make_project

TIMEOUT = 120.0  # seconds an edit may take to show before the benchmark gives up
RELOADED = "Reloading browsers"  # MkDocs' livereload log line at the end of a rebuild
BUDGET = 2.0  # seconds from an edit to the served page, at the real catalogue's size


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - loopback only
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


class ServeLog:
    """Follows the server's log file in a thread: when each "Reloading browsers" line appeared."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reloads: list[float] = []  # perf_counter() times
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        seen = 0
        while not self._stopped.wait(0.01):
            count = self.path.read_text(encoding="utf-8", errors="replace").count(RELOADED)
            now = time.perf_counter()
            self.reloads.extend([now] * (count - seen))
            seen = count

    def settle(self, *, quiet: float = 3.0) -> None:
        """Wait until the log has been quiet for ``quiet`` seconds: the rebuilds and the background
        search index an edit starts are over."""
        size, since = -1, time.perf_counter()
        while time.perf_counter() - since < quiet:
            time.sleep(0.1)
            if self.path.stat().st_size != size:
                size, since = self.path.stat().st_size, time.perf_counter()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


def time_edit(log: ServeLog, page_url: str, write: Callable[[], object], marker: str) -> dict:
    """Call ``write``; seconds until ``page_url`` shows ``marker`` and until the rebuild serving it finished."""
    start = time.perf_counter()
    write()
    while marker not in fetch(page_url):  # a fetch waits while a rebuild runs (MkDocs' own rule)
        if time.perf_counter() - start > TIMEOUT:
            raise SystemExit(f"bench_serve: {page_url} did not show {marker!r} within {TIMEOUT:.0f} s")
        time.sleep(0.02)
    shown = time.perf_counter()
    time.sleep(0.05)  # the log follower reads every 10 ms
    built = [moment for moment in log.reloads if start < moment <= shown + 0.05]
    return {"shown": round(shown - start, 2), "built": round(built[-1] - start, 2) if built else None}


def retitle(record: Path, marker: str) -> None:
    """Give the paper of ``record`` a new title (one line, replacing a folded title's lines too)."""
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(index for index, line in enumerate(lines) if line.startswith("title:"))
    end = first + 1
    while end < len(lines) and lines[end].startswith("  "):
        end += 1
    lines[first:end] = [f"title: 'Retitled {marker}'\n"]
    record.write_text("".join(lines), encoding="utf-8")


def write_list(project: Path, paper_ids: list[str], marker: str) -> None:
    """Write a reading list of ``paper_ids`` whose first note holds ``marker``."""
    reading_list = project / "catalogue" / "lists" / "bench-list.yml"
    reading_list.parent.mkdir(exist_ok=True)
    others = "".join(f"- paper: {paper_id}\n" for paper_id in paper_ids[1:])
    reading_list.write_text(
        "slug: bench-list\ntitle: Bench list\ndescription: A list the benchmark edits.\ncurators: [bench-writer]\n"
        f"entries:\n- section: First\n  paper: {paper_ids[0]}\n  note: List check {marker}.\n{others}",
        encoding="utf-8",
    )


def summary(kind: str, timings: list[dict]) -> str:
    def cell(key: str) -> str:
        values = [timing[key] for timing in timings if timing[key] is not None]
        if not values:
            return "-"
        return f"{statistics.median(values):.2f} / {max(values):.2f} ({', '.join(f'{v:.2f}' for v in values)})"

    return f"| {kind} | {cell('shown')} | {cell('built')} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_serve", description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=3, help="edits of each kind (default 3)")
    parser.add_argument("--papers", type=int, default=0, help="synthetic papers (default 0: the real catalogue)")
    arguments = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="catalogue-serve-"))
    project = work / "project"
    counts = make_project(REPO, project, papers=arguments.papers)
    port = free_port()
    site_url = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url") or "/"
    base = f"http://127.0.0.1:{port}{urlsplit(site_url).path.rstrip('/')}"
    log_path = work / "serve.log"
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=environment(),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    log = ServeLog(log_path)
    try:
        start = time.perf_counter()
        while "<html" not in fetch(f"{base}/"):
            if server.poll() is not None or time.perf_counter() - start > 10 * TIMEOUT:
                raise SystemExit(f"bench_serve: the server did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        print(f"{counts['papers']} papers: first build served after {time.perf_counter() - start:.1f} s")
        log.settle()
        ids = sorted(path.stem for path in (project / "catalogue" / "papers").glob("*.yml"))
        notes = sorted((project / "catalogue" / "notes").glob("*.md"))
        if not notes:
            raise SystemExit("bench_serve: the catalogue has no curator note to edit")
        note, note_text = notes[0], notes[0].read_text(encoding="utf-8")
        noted = yaml.safe_load(note_text.split("---")[1])["paper"]
        timings: dict[str, list[dict]] = {"record (title)": [], "curator note": [], "reading list": []}
        for number in range(arguments.edits):
            paper_id = ids[(number + 1) * len(ids) // (arguments.edits + 1)]
            record = project / "catalogue" / "papers" / f"{paper_id}.yml"
            marker = f"edit-{number}-{time.time_ns()}"
            timing = time_edit(log, f"{base}/papers/{paper_id}/", functools.partial(retitle, record, marker), marker)
            timings["record (title)"].append(timing)
            print(f"record edit {number + 1} ({paper_id}): {timing}")
            log.settle()
        for number in range(arguments.edits):
            marker = f"note-{number}-{time.time_ns()}"
            text = f"{note_text.rstrip()}\n\nEdit check {marker}.\n"
            write = functools.partial(note.write_text, text, encoding="utf-8")
            timing = time_edit(log, f"{base}/papers/{noted}/", write, marker)
            timings["curator note"].append(timing)
            print(f"note edit {number + 1} ({note.name}): {timing}")
            log.settle()
        listed = ids[len(ids) // 2 : len(ids) // 2 + 6]
        for number in range(arguments.edits):
            marker = f"list-{number}-{time.time_ns()}"
            write = functools.partial(write_list, project, listed, marker)
            timing = time_edit(log, f"{base}/lists/bench-list/", write, marker)
            timings["reading list"].append(timing)
            print(f"list edit {number + 1} (bench-list): {timing}")
            log.settle()
        print("\n| edit | shown s: median / max (each) | built s: median / max (each) |\n|---|---|---|")
        for kind, measured in timings.items():
            print(summary(kind, measured))
        slowest = max(timing["shown"] for measured in timings.values() for timing in measured)
        print(f"\nSlowest edit shown after {slowest:.2f} s (budget at 749 papers: {BUDGET:.0f} s).")
        rebuilds = re.findall(r"Documentation built in ([\d.]+) seconds", log_path.read_text(errors="replace"))
        print("MkDocs' own timing of each build, s:", " ".join(rebuilds))
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the plugin's on_shutdown removes its folders
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
