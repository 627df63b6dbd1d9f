"""Stage 5, search: feed each paper page to Pagefind while MkDocs is still rendering the others.

Indexing the written site after the build (:func:`generator.search_index.build_search_index`) costs
~22 s at 20,000 papers on top of MkDocs' single-threaded page loop. Pagefind's binary is a process of
its own, so it can index on the second core while MkDocs renders: the plugin hands every finished
paper page to :class:`SearchIndexStream` (``add``). Each shard is finished in memory
(:mod:`generator.pagefind_bundle`) and written into a staging folder as soon as its last page is in;
after the build ``finish`` waits for the last one, writes the sort orders and moves the index into
place, exactly as the file-based run does (nothing is installed unless every page was indexed).

MkDocs is synchronous; the Pagefind client is asyncio. One event loop runs in a background thread and
pages are submitted to it with ``asyncio.run_coroutine_threadsafe``, in render order (the loop starts
tasks first-in first-out, and each writes its request before it first waits: a shard's index exists
before its first page is submitted), so both runs send the same pages in the same order, and
Pagefind numbers the results in that order.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import concurrent.futures
import contextlib
import itertools
import json
import shutil
import tempfile
import threading
from pathlib import Path

from pagefind.index import PagefindIndex
from pagefind.service import PagefindService

from generator.pagefind_bundle import finish_bundle, write_bundle
from generator.search_index import (
    INDEX_FOLDER,
    TITLE_SELECTOR,
    TITLES_FOLDER,
    SearchIndexError,
    index_config,
    install_bundle,
    searchable_part,
)
from generator.search_shards import SHARD_PAGES, Result, plan_shards, shard_folder, write_manifest

# Shards holding pages at once: one being built and written, one being filled. Pagefind beside a busy
# MkDocs falls behind now and then; unbounded, four shards piled up in memory at the end of a
# 20,000-paper build (3.6 GB for all processes together).
SHARDS_IN_MEMORY = 2
RESPONSE_LIMIT = 2**31  # bytes of one response from Pagefind (a whole index from get_files)


class _Service(PagefindService):
    """Pagefind's service client, with three changes to pagefind 1.5.2's reader.

    - No 0.1 s pause before reading each response: it capped a client that adds pages one by one at
      ten pages a second (2,000 s for 20,000 papers).
    - Pagefind's stderr is passed through instead of being mixed into the stdout it answers on (a
      warning there would be read as a response), and a response may be larger than 2 MiB (a whole
      index, from ``get_files``).
    - If the service stops or answers something unreadable, every waiting request fails with the
      reason instead of waiting forever, and ``close`` stops the service without first waiting 5 s
      for answers that will not come.
    """

    async def launch(self) -> PagefindService:
        self._backend = await asyncio.create_subprocess_exec(
            self._bin,
            "--service",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=RESPONSE_LIMIT,
        )
        self._poll_task = self._loop.create_task(self._wait_for_responses())
        return self

    async def send(self, payload):  # noqa: ANN001, ANN201 - as PagefindService.send
        if self._poll_task.done():  # nothing would ever answer
            raise SearchIndexError("Pagefind's service is not running")
        return await super().send(payload)

    async def _wait_for_responses(self) -> None:
        try:
            await self._read_responses()
        except Exception as error:  # noqa: BLE001 - any failure ends every request still waiting
            failure = SearchIndexError(f"Pagefind's service stopped answering: {error!r}")
            for future in self._responses.values():
                if not future.done():
                    future.set_exception(failure)
        # Ends without an exception: the requests carry it, and asyncio would log an unread one

    async def close(self) -> None:
        """Stop the service at once (its requests were all answered, or the build has failed)."""
        self._poll_task.cancel()
        if self._backend.returncode is None:
            self._backend.terminate()
        await self._backend.wait()

    async def _read_responses(self) -> None:
        assert self._backend.stdout is not None
        while True:
            output = await self._backend.stdout.readuntil(b",")
            response = json.loads(base64.b64decode(output[:-1]))
            if response is None:
                continue
            message_id = response.get("message_id")
            payload = response["payload"]
            if message_id is None and payload.get("original_message"):  # Pagefind could not parse it
                message_id = json.loads(payload["original_message"]).get("message_id")
            future = self._responses.get(message_id)
            if future is None or future.done():
                continue
            if payload["type"] == "Error":
                future.set_exception(Exception(payload["message"], payload.get("original_message")))
            else:
                future.set_result(payload)


async def write_index(
    index: PagefindIndex, folder: Path, *, first_result: int = 0, data_only: bool = False
) -> list[Result]:
    """Write ``index``'s bundle into ``folder`` from here, not from Pagefind's process, finished
    (:func:`generator.pagefind_bundle.finish_bundle`); each result's (id, url, meta).

    pagefind 1.5.2 answers ``write_files`` before its last writes reach the disk (it drops each tokio
    file without flushing it: https://github.com/Pagefind/pagefind/issues/1271), so a bundle read
    right after could hold an empty or cut-off file; under load it did. ``get_files`` hands over the
    same files in the response instead, and they are complete on disk when this returns.

    The finishing and writing run off the loop, which meanwhile sends the next shard's pages and takes
    Pagefind's answers (749 papers: the last shard's ``get_files`` took 0.32-0.35 s while the shard
    before it was written from the loop, 0.24-0.26 s otherwise).
    """
    files = await index.get_files()
    return await asyncio.to_thread(_write_bundle, files, folder, first_result, data_only)


def _write_bundle(files: list[dict], folder: Path, first_result: int, data_only: bool) -> list[Result]:
    bundle, results = finish_bundle(files, first_result=first_result, data_only=data_only)
    write_bundle(bundle, folder)
    return results


class SearchIndexStream:
    """The paper index in shards (:mod:`generator.search_shards`), and the title-only index with
    ``titles``, filled page by page from another thread.

    Every shard and the title index have a Pagefind process of their own (:meth:`_open`). A shard is
    written, and its Pagefind stopped, as soon as its last page is in, while MkDocs renders the next
    ones. The title index is written with the last shard, or as soon as it is built when its titles
    come ahead of the pages (:meth:`add_titles`); ``finish`` then installs everything at once.
    """

    def __init__(
        self,
        *,
        titles: bool = False,
        staging_parent: Path | None = None,
        shard_pages: int = SHARD_PAGES,
        pages: int,
    ) -> None:
        """``pages``: how many pages will be added; the shards are cut by
        :func:`generator.search_shards.plan_shards`, and more pages are an error."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pagefind-stream", daemon=True)
        self._thread.start()
        self._shard_ends = list(itertools.accumulate(plan_shards(pages, shard_pages)))  # pages added when each is full
        self._pending: list[concurrent.futures.Future] = []  # every page's request, in order
        self._shard_writes: dict[int, concurrent.futures.Future] = {}  # shard -> its results, once written
        self._shards: dict[int, PagefindIndex] = {}  # shard number -> its index (created on first use)
        self._services: dict[int | str, PagefindService] = {}  # a Pagefind per shard, and TITLES_FOLDER's
        self._titles: PagefindIndex | None = None
        self._titles_ahead: dict[str, str] | None = None  # add_titles: url -> title part, until its page comes
        self._title_write: concurrent.futures.Future | None = None  # the title index, written ahead
        if staging_parent is not None:
            staging_parent.mkdir(parents=True, exist_ok=True)
        self._staging = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=staging_parent))
        try:
            self._run(self._open(titles=titles))
        except Exception as error:
            self.close()
            raise SearchIndexError(f"Pagefind could not start: {error}") from error

    def _run(self, coroutine):  # noqa: ANN001, ANN202 - any coroutine, its result
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open(self, *, titles: bool) -> None:
        """Start a Pagefind for every shard and one for the titles, all at once (~10 MB each while idle).

        One Pagefind builds one index at a time and answers nothing else meanwhile: with every shard in
        one process, the pages of the next shard waited for the shard before it to be built (5,000
        papers: the 4,000-page shard took 5.4 s, and the last 1,000 pages were indexed only after it).
        A shard's Pagefind is stopped once its shard is written, which frees its memory at once.
        """
        names = [*range(len(self._shard_ends)), *([TITLES_FOLDER] if titles else [])]
        # PagefindService reads the running loop: created here, in the loop
        services = await asyncio.gather(*(_Service().launch() for _ in names))
        self._services = dict(zip(names, services, strict=True))
        if titles:
            self._titles = await self._services[TITLES_FOLDER].create_index(index_config(root_selector=TITLE_SELECTOR))

    def _shard(self, shard: int) -> PagefindIndex:
        """Shard ``shard``'s index, created (waiting for Pagefind) before the first page that needs it.

        Created here, in the caller's thread, and not by that page's task in the loop: a task that had
        to wait for the index could be overtaken by a later page's task that found it ready, and
        Pagefind numbers the results in the order the pages reach it (the index would differ from run
        to run). At most :data:`SHARDS_IN_MEMORY` shards hold pages at once: a shard is opened only once
        the shard two before it is written (its failure is reported by ``finish``).
        """
        if shard not in self._shards:
            if shard not in self._services:
                raise SearchIndexError("Pagefind's service is not running")
            if shard >= SHARDS_IN_MEMORY:  # the shard before the one before is written and stopped first
                concurrent.futures.wait([self._shard_writes[shard - SHARDS_IN_MEMORY]])
            try:
                self._shards[shard] = self._run(self._services[shard].create_index(index_config()))
            except Exception as error:  # Pagefind's service reports failures as plain exceptions
                raise SearchIndexError(f"Pagefind could not create an index: {error}") from error
        return self._shards[shard]

    async def _add(self, index: PagefindIndex | None, url: str, html: str, *, title: bool) -> None:
        # No await before the requests are sent: the pages reach Pagefind in the order they were added
        requests = [index.add_html_file(content=searchable_part(html), url=url)] if index is not None else []
        if title and self._titles is not None:
            part = searchable_part(html, root_selector=TITLE_SELECTOR)
            requests.append(self._titles.add_html_file(content=part, url=url))
        await asyncio.gather(*requests)

    def add_titles(self, pages: list[tuple[str, str]]) -> None:
        """Index every page's title ahead of the pages, and write the title index as soon as it is built.

        ``pages``: each page's URL and its title heading (or any text holding it: the page's Markdown),
        in the order the pages will be added. The title index needs nothing else of a page, so
        ``mkdocs build`` gives it before MkDocs renders: it is built at the start, beside MkDocs, instead
        of at the end beside the last shard (5,000 papers: 1.6 s to build it and 1-2.7 s to write its
        5,000 results). Each page added later must carry the same heading (checked).
        """
        if self._titles is None or self._pending or self._titles_ahead is not None:
            raise ValueError("titles ahead need a title index, before any page and only once")
        self._titles_ahead = {}
        for url, html in pages:
            if url in self._titles_ahead:
                raise SearchIndexError(f"{url}: its title is given twice")
            self._titles_ahead[url] = searchable_part(html, root_selector=TITLE_SELECTOR)
        requests = [
            asyncio.run_coroutine_threadsafe(self._add(None, url, part, title=True), self._loop)
            for url, part in self._titles_ahead.items()
        ]
        self._title_write = asyncio.run_coroutine_threadsafe(
            self._write(TITLES_FOLDER, self._titles, requests), self._loop
        )

    def _check_title(self, url: str, html: str) -> None:
        """A page whose title was indexed ahead must carry that title (the index would be wrong otherwise)."""
        assert self._titles_ahead is not None
        if url not in self._titles_ahead:
            raise SearchIndexError(f"{url}: no title was indexed ahead for this page")
        if self._titles_ahead.pop(url) != searchable_part(html, root_selector=TITLE_SELECTOR):
            raise SearchIndexError(f"{url}: its title heading is not the one indexed ahead")

    async def _write(
        self, name: int | str, index: PagefindIndex, pages: list[concurrent.futures.Future], **finish: object
    ) -> list[Result]:
        """Write shard ``name``'s index (or the titles') once ``pages`` are in it, then stop its Pagefind;
        ``finish``: how (:func:`write_index`)."""
        await asyncio.gather(*(asyncio.wrap_future(page) for page in pages))
        folder = self._staging / (name if isinstance(name, str) else f"shard-{name}")
        results = await write_index(index, folder, **finish)
        await self._services.pop(name).close()
        return results

    def _shard_of(self, page: int) -> int:
        """The shard the ``page``-th page (from 0) goes into."""
        return bisect.bisect_right(self._shard_ends, page)

    def add(self, url: str, html: str) -> None:
        """Queue one finished page (``url`` as the site serves it, e.g. ``/papers/<id>/``); returns at once."""
        shard = self._shard_of(len(self._pending))
        if shard == len(self._shard_ends):
            raise SearchIndexError(f"{url}: one page more than the {self._shard_ends[-1]} announced")
        if self._titles_ahead is not None:
            self._check_title(url, html)
        add = self._add(self._shard(shard), url, html, title=self._titles_ahead is None)
        self._pending.append(asyncio.run_coroutine_threadsafe(add, self._loop))
        if len(self._pending) == self._shard_ends[shard]:  # complete: write it while MkDocs goes on
            self._schedule_write(shard)

    def _schedule_write(self, shard: int) -> None:
        first = self._shard_ends[shard - 1] if shard else 0  # its results are numbered on from there
        write = self._write(shard, self._shard(shard), self._pending[first:], first_result=first, data_only=shard > 0)
        self._shard_writes[shard] = asyncio.run_coroutine_threadsafe(write, self._loop)

    def finish(self, site: Path) -> int:
        """Wait for every page, write what is left, install both indexes into ``site``; the page count."""
        site = site.resolve()
        pages = len(self._pending)
        shards = self._shard_of(pages - 1) + 1 if pages else 1
        try:
            if shards - 1 not in self._shard_writes:  # the last shard is not written yet
                self._schedule_write(shards - 1)
            writes = [self._shard_writes[shard] for shard in range(shards)]
            if self._titles_ahead:
                raise SearchIndexError(f"{next(iter(self._titles_ahead))}: its title was indexed, its page never came")
            if self._title_write is not None:
                writes.append(self._title_write)
            elif self._titles is not None:  # beside the last shard, in its own Pagefind
                write = self._write(TITLES_FOLDER, self._titles, self._pending)
                writes.append(asyncio.run_coroutine_threadsafe(write, self._loop))
            for future in self._pending:
                future.result()
            results = [future.result() for future in writes]
            bundle = self._staging / "shard-0"
            for shard in range(1, shards):  # shard k goes inside shard 0's bundle (search_shards.py)
                (self._staging / f"shard-{shard}").rename(shard_folder(bundle, shard))
            write_manifest(bundle, shards, [result for shard in results[:shards] for result in shard])
            install_bundle(bundle, site / INDEX_FOLDER)
            if self._titles is not None:
                install_bundle(self._staging / TITLES_FOLDER, site / TITLES_FOLDER)
        except Exception as error:  # Pagefind's service reports failures as plain exceptions
            raise SearchIndexError(f"{site}: Pagefind failed: {error}") from error
        finally:
            self.close()
        return pages

    async def _close_services(self) -> None:
        while self._services:
            _name, service = self._services.popitem()
            with contextlib.suppress(Exception):  # already stopping: nothing left to report
                await service.close()

    def close(self) -> None:
        """Stop Pagefind and the loop thread (safe to call twice, and after a failed build)."""
        if self._loop.is_running():
            self._run(self._close_services())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
        if self._staging.exists():
            shutil.rmtree(self._staging)
