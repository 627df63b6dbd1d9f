"""Two builds of the same catalogue produce byte-identical sites.

The second project lives at another path and gets its record files written in reverse order
(so directory order and file times differ); both builds use the same SOURCE_DATE_EPOCH, the
one input MkDocs takes from the clock (sitemap dates, the gzip header of sitemap.xml.gz).
Pagefind's own bundle (``pagefind/``) may differ from run to run in its bytes (it writes hash maps
in their own order); the test checks that both bundles give the same search results instead.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from benchmarks.search_browser import serve
from tests.conftest import FIXTURES, make_project, mkdocs_build

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01


def build(project: Path) -> dict[str, str]:
    result = mkdocs_build(project, env=EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not path.relative_to(site).as_posix().startswith("pagefind/")
    }


QUERIES = ["language model", "scaling", "code generation", "lora"]
SEARCH = """async (queries) => {
    const pagefind = await import(new URL("pagefind/pagefind.js", location.href).href);
    await pagefind.init();
    const found = {};
    for (const query of queries) {
        const search = await pagefind.search(query);
        found[query] = await Promise.all(search.results.map(async (result) => (await result.data()).url));
    }
    found.filters = await pagefind.filters();
    return found;
}"""


def search_results(browser, site: Path) -> dict:  # noqa: ANN001 - Playwright's Browser
    with serve(site) as base:
        page = browser.new_page()
        page.goto(base)
        found = page.evaluate(SEARCH, QUERIES)
        page.close()
    return found


def test_two_builds_are_byte_identical(tmp_path, chromium_browser):
    catalogue = FIXTURES / "mini" / "catalogue"
    first = make_project(tmp_path / "first", catalogue)
    second = make_project(tmp_path / "elsewhere" / "second", catalogue)
    records = sorted((second / "catalogue" / "papers").glob("*.yml"), reverse=True)
    for record in records:  # rewrite in reverse order: other inode order and modification times
        data = record.read_bytes()
        record.unlink()
        record.write_bytes(data)
    shutil.rmtree(second / "overrides")
    shutil.copytree(first / "overrides", second / "overrides")

    first_site, second_site = build(first), build(second)

    assert len(first_site) > 20 and any(name.startswith("papers/") for name in first_site)
    assert "sitemap.xml.gz" in first_site
    assert sorted(first_site) == sorted(second_site)
    differing = [name for name in first_site if first_site[name] != second_site[name]]
    assert differing == []
    first_search = search_results(chromium_browser, first / "site")
    assert any(first_search[query] for query in QUERIES) and first_search["filters"]["topic"]
    assert first_search == search_results(chromium_browser, second / "site")
