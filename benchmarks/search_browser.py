"""Search checks in a real browser: serve a built site and query both engines in Chromium.

Shared by the search tests and ``python -m benchmarks.search_budget``. The engines run exactly as
readers meet them: Material's lunr through the header search box (its own worker and query
parser), Pagefind through the site's one bundle (``pagefind/``) loaded by the search page's own
``assets/search-common.js``.
Playwright is a test-time dependency (requirements-dev.txt), imported only when a browser starts;
the browser is Debian's Chromium, never a downloaded one.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_RESULTS = "No matching documents"


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


class GzipHandler(QuietHandler):
    """Gzip text files like a static host (GitHub Pages) does, so transfer sizes are realistic.

    Pagefind's own index files are gzipped by Pagefind already and are sent as they are.
    """

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(site: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(GzipHandler if compress else QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright; yields the Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def paper_id(url: str) -> str:
    """``.../papers/<id>/`` -> ``<id>``; any other page -> its URL."""
    parts = [part for part in url.split("#")[0].split("?")[0].split("/") if part]
    return parts[-1] if len(parts) >= 2 and parts[-2] == "papers" else url


def open_header_search(page, base: str) -> None:  # noqa: ANN001 - Playwright's Page
    """Open a page without the search index and focus the header box (this starts lunr's download)."""
    page.goto(base + "about/")
    box = page.locator("[data-md-component=search-query]")
    if box.is_visible():
        box.click()
    else:  # a phone: the header shows only the search icon
        page.locator("label[for=__search]:visible").first.click()
        box.focus()


def lunr_top(page, query: str, *, count: int = 3, timeout_ms: int = 3000) -> list[str]:  # noqa: ANN001
    """Type ``query`` into Material's header box and return the paper ids of the first results."""
    box = page.locator("[data-md-component=search-query]")
    meta = page.locator(".md-search-result__meta")
    box.fill("zzzqqqxxx")  # a query with no results: the next results are then surely this query's
    box.press("End")  # Material reads the query on keyup
    page.wait_for_function(f"document.querySelector('.md-search-result__meta').textContent === {NO_RESULTS!r}")
    box.fill(query)
    box.press("End")
    try:
        page.wait_for_function(
            f"document.querySelector('.md-search-result__meta').textContent !== {NO_RESULTS!r}",
            timeout=timeout_ms,
        )
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the query found nothing
        return []
    assert meta.text_content() != NO_RESULTS
    links = page.locator(".md-search-result__item > a.md-search-result__link")
    return [paper_id(link) for link in links.evaluate_all("links => links.map(a => a.href)")[:count]]


# Run on the search page (search/): Pagefind loaded exactly as the page loads it.
PAGEFIND_QUERY = """async ([query, count]) => {
  const common = await import(new URL("../assets/search-common.js", location.href).href);
  const pagefind = await common.loadPagefind(new URL("../", location.href));
  const search = await pagefind.search(query);
  const records = await Promise.all(search.results.slice(0, count).map((result) => result.data()));
  return records.map((record) => record.url);
}"""


def pagefind_top(page, query: str, *, count: int = 3) -> list[str]:  # noqa: ANN001
    """Query the site's Pagefind index from its search page; returns the paper ids of the first results."""
    return [paper_id(url) for url in page.evaluate(PAGEFIND_QUERY, [query, count])]
