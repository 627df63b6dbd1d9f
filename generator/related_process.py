"""Stage 4, site: compute the related papers in another process while MkDocs renders.

:func:`generator.related.related_papers` takes ~30 s at 20,000 papers, and MkDocs' page loop uses one
core only. The build session (:mod:`generator.build_session`) starts the computation here as soon as
the catalogue is loaded; the pages are generated with a placeholder (:func:`generator.site.generate_site`
with ``related_later``), and the result is asked for only when the first paper page is written, by
which time it is usually done.

A ``spawn`` process (a fresh interpreter) rather than ``fork``: ``mkdocs serve`` runs threads, and a
forked child of a threaded process can deadlock. The child's memory is its own and is released when
it exits; its peak (~0.5 GB at 20,000 papers) is reached while MkDocs' own memory is still small.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence

from generator.records import Paper
from generator.related import Related, related_papers


class RelatedInBackground:
    """One related-papers computation running in a child process."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
        self._pending = self._pool.apply_async(related_papers, (list(papers),))
        self._result: Related | None = None

    def result(self) -> Related:
        """The related papers (waits for the child the first time if it is not done yet)."""
        if self._result is None:
            try:
                self._result = self._pending.get()
            finally:
                self.close()
        return self._result

    def close(self) -> None:
        """Stop the child (killed if still running: a failed build does not wait for it)."""
        self._pool.terminate()
        self._pool.join()
