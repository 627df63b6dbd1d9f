"""``mkdocs build`` overlaps related papers and Pagefind with MkDocs' page loop: same output as in sequence."""

from __future__ import annotations

import concurrent.futures
import gzip
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, build_fixture_site

from generator.catalogue import load_catalogue
from generator.charts import MARKER, catalogue_charts
from generator.compact import compact_html
from generator.overview_pages import fill_charts
from generator.pagefind_canonical import ENTRY_FILE
from generator.pages import paper_path
from generator.related import related_papers
from generator.related_process import BACKGROUND_NICENESS, RelatedInBackground
from generator.search_index import SearchIndexError, build_search_index
from generator.search_process import SearchIndexProcess
from generator.search_shards import MANIFEST, SHARD_PAGES, plan_shards
from generator.site import RELATED_MARKER, fill_related, generate_site, related_content


def test_related_later_then_filled_equals_generated_in_sequence() -> None:
    catalogue = load_catalogue(REPO)
    sequential = generate_site(catalogue)
    later = generate_site(catalogue, related_later=True)
    filled = related_content(catalogue, related_papers(catalogue.papers))
    assert sum(RELATED_MARKER in page.markdown for page in later.pages.values()) == len(catalogue.papers)
    charts = catalogue_charts(list(catalogue.papers), catalogue.topics)  # drawn later, in the child
    for path, page in sequential.pages.items():
        markdown = later.pages[path].markdown
        if path in filled.sections:
            markdown = fill_related(markdown, filled.sections[path])
        if path == "glance.md":  # the build fills the written page, compacted (generator/build_session.py)
            assert sum(MARKER.format(name=chart.name) in markdown for chart in charts) == 4
            assert fill_charts(compact_html(markdown), charts) == compact_html(page.markdown)
            continue
        assert markdown == page.markdown, path
    # Every file comes with the related papers (from the child), but the charts (drawn after them)
    drawn = {path for path in sequential.files if path.startswith("charts/")}
    assert drawn == {f"charts/{chart.name}.svg" for chart in charts}
    assert filled.files == {path: data for path, data in sequential.files.items() if path not in drawn}
    assert {"api/papers.json", "feed.xml", "citations.bib", "api/topics.json"} <= set(filled.files)
    assert later.files == dict.fromkeys(filled.files, ""), "MkDocs is told of the files, which pages link to"


def test_an_empty_related_section_leaves_no_trace() -> None:
    page = "<p>abstract</p>\n" + RELATED_MARKER + "\n<h2>Cite</h2>"
    assert fill_related(page, "") == "<p>abstract</p>\n<h2>Cite</h2>"
    assert fill_related(page, "<ol></ol>") == "<p>abstract</p>\n<ol></ol>\n<h2>Cite</h2>"


def test_built_pages_and_open_data_carry_the_related_papers(mini_site: Path) -> None:
    catalogue = load_catalogue(REPO / "tests" / "fixtures" / "mini")
    related = related_papers(catalogue.papers)
    exported = {paper["id"]: paper["related"] for paper in json.loads((mini_site / "api/papers.json").read_text())}
    assert exported == {paper_id: [other for other, _ in found] for paper_id, found in related.items()}
    assert any(exported.values())
    for paper in catalogue.papers:
        html = (mini_site / "papers" / paper.id / "index.html").read_text(encoding="utf-8")
        assert RELATED_MARKER not in html
        assert ('id="related"' in html) == bool(related[paper.id]), paper_path(paper.id)
        for other, _ in related[paper.id]:
            assert f'href="../../papers/{other}/"' in html


def _fragments(bundle: Path) -> dict[str, bytes]:
    return {path.name: gzip.decompress(path.read_bytes()) for path in sorted((bundle / "fragment").iterdir())}


def test_streamed_pagefind_index_holds_what_indexing_the_files_gives(mini_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(mini_site, site)
    shutil.rmtree(site / "pagefind")
    summary = build_search_index(site)
    streamed = _fragments(mini_site / "pagefind")
    assert summary.pages == len(streamed) == len(list((mini_site / "papers").glob("*/index.html")))
    assert _fragments(site / "pagefind") == streamed


def test_streamed_title_index_holds_what_indexing_the_files_gives(mini_site: Path, tmp_path: Path) -> None:
    from_files, streamed = tmp_path / "files", tmp_path / "streamed"
    for site in (from_files, streamed):
        shutil.copytree(mini_site, site)
        shutil.rmtree(site / "pagefind")
    build_search_index(from_files, titles=True)
    pages = sorted((streamed / "papers").glob("*/index.html"))
    stream = SearchIndexProcess(titles=True, shard_pages=SHARD_PAGES, pages=len(pages))  # what mkdocs build uses
    for page in pages:
        stream.add(f"/papers/{page.parent.name}/", page.read_text(encoding="utf-8"))
    assert stream.finish(streamed) == len(pages)
    for folder in ("pagefind", "pagefind-titles"):
        assert _fragments(streamed / folder) == _fragments(from_files / folder), folder


def _bundle(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_a_build_indexes_titles_ahead_of_the_pages_into_the_same_bundles(tmp_path: Path) -> None:
    # The Pagefind header box: mkdocs build gives the title index every title before MkDocs renders
    site = build_fixture_site(tmp_path / "project", header_search="pagefind")
    from_files = tmp_path / "files"
    shutil.copytree(site, from_files)
    for folder in ("pagefind", "pagefind-titles"):
        shutil.rmtree(from_files / folder)
    build_search_index(from_files, titles=True)
    for folder in ("pagefind", "pagefind-titles"):
        assert _bundle(site / folder) == _bundle(from_files / folder), folder
    assert len(_fragments(site / "pagefind-titles")) == len(list((site / "papers").glob("*/index.html")))


def test_a_page_must_carry_the_title_indexed_ahead(tmp_path: Path) -> None:
    from generator.search_stream import SearchIndexStream  # noqa: PLC0415 - the process wrapper runs it

    def page(title: str) -> str:
        return f'<html><body><article data-pagefind-body><h1 id="title">{title}</h1><p>x</p></article></body></html>'

    titles = [("/papers/a/", page("Alpha")), ("/papers/b/", page("Beta")), ("/papers/c/", page("Gamma"))]
    cases = [
        (
            [("/papers/a/", page("Alpha")), ("/papers/b/", page("Beta <em>two</em>"))],
            "/papers/b/: its title heading is",
        ),
        ([("/papers/a/", page("Alpha")), ("/papers/d/", page("Delta"))], "/papers/d/: no title was indexed ahead"),
    ]
    for pages, error in cases:
        stream = SearchIndexStream(titles=True, staging_parent=tmp_path, pages=3)
        try:
            stream.add_titles(titles)
            with pytest.raises(SearchIndexError, match=error):
                for url, html in pages:
                    stream.add(url, html)
        finally:
            stream.close()
    stream = SearchIndexStream(titles=True, staging_parent=tmp_path, pages=3)
    stream.add_titles(titles)
    for url, html in titles[:2]:
        stream.add(url, html)
    with pytest.raises(SearchIndexError, match="/papers/c/: its title was indexed, its page never came"):
        stream.finish(tmp_path / "site")
    assert not (tmp_path / "site").exists()


# A stand-in for Pagefind's service that records the order the pages reach it (each process in a log
# of its own), and takes its time to create an index, as the real one does when it is busy.
ORDER_PAGEFIND = """#!{python}
import base64, json, os, sys, time
log, pending, indexes = open(os.path.join({logs!r}, str(os.getpid())), "w"), b"", 0
while chunk := sys.stdin.buffer.read1(65536):
    *messages, pending = (pending + chunk).split(b",")
    for message in messages:
        request = json.loads(base64.b64decode(message))
        kind = request["payload"]["type"]
        if kind == "NewIndex":
            time.sleep(0.01)
            indexes += 1
            answer = {{"type": "NewIndex", "index_id": indexes}}
        elif kind == "AddFile":
            log.write(request["payload"]["url"] + "\\n")
            log.flush()
            answer = {{"type": "IndexedFile", "page_word_count": 1, "page_url": "", "page_meta": {{}}}}
        else:  # a shard written (no files) and dropped
            answer = {{"type": kind, "files": []}}
        response = {{"message_id": request["message_id"], "payload": answer}}
        sys.stdout.buffer.write(base64.b64encode(json.dumps(response).encode()) + b",")
        sys.stdout.buffer.flush()
"""


def test_pages_reach_pagefind_in_the_order_they_were_added(tmp_path: Path, monkeypatch) -> None:
    from generator.search_stream import SearchIndexStream  # noqa: PLC0415 - the process wrapper runs it

    logs, fake = tmp_path / "logs", tmp_path / "pagefind"
    logs.mkdir()
    fake.write_text(ORDER_PAGEFIND.format(python=sys.executable, logs=str(logs)))
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    urls = [f"/papers/p{number:04}/" for number in range(2000)]
    stream = SearchIndexStream(shard_pages=100, staging_parent=tmp_path, pages=len(urls))
    try:
        for url in urls:  # pages keep coming while each shard's index is created
            stream.add(url, "<html><body data-pagefind-body><h1>x</h1></body></html>")
            time.sleep(0.0002)
        for request in stream._pending:  # noqa: SLF001
            request.result(timeout=60)
        # The fake hands over no bundle, so each write ends in a format error: only wait for them to end
        concurrent.futures.wait(stream._shard_writes.values(), timeout=60)  # noqa: SLF001
    finally:
        stream.close()
    # One Pagefind a shard: each got its shard's pages in the order they were added
    received = sorted(log.read_text().split() for log in logs.iterdir())
    assert [len(pages) for pages in received if pages] == plan_shards(len(urls), 100)
    assert [url for pages in received for url in pages] == urls


def test_the_feeding_process_reports_why_pagefind_could_not_start(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    stream = SearchIndexProcess(
        shard_pages=SHARD_PAGES, staging_parent=tmp_path, pages=1000
    )  # returns before the child runs
    with pytest.raises(SearchIndexError, match="Pagefind could not start: .*no-such-pagefind"):
        for number in range(1000):  # the first page sent after the child gave up hears why
            stream.add(f"/papers/p{number}/", "<html><body data-pagefind-body><h1>x</h1></body></html>")
            time.sleep(0.01)
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind
    stream = SearchIndexProcess(shard_pages=SHARD_PAGES, staging_parent=tmp_path, pages=0)
    with pytest.raises(SearchIndexError, match="Pagefind could not start: .*no-such-pagefind"):
        stream.finish(tmp_path / "site")  # or the end of the build, with no page


def test_the_feeding_process_and_its_pagefinds_give_way_to_mkdocs(tmp_path: Path) -> None:
    stream = SearchIndexProcess(titles=True, shard_pages=SHARD_PAGES, staging_parent=tmp_path, pages=10)
    try:
        stream._check_started(wait=True)  # noqa: SLF001 - "ready": the child and its Pagefinds run
        child = stream._process.pid  # noqa: SLF001
        tasks = Path(f"/proc/{child}/task")
        pagefinds = [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]
        assert len(pagefinds) == 2  # one for the paper index's one shard, one for the titles
        expected = min(os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICENESS, 19)
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in [child, *pagefinds]] == [expected] * 3
    finally:
        stream.close()


def test_the_related_papers_child_gives_way_to_mkdocs() -> None:
    catalogue = load_catalogue(FIXTURES / "mini")
    related = RelatedInBackground(catalogue, site_url="", site_name="Mini")
    try:
        assert related.result().sections  # the child ran
        worker = related._pool._pool[0].pid  # noqa: SLF001 - the pool's one process
        expected = min(os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICENESS, 19)
        assert os.getpriority(os.PRIO_PROCESS, worker) == expected
    finally:
        related.close()


def test_paper_pages_leave_lunr_when_pagefind_serves_the_header_box() -> None:
    catalogue = load_catalogue(REPO / "tests" / "fixtures" / "mini")
    small = generate_site(catalogue)  # 8 papers: lunr serves the header box, papers boosted
    pagefind = generate_site(catalogue, lunr_papers=False)
    for paper in catalogue.papers:
        assert small.pages[paper_path(paper.id)].meta["search"] == {"boost": 2}
        assert pagefind.pages[paper_path(paper.id)].meta["search"] == {"exclude": True}
    assert all("search" not in page.meta for path, page in pagefind.pages.items() if not path.startswith("papers/"))


@pytest.mark.parametrize(
    ("pages", "sizes"),
    [
        (0, [0]),
        (8, [8]),  # a fifth of 8 pages is not worth a shard
        (749, [600, 149]),
        (999, [800, 199]),  # a tenth of 999 is not worth a shard: a fifth is
        (1000, [650, 250, 100]),
        (5000, [3250, 1250, 500]),
        (12000, [5000, 5000, 1300, 500, 200]),
        (20000, [5000, 5000, 5000, 3250, 1250, 500]),
    ],
)
def test_the_last_block_is_cut_so_that_a_small_shard_is_left_last(pages: int, sizes: list[int]) -> None:
    assert plan_shards(pages, 5000) == sizes


def test_a_stream_told_its_page_count_writes_the_planned_shards(tmp_path: Path) -> None:
    from generator.search_stream import SearchIndexStream  # noqa: PLC0415 - the process wrapper runs it

    site = tmp_path / "site"
    site.mkdir()
    stream = SearchIndexStream(shard_pages=1000, pages=600, staging_parent=tmp_path)
    try:
        for number in range(600):
            stream.add(
                f"/papers/p{number:04}/", f"<html><body data-pagefind-body><h1>paper {number}</h1></body></html>"
            )
        with pytest.raises(SearchIndexError, match=r"^/papers/extra/: one page more than the 600 announced$"):
            stream.add("/papers/extra/", "<html><body data-pagefind-body><h1>x</h1></body></html>")
        assert stream.finish(site) == 600
    finally:
        stream.close()
    bundle = site / "pagefind"
    assert json.loads((bundle / MANIFEST).read_text())["shards"] == ["shard-1/"]
    counts = [
        json.loads((folder / ENTRY_FILE).read_text())["languages"]["en"]["page_count"]
        for folder in (bundle, bundle / "shard-1")
    ]
    assert counts == [480, 120]
