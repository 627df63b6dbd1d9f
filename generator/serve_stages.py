"""Stage 4, site: the slow derived stages under ``mkdocs serve``, cached and recomputed lazily.

Related papers (~0.7 s at 750 papers) and the charts (~0.5 s of matplotlib) cost more than the rest of a
cached serve rebuild, yet most edits do not touch their inputs: related papers read only ids, titles,
abstracts and topics; the charts read only each paper's year, topics and whether it links code. Each is
kept under a hash of exactly those inputs, so a note edit or an edit of a paper's links reuses both.

When an edit does change their inputs, the rebuild goes on at once with the previous result (related lists
kept to the papers that still exist, titles always current), and the stage is recomputed in a child
process (``spawn``, started once and kept: the server's own process stays free for the next rebuild, and
a forked child of a threaded process can deadlock), waited for by a background thread. When it is done,
``on_update`` asks the server for one more rebuild (the serve session touches a file in a folder the
server watches), which finds everything cached and converges on exactly what ``mkdocs build`` shows.
The first build computes both at once. ``mkdocs build`` never uses this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.catalogue import Catalogue
from generator.charts import Chart, catalogue_charts
from generator.records import Paper

if TYPE_CHECKING:
    from generator.related import Related

log = logging.getLogger("mkdocs.plugins.catalogue")


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def related_key(papers: Sequence[Paper]) -> str:
    """Everything :func:`generator.related.related_papers` reads."""
    return _digest([[paper.id, paper.title, paper.abstract, list(paper.topics)] for paper in papers])


def charts_key(catalogue: Catalogue) -> str:
    """Everything :func:`generator.charts.catalogue_charts` reads."""
    papers = [[paper.id, paper.year, list(paper.topics), bool(paper.all_links)] for paper in catalogue.papers]
    return _digest([papers, [[topic.id, topic.name] for topic in catalogue.topics]])


def recompute(
    papers: Sequence[Paper], topics: Sequence, *, related: bool, charts: bool
) -> tuple[Related | None, list[Chart] | None]:
    """The stale stages only (runs in the child process)."""
    from generator.related import related_papers  # noqa: PLC0415 - scikit-learn: only where it runs

    return (
        related_papers(papers) if related else None,
        catalogue_charts(list(papers), topics) if charts else None,
    )


def current_related(previous: Related, papers: Sequence[Paper]) -> Related:
    """A previous result made safe for the papers of now: no removed paper listed, every paper present."""
    ids = {paper.id for paper in papers}
    return {
        paper.id: [(other, score) for other, score in previous.get(paper.id, []) if other in ids and other != paper.id]
        for paper in papers
    }


@dataclass(frozen=True)
class Derived:
    """The related papers and the charts a rebuild uses; ``current`` is False while a recompute is pending."""

    related: Related
    charts: list[Chart]
    current: bool


class DerivedStages:
    """Related papers and charts across serve rebuilds (one background thread, newest request first)."""

    def __init__(self, on_update: Callable[[], None]) -> None:
        self._on_update = on_update
        self._lock = threading.Condition()
        self._related: tuple[str, Related] | None = None
        self._charts: tuple[str, list[Chart]] | None = None
        self._pending: Catalogue | None = None
        self._request: Catalogue | None = None
        self._busy = False
        self._stopping = False
        self._pool = None  # the child process, started with the first recompute
        self._thread = threading.Thread(target=self._work, name="catalogue-derived", daemon=True)
        self._thread.start()

    def get(self, catalogue: Catalogue) -> Derived:
        """The derived stages for ``catalogue``: cached, computed now (first build) or previous and queued."""
        keys = related_key(catalogue.papers), charts_key(catalogue)
        with self._lock:
            if self._related is None or self._charts is None:  # first build: the thread has had no request
                self._store(catalogue, keys)
            related, charts = self._related, self._charts
            current = related[0] == keys[0] and charts[0] == keys[1]
            if not current:  # recomputed once this rebuild is written (release): not competing with it
                self._pending = catalogue
        if not current:
            log.info("catalogue: related papers or charts changed; shown from the last edit until recomputed")
        return Derived(related[1] if current else current_related(related[1], catalogue.papers), charts[1], current)

    def release(self) -> None:
        """The rebuild is written: start the recompute its ``get`` found stale, if any."""
        with self._lock:
            if self._pending is not None:
                self._request, self._pending = self._pending, None
                self._lock.notify_all()

    def _store(self, catalogue: Catalogue, keys: tuple[str, str]) -> None:
        """Compute whatever is stale for ``catalogue`` (the lock is held only by the first build)."""
        related = self._related
        if related is None or related[0] != keys[0]:
            from generator.related import related_papers  # noqa: PLC0415 - scikit-learn: only where it runs

            related = (keys[0], related_papers(catalogue.papers))
        charts = self._charts
        if charts is None or charts[0] != keys[1]:
            charts = (keys[1], catalogue_charts(list(catalogue.papers), catalogue.topics))
        self._related, self._charts = related, charts

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no recompute is queued or running; True when idle."""
        with self._lock:
            return self._lock.wait_for(lambda: self._request is None and not self._busy, timeout=timeout)

    def _work(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._request is not None or self._stopping)
                if self._stopping:
                    return
                catalogue, self._request = self._request, None
                self._busy = True
                related, charts = self._related, self._charts
            keys = related_key(catalogue.papers), charts_key(catalogue)
            try:
                found = self._in_child(catalogue, related=related[0] != keys[0], charts=charts[0] != keys[1])
                if found[0] is not None:
                    related = (keys[0], found[0])
                if found[1] is not None:
                    charts = (keys[1], found[1])
            except Exception:  # a bug here must not stop the server: log it, keep the previous result
                if not self._stopping:
                    log.exception("catalogue: related papers or charts could not be recomputed")
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
                continue
            with self._lock:
                self._related, self._charts = related, charts
                self._busy = False
                newer = self._request is not None or self._stopping
                self._lock.notify_all()
            if not newer:  # a newer edit is queued: its result will trigger the rebuild
                self._on_update()

    def _in_child(self, catalogue: Catalogue, *, related: bool, charts: bool) -> tuple:
        with self._lock:
            if self._stopping:
                raise RuntimeError("stopping")
            if self._pool is None:
                self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
            pending = self._pool.apply_async(
                recompute, (catalogue.papers, catalogue.topics), {"related": related, "charts": charts}
            )
        while True:  # never a bare get(): it would hang for ever if close() terminates the pool
            try:
                return pending.get(timeout=0.2)
            except multiprocessing.TimeoutError:
                if self._stopping:
                    raise RuntimeError("stopping") from None

    def close(self) -> None:
        """Stop the thread and the child process (killed if it is computing)."""
        with self._lock:
            self._stopping = True
            self._request = self._pending = None
            self._lock.notify_all()
        self._thread.join()  # within 0.2 s: it checks for stopping while it waits
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


class Memo:
    """Results of pure functions by a hash of the ``repr`` of everything they read, across serve rebuilds.

    Used by :func:`generator.site.generate_site` for paper pages (~1 ms each, most of it the "Add a note"
    link) and the feeds and BibTeX files; only what the last rebuild used is kept, so memory stays flat.
    """

    def __init__(self) -> None:
        self._kept: dict[bytes, object] = {}
        self._used: dict[bytes, object] = {}

    def start(self) -> None:
        """A new rebuild: keep only what the previous one used."""
        if self._used:
            self._kept, self._used = self._used, {}

    def __call__(self, key: object, function: Callable, /, *args: object, **kwargs: object) -> object:
        digest = hashlib.sha256(repr((function.__module__, function.__qualname__, key)).encode("utf-8")).digest()
        result = self._kept[digest] if digest in self._kept else self._used.get(digest, _MISSING)
        if result is _MISSING:
            result = function(*args, **kwargs)
        self._used[digest] = result
        return result


_MISSING = object()
