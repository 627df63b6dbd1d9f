"""Engine glue: the thin MkDocs plugin that hands the generated docs tree to MkDocs.

All the work happens in engine-independent stages; this module maps them onto MkDocs events:

* ``on_config``: load and check the catalogue (a broken catalogue fails ``mkdocs build``; under
  ``mkdocs serve`` every page shows the problems in a banner instead) and generate the site;
* ``on_files``: add every generated page and file, exactly the files ``python -m generator pages``
  writes (:func:`generator.pages.tree.generated_tree`), in memory, never into ``docs/``;
* ``on_page_markdown``: point "edit" at the catalogue file a generated page comes from, and fill the
  catalogue summary on the home page;
* ``on_post_page``: compact the HTML (:mod:`generator.engine.compact`);
* ``on_serve``: watch ``catalogue/`` so an edited record, note or reading list updates the live site;
* ``on_post_build``: index the built site with Pagefind (:mod:`generator.search.index`), unless
  ``CATALOGUE_SEARCH=off`` leaves that to ``python -m generator search SITE``, a step of its own
  (large catalogues: then MkDocs' pages and Pagefind's index are never in memory at once).

``mkdocs build`` runs in this one process, in sequence. ``mkdocs serve`` keeps content-keyed caches
between rebuilds (:mod:`generator.engine.serve`).
"""

from __future__ import annotations

import html
import logging
import os
import tempfile
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.engine.compact import compact_html
from generator.engine.serve import BackgroundSearch, CachedPage, Memo, PageCache, fingerprint
from generator.engine.settings import repository
from generator.pages.site import SiteContent, generate_site, header_engine
from generator.pages.tree import fill_summary, generated_tree
from generator.records.catalogue import CatalogueError, LoadCache, load_catalogue
from generator.search.index import SearchIndexError, build_search_index

# Pages Pagefind indexes carry this marker (paper and reading-list pages).
SEARCH_BODY = "data-pagefind-body"
# CATALOGUE_SEARCH=off: `mkdocs build` writes the site only, `python -m generator search SITE` indexes it.
SEARCH_SWITCH = "CATALOGUE_SEARCH"
log = logging.getLogger("mkdocs.plugins.catalogue")


def nav_sources(nav: object) -> set[str]:
    """The source files the nav names: MkDocs must render those as pages, never take them ready-made."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(nav_sources(value) for value in nav.values()))
    if isinstance(nav, list):
        return set().union(*(nav_sources(item) for item in nav))
    return set()


def edit_url(config: MkDocsConfig, source: str) -> str | None:
    """GitHub's editor for a catalogue file of the repository."""
    repo = repository(config.repo_url, config.edit_uri)
    return f"{repo.url.rstrip('/')}/edit/{repo.branch}/{source}" if repo else None


class CatalogueConfig(Config):
    """Settings under ``plugins: - catalogue:`` in mkdocs.yml."""

    root = config_options.Type(str, default="")  # folder holding catalogue/; default: beside mkdocs.yml
    # Engine of the header search box; "auto" picks by catalogue size (generator.pages.site.header_engine).
    header_search = config_options.Choice(("auto", "lunr", "pagefind"), default="auto")


class ServeState:
    """What ``mkdocs serve`` keeps across rebuilds (MkDocs keeps a plugin that has ``on_startup``)."""

    def __init__(self) -> None:
        self.load_cache = LoadCache()
        self.memo = Memo()
        self.pages = PageCache()
        self.search = BackgroundSearch()
        self.last_good: SiteContent | None = None
        self.problems: list[str] = []
        self.site_key = ""
        self.cacheable: set[str] = set()  # this rebuild's generated pages outside the nav
        self.searchable: dict[str, str] = {}  # this rebuild's paper and list pages: site path -> HTML
        # Compiled theme templates: MkDocs makes a new Jinja environment for every rebuild (~0.4 s of compiling).
        self.templates = tempfile.TemporaryDirectory(prefix="catalogue-serve-templates-")
        self.bytecode = FileSystemBytecodeCache(self.templates.name)


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    """Generate the catalogue's pages inside ``mkdocs build`` and ``mkdocs serve``."""

    def __init__(self) -> None:
        self.content: SiteContent | None = None
        self.serve: ServeState | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve" and self.serve is None:
            self.serve = ServeState()

    def on_shutdown(self) -> None:
        if self.serve is not None:
            self.serve.search.close()
            self.serve.templates.cleanup()

    def on_env(self, env, *, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - Jinja's Environment
        if self.serve is not None:  # Jinja's documented cache of compiled templates, kept across rebuilds
            env.bytecode_cache = self.serve.bytecode
        return env

    def root(self, config: MkDocsConfig) -> Path:
        return Path(self.config.root or Path(config.config_file_path).parent)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        serve = self.serve
        try:
            catalogue = load_catalogue(self.root(config), cache=serve.load_cache if serve else None)
        except CatalogueError as error:
            if serve is None:
                raise PluginError(f"the catalogue has problems:\n{error}") from None
            serve.problems = [str(problem) for problem in error.problems]
            self.content = serve.last_good or SiteContent(pages={}, files={}, summary="")
            config.extra["header_search"] = config.extra.get("header_search", "lunr")
            return config
        engine = header_engine(len(catalogue.papers), choice=self.config.header_search)
        if serve is not None:  # reused pages never reach lunr: the header box searches the Pagefind index
            engine = "pagefind"
        if serve is not None:
            serve.memo.start()
        self.content = generate_site(
            catalogue,
            site_url=config.site_url or "",
            site_name=config.site_name,
            repository=repository(config.repo_url, config.edit_uri),
            lunr_papers=engine == "lunr",
            memo=serve.memo if serve else None,
        )
        config.extra["header_search"] = engine  # read by overrides/partials/search-loader.html
        if serve is not None:
            serve.problems, serve.last_good = [], self.content
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.serve is not None:
            self.serve.search.building()
            self.serve.searchable = {}
            # What a finished page depends on besides its own source: the config, the hand-written pages
            # (the nav), the theme overrides and the Markdown files pages include (CONTRIBUTING.md).
            theme = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
            included = sorted(Path(config.config_file_path).parent.glob("*.md"))
            self.serve.site_key = fingerprint([Path(config.config_file_path), Path(config.docs_dir), *theme, *included])

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.content is not None
        serve = self.serve
        cacheable: set[str] = set()  # for the serve cache: generated pages outside the nav
        in_nav = nav_sources(config.nav)
        for path, data in generated_tree(self.content).items():
            if serve is not None and path in self.content.pages and path not in in_nav:
                cacheable.add(path)
                key = serve.pages.key(serve.site_key, path, data)
                cached = serve.pages.reusable(path, key) if not serve.problems else None
                if cached is not None:  # unchanged: a ready page, MkDocs only copies it
                    files.append(File.generated(config, cached.dest_uri, content=cached.html))
                    if SEARCH_BODY in cached.html:
                        serve.searchable[cached.dest_uri] = cached.html
                    continue
            files.append(File.generated(config, path, content=data))
        if serve is not None:
            serve.cacheable = cacheable
            serve.pages.forget_others(cacheable)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.content is not None
        source = page.meta.get("source")
        if page.file.generated_by and isinstance(source, str):  # "edit" opens the catalogue file
            page.edit_url = edit_url(config, source)
        return fill_summary(markdown, self.content)

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.serve is not None and self.serve.problems:
            return problems_banner(self.serve.problems) + html_text
        return html_text

    @event_priority(-100)  # last: the HTML exactly as it is written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = compact_html(output)
        serve = self.serve
        if serve is not None and page.file.generated_by:
            if page.file.src_uri in serve.cacheable and not serve.problems:
                key = serve.pages.key(serve.site_key, page.file.src_uri, page.file.content_string)
                serve.pages.keep(page.file.src_uri, CachedPage(key=key, dest_uri=page.file.dest_uri, html=output))
            if SEARCH_BODY in output:
                serve.searchable[page.file.dest_uri] = output
        return output

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
        server.watch(str(self.root(config) / "catalogue"))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        if self.serve is not None:
            self.serve.search.built(site, self.serve.searchable)
            return
        switch = os.environ.get(SEARCH_SWITCH, "on").strip().lower()
        if switch not in {"on", "off"}:
            raise PluginError(f"{SEARCH_SWITCH}={switch!r}: expected on or off")
        if switch == "off":
            log.info(
                "catalogue: %s=off, the search index is left to `python -m generator search %s`", SEARCH_SWITCH, site
            )
            return
        try:
            build_search_index(site)
        except SearchIndexError as error:
            raise PluginError(str(error)) from None


def problems_banner(problems: list[str]) -> str:
    """A banner over every served page while the catalogue has problems (``mkdocs serve`` only)."""
    items = "".join(f"<li><code>{html.escape(problem)}</code></li>" for problem in problems)
    return (
        '<div class="admonition failure catalogue-problems" role="alert">'
        '<p class="admonition-title">The catalogue has problems; the site shows its last good state.</p>'
        f"<ul>{items}</ul><p>Fix the files named above: this banner goes when they are fixed.</p></div>\n"
    )
