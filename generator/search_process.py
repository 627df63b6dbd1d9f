"""Stage 5, search: Pagefind's client in a process of its own while MkDocs renders.

Feeding Pagefind from a thread of the MkDocs process (:class:`generator.search_stream.SearchIndexStream`
encodes every page as JSON and base64 and waits on asyncio) takes the GIL from MkDocs' single-threaded
page loop many times a page. Here the stream runs in a spawned child instead; the build only sends
each finished paper page down a pipe, and the encoding, Pagefind's replies and the shard writes all
happen on the other core. ``finish`` returns once the child has installed the indexes, or raises
:class:`generator.search_index.SearchIndexError` with the child's message.

Nothing waits for the child: it starts (a fresh interpreter, then Pagefind: ~0.35 s) while MkDocs
reads the pages, and writes the index as soon as the build says no page follows (``start_finish``,
after the last paper page) while MkDocs renders the rest. A child that could not start says why at
the first page sent after it gave up, or at ``finish``.

A ``spawn`` process (a fresh interpreter), as in :mod:`generator.related_process`: ``mkdocs serve``
runs threads, and a forked child of a threaded process can deadlock.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from generator.related_process import BACKGROUND_NICENESS
from generator.search_index import SearchIndexError

STOP_SECONDS = 10.0  # how long ``close`` lets the child clean up before it is killed


class SearchIndexProcess:
    """Same interface as ``SearchIndexStream`` (``add``, ``finish``, ``close``), in a child process."""

    def __init__(
        self, *, titles: bool = False, staging_parent: Path | None = None, shard_pages: int, pages: int
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, titles, staging_parent, shard_pages, pages), name="pagefind-feeder", daemon=True
        )
        self._process.start()
        child.close()
        self._finishing: Path | None = None  # the site the indexes go to, once no page follows
        self._started = False  # "ready" read: the child and Pagefind run (they start while MkDocs reads pages)
        self._added = False  # a page was sent
        # Pages go down the pipe from a thread of their own: the child, on the busy second core, reads more
        # slowly than MkDocs writes now and then, and a full pipe held up MkDocs' page loop (5,000 papers:
        # 2.2 s of on_post_page's 3.7 s were spent in send).
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._send_failed = False  # the child stopped reading: its last message says why
        self._closing = False  # pages still queued are dropped
        self._sender = threading.Thread(target=self._send_all, name="pagefind-sender", daemon=True)
        self._sender.start()

    def _check_started(self, *, wait: bool) -> None:
        """Read the child's "ready" if it is there (``wait``: wait for it); raises the reason it failed."""
        if not self._started and (wait or self._connection.poll()):
            self._receive()
            self._started = True

    def _send_all(self) -> None:
        """The sender thread: every queued message down the pipe, in order, until ``None``."""
        while (message := self._outbox.get()) is not None:
            if self._closing and message[0] == "page":
                continue
            try:
                self._connection.send(message)
            except OSError:  # the child is gone
                self._send_failed = True
                return

    def _send(self, message: tuple) -> None:
        if self._send_failed:  # the child is gone: its last message says why
            self._check_started(wait=True)
            raise SearchIndexError("Pagefind's feeding process stopped unexpectedly")
        self._outbox.put(message)

    def _receive(self) -> object:
        try:
            kind, value = self._connection.recv()
        except EOFError:
            raise SearchIndexError("Pagefind's feeding process stopped unexpectedly") from None
        if kind == "error":
            self.close()
            raise SearchIndexError(value)
        return value

    def add(self, url: str, html: str) -> None:
        """Send one finished page (``url`` as the site serves it); returns at once (it is queued)."""
        if self._finishing is not None:
            raise ValueError(f"{url}: a page after the last one (the index is being written)")
        self._check_started(wait=False)
        self._send(("page", url, html))
        self._added = True

    def add_titles(self, pages: list[tuple[str, str]]) -> None:
        """The title index ahead of the pages (``SearchIndexStream.add_titles``: URL and title heading each)."""
        if self._finishing is not None or self._added:
            raise ValueError("titles ahead come before any page")
        self._check_started(wait=False)
        self._send(("titles", pages))

    def start_finish(self, site: Path) -> None:
        """Tell the child that no page follows: it writes and installs the indexes into ``site`` while
        the build goes on (``finish`` waits for it); returns at once."""
        if self._finishing is None:
            self._finishing = site
            self._send(("finish", str(site)))

    def finish(self, site: Path) -> int:
        """Write and install the indexes into ``site`` (replaced only on success); the page count."""
        self.start_finish(site)
        if self._finishing != site:
            raise ValueError(f"{site}: the index is being written into {self._finishing}")
        self._check_started(wait=True)
        pages = self._receive()
        self.close()
        assert isinstance(pages, int)
        return pages

    def close(self) -> None:
        """Stop the child (it removes its staging folder); safe to call twice."""
        self._closing = True
        alive = self._process.is_alive()
        if alive:
            self._outbox.put(("close",))
        self._outbox.put(None)  # the sender stops after it
        if alive:
            self._process.join(STOP_SECONDS)
            if self._process.is_alive():
                self._process.kill()  # a send blocked on the full pipe fails now, and the sender ends
                self._process.join()
        self._sender.join()
        self._connection.close()


def _serve(connection: Connection, titles: bool, staging_parent: Path | None, shard_pages: int, pages: int) -> None:
    """The child: a SearchIndexStream fed from ``connection`` until "finish" or "close"."""
    from generator.search_stream import SearchIndexStream  # noqa: PLC0415 - imported in the child only

    os.nice(BACKGROUND_NICENESS)  # MkDocs' page loop first; Pagefind's processes inherit it
    try:
        stream = SearchIndexStream(titles=titles, staging_parent=staging_parent, shard_pages=shard_pages, pages=pages)
    except SearchIndexError as error:
        connection.send(("error", str(error)))
        return
    connection.send(("ready", None))
    failure = None  # why a page could not be queued; the build hears it at "finish", when it listens
    try:
        while True:
            message = connection.recv()
            if message[0] == "page":
                if failure is None:
                    try:
                        stream.add(message[1], message[2])
                    except SearchIndexError as error:
                        failure = f"{message[1]}: {error}"
            elif message[0] == "titles":
                try:
                    stream.add_titles(message[1])
                except SearchIndexError as error:
                    failure = f"the titles given ahead: {error}"
            elif message[0] == "finish":
                if failure is not None:
                    connection.send(("error", f"{message[1]}: Pagefind failed at {failure}"))
                    return
                try:
                    connection.send(("done", stream.finish(Path(message[1]))))
                except SearchIndexError as error:
                    connection.send(("error", str(error)))
                return
            else:
                return
    except EOFError:  # the build stopped without saying goodbye
        return
    finally:
        stream.close()
