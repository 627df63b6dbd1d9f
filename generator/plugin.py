"""Stage 4, site: the thin MkDocs plugin that hands generated pages to MkDocs.

All the work happens in engine-independent stages (catalogue → pages → exports);
this module only maps them onto MkDocs events:

* ``on_config``: load and check the catalogue (a broken catalogue fails the build);
* ``on_files``: add every paper page, topic page and the topics overview as
  generated files (in memory, never written into ``docs/``), with the
  exports (``api/papers.json``) beside them;
* ``on_page_markdown``: set the page meta (escaped title, description) for
  generated pages and fill the catalogue summary on the home page;
* ``on_serve``: watch ``catalogue/`` so an edited record updates the live site.
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

from generator.catalogue import Catalogue, CatalogueError, load_catalogue
from generator.exports import write_exports
from generator.pages import (
    paper_path,
    render_paper_page,
    render_summary,
    render_topic_page,
    render_topics_overview,
    topic_path,
)
from generator.text import escape, shorten

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


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    """Generate the catalogue's pages inside ``mkdocs build`` and ``mkdocs serve``."""

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.meta: dict[str, dict] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(self.config.root or Path(config.config_file_path).parent)
        try:
            self.catalogue = load_catalogue(root)
        except CatalogueError as error:
            raise PluginError(f"the catalogue has problems:\n{error}") from None
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        catalogue = self.catalogue
        assert catalogue is not None
        topics = {topic.id: topic for topic in catalogue.topics}
        self.meta = {}
        for paper in catalogue.papers:
            path = paper_path(paper.id)
            files.append(File.generated(config, path, content=render_paper_page(paper, topics)))
            self.meta[path] = {
                "title": escape(paper.title),
                "description": escape(shorten(paper.abstract or paper.title)),
                "hide": ["navigation", "toc"],
                "source": f"catalogue/papers/{paper.id}.yml",
            }
        counts = {topic.id: 0 for topic in catalogue.topics}
        for paper in catalogue.papers:
            for topic_id in paper.topics:
                counts[topic_id] += 1
        for topic in catalogue.topics:
            path = topic_path(topic.id)
            files.append(File.generated(config, path, content=render_topic_page(topic, catalogue.papers_in(topic.id))))
            self.meta[path] = {
                "description": escape(shorten(topic.description)),
                "hide": ["toc"],
                "source": "catalogue/topics.yml",
            }
        files.append(
            File.generated(config, "topics/index.md", content=render_topics_overview(list(catalogue.topics), counts))
        )
        self.meta["topics/index.md"] = {"hide": ["toc"], "source": "catalogue/topics.yml"}
        for relative, text in write_exports(catalogue).items():
            files.append(File.generated(config, relative, content=text))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        meta = dict(self.meta.get(page.file.src_uri, {}))
        source = meta.pop("source", None)
        page.meta.update(meta)
        if source is not None:  # generated: "edit" opens the record, not a docs file
            page.edit_url = edit_url(config, source)
        if SUMMARY_MARKER in markdown:
            catalogue = self.catalogue
            assert catalogue is not None
            summary = render_summary(list(catalogue.papers), list(catalogue.topics))
            markdown = markdown.replace(SUMMARY_MARKER, summary)
        return markdown

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
        root = Path(self.config.root or Path(config.config_file_path).parent)
        server.watch(str(root / "catalogue"))
        return server
