"""Live editing: after an edit under ``mkdocs serve`` the served site equals a fresh build.

The catalogue plugin reuses unchanged generated pages between serve rebuilds (generator/live.py),
keeps related papers and charts until their inputs change and then recomputes them lazily
(generator/serve_stages.py), and re-indexes Pagefind in the background (generator/serve_search.py).
The test edits a record so that the paper gains a topic, writes a note on it, edits the record three
times faster than a rebuild, then breaks it and fixes it; after each step it waits for the served page to change and then until the
served site converges on a fresh ``mkdocs build`` of the same catalogue: pages (related sections, topic
pages, the charts page and the home page), lunr's index and the Pagefind bundle in the served folder.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

from generator.bench_serve import free_port
from tests.conftest import FIXTURES, environment, make_project, mkdocs_build

BASE_PATH = "/paper-catalogue/"  # the path of site_url in mkdocs.yml: where serve puts the site


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def article(html: str) -> str:
    found = re.search(r"<article.*?</article>", html, re.S)
    assert found, html[:500]
    return found.group(0)


def search_docs(text: str) -> list[str]:
    return sorted(json.dumps(entry, sort_keys=True) for entry in json.loads(text)["docs"])


CONVERGED_PAGES = ("papers/no/", "papers/1e10/", "topics/peft/", "topics/", "glance/", "")


def pagefind_fragments(site) -> dict[str, str]:  # noqa: ANN001 - a Path
    """Each page of a Pagefind bundle: url -> indexed text (fragments are gzipped, signed JSON)."""
    fragments = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        fragments[fragment["url"]] = fragment["content"]
    return fragments


def fresh_build(project, target):  # noqa: ANN001, ANN201 - Paths in, the built site out
    """A clean ``mkdocs build`` of the project as it is now, in a copy."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("site"))
    result = mkdocs_build(target)
    assert result.returncode == 0, result.stdout + result.stderr
    return target / "site"


def mismatches(base: str, site, served_site) -> list[str]:  # noqa: ANN001 - Paths
    """What the served site (over HTTP, and its folder on disk) still shows differently from ``site``."""
    canonical = f"https://paper-catalogue.github.io{BASE_PATH}"
    wrong = []
    for path in CONVERGED_PAGES:
        served = fetch(f"{base}{path}")
        if "<article" not in served or article(served).replace(base, canonical) != article(
            (site / path / "index.html").read_text()
        ):
            wrong.append(path)
    served_index = fetch(f"{base}search/search_index.json").replace(base, canonical)
    if not served_index or search_docs(served_index) != search_docs((site / "search/search_index.json").read_text()):
        wrong.append("search/search_index.json")
    built = pagefind_fragments(site)
    served = pagefind_fragments(served_site) if served_site else {}
    if sorted(served) != sorted(built) or any(built[url] != served[url] for url in built):
        wrong.append("pagefind")
    return wrong


def converge(base: str, site, served_site) -> None:  # noqa: ANN001 - Paths
    """Wait until the served site shows what ``site`` shows (related papers and Pagefind come a moment later)."""
    deadline = time.monotonic() + 90
    while (wrong := mismatches(base, site, served_site)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not wrong, f"the served site still differs from a fresh build: {wrong}"


def test_record_and_note_edits_under_serve_converge_on_a_fresh_build(tmp_path):
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    temporary = tmp_path / "tmp"  # where mkdocs serve makes its site folder, so the test can read Pagefind's
    temporary.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}{BASE_PATH}"
    log_file = tmp_path / "serve.log"
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=environment({"TMPDIR": str(temporary)}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "Watching paths for changes" in log_file.read_text() and fetch(base))
        served_site = next(temporary.glob("mkdocs_*"))
        assert "/papers/no/" in pagefind_fragments(served_site)  # the first build indexes at once

        record = project / "catalogue" / "papers" / "no.yml"
        record.write_text(record.read_text().replace("title: 'No'", "title: 'No more LoRA'"))
        wait_for(lambda: "No more LoRA" in fetch(f"{base}papers/no/"))
        converge(base, fresh_build(project, tmp_path / "after-record"), served_site)
        assert "No more LoRA" in pagefind_fragments(served_site)["/papers/no/"]
        assert "No more LoRA" in article(fetch(f"{base}topics/peft/"))
        assert "No more LoRA" in fetch(f"{base}search/search_index.json")

        note = project / "catalogue" / "notes" / "no--octocat.md"
        note.parent.mkdir()
        note.write_text("---\npaper: no\nauthor: octocat\ndate: 2026-01-02\n---\nA note on <b>LoRA</b> & friends.\n")
        wait_for(lambda: "A note on" in fetch(f"{base}papers/no/"))
        converge(base, fresh_build(project, tmp_path / "after-note"), served_site)
        assert "A note on" in article(fetch(f"{base}papers/no/"))

        for title in ("No LoRA", "No more", "No more adapters"):  # quicker than a rebuild: each supersedes the last
            record.write_text(re.sub(r"title: '[^']*'", f"title: '{title}'", record.read_text()))
            time.sleep(0.3)
        wait_for(lambda: "No more adapters" in fetch(f"{base}papers/no/"))
        converge(base, fresh_build(project, tmp_path / "after-quick-edits"), served_site)

        good = record.read_text()
        record.write_text(good.replace("title: 'No more adapters'", "title: [broken"))
        wait_for(lambda: "the catalogue has problems" in log_file.read_text())
        reused_before = log_file.read_text().count("unchanged pages reused")
        record.write_text(good.replace("No more adapters", "No more typos"))
        wait_for(lambda: "No more typos" in fetch(f"{base}papers/no/"))
        assert log_file.read_text().count("unchanged pages reused") > reused_before  # the cache survived the error
        converge(base, fresh_build(project, tmp_path / "after-fix"), served_site)
        log_text = log_file.read_text()
        assert "unchanged pages reused" in log_text and "search index updated" in log_text  # the fast paths ran
        assert "until recomputed" in log_text  # and the lazy one: the record edit changed the charts
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C, as a maintainer stops it: the plugin's on_shutdown runs
        server.wait(timeout=30)
    assert not list(temporary.glob("catalogue-*")), "a private folder outlived the server"
