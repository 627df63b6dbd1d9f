"""Search budgets: bytes before the first result and time to results, measured in Chromium.

``python -m benchmarks.search_budget [--project DIR | --site DIR]`` builds a project folder (this
repository by default, or any folder with mkdocs.yml and catalogue/, such as a synthetic catalogue
made for the benchmarks) with ``mkdocs build --strict``, which writes the site and its one Pagefind
bundle, into a temporary folder; or takes an already built ``--site``. It serves the site gzipped
on 127.0.0.1 and measures with Debian's Chromium, each on a cold cache:

* a paper page that does not search: every byte it downloads, and how many of them are search;
* the header box: bytes downloaded from the reader's first click in the box until the first result shows;
* the catalogue search page: bytes from opening the page to its first result;
* the time from the last keystroke to the results (first query, then the median of the others).

Sizes are the compressed bodies as Chromium reports them (``encodedBodySize``): what the budgets
count. The search page's figure with response headers too (``transferSize``) is reported beside it;
headers depend on the server (GitHub Pages sends more than the benchmark's). Figures for the
benchmarks README; budgets are checked here, never as timed assertions in unit tests.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.search_browser import chromium, serve

REPO = Path(__file__).resolve().parent.parent
QUERIES = ("speculative decoding", "QLoRA", "Dutch llama", "GaLore", "EXAONE 3.0", "time series forecasting")
TYPING_DELAY_MS = 100  # a quick reader: ten characters a second
SEARCH_URLS = (
    "search_index.json", "/workers/search.", "/pagefind", "header-search.js", "search-common.js", "search-order.js",
)  # fmt: skip
TIMER = """(selector) => {
  window.lastKeyAt = 0; window.resultAt = 0;
  addEventListener("keydown", () => { window.lastKeyAt = performance.now(); window.resultAt = 0; }, true);
  new MutationObserver((mutations) => {
    if (mutations.some((mutation) => mutation.addedNodes.length) && !window.resultAt && window.lastKeyAt)
      window.resultAt = performance.now();
  }).observe(document.querySelector(selector), { childList: true, subtree: true });
}"""


def build_site(project: Path, *, site: Path | None = None) -> Path:
    """``mkdocs build --strict`` of ``project`` (mkdocs.yml and catalogue/) into ``site`` (default:
    ``project/site``), Pagefind included; returns the site folder."""
    site = site or project / "site"
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shown = "\n".join((result.stdout + result.stderr).splitlines()[:20])
        raise RuntimeError(f"{project}: mkdocs build failed:\n{shown}")
    return site


def _size(request) -> int:  # noqa: ANN001 - Playwright's Request
    """Compressed body size; a worker's own script reports none, so count its body gzipped as the server sends it."""
    sizes = request.sizes()
    if sizes["responseBodySize"] <= 0 and request.response() is not None:
        body = request.response().body()
        return len(gzip.compress(body, compresslevel=6, mtime=0)) if request.url.endswith(".js") else len(body)
    return sizes["responseBodySize"]


def _bytes(requests: list, *, search_only: bool = False) -> int:
    return sum(_size(r) for r in requests if not search_only or any(part in r.url for part in SEARCH_URLS))


def _kinds(downloads: list[tuple[str, int]]) -> dict[str, int]:
    """Search bytes by kind of file (Pagefind's meta, index chunks, filters, fragments, wasm; lunr; scripts)."""
    kinds: dict[str, int] = {}
    for url, size in downloads:
        if not any(part in url for part in SEARCH_URLS):
            continue
        name = url.split("?")[0].rsplit("/", 1)[-1]
        kind = name.rsplit(".", 1)[-1] if "." in name else name
        kinds[kind] = kinds.get(kind, 0) + size
    return dict(sorted(kinds.items()))


def _type_and_time(page, query: str, results: str, clear: str) -> float:  # noqa: ANN001 - Playwright's Page
    """Type ``query`` like a reader and return ms from the last keystroke to the first result shown."""
    page.fill(clear, "")
    page.keyboard.type(query, delay=TYPING_DELAY_MS)
    page.wait_for_function("window.resultAt > window.lastKeyAt", timeout=15000)
    page.locator(results).first.wait_for()
    return page.evaluate("window.resultAt - window.lastKeyAt")


def measure_header(browser, base: str, paper_url: str) -> dict:  # noqa: ANN001 - Playwright's Browser
    context = browser.new_context()
    page = context.new_page()
    finished: list = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(base + paper_url)
    page.wait_for_load_state("networkidle")
    page_bytes, page_search_bytes, loaded = _bytes(finished), _bytes(finished, search_only=True), len(finished)
    page.evaluate(TIMER, ".md-search-result__list")
    box, results = "[data-md-component=search-query]", ".md-search-result__item a"
    started = time.perf_counter()
    page.locator(box).click()
    first_ms = _type_and_time(page, QUERIES[0], results, box)
    first_wall = (time.perf_counter() - started) * 1000
    # Only what finished before the first result showed (the rest of the results follow it), by the
    # page's Resource Timing: Playwright's and the page's clocks differ by a few ms. Material's lunr
    # worker script loads before its first result and counts whole.
    shown = {name for name, _, _ in page.evaluate(RESOURCES_BEFORE, page.evaluate("window.resultAt"))}
    before = [request for request in finished[loaded:] if request.url in shown or "/workers/search." in request.url]
    search_bytes = _bytes(before)
    kinds = _kinds([(request.url, _size(request)) for request in before])
    warm = [_type_and_time(page, query, results, box) for query in QUERIES[1:]]
    engine = "pagefind" if any("/pagefind" in request.url for request in finished) else "lunr"
    context.close()
    return {
        "engine": engine,
        "page_bytes": page_bytes,
        "page_search_bytes": page_search_bytes,
        "search_bytes": search_bytes,
        "search_kinds": kinds,
        "first_query_ms": first_ms,
        "first_query_wall_ms": first_wall,
        "median_ms": statistics.median(warm),
    }


# Resources the page finished downloading by the time its first result showed (Resource Timing; the
# search page runs Pagefind on the main thread, so every search download is listed): name, compressed
# body bytes, bytes with the response headers.
RESOURCES_BEFORE = """(until) => [
  ...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
].filter((entry) => entry.responseEnd <= until)
 .map((entry) => [entry.name, entry.encodedBodySize, entry.transferSize])"""


def measure_search_page(browser, base: str, first: str = QUERIES[0], *, warm: bool = True) -> dict:  # noqa: ANN001
    """Bytes from opening the search page to the first result of ``first``, and the time from the last
    keystroke (then of the other queries, warm, unless ``warm`` is false).

    Only what finished downloading before the first result counts: the page fetches more results'
    fragments and the facets right after it (catalogue-search.js).
    """
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "search/")
    page.wait_for_selector("#catalogue-search[data-ready=true]")
    page.evaluate(TIMER, ".catalogue-search__results")
    results, box = ".catalogue-search__result a", "#catalogue-search-query"
    page.locator(box).click()
    first_ms = _type_and_time(page, first, results, box)
    resources = page.evaluate(RESOURCES_BEFORE, page.evaluate("window.resultAt"))
    kinds = _kinds([(name, body) for name, body, _ in resources])
    with_headers = _kinds([(name, transfer) for name, _, transfer in resources])
    later = [_type_and_time(page, query, results, box) for query in QUERIES if query != first] if warm else [0.0]
    context.close()
    return {"page_and_search_bytes": sum(body for _, body, _ in resources),
            "search_bytes": sum(kinds.values()), "search_kinds": kinds,
            "search_bytes_with_headers": sum(with_headers.values()),
            "first_query_ms": first_ms,
            "median_ms": statistics.median(later)}  # fmt: skip


def measure_site(site: Path) -> dict:
    """All figures for one built site."""
    paper = next(path for path in sorted((site / "papers").iterdir()) if path.is_dir())
    with serve(site, compress=True) as base, chromium() as browser:
        header = measure_header(browser, base, f"papers/{paper.name}/")
        search_page = measure_search_page(browser, base)
        # Each query cold: a first search downloads the index chunks its words fall in (one to three).
        cold = {query: measure_search_page(browser, base, query, warm=False)["search_bytes"] for query in QUERIES}
    papers = sum(1 for path in (site / "papers").iterdir() if path.is_dir())
    return {"papers": papers, "header": header, "search_page": search_page, "cold": cold}


def report(figures: dict) -> str:
    kb = lambda size: f"{size / 1024:.1f} KB"  # noqa: E731
    header, search = figures["header"], figures["search_page"]
    return "\n".join(
        [
            f"catalogue: {figures['papers']} papers",
            f"paper page, no search: {kb(header['page_bytes'])} downloaded,"
            f" {kb(header['page_search_bytes'])} of it search",
            f"header box ({header['engine']}): {kb(header['search_bytes'])} before the first result;"
            f" first query {header['first_query_ms']:.0f} ms after the last key"
            f" ({header['first_query_wall_ms']:.0f} ms from the first click), then median {header['median_ms']:.0f} ms",
            f"search page (pagefind): {kb(search['page_and_search_bytes'])} page and search before the first result,"
            f" {kb(search['search_bytes'])} of it search ({kb(search['search_bytes_with_headers'])} with response"
            f" headers); first query {search['first_query_ms']:.0f} ms,"
            f" then median {search['median_ms']:.0f} ms",
            "header box search bytes by file: " + ", ".join(f"{k} {kb(v)}" for k, v in header["search_kinds"].items()),
            "search page search bytes by file: " + ", ".join(f"{k} {kb(v)}" for k, v in search["search_kinds"].items()),
            "search page, each query cold: "
            + ", ".join(f"{q!r} {kb(v)}" for q, v in figures["cold"].items())
            + f" (median {kb(statistics.median(figures['cold'].values()))}, max {kb(max(figures['cold'].values()))})",
        ]
    )


def measure_project(project: Path) -> str:
    """Build ``project`` into a temporary folder and measure it; returns the report."""
    with tempfile.TemporaryDirectory(prefix="search-budget-") as folder:
        started = time.perf_counter()
        site = build_site(project, site=Path(folder) / "site")
        print(f"built {project} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return report(measure_site(site))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_budget", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--project", type=Path, default=REPO, help="folder with mkdocs.yml and catalogue/ to build")
    source.add_argument("--site", type=Path, help="an already built site folder (with pagefind/) to measure")
    arguments = parser.parse_args(argv)
    print(report(measure_site(arguments.site)) if arguments.site else measure_project(arguments.project))
    return 0


if __name__ == "__main__":
    sys.exit(main())
