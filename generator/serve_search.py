"""Stage 5, search: keep the Pagefind index current under ``mkdocs serve`` without holding up the reload.

Pagefind cannot update an index in place, and indexing 750 paper pages takes 1-2 s, longer than the rest
of a cached serve rebuild (:mod:`generator.live`); MkDocs also empties the site folder before each rebuild.
So after every serve rebuild :class:`ServeSearchIndex`

1. puts the last complete bundle back into the fresh site folder at once (hard links: a finished bundle is
   never changed), so the search page answers as soon as the browser reloads, from the previous edit;
2. reads the paper pages just written and indexes them in a background thread (Pagefind's own process;
   pages read while a newer rebuild had begun are dropped: that rebuild asks for its own index);
3. swaps the new bundle into the site folder when it is complete (built aside under a hidden name, then
   renamed into place), unless a newer rebuild has started: that one puts the new bundle in itself.

Only the newest rebuild waiting is indexed next; ``close`` (the plugin's ``on_shutdown``) stops the thread
(letting a re-index under way finish, which stops its Pagefind process) and deletes the private bundles,
so nothing outlives the server and no half bundle is served.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from generator.search_index import INDEX_FOLDER, PAPER_PAGES, TITLES_FOLDER, build_search_index, page_url
from generator.search_shards import SHARD_PAGES
from generator.search_stream import SearchIndexStream

log = logging.getLogger("mkdocs.plugins.catalogue")
FOLDERS = (INDEX_FOLDER, TITLES_FOLDER)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: a copy
        shutil.copy2(source, target)


def install(bundle: Path, site: Path) -> None:
    """Put the bundle's index folders into ``site``, each replaced whole (never a half-written folder)."""
    for folder in FOLDERS:
        if not (bundle / folder).is_dir():
            continue
        fresh, old = site / f".{folder}-new", site / f".{folder}-old"  # hidden: MkDocs' clean skips them
        for leftover in (fresh, old):
            shutil.rmtree(leftover, ignore_errors=True)
        shutil.copytree(bundle / folder, fresh, copy_function=_link_or_copy)
        if (site / folder).exists():
            (site / folder).rename(old)
        fresh.rename(site / folder)
        shutil.rmtree(old, ignore_errors=True)


def paper_pages(site: Path) -> list[tuple[str, str]]:
    """Every built paper page as (url as served, HTML), in sorted order."""
    pages = sorted(site.glob(PAPER_PAGES))
    return [(page_url(site, page), page.read_text(encoding="utf-8")) for page in pages]


class ServeSearchIndex:
    """The Pagefind bundle of the served site, re-indexed in the background after each rebuild."""

    def __init__(self, *, titles: bool, shard_pages: int = SHARD_PAGES) -> None:
        self._titles = titles
        self._shard_pages = shard_pages
        self._store = Path(tempfile.mkdtemp(prefix="catalogue-pagefind-"))
        self._lock = threading.Condition()  # guards every field below
        self._latest: Path | None = None  # the newest complete bundle: a folder under _store
        self._request: tuple[int, Path] | None = None
        self._generation = 0  # the rebuild whose site folder is being served
        self._count = 0
        self._busy = False  # a re-index is running
        self._stopping = False
        self._thread = threading.Thread(target=self._work, name="pagefind-serve", daemon=True)
        self._thread.start()

    def begin_rebuild(self) -> None:
        """A rebuild starts (before MkDocs empties the site folder): no background install into it from now."""
        with self._lock:
            self._generation += 1

    def after_build(self, site: Path) -> None:
        """Serve the last bundle in the fresh ``site`` and queue its re-index (the first build indexes at once)."""
        site = site.resolve()
        with self._lock:
            latest, generation = self._latest, self._generation
        if latest is None:  # nothing to show yet: index now, as mkdocs build does
            build_search_index(site, titles=self._titles, shard_pages=self._shard_pages)
            bundle = self._new_bundle_folder()
            for folder in FOLDERS:
                if (site / folder).is_dir():
                    shutil.copytree(site / folder, bundle / folder, copy_function=_link_or_copy)
            with self._lock:
                self._latest = bundle
            return
        with self._lock:
            install(latest, site)
            self._request = (generation, site)  # the pages are read by the worker, off the rebuild's path
            self._lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no re-index is queued or running (tests and benchmarks); True when idle."""
        with self._lock:
            return self._lock.wait_for(lambda: self._request is None and not self._busy, timeout=timeout)

    def _new_bundle_folder(self) -> Path:
        self._count += 1
        bundle = self._store / str(self._count)
        bundle.mkdir()
        return bundle

    def _work(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._request is not None or self._stopping)
                if self._stopping:
                    return
                request, self._request = self._request, None
                self._busy = True  # busy, for wait_idle
            for attempt in (1, 2):  # once more after a failure (Pagefind's service is a separate process)
                if self._index(request, last_attempt=attempt == 2):
                    break

    def _index(self, request: tuple[int, Path], *, last_attempt: bool) -> bool:
        generation, site = request
        with self._lock:
            if self._stopping:
                self._busy = False
                self._lock.notify_all()
                return True
            bundle = self._new_bundle_folder()
        try:
            pages = paper_pages(site)
            with self._lock:
                if generation != self._generation:  # read while a newer rebuild emptied the folder: drop it
                    self._busy = False
                    self._lock.notify_all()
                    shutil.rmtree(bundle, ignore_errors=True)
                    return True
            stream = SearchIndexStream(
                titles=self._titles, staging_parent=bundle.parent, shard_pages=self._shard_pages, pages=len(pages)
            )
            try:
                for url, html in pages:
                    stream.add(url, html)
                stream.finish(bundle)
            finally:
                stream.close()  # after a failed page too: Pagefind and the staging folder go
        except Exception as error:  # noqa: BLE001 - whatever failed, the previous bundle stays served
            shutil.rmtree(bundle, ignore_errors=True)
            with self._lock:
                superseded = generation != self._generation  # the pages went while read: the newer rebuild asks
                if last_attempt or self._stopping or superseded:
                    self._busy = False
                    self._lock.notify_all()
                if superseded:
                    return True
                if not self._stopping:
                    again = "" if last_attempt else ", trying again"
                    log.warning(f"catalogue: search index not updated{again}: {error}")
            return False
        with self._lock:
            self._busy = False
            old, self._latest = self._latest, bundle
            if generation == self._generation and not self._stopping:  # no newer rebuild: swap it in now
                install(bundle, site)
                log.info("catalogue: search index updated")
            self._lock.notify_all()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)  # served copies are hard links of their own
        return True

    def close(self) -> None:
        """Stop indexing and delete the private bundles; a re-index under way ends first (~1 s at 750 papers)."""
        with self._lock:
            self._stopping = True
            self._request = None
            self._lock.notify_all()
        self._thread.join()  # Pagefind stops at the end of the stream's finish, so no process outlives this
        shutil.rmtree(self._store, ignore_errors=True)
