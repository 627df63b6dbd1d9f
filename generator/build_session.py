"""Stage 4, site: the background work of one ``mkdocs build``, on the second core.

MkDocs' page loop uses one core. A build therefore starts the related papers in a child process as soon as
the catalogue is loaded (:mod:`generator.related_process`), generates the pages with a placeholder, and fills
each paper page's related section when it is written; every finished paper page then goes down a pipe to a
child that feeds Pagefind (:mod:`generator.search_process`), so the end of the build only writes the last
shard. The page's text is released as soon as it is written: nothing reads it again. The same child draws
the glance page's charts after the related papers; they are put into the written page at the end.

``mkdocs serve`` never uses this: its page cache keys on each page's full Markdown, related papers included
(:mod:`generator.serve_session`).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.pages import Page

from generator.catalogue import Catalogue
from generator.charts import MARKER
from generator.overview_pages import fill_charts
from generator.related_process import RelatedInBackground
from generator.search_index import TITLE_SELECTOR, searchable_part
from generator.search_process import SearchIndexProcess
from generator.site import RelatedContent, fill_related
from generator.storage import write_atomic

CHART_MARK = MARKER.split("{", 1)[0]


def release_page(page: Page) -> None:
    """Let go of a finished paper page's text: MkDocs keeps every page's Markdown, HTML and source
    until the build ends (about 30 KB a paper, 0.6 GB at 20,000), and nothing reads them after
    ``on_post_page`` (the sitemap needs only URLs and dates). ``mkdocs build`` only."""
    page.markdown = None
    page.content = None
    page.file.content_string = ""


class BuildSession:
    """The related papers' child process, its result, and the streamed Pagefind index of one build."""

    def __init__(self, catalogue: Catalogue, *, site_url: str, site_name: str) -> None:
        """Start computing the related papers (before the pages are generated, so both run at once);
        ``site_url`` and ``site_name`` as given to :func:`generator.site.generate_site`."""
        self.catalogue = catalogue
        self.related = RelatedInBackground(catalogue, site_url=site_url, site_name=site_name)
        self._related_content: RelatedContent | None = None
        self.search_stream: SearchIndexProcess | None = None
        self._site: Path | None = None  # where the search index goes
        self._titles = False  # whether a title index is built (titles_ahead)
        self._papers_to_index = len(catalogue.papers)  # paper pages still to come
        self._chart_pages: list[str] = []  # written pages that still carry chart markers (site paths)

    def start_search_index(self, site: Path, *, titles: bool, shard_pages: int) -> None:
        """Start Pagefind's feeding process for the site built into ``site`` (returns at once; a failure
        to start is raised as :class:`generator.search_index.SearchIndexError` by a later call)."""
        self._site, self._titles = site, titles
        self.search_stream = SearchIndexProcess(
            titles=titles, staging_parent=site.parent, shard_pages=shard_pages, pages=self._papers_to_index
        )

    def titles_ahead(self, pages: list[tuple[str, str]]) -> None:
        """Every paper page's URL and Markdown, in the order MkDocs will render them: the title index is
        built from their title headings now, beside MkDocs, instead of from the finished pages at the end."""
        if self.search_stream is not None and self._titles:
            heading = [(url, searchable_part(markdown, root_selector=TITLE_SELECTOR)) for url, markdown in pages]
            self.search_stream.add_titles(heading)

    def related_content(self) -> RelatedContent:
        """The related sections and exports, once the child process is done (waits the first time)."""
        if self._related_content is None:
            self._related_content = self.related.result()
        return self._related_content

    def fill_related(self, src_uri: str, html: str) -> str:
        """A written paper page with its related section in place of the placeholder."""
        return fill_related(html, self.related_content().sections.pop(src_uri))

    def paper_written(self, page: Page, html: str) -> None:
        """A finished paper page (its final HTML): into the Pagefind stream, then out of memory.

        After the last one, Pagefind writes its indexes while MkDocs renders the other pages and
        writes its own search index (~0.5 s of the build's end at 749 papers).
        """
        if self.search_stream is not None:
            self.search_stream.add(f"/{page.file.url}", html)
            self._papers_to_index -= 1
            if self._papers_to_index == 0 and self._site is not None:
                self.search_stream.start_finish(self._site)
        release_page(page)
        self.related.release_when_done()

    def page_written(self, page: Page, html: str) -> None:
        """Any finished page: remember it if its charts are to be put in after MkDocs."""
        if CHART_MARK in html:
            self._chart_pages.append(page.file.dest_uri)

    def finish(self, site: Path) -> bool:
        """Write the full exports (``api/papers.json`` was copied without the related ids) and the last
        Pagefind shard; False when no Pagefind stream ran, so the caller indexes the site itself."""
        for path, text in self.related_content().files.items():
            write_atomic(site / path, text)
        charts = self.related.charts()
        for chart in charts:
            write_atomic(site / "charts" / f"{chart.name}.svg", chart.svg)
        for path in self._chart_pages:
            write_atomic(site / path, fill_charts((site / path).read_text(encoding="utf-8"), charts))
        if self.search_stream is None:
            return False
        stream, self.search_stream = self.search_stream, None
        stream.finish(site)
        return True

    def close(self) -> None:
        """Stop both children (a failed build does not wait for them); safe to call twice."""
        self.related.close()
        if self.search_stream is not None:
            self.search_stream.close()
        self.search_stream = None
