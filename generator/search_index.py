"""Stage 5, search: build the Pagefind index of a built site, and choose the header search engine.

Runs after the site engine has written its HTML (MkDocs calls it from the plugin's
``on_post_build``, in ``mkdocs build`` and in every ``mkdocs serve`` rebuild), so it
needs nothing but a folder of HTML: site folder in, ``<site>/pagefind/`` out.
Only paper pages carry ``data-pagefind-body`` (see :func:`generator.pages.pagefind_markers`),
so navigation, topic lists and hand-written pages stay out of the index.

The index is written into a temporary folder beside the site, made reproducible
(:mod:`generator.pagefind_canonical`) and moved into place only when Pagefind succeeded,
so a failed run never leaves a half-written index.

Which engine serves the header search box depends on the catalogue's size, measured with
``python -m generator search-budget`` (see the README): Material's lunr index grows with
every paper and is downloaded whole on the first search, Pagefind downloads only the
chunks a query needs.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import IndexConfig

from generator.storage import FOLDER_MODE

INDEX_FOLDER = "pagefind"
TITLES_FOLDER = "pagefind-titles"
TITLE_SELECTOR = "h1#title"  # paper pages' title (generator/pages.py)
# Characters that belong to method names ("S*", "SpecDec++"), so those names are words of their own.
INCLUDE_CHARACTERS = "*+"
PAPER_PAGES = "papers/*/index.html"
# Above this many papers the header box queries Pagefind instead of lunr. Lunr's first search costs
# its worker (12 KB gzipped) plus its index, about 0.075 KB gzipped per paper with the fields kept
# (titles, facts, topics): 68 KB at 749 papers, the 150 KB budget near 1,800 papers.
LUNR_MAX_PAPERS = 1500


# Sections of a paper page marked data-pagefind-ignore that Pagefind would parse for nothing (a third of
# what is sent): the related papers and the BibTeX block (generator/pages.py, site.py). Their text is
# escaped, so their closing tags are the first ones that follow.
IGNORED_SECTIONS = re.compile(
    r'<h2 id="related" [^>]*data-pagefind-ignore>.*?</ol>\n?'
    r'|<h2 id="cite" [^>]*data-pagefind-ignore>.*?</pre></div>\n?',
    re.DOTALL,
)
PAGE_START = '<!doctype html><html lang="en"><head></head><body>'
PAGE_END = "</body></html>"


def searchable_part(html: str, *, root_selector: str | None = None) -> str:
    """The part of a finished page Pagefind reads, as a page of its own.

    Pagefind indexes only the ``data-pagefind-body`` element (title, text, filters, meta and sort keys
    all live inside it), or the ``root_selector`` element of the title-only index; the page chrome
    around it (~60% of a paper page) is parsed and kept by Pagefind for nothing: sending just that part
    halves Pagefind's memory and triples its speed for the same index (tests/test_parallel_build.py).
    Pages without the marker are sent whole.
    """
    if root_selector == TITLE_SELECTOR and '<h1 id="title"' in html:
        start = html.index('<h1 id="title"')
        return PAGE_START + html[start : html.index("</h1>", start) + len("</h1>")] + PAGE_END
    if root_selector is None and html.count("data-pagefind-body") == 1 and "</article>" in html:
        start = html.rfind("<", 0, html.index("data-pagefind-body"))
        end = html.rindex("</article>")
        if start < end:
            return PAGE_START + IGNORED_SECTIONS.sub("", html[start:end]) + PAGE_END
    return html


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says which folder and why."""


@dataclass(frozen=True)
class SearchIndexSummary:
    pages: int
    folder: Path


def header_engine(paper_count: int, *, lunr_max_papers: int = LUNR_MAX_PAPERS) -> str:
    """``"lunr"`` (Material's search) for small catalogues, ``"pagefind"`` above the budget."""
    return "lunr" if paper_count <= lunr_max_papers else "pagefind"


def index_config(*, output_path: Path | None = None, root_selector: str | None = None) -> IndexConfig:
    """Pagefind's settings for the full index, or the title-only one with ``root_selector``."""
    config = IndexConfig(force_language="en", include_characters=INCLUDE_CHARACTERS, write_playground=False)
    if output_path is not None:
        config["output_path"] = str(output_path)
    if root_selector:
        config["root_selector"] = root_selector
    return config


def build_search_index(site: Path, *, titles: bool = False, shard_pages: int | None = None) -> SearchIndexSummary:
    """Index the paper pages of the built ``site`` into ``site/pagefind/`` (replaced only on success).

    With ``titles``, also a lean title-only index in ``site/pagefind-titles/`` for the header box of
    big catalogues: without filters and sort keys its page table is half the size (112 KB instead of
    224 KB gzipped at 20,000 papers), and the header box downloads that table before any result.
    The pages go through the same stream as in ``mkdocs build`` (:mod:`generator.search_stream`), in
    URL order, so both give the same index.
    """
    from generator.search_stream import SearchIndexStream  # noqa: PLC0415 - it builds on this module

    site = site.resolve()
    if not site.is_dir():
        raise SearchIndexError(f"{site}: no built site to index")
    pages = sorted(site.glob(PAPER_PAGES), key=lambda path: page_url(site, path))
    shards = {"shard_pages": shard_pages} if shard_pages else {}
    try:
        stream = SearchIndexStream(titles=titles, staging_parent=site.parent, pages=len(pages), **shards)
    except SearchIndexError as error:
        raise SearchIndexError(f"{site}: Pagefind failed: {error}") from error
    try:
        for path in pages:
            stream.add(page_url(site, path), path.read_text(encoding="utf-8"))
    except SearchIndexError as error:
        stream.close()
        raise SearchIndexError(f"{site}: Pagefind failed at {path}: {error}") from error
    except BaseException:
        stream.close()
        raise
    return SearchIndexSummary(pages=stream.finish(site), folder=site / INDEX_FOLDER)


def page_url(site: Path, page: Path) -> str:
    """The URL the site serves a built page at (``/papers/<id>/``), as Pagefind records it."""
    return "/" + page.parent.relative_to(site).as_posix() + "/"


def install_bundle(staging: Path, target: Path) -> None:
    """Move a finished Pagefind bundle (:mod:`generator.pagefind_bundle`) to ``target``, replacing it."""
    for folder, _subfolders, _files in os.walk(staging):
        os.chmod(folder, FOLDER_MODE)  # mkdtemp's folder is private; the site must be readable by the web server
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
