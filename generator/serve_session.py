"""Stage 4, site: what ``mkdocs serve`` keeps across rebuilds, in one object the thin plugin calls into.

MkDocs rebuilds the whole site on every change and loads a fresh config each time, but keeps a plugin
that has ``on_startup`` (and so this session) for as long as the server runs. The session holds every
serve-only cache and worker, so ``mkdocs build`` never touches them and the plugin stays a map of events:

* parsed records (:class:`generator.catalogue.LoadCache`) and the results of pure page renderers
  (:class:`generator.serve_stages.Memo`);
* related papers and charts, recomputed in a child only when their inputs change
  (:class:`generator.serve_stages.DerivedStages`); a finished recompute asks the server for one more
  rebuild by writing into a folder the server watches (:attr:`ServeSession.signal_folder`);
* finished pages and their search entries (:mod:`generator.live`): an unchanged page is handed to MkDocs
  as ready HTML, an unchanged paper page is not even written again (its folder is set aside), and
  compiled templates are kept (:class:`generator.live.TemplateBytecode`);
* the Pagefind index, rebuilt in the background after the page reload (:mod:`generator.serve_search`).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from generator.catalogue import Catalogue, LoadCache
from generator.live import (
    CachedPage,
    PageCache,
    TemplateBytecode,
    keep_paper_folder,
    linked_pages,
    page_key,
    restore_paper_folder,
    site_fingerprint,
)
from generator.serve_search import ServeSearchIndex
from generator.serve_stages import Derived, DerivedStages, Memo
from generator.site import GeneratedPage
from generator.storage import write_atomic

log = logging.getLogger("mkdocs.plugins.catalogue")


def search_entries(config: MkDocsConfig) -> list | None:
    """Material's search index entries, when that plugin is on (None otherwise)."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(search, "search_index", None)
    return getattr(index, "entries", None)


class ServeSession:
    """Caches and background workers of one ``mkdocs serve`` run (created in the plugin's ``on_startup``)."""

    def __init__(self) -> None:
        self.live = PageCache()
        self.page_keys: dict[str, str] = {}
        self.keyed_pages: dict[str, tuple] = {}  # src_uri -> (GeneratedPage, its page_key)
        self.kept_papers: dict[str, CachedPage] = {}  # reused paper pages, by dest_uri: never written again
        self.search_start: dict[str, int] = {}
        self.load_cache = LoadCache()
        self.signal_folder = Path(tempfile.mkdtemp(prefix="catalogue-signal-"))
        self.derived: DerivedStages | None = DerivedStages(on_update=self._ask_rebuild)
        self.memo = Memo()
        self.bytecode = TemplateBytecode()
        self.serve_search: ServeSearchIndex | None = None
        self.rebuilds_asked = 0
        self.site_touched = False  # this rebuild got past on_config (MkDocs empties the site folder next)

    def _ask_rebuild(self) -> None:
        self.rebuilds_asked += 1
        write_atomic(self.signal_folder / "recomputed", str(self.rebuilds_asked))

    def begin_rebuild(self) -> None:
        """``on_config``, before the catalogue is loaded."""
        self.site_touched = False
        if self.serve_search is not None:
            self.serve_search.begin_rebuild()  # before MkDocs empties the site folder

    def derived_stages(self, catalogue: Catalogue) -> Derived:
        """This rebuild's related papers and charts (the previous ones while a recompute is pending)."""
        derived = self.derived.get(catalogue)
        self.memo.start()
        return derived

    def build_failed(self) -> None:
        if self.site_touched:  # what is on disk is uncertain now: the next rebuild renders everything
            self.live.pages.clear()
        # A broken catalogue fails in on_config, before the site folder is touched: the cache stays good,
        # so fixing the typo is a fast rebuild again.

    def before_clean(self, site: Path) -> None:
        """``on_pre_build``: MkDocs empties the site folder next; set the written paper pages aside."""
        self.site_touched = True
        if self.live.pages:
            keep_paper_folder(site)

    def pages_to_render(self, config: MkDocsConfig, pages: Mapping[str, GeneratedPage]) -> list[tuple[str, str]]:
        """The generated pages MkDocs gets this rebuild, as ``(path, content)``.

        A changed page comes as its Markdown; an unchanged one as its finished HTML under its dest_uri
        (its search entries go straight into the search index), except unchanged paper pages, whose
        files were set aside (:meth:`restore_papers` puts them back).
        """
        self._key_pages(config, pages)
        linked = linked_pages(config, set(pages))  # MkDocs must see these as pages
        entries = search_entries(config)
        reused = 0
        self.kept_papers = {}
        rendered = []
        for path, page in pages.items():
            cached = None if path in linked else self.live.reusable(path, self.page_keys[path])
            if cached is not None and entries is not None:
                entries.extend(dict(entry) for entry in cached.search_entries)
            if cached is not None and path.startswith("papers/"):  # unchanged: its file is set aside
                self.kept_papers[cached.dest_uri] = cached
                reused += 1
                continue
            if cached is not None:  # unchanged since the last serve rebuild: its finished HTML, as is
                rendered.append((cached.dest_uri, cached.html))
                reused += 1
                continue
            rendered.append((path, page.markdown))
        if reused:
            log.info(f"catalogue: {reused} unchanged pages reused, {len(pages) - reused} rendered")
        return rendered

    def _key_pages(self, config: MkDocsConfig, pages: Mapping[str, GeneratedPage]) -> None:
        """Key every generated page on everything it depends on, and forget pages that are gone."""
        own_files = [Path(config.config_file_path), Path(config.docs_dir)]
        if config.theme.custom_dir:
            own_files.append(Path(config.theme.custom_dir))
        site = site_fingerprint(own_files)
        previous_site = self.live.site
        self.live.start(site)
        self.live.forget_missing(set(pages))
        # A page the memo handed back unchanged (the same object) keeps its key: no need to hash it again.
        known = self.keyed_pages if site == previous_site else {}
        self.keyed_pages = {
            path: known[path]
            if path in known and known[path][0] is page
            else (page, page_key(site, path, page.markdown, page.meta))
            for path, page in pages.items()
        }
        self.page_keys = {path: key for path, (_, key) in self.keyed_pages.items()}

    def restore_papers(self, site: Path) -> list[CachedPage]:
        """``on_env`` (the site folder is empty now and MkDocs writes next): the set-aside paper pages back;
        returns those missing on disk, for MkDocs to write."""
        return restore_paper_folder(site, self.kept_papers)

    def page_started(self, src_uri: str, config: MkDocsConfig) -> None:
        """Before the search plugin indexes a generated page: where its search entries will start."""
        if src_uri in self.page_keys:
            entries = search_entries(config)
            self.search_start[src_uri] = len(entries) if entries is not None else 0

    def keep_page(self, *, src_uri: str, dest_uri: str, html: str, config: MkDocsConfig) -> None:
        """A generated page as written, with its search entries, for the next rebuild to reuse."""
        if src_uri in self.page_keys:
            entries = search_entries(config) or []
            new_entries = tuple(dict(entry) for entry in entries[self.search_start.pop(src_uri, len(entries)) :])
            self.live.keep(src_uri, CachedPage(self.page_keys[src_uri], dest_uri, html, new_entries))

    def after_build(self, site: Path, *, titles: bool, shard_pages: int) -> None:
        """``on_post_build``: the previous Pagefind bundle now, this rebuild's in the background."""
        if self.serve_search is None:
            self.serve_search = ServeSearchIndex(titles=titles, shard_pages=shard_pages)
        self.serve_search.after_build(site)
        self.derived.release()

    def close(self) -> None:
        """``on_shutdown``: stop the background workers and delete the signal folder."""
        for worker in (self.derived, self.serve_search):
            if worker is not None:
                worker.close()
        self.derived = self.serve_search = None
        shutil.rmtree(self.signal_folder, ignore_errors=True)
