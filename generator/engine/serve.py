"""Engine glue: what ``mkdocs serve`` keeps between rebuilds, so an edit shows in about a second.

MkDocs rebuilds the whole site on every change (~5 ms a page: 4 s at 749 papers). The plugin keeps,
for as long as the server runs, a few content-keyed caches; nothing in them is reused whose inputs
changed, and ``mkdocs build`` uses none of them:

* :class:`Memo`: results of the pure stages (related papers, charts, paper pages, feeds) by a key of
  their inputs;
* :class:`PageCache`: each paper page's finished HTML under a key of its generated source and the
  site's own files (``mkdocs.yml``, ``docs/``, ``overrides/``). An unchanged paper page is handed to
  MkDocs as a ready static file (``File.generated``), so MkDocs renders only what changed;
* :class:`BackgroundSearch`: the Pagefind bundle. Indexing 749 pages takes 1-2 s, so a rebuild writes
  the last bundle at once and, when the searchable pages changed, indexes them again in a background
  thread (the one thread of ours, serve only); the fresh bundle replaces the served one when ready.
  The thread keeps its own copy of the searchable pages and writes only the pages an edit changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.search.index import INDEX_FOLDER, SearchIndexError, build_search_index

log = logging.getLogger("mkdocs.plugins.catalogue")


def fingerprint(paths: list[Path]) -> str:
    """A hash of every file under ``paths`` (files or folders), names and contents, in sorted order."""
    digest = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(path for path in root.rglob("*") if path.is_file())
        for path in files:
            digest.update(path.as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Memo:
    """``memo(key, function, *args, **kwargs)``: the result kept under ``key``, or the function's.

    A key is any value whose ``repr`` says everything the result depends on (records are frozen
    dataclasses, so theirs does).

    Keeps what the last rebuild asked for and drops the rest when the next one starts (:meth:`start`).
    """

    def __init__(self) -> None:
        self._kept: dict[object, object] = {}
        self._used: dict[object, object] = {}

    def start(self) -> None:
        self._kept, self._used = self._used or self._kept, {}

    def __call__(self, key: object, function: Callable, /, *args: object, **kwargs: object) -> object:
        key = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()  # keys hold lists: hashed by their repr
        if key in self._used:
            return self._used[key]
        result = self._kept[key] if key in self._kept else function(*args, **kwargs)
        self._used[key] = result
        return result


@dataclass(frozen=True)
class CachedPage:
    key: str
    dest_uri: str
    html: str


class PageCache:
    """Finished paper pages by source path, each under the key of what it was rendered from."""

    def __init__(self) -> None:
        self.pages: dict[str, CachedPage] = {}

    @staticmethod
    def key(site: str, src_uri: str, source: str) -> str:
        return hashlib.sha256(f"{site}\0{src_uri}\0{source}".encode()).hexdigest()

    def reusable(self, src_uri: str, key: str) -> CachedPage | None:
        page = self.pages.get(src_uri)
        return page if page is not None and page.key == key else None

    def keep(self, src_uri: str, page: CachedPage) -> None:
        self.pages[src_uri] = page

    def forget_others(self, src_uris: set[str]) -> None:
        for src_uri in set(self.pages) - src_uris:
            del self.pages[src_uri]


class BackgroundSearch:
    """The served Pagefind bundle, indexed again in a background thread when the searchable pages change."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="catalogue-serve-search-"))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalogue-search")
        self._lock = threading.Lock()
        self._site: Path | None = None  # the served site, once a rebuild has finished writing it
        self._ready: Path | None = None  # the newest finished bundle
        self._key = ""  # the pages the newest requested bundle indexes
        self._count = 0
        # The thread's own copy of the searchable pages, as the last indexing wrote them (site path -> HTML).
        self.pages_folder = self._folder / "pages"
        self._written: dict[str, str] = {}

    def building(self) -> None:
        """A rebuild starts: MkDocs empties the site folder next, nothing may be copied into it."""
        with self._lock:
            self._site = None

    def built(self, site: Path, pages: dict[str, str]) -> None:
        """A rebuild finished writing ``site``; ``pages``: the searchable pages' HTML by site path."""
        digest = hashlib.sha256()  # fed page by page: a repr of all the pages would copy ~20 MB first
        for path, html in sorted(pages.items()):
            name, data = path.encode(), html.encode()
            digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
            digest.update(data)
        key = digest.hexdigest()
        with self._lock:
            self._site = site
            if self._ready is not None:
                _install(self._ready, site)
            if key == self._key:
                return
            self._key = key
            self._count += 1
            bundle = self._folder / f"bundle-{self._count}"
        self._pool.submit(self._index, bundle, dict(pages))

    def _write_pages(self, pages: dict[str, str]) -> None:
        """Bring the thread's copy of the searchable pages up to ``pages``: write what changed, remove what went."""
        for path in sorted(set(self._written) - set(pages)):
            (self.pages_folder / path).unlink(missing_ok=True)
            del self._written[path]
        for path, html in pages.items():
            if self._written.get(path) != html:
                target = self.pages_folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")
                self._written[path] = html

    def _index(self, bundle: Path, pages: dict[str, str]) -> None:
        self._write_pages(pages)
        try:
            build_search_index(self.pages_folder, output=bundle)
        except SearchIndexError as error:
            log.warning("catalogue: the search index was not rebuilt: %s", error)
            return
        with self._lock:
            previous, self._ready = self._ready, bundle
            if self._site is not None:
                _install(self._ready, self._site)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._folder, ignore_errors=True)


def _install(bundle: Path, site: Path) -> None:
    """Link a finished bundle into the served site (hard links: no bytes copied), replacing the one there."""
    target = site / INDEX_FOLDER
    if target.exists():
        shutil.rmtree(target)
    try:
        shutil.copytree(bundle, target, copy_function=os.link)
    except OSError:  # another file system: copy
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(bundle, target)
