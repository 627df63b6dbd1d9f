"""``mkdocs serve`` with the catalogue plugin: edits show, a broken record shows a banner, never a hang.

A real ``mkdocs serve`` runs on a copy of the fixture project on 127.0.0.1; the test edits the
catalogue as a curator would and reads the served pages over HTTP. What serve keeps between
rebuilds gives exactly the pages and files a fresh build of the edited catalogue gives.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.engine.serve import BackgroundSearch, Memo
from generator.engine.settings import Repository
from generator.pages.site import generate_site
from generator.records.catalogue import load_catalogue
from tests.conftest import FIXTURES, REPO, environment, make_project

PAPER = "better-faster-large-language-models-via-multi-token-prediction"
NOTE = f"catalogue/notes/{PAPER}--octocat.md"
BANNER = "The catalogue has problems"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(url: str, check: Callable[[str], bool], *, timeout: float = 60) -> str:
    """The page at ``url`` once ``check`` holds; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = fetch(url)
        if check(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed what was expected; last seen:\n{text[:500]}")


@contextmanager
def serving(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """``mkdocs serve`` on a copy of the fixture project; yields the project and the served base URL."""
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/paper-catalogue/"
    try:
        wait_for(base + f"papers/{PAPER}/", lambda text: "Multi-token Prediction" in text)
        yield project, base
    finally:
        server.send_signal(signal.SIGINT)  # as a maintainer stops it: MkDocs shuts down, the plugin cleans up
        server.wait(timeout=30)


@pytest.fixture
def served(tmp_path):
    with serving(tmp_path) as found:
        yield found


def test_an_edited_note_and_record_show_and_search_is_served(served):
    project, base = served
    paper_url = base + f"papers/{PAPER}/"
    wait_for(base + "pagefind/pagefind-entry.json", lambda text: '"languages"' in text)
    (project / NOTE).parent.mkdir(exist_ok=True)
    (project / NOTE).write_text(
        "---\npaper: " + PAPER + "\nauthor: octocat\ndate: 2026-11-30\n---\n\nA served edit, marked zebra-42.\n",
        encoding="utf-8",
    )
    wait_for(paper_url, lambda text: "zebra-42" in text)
    record = project / "catalogue" / "papers" / f"{PAPER}.yml"
    record.write_text(record.read_text().replace("Multi-token Prediction", "Multi-token Prediction, Edited"))
    page = wait_for(paper_url, lambda text: "Multi-token Prediction, Edited" in text)
    assert "zebra-42" in page and BANNER not in page
    # The other paper pages come from the serve cache, unchanged and complete.
    other = fetch(base + "papers/no/")
    assert '<h1 id="title">No</h1>' in other and "paper-metadata" in other
    # A topic page that lists the paper is rendered again, not reused (its source changed).
    coded = project / "catalogue" / "papers" / "s-test-time-scaling-for-code-generation.yml"
    coded.write_text(coded.read_text().replace("title: '", "title: 'Retitled ", 1))
    wait_for(base + "papers/s-test-time-scaling-for-code-generation/", lambda text: "Retitled S*" in text)
    assert "Retitled S*" in fetch(base + "topics/code/")
    # Reused pages never reach lunr, so under serve the header box searches the Pagefind index.
    assert 'data-engine="pagefind"' in fetch(base)
    assert wait_for(base + "pagefind/pagefind-entry.json", lambda text: '"page_count"' in text)


def test_background_search_indexes_each_edit_and_writes_only_the_changed_pages(tmp_path):
    """Serve's Pagefind bundle, indexed in the background thread: served in the site once ready, indexed
    again after an edit (a page changed, one removed), with only the changed page written again."""
    site = tmp_path / "site"
    site.mkdir()

    def page(title: str) -> str:
        return f'<html lang="en"><body><div data-pagefind-body><h1>{title}</h1><p>Zebrafinch.</p></div></body></html>'

    def page_count() -> int:
        entry = site / "pagefind" / "pagefind-entry.json"
        return json.loads(entry.read_text(encoding="utf-8"))["languages"]["en"]["page_count"] if entry.is_file() else 0

    def wait_until(check: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 60
        while not check():
            assert time.monotonic() < deadline, "the background index never caught up"
            time.sleep(0.1)

    pages = {f"papers/p{number}/index.html": page(f"Paper {number}") for number in range(3)}
    search = BackgroundSearch()
    try:
        search.built(site, pages)
        wait_until(lambda: page_count() == 3)
        kept = search.pages_folder / "papers" / "p0" / "index.html"
        written = kept.stat().st_mtime_ns
        edited = {**pages, "papers/p1/index.html": page("Paper 1, edited")}
        del edited["papers/p2/index.html"]
        search.building()
        search.built(site, edited)
        wait_until(lambda: page_count() == 2)
        assert "edited" in (search.pages_folder / "papers" / "p1" / "index.html").read_text(encoding="utf-8")
        assert not (search.pages_folder / "papers" / "p2" / "index.html").exists()
        assert kept.stat().st_mtime_ns == written, "an unchanged page is not written again"
    finally:
        search.close()
    assert not search.pages_folder.exists()


def test_serve_leaves_no_temporary_folder_behind(tmp_path):
    import tempfile  # noqa: PLC0415

    before = set(Path(tempfile.gettempdir()).glob("catalogue-serve-*"))
    with serving(tmp_path):
        pass
    assert set(Path(tempfile.gettempdir()).glob("catalogue-serve-*")) == before


def test_a_broken_record_shows_a_banner_on_every_page_until_it_is_fixed(served):
    project, base = served
    record = project / "catalogue" / "papers" / f"{PAPER}.yml"
    good = record.read_text()
    record.write_text(good.replace("title:", "title: [a, list]\nbroken:", 1))
    home = wait_for(base, lambda text: BANNER in text)
    assert f"catalogue/papers/{PAPER}.yml:" in home  # file:line: field: reason
    for path in (f"papers/{PAPER}/", "papers/no/", "topics/", "search/"):
        assert BANNER in wait_for(base + path, lambda text: bool(text)), path
    record.write_text(good)
    wait_for(base, lambda text: "ML Paper Catalogue" in text and BANNER not in text)
    assert BANNER not in wait_for(base + f"papers/{PAPER}/", lambda text: "Multi-token Prediction" in text)


LIST = f"""slug: served
title: A served list
description: Two papers, edited live.
curators: [octocat]
entries:
- section: First
  paper: {PAPER}
  note: Read it for zebra-7.
- paper: "no"
"""


def test_a_new_and_edited_reading_list_show_on_its_page_and_its_papers(served):
    project, base = served
    path = project / "catalogue" / "lists" / "served.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(LIST, encoding="utf-8")
    page = wait_for(base + "lists/served/", lambda text: "zebra-7" in text)
    assert "A served list" in page and 'id="entry-2"' in page
    assert "A served list" in wait_for(base + "lists/", lambda text: "A served list" in text)
    paper = wait_for(base + f"papers/{PAPER}/", lambda text: "In reading lists" in text)
    assert 'href="../../lists/served/#entry-1"' in paper and "1 of 2" in paper
    path.write_text(LIST.replace("zebra-7", "zebra-8").replace("A served list", "A renamed list"), encoding="utf-8")
    page = wait_for(base + "lists/served/", lambda text: "zebra-8" in text)
    assert "A renamed list" in page and "zebra-7" not in page
    assert "A renamed list" in wait_for(base + "papers/no/", lambda text: "A renamed list" in text)
    path.write_text(LIST.replace('"no"', "nope"), encoding="utf-8")  # a broken list: the banner names it
    home = wait_for(base, lambda text: BANNER in text)
    assert "catalogue/lists/served.yml:9: entries[1].paper: unknown paper" in home


def test_what_serve_keeps_between_rebuilds_gives_what_a_fresh_build_gives():
    catalogue = load_catalogue(REPO)
    settings = {
        "site_url": "http://127.0.0.1:8000/paper-catalogue/",
        "repository": Repository(url="https://github.com/paper-catalogue/paper-catalogue", branch="main"),
        "lunr_papers": False,
    }
    memo = Memo()
    memo.start()
    generate_site(catalogue, memo=memo, **settings)
    papers = list(catalogue.papers)
    papers[100] = dataclasses.replace(papers[100], title="Retitled: Scaling Laws for Zebra-7B")
    papers[200] = dataclasses.replace(papers[200], abstract="A new abstract about sparse experts and zebras.")
    for edited in (papers[:101] + list(catalogue.papers[101:]), papers):  # a title edit, then an abstract edit too
        memo.start()
        edited_catalogue = dataclasses.replace(catalogue, papers=tuple(edited))
        assert generate_site(edited_catalogue, memo=memo, **settings) == generate_site(edited_catalogue, **settings)
