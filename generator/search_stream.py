"""Stage 5, search: feed each paper page to Pagefind while MkDocs is still rendering the others.

Indexing the written site after the build (:func:`generator.search_index.build_search_index`) costs
~22 s at 20,000 papers on top of MkDocs' single-threaded page loop. Pagefind's binary is a process of
its own, so it can index on the second core while MkDocs renders: the plugin hands every finished
paper page to :class:`SearchIndexStream` (``add``), and after the build ``finish`` waits for the last
page, writes the bundle into a staging folder, canonicalises it and moves it into place, exactly as
the file-based run does (nothing is written unless every page was indexed).

MkDocs is synchronous; the Pagefind client is asyncio. One event loop runs in a background thread and
pages are submitted to it with ``asyncio.run_coroutine_threadsafe``, in render order (the loop starts
tasks first-in first-out, and each writes its request before it first waits), so both runs send the
same pages in the same order.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import json
import shutil
import tempfile
import threading
from pathlib import Path

from pagefind.index import PagefindIndex
from pagefind.service import PagefindService

from generator.search_index import (
    INDEX_FOLDER,
    TITLE_SELECTOR,
    TITLES_FOLDER,
    SearchIndexError,
    index_config,
    install_bundle,
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
            return PAGE_START + html[start:end] + PAGE_END
    return html


class _Service(PagefindService):
    """Pagefind's service client without the 0.1 s pause its reader takes before every response.

    pagefind 1.5.2's ``_wait_for_responses`` sleeps 0.1 s before reading each response, which caps a
    client that adds pages one by one at ten pages a second (2,000 s for 20,000 papers). This reader
    is the same loop without the pause: responses are read as soon as Pagefind writes them.
    """

    async def _wait_for_responses(self) -> None:
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


class SearchIndexStream:
    """Pagefind indexes (full, and title-only with ``titles``) filled page by page from another thread."""

    def __init__(self, *, titles: bool = False) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pagefind-stream", daemon=True)
        self._thread.start()
        self._pending: list[concurrent.futures.Future] = []
        self._service: PagefindService | None = None
        self._indexes: dict[str, tuple[PagefindIndex, str | None]] = {}
        folders = {INDEX_FOLDER: None, **({TITLES_FOLDER: TITLE_SELECTOR} if titles else {})}
        try:
            self._run(self._open(folders))
        except Exception as error:
            self.close()
            raise SearchIndexError(f"Pagefind could not start: {error}") from error

    def _run(self, coroutine):  # noqa: ANN001, ANN202 - any coroutine, its result
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open(self, folders: dict[str, str | None]) -> None:
        self._service = await _Service().launch()  # PagefindService reads the running loop: create it here
        for folder, root_selector in folders.items():
            index = await self._service.create_index(index_config(root_selector=root_selector))
            self._indexes[folder] = (index, root_selector)

    async def _add(self, url: str, html: str) -> None:
        await asyncio.gather(
            *(
                index.add_html_file(content=searchable_part(html, root_selector=root_selector), url=url)
                for index, root_selector in self._indexes.values()
            )
        )

    async def _write(self, staging: dict[str, Path]) -> None:
        await asyncio.gather(
            *(index.write_files(output_path=str(staging[folder])) for folder, (index, _) in self._indexes.items())
        )

    def add(self, url: str, html: str) -> None:
        """Queue one finished page (``url`` as the site serves it, e.g. ``/papers/<id>/``); returns at once."""
        self._pending.append(asyncio.run_coroutine_threadsafe(self._add(url, html), self._loop))

    def finish(self, site: Path) -> int:
        """Wait for every page, write each index into ``site`` (replaced only on success); the page count."""
        site = site.resolve()
        try:
            for future in self._pending:
                future.result()
            staging = {folder: Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent)) for folder in self._indexes}
            try:
                self._run(self._write(staging))  # both indexes at once: MkDocs is done, both cores are free
                for folder, bundle in staging.items():
                    install_bundle(bundle, site / folder)
            finally:
                for bundle in staging.values():
                    if bundle.exists():
                        shutil.rmtree(bundle)
        except Exception as error:  # Pagefind's service reports failures as plain exceptions
            raise SearchIndexError(f"{site}: Pagefind failed: {error}") from error
        finally:
            self.close()
        return len(self._pending)

    def close(self) -> None:
        """Stop Pagefind and the loop thread (safe to call twice, and after a failed build)."""
        if self._service is not None and self._loop.is_running():
            service, self._service = self._service, None
            with contextlib.suppress(Exception):  # already stopping: nothing left to report
                self._run(service.close())
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
