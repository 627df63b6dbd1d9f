"""Stage 4, site: the thin MkDocs plugin that hands generated content to MkDocs.

All the work happens in engine-independent stages (:func:`generator.site.generate_site`);
this module only maps them onto MkDocs events:

* ``on_config``: load and check the catalogue (a broken catalogue fails the build);
* ``on_files``: add every generated page and file (in memory, never written into ``docs/``);
* ``on_page_markdown``: set the page meta of generated pages and fill the
  catalogue summary on the home page;
* ``on_serve``: watch ``catalogue/`` so an edited record updates the live site;
* ``on_post_build``: index the built paper pages with Pagefind (:mod:`generator.search_index`).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.catalogue import CatalogueError, load_catalogue
from generator.search_index import SearchIndexError, build_search_index, header_engine
from generator.site import SiteContent, generate_site

SUMMARY_MARKER = "<!-- catalogue:summary -->"


def edit_url(config: MkDocsConfig, source: str) -> str | None:
    """GitHub's editor for a catalogue file: repo_url plus the branch named in edit_uri."""
    if not config.repo_url:
        return None
    parts = (config.edit_uri or "edit/main/docs/").strip("/").split("/")
    branch = parts[1] if len(parts) > 1 else "main"
    return f"{config.repo_url.rstrip('/')}/edit/{branch}/{source}"


class CatalogueConfig(Config):
    """Settings under ``plugins: - catalogue:`` in mkdocs.yml."""

    root = config_options.Type(str, default="")  # folder holding catalogue/; default: beside mkdocs.yml
    # Engine of the header search box; "auto" picks by catalogue size (generator/search_index.py).
    header_search = config_options.Choice(("auto", "lunr", "pagefind"), default="auto")


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    """Generate the catalogue's pages inside ``mkdocs build`` and ``mkdocs serve``."""

    def __init__(self) -> None:
        self.content: SiteContent | None = None

    def root(self, config: MkDocsConfig) -> Path:
        return Path(self.config.root or Path(config.config_file_path).parent)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            catalogue = load_catalogue(self.root(config))
        except CatalogueError as error:
            raise PluginError(f"the catalogue has problems:\n{error}") from None
        self.content = generate_site(catalogue)
        engine = self.config.header_search
        engine = header_engine(len(catalogue.papers)) if engine == "auto" else engine
        config.extra["header_search"] = engine  # read by overrides/partials/search-loader.html
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.content is not None
        for path, page in self.content.pages.items():
            files.append(File.generated(config, path, content=page.markdown))
        for path, data in self.content.files.items():
            files.append(File.generated(config, path, content=data))
        return files

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

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
        server.watch(str(self.root(config) / "catalogue"))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            build_search_index(Path(config.site_dir), titles=config.extra.get("header_search") == "pagefind")
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
