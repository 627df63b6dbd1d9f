"""Stage 4, site: compute the related papers in another process while MkDocs renders.

:func:`generator.related.related_papers` takes ~30 s at 20,000 papers, and MkDocs' page loop uses one core
only. The build session (:mod:`generator.build_session`) starts the computation here as soon as the
catalogue is loaded; the pages are generated with a placeholder (:func:`generator.site.generate_site` with
``related_later``), and the result is asked for only when the first paper page is written, by which time it
is usually done. The child also renders what is made of the related papers (each paper page's section) and
the site's files (exports, feeds, BibTeX): ~1 s of MkDocs' process at 5,000 papers. The child then draws the
charts of the glance page (matplotlib), which the build puts in place after MkDocs; the child stops as soon
as both are done.

A ``spawn`` process (a fresh interpreter) rather than ``fork``: ``mkdocs serve`` runs threads, and a forked
child of a threaded process can deadlock. The child's memory is its own and is released when it exits; its
peak (~0.5 GB at 20,000 papers) is reached while MkDocs' own memory is still small.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.pool import AsyncResult
from typing import TYPE_CHECKING

from generator.records import Paper

if TYPE_CHECKING:
    from generator.catalogue import Catalogue
    from generator.charts import Chart
    from generator.site import RelatedContent
    from generator.topics import Topic


class RelatedInBackground:
    """The related papers with what is made of them (:func:`generator.site.related_content`: each paper
    page's section, the exports, feeds and BibTeX files), then the charts, computed in a child process."""

    def __init__(self, catalogue: Catalogue, *, site_url: str, site_name: str) -> None:
        self._pool = multiprocessing.get_context("spawn").Pool(
            processes=1, initializer=os.nice, initargs=(BACKGROUND_NICENESS,)
        )
        # One worker runs the two in order; the charts reuse the papers the first task received.
        self._related = self._pool.apply_async(_related_content, (catalogue, site_url, site_name))
        self._charts = self._pool.apply_async(_charts, (list(catalogue.topics),))
        self._closed = False

    def result(self) -> RelatedContent:
        """The related content (waits for the child the first time if it is not done yet)."""
        return self._get(self._related)

    def charts(self) -> list[Chart]:
        """The drawn charts (waits for them if need be), then the child is stopped."""
        try:
            return self._get(self._charts)
        finally:
            self.close()

    def release_when_done(self) -> None:
        """Stop the child as soon as both results are in, so its memory is back before the build ends."""
        if not self._closed and self._charts.ready():
            self.close()

    def _get(self, pending: AsyncResult) -> object:
        if self._closed and not pending.ready():
            raise RuntimeError("the related papers' child process was stopped before it finished")
        return pending.get()

    def close(self) -> None:
        """Stop the child (killed if still running: a failed build does not wait for it); safe to call twice."""
        if not self._closed:
            self._closed = True
            self._pool.terminate()
            self._pool.join()


# The build's children (this one, Pagefind's feeder and its Pagefinds: generator/search_process.py) run
# at a lower priority than MkDocs' single-threaded page loop, which every build waits for: they have the
# rest of the two cores (python -m generator bench: at 5,000 papers MkDocs' own work took 3-4 s longer
# beside them at the same priority, and the overhead was 31-53% instead of 22-24%).
BACKGROUND_NICENESS = 10

_papers: list[Paper] = []  # in the child: the papers of the related task, for the charts task after it


def _related_content(catalogue: Catalogue, site_url: str, site_name: str) -> RelatedContent:
    """In the child: scikit-learn and SciPy (~0.9 s to import) are loaded there, never in MkDocs' process."""
    from generator.related import related_papers  # noqa: PLC0415 - imported in the child only
    from generator.site import related_content  # noqa: PLC0415

    _papers[:] = catalogue.papers
    return related_content(catalogue, related_papers(catalogue.papers), site_url=site_url, site_name=site_name)


def _charts(topics: list[Topic]) -> list[Chart]:
    """In the child: matplotlib (~0.4 s to import, ~0.5 s to draw at 750 papers) stays out of MkDocs' process."""
    from generator.charts import catalogue_charts  # noqa: PLC0415 - imported in the child only

    charts = catalogue_charts(_papers, topics)
    _papers.clear()
    return charts
