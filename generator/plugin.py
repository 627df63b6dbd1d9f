"""Stage 4, site: the thin MkDocs plugin that hands generated content to MkDocs.

All the work happens in engine-independent stages (:func:`generator.site.generate_site`);
this module only maps them onto MkDocs events:

* ``on_config``: load and check the catalogue (a broken catalogue fails the build);
* ``on_files``: add every generated page and file (in memory, never written into ``docs/``);
* ``on_page_markdown``: set the page meta of generated pages and fill the
  catalogue summary on the home page;
* ``on_serve``: watch ``catalogue/`` so an edited record updates the live site;
* ``on_post_page``: compact the HTML (:mod:`generator.compact`);
* while serving (``on_startup``, ``on_page_context``, ``on_post_page``): remember finished pages so the
  next rebuild re-renders only what changed (:mod:`generator.live`).
* ``on_post_build``: index the built paper pages with Pagefind (:mod:`generator.search_index`).

``mkdocs serve`` also keeps what each rebuild computed: parsed records (:class:`generator.catalogue.LoadCache`),
related papers and charts recomputed only when their inputs change, lazily (:mod:`generator.serve_stages`),
and the Pagefind index rebuilt in the background after the page reload (:mod:`generator.serve_search`).

``mkdocs build`` uses the second core: the related papers are computed in a child process from
``on_config`` on (:mod:`generator.related_process`) and filled into each paper page in
``on_post_page``; each finished paper page goes down a pipe to a child process that feeds Pagefind
as it is written (:mod:`generator.search_process`), so ``on_post_build`` only writes the last shard.
``mkdocs serve`` keeps the sequential path: its page cache keys on each page's full Markdown, related
papers included.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.catalogue import CatalogueError, LoadCache, load_catalogue
from generator.compact import compact_html
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
from generator.note_pages import Repository
from generator.related_process import RelatedInBackground
from generator.search_index import SearchIndexError, build_search_index, header_engine
from generator.search_process import SearchIndexProcess
from generator.search_shards import SHARD_PAGES
from generator.serve_search import ServeSearchIndex
from generator.serve_stages import DerivedStages, Memo
from generator.site import RelatedContent, SiteContent, fill_related, generate_site, related_content
from generator.storage import write_atomic

SUMMARY_MARKER = "<!-- catalogue:summary -->"
log = logging.getLogger("mkdocs.plugins.catalogue")


def repository(config: MkDocsConfig) -> Repository | None:
    """The catalogue's repository and branch, from repo_url and edit_uri (``edit/<branch>/docs/``)."""
    if not config.repo_url:
        return None
    parts = (config.edit_uri or "edit/main/docs/").strip("/").split("/")
    return Repository(url=config.repo_url, branch=parts[1] if len(parts) > 1 else "main")


def edit_url(config: MkDocsConfig, source: str) -> str | None:
    """GitHub's editor for a catalogue file of the repository."""
    repo = repository(config)
    return f"{repo.url.rstrip('/')}/edit/{repo.branch}/{source}" if repo else None


def release_page(page: Page) -> None:
    """Let go of a finished paper page's text: MkDocs keeps every page's Markdown, HTML and source
    until the build ends (about 30 KB a paper, 0.6 GB at 20,000), and nothing reads them after
    ``on_post_page`` (the sitemap needs only URLs and dates). ``mkdocs build`` only."""
    page.markdown = None
    page.content = None
    page.file.content_string = ""


class CatalogueConfig(Config):
    """Settings under ``plugins: - catalogue:`` in mkdocs.yml."""

    root = config_options.Type(str, default="")  # folder holding catalogue/; default: beside mkdocs.yml
    # Engine of the header search box; "auto" picks by catalogue size (generator/search_index.py).
    header_search = config_options.Choice(("auto", "lunr", "pagefind"), default="auto")
    # Papers per shard of the Pagefind index (generator/search_shards.py): bounds Pagefind's memory.
    search_shard_pages = config_options.Type(int, default=SHARD_PAGES)


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    """Generate the catalogue's pages inside ``mkdocs build`` and ``mkdocs serve``."""

    def __init__(self) -> None:
        self.content: SiteContent | None = None
        # Serve only: MkDocs keeps a plugin that has on_startup across rebuilds, and so this cache.
        self.serving = False
        self.live = PageCache()
        self.page_keys: dict[str, str] = {}
        self.keyed_pages: dict[str, tuple] = {}  # src_uri -> (GeneratedPage, its page_key)
        self.kept_papers: dict[str, CachedPage] = {}  # reused paper pages, by dest_uri: never written again
        self.search_start: dict[str, int] = {}
        # Build only: the related papers' child process, its result, and the streamed Pagefind index.
        self.related: RelatedInBackground | None = None
        self.related_content: RelatedContent | None = None
        self.search_stream: SearchIndexProcess | None = None
        self.catalogue = None
        # Serve only: parsed files, related papers and charts, the Pagefind bundle, and a folder the server
        # watches so that a finished background recompute asks for one more rebuild.
        self.load_cache: LoadCache | None = None
        self.derived: DerivedStages | None = None
        self.memo: Memo | None = None
        self.bytecode: TemplateBytecode | None = None
        self.serve_search: ServeSearchIndex | None = None
        self.signal_folder: Path | None = None
        self.rebuilds_asked = 0
        self.site_touched = False  # this rebuild got past on_config (MkDocs empties the site folder next)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving:
            self.load_cache = LoadCache()
            self.signal_folder = Path(tempfile.mkdtemp(prefix="catalogue-signal-"))
            self.derived = DerivedStages(on_update=self._ask_rebuild)
            self.memo = Memo()
            self.bytecode = TemplateBytecode()

    def _ask_rebuild(self) -> None:
        if self.signal_folder is not None:
            self.rebuilds_asked += 1
            write_atomic(self.signal_folder / "recomputed", str(self.rebuilds_asked))

    def _search_entries(self, config: MkDocsConfig) -> list | None:
        """Material's search index entries, when that plugin is on (None otherwise)."""
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        return getattr(index, "entries", None)

    def root(self, config: MkDocsConfig) -> Path:
        return Path(self.config.root or Path(config.config_file_path).parent)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.site_touched = False
        if self.serve_search is not None:
            self.serve_search.begin_rebuild()  # before MkDocs empties the site folder
        try:
            catalogue = load_catalogue(self.root(config), cache=self.load_cache)
        except CatalogueError as error:
            raise PluginError(f"the catalogue has problems:\n{error}") from None
        self._stop_background()
        self.catalogue = catalogue
        if not self.serving:
            self.related = RelatedInBackground(catalogue.papers)
        engine = self.config.header_search
        engine = header_engine(len(catalogue.papers)) if engine == "auto" else engine
        derived = self.derived.get(catalogue) if self.derived is not None else None
        if self.memo is not None:
            self.memo.start()
        self.content = generate_site(
            catalogue,
            site_url=config.site_url or "",
            site_name=config.site_name,
            repository=repository(config),
            related_later=self.related is not None,
            lunr_papers=engine == "lunr",
            related=derived.related if derived else None,
            charts=derived.charts if derived else None,
            memo=self.memo,
        )
        config.extra["header_search"] = engine  # read by overrides/partials/search-loader.html
        if not self.serving:
            try:
                self.search_stream = SearchIndexProcess(
                    titles=engine == "pagefind",
                    staging_parent=Path(config.site_dir).parent,
                    shard_pages=self.config.search_shard_pages,
                )
            except SearchIndexError as error:
                raise PluginError(str(error)) from None
        return config

    def _related_content(self) -> RelatedContent:
        """The related sections and exports, once the child process is done (waits the first time)."""
        if self.related_content is None:
            assert self.related is not None and self.catalogue is not None
            self.related_content = related_content(self.catalogue, self.related.result())
        return self.related_content

    def _stop_background(self) -> None:
        if self.related is not None:
            self.related.close()
        if self.search_stream is not None:
            self.search_stream.close()
        self.related = self.related_content = self.search_stream = None

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_background()
        if self.site_touched:  # what is on disk is uncertain now: the next rebuild renders everything
            self.live.pages.clear()
        # A broken catalogue fails in on_config, before the site folder is touched: the cache stays good,
        # so fixing the typo is a fast rebuild again.

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.site_touched = True
        if self.serving and self.live.pages:
            keep_paper_folder(Path(config.site_dir))

    def on_shutdown(self) -> None:
        self._stop_background()
        for worker in (self.derived, self.serve_search):
            if worker is not None:
                worker.close()
        self.derived = self.serve_search = None
        if self.signal_folder is not None:
            shutil.rmtree(self.signal_folder, ignore_errors=True)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.content is not None
        reuse = self._start_live_rebuild(config) if self.serving else None
        reused = 0
        self.kept_papers = {}
        for path, page in self.content.pages.items():
            cached = reuse(path, page) if reuse else None
            if cached is not None and path.startswith("papers/"):  # unchanged: its file is set aside
                self.kept_papers[cached.dest_uri] = cached
                reused += 1
                continue
            if cached is not None:  # unchanged since the last serve rebuild: its finished HTML, as is
                files.append(File.generated(config, cached.dest_uri, content=cached.html))
                reused += 1
                continue
            files.append(File.generated(config, path, content=page.markdown))
        if reused:
            log.info(f"catalogue: {reused} unchanged pages reused, {len(self.content.pages) - reused} rendered")
        for path, data in self.content.files.items():
            files.append(File.generated(config, path, content=data))
        return files

    def on_env(self, env, *, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - Jinja's Environment
        if self.bytecode is not None:
            env.bytecode_cache = self.bytecode
        if self.serving:  # the site folder is empty now and MkDocs writes next
            for cached in restore_paper_folder(Path(config.site_dir), self.kept_papers):
                files.append(File.generated(config, cached.dest_uri, content=cached.html))
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.content is not None
        generated = self.content.pages.get(page.file.src_uri)
        if generated is not None:
            meta = dict(generated.meta)
            source = meta.pop("source", None)
            page.meta.update(meta)
            if source is not None:  # "edit" opens the catalogue file, not a docs file
                page.edit_url = edit_url(config, source)
        if SUMMARY_MARKER in markdown:
            markdown = markdown.replace(SUMMARY_MARKER, self.content.summary)
        return markdown

    def _start_live_rebuild(self, config: MkDocsConfig):  # noqa: ANN202 - returns the lookup below
        """Prepare reusing unchanged pages; returns ``reuse(path, page) -> CachedPage | None``."""
        assert self.content is not None
        own_files = [Path(config.config_file_path), Path(config.docs_dir)]
        if config.theme.custom_dir:
            own_files.append(Path(config.theme.custom_dir))
        site = site_fingerprint(own_files)
        previous_site = self.live.site
        self.live.start(site)
        self.live.forget_missing(set(self.content.pages))
        pages = self.content.pages.items()
        # A page the memo handed back unchanged (the same object) keeps its key: no need to hash it again.
        known = self.keyed_pages if site == previous_site else {}
        self.keyed_pages = {
            path: known[path]
            if path in known and known[path][0] is page
            else (page, page_key(site, path, page.markdown, page.meta))
            for path, page in pages
        }
        self.page_keys = {path: key for path, (_, key) in self.keyed_pages.items()}
        linked = linked_pages(config, set(self.content.pages))  # MkDocs must see these as pages
        entries = self._search_entries(config)

        def reuse(path: str, page) -> CachedPage | None:  # noqa: ANN001 - GeneratedPage
            cached = None if path in linked else self.live.reusable(path, self.page_keys[path])
            if cached is not None and entries is not None:
                entries.extend(dict(entry) for entry in cached.search_entries)
            return cached

        return reuse

    @event_priority(100)  # first: before the search plugin indexes this page
    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav: object) -> dict:
        if self.serving and page.file.src_uri in self.page_keys:
            entries = self._search_entries(config)
            self.search_start[page.file.src_uri] = len(entries) if entries is not None else 0
        return context

    @event_priority(-100)  # last: the HTML exactly as it is written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        src_uri = page.file.src_uri
        paper_page = self.content is not None and src_uri.startswith("papers/") and src_uri in self.content.pages
        if paper_page and self.related is not None:
            output = fill_related(output, self._related_content().sections.pop(src_uri))
        output = compact_html(output)
        if paper_page and self.search_stream is not None:
            self.search_stream.add(f"/{page.file.url}", output)
        if paper_page and not self.serving:
            release_page(page)
        if self.serving and src_uri in self.page_keys:
            entries = self._search_entries(config) or []
            new_entries = tuple(dict(entry) for entry in entries[self.search_start.pop(src_uri, len(entries)) :])
            cached = CachedPage(self.page_keys[src_uri], page.file.dest_uri, output, new_entries)
            self.live.keep(src_uri, cached)
        return output

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
        server.watch(str(self.root(config) / "catalogue"))
        if self.signal_folder is not None:
            server.watch(str(self.signal_folder))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        if self.related is not None:  # api/papers.json was copied without the related ids: the full one
            for path, text in self._related_content().files.items():
                write_atomic(site / path, text)
        try:
            if self.serving:  # the previous bundle now, this rebuild's in the background
                if self.serve_search is None:
                    self.serve_search = ServeSearchIndex(
                        titles=config.extra.get("header_search") == "pagefind",
                        shard_pages=self.config.search_shard_pages,
                    )
                self.serve_search.after_build(site)
                self.derived.release()
            elif self.search_stream is not None:
                stream, self.search_stream = self.search_stream, None
                stream.finish(site)
            else:
                build_search_index(
                    site,
                    titles=config.extra.get("header_search") == "pagefind",
                    shard_pages=self.config.search_shard_pages,
                )
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
        self._stop_background()
