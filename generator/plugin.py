"""Stage 4, site: the thin MkDocs plugin that hands generated content to MkDocs.

All the work happens in engine-independent stages (:func:`generator.site.generate_site`);
this module only maps them onto MkDocs events:

* ``on_config``: load and check the catalogue (a broken catalogue fails the build);
* ``on_files``: add every generated page and file (in memory, never written into ``docs/``);
* ``on_page_markdown``: set the page meta of generated pages and fill the
  catalogue summary on the home page;
* ``on_serve``: watch ``catalogue/`` so an edited record updates the live site;
* ``on_post_page``: compact the HTML (:mod:`generator.compact`);
* ``on_post_build``: index the built paper pages with Pagefind (:mod:`generator.search_index`).

``mkdocs serve`` keeps what each rebuild computed (parsed records, related papers and charts, finished
pages and their search entries, compiled templates, the Pagefind index rebuilt in the background) in a
:class:`generator.serve_session.ServeSession`, created in ``on_startup``; every event only calls into it
(the next rebuild re-renders only what changed, unchanged paper pages are not even written again).

``mkdocs build`` uses the second core through a :class:`generator.build_session.BuildSession`, created in
``on_config``: the related papers are computed in a child process and filled into each paper page in
``on_post_page``; each finished paper page goes to a child process that feeds Pagefind as it is written,
so ``on_post_build`` only writes the last shard. ``mkdocs serve`` keeps the sequential path: its page
cache keys on each page's full Markdown, related papers included.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.build_session import BuildSession
from generator.catalogue import CatalogueError, load_catalogue
from generator.compact import compact_html
from generator.note_pages import Repository
from generator.search_index import SearchIndexError, build_search_index, header_engine
from generator.search_shards import SHARD_PAGES
from generator.serve_session import ServeSession
from generator.site import GeneratedPage, SiteContent, generate_site

SUMMARY_MARKER = "<!-- catalogue:summary -->"


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
        # Serve only: MkDocs keeps a plugin that has on_startup across rebuilds, and so this session.
        self.session: ServeSession | None = None
        # Build only: the related papers' child process and the streamed Pagefind index.
        self.build: BuildSession | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve":
            self.session = ServeSession()

    def root(self, config: MkDocsConfig) -> Path:
        return Path(self.config.root or Path(config.config_file_path).parent)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.session is not None:
            self.session.begin_rebuild()
        try:
            load_cache = self.session.load_cache if self.session is not None else None
            catalogue = load_catalogue(self.root(config), cache=load_cache)
        except CatalogueError as error:
            raise PluginError(f"the catalogue has problems:\n{error}") from None
        self._stop_background()
        if self.session is None:
            self.build = BuildSession(catalogue, site_url=config.site_url or "", site_name=config.site_name)
        engine = self.config.header_search
        engine = header_engine(len(catalogue.papers)) if engine == "auto" else engine
        derived = self.session.derived_stages(catalogue) if self.session is not None else None
        self.content = generate_site(
            catalogue,
            site_url=config.site_url or "",
            site_name=config.site_name,
            repository=repository(config),
            related_later=self.build is not None,
            lunr_papers=engine == "lunr",
            related=derived.related if derived else None,
            charts=derived.charts if derived else None,
            memo=self.session.memo if self.session is not None else None,
        )
        config.extra["header_search"] = engine  # read by overrides/partials/search-loader.html
        if self.build is not None:  # whether Pagefind started is heard later: see SearchIndexProcess
            self.build.start_search_index(
                Path(config.site_dir), titles=engine == "pagefind", shard_pages=self.config.search_shard_pages
            )
        return config

    def _stop_background(self) -> None:
        if self.build is not None:
            self.build.close()
        self.build = None

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_background()
        if self.session is not None:
            self.session.build_failed()

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.session is not None:
            self.session.before_clean(Path(config.site_dir))

    def on_shutdown(self) -> None:
        self._stop_background()
        if self.session is not None:
            self.session.close()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.content is not None
        if self.session is not None:  # unchanged pages come as finished HTML, or not at all (paper pages)
            pages = self.session.pages_to_render(config, self.content.pages)
        else:
            pages = [(path, page.markdown) for path, page in self.content.pages.items()]
        paper_pages = []  # (URL, Markdown) of each paper page: its title goes to the search index now
        for path, content in pages:
            file = File.generated(config, path, content=content)
            files.append(file)
            if self.build is not None and self._is_paper_page(path):
                paper_pages.append((f"/{file.url}", content))
        if self.build is not None:  # MkDocs holds each page's Markdown now (and lets go of it, release_page)
            try:
                self.build.titles_ahead(paper_pages)
            except SearchIndexError as error:
                raise PluginError(str(error)) from None
            for path, page in self.content.pages.items():
                self.content.pages[path] = GeneratedPage(markdown="", meta=page.meta)
        for path, data in self.content.files.items():
            files.append(File.generated(config, path, content=data))
        # MkDocs renders the pages in this order: the paper pages first, so that Pagefind writes its index
        # while MkDocs renders the topic and overview pages (BuildSession.paper_written)
        return Files(sorted(files, key=lambda file: not self._is_paper_page(file.src_uri)))

    def _is_paper_page(self, src_uri: str) -> bool:
        return self.content is not None and src_uri.startswith("papers/") and src_uri in self.content.pages

    def on_env(self, env, *, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - Jinja's Environment
        if self.session is not None:  # the site folder is empty now and MkDocs writes next
            env.bytecode_cache = self.session.bytecode
            for cached in self.session.restore_papers(Path(config.site_dir)):
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

    @event_priority(100)  # first: before the search plugin indexes this page
    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav: object) -> dict:
        if self.session is not None:
            self.session.page_started(page.file.src_uri, config)
        return context

    @event_priority(-100)  # last: the HTML exactly as it is written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        src_uri = page.file.src_uri
        paper_page = self._is_paper_page(src_uri)
        if paper_page and self.build is not None:
            output = self.build.fill_related(src_uri, output)
        output = compact_html(output)
        if self.build is not None:
            if paper_page:
                try:
                    self.build.paper_written(page, output)
                except SearchIndexError as error:
                    raise PluginError(str(error)) from None
            else:
                self.build.page_written(page, output)
        if self.session is not None:
            self.session.keep_page(src_uri=src_uri, dest_uri=page.file.dest_uri, html=output, config=config)
        return output

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
        server.watch(str(self.root(config) / "catalogue"))
        if self.session is not None:  # a finished background recompute asks for one more rebuild
            server.watch(str(self.session.signal_folder))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        titles = config.extra.get("header_search") == "pagefind"
        shard_pages = self.config.search_shard_pages
        try:
            if self.session is not None:  # the previous bundle now, this rebuild's in the background
                self.session.after_build(site, titles=titles, shard_pages=shard_pages)
            elif self.build is None or not self.build.finish(site):  # finish: full exports, the last shard
                build_search_index(site, titles=titles, shard_pages=shard_pages)
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
        self._stop_background()
