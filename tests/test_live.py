"""Live editing: after an edit under ``mkdocs serve`` the served site equals a fresh build.

The catalogue plugin reuses unchanged generated pages between serve rebuilds (generator/live.py);
this test edits a record so that the paper gains a topic, waits for the served page to change,
and compares the served paper page, topic page and search index with a clean ``mkdocs build``.
"""

from __future__ import annotations

import json
import re
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


def test_an_edit_under_serve_shows_up_and_matches_a_fresh_build(tmp_path):
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    port = free_port()
    base = f"http://127.0.0.1:{port}{BASE_PATH}"
    log_file = tmp_path / "serve.log"
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "Watching paths for changes" in log_file.read_text() and fetch(base))
        assert "LoRA" not in article(fetch(f"{base}papers/no/"))
        record = project / "catalogue" / "papers" / "no.yml"
        record.write_text(record.read_text().replace("title: 'No'", "title: 'No more LoRA'"))
        wait_for(lambda: "No more LoRA" in fetch(f"{base}papers/no/"))
        wait_for(lambda: "No more LoRA" in fetch(f"{base}search/search_index.json"))
        served = {
            path: fetch(f"{base}{path}")
            for path in ("papers/no/", "topics/peft/", "topics/", "papers/1e10/", "search/search_index.json")
        }
        assert "unchanged pages reused" in log_file.read_text()  # the fast path ran
    finally:
        server.terminate()
        server.wait(timeout=30)

    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    canonical = f"https://paper-catalogue.github.io{BASE_PATH}"  # serve puts its own address in site_url
    for path in ("papers/no/", "topics/peft/", "topics/", "papers/1e10/"):
        shown = article(served[path]).replace(base, canonical)
        assert shown == article((site / path / "index.html").read_text()), path
    assert "No more LoRA" in article(served["topics/peft/"])
    fresh = (site / "search" / "search_index.json").read_text()
    a, b = search_docs(served["search/search_index.json"].replace(base, canonical)), search_docs(fresh)
    assert sorted(set(a) - set(b)) == sorted(set(b) - set(a)) == [], "\n".join(x[:150] for x in sorted(set(a) ^ set(b)))
