"""Engine glue: the site settings the generator needs, from ``mkdocs.yml``.

The generator needs four values of the site's configuration: its URL and name, and the repository
and branch that "edit" and "add a note" open. The MkDocs plugin takes them from MkDocs' loaded config;
``python -m generator pages`` reads them from the same file (plain YAML: the project's ``mkdocs.yml``
uses no MkDocs-only tags).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.pages.note_pages import Repository
from generator.pages.site import DEFAULT_SITE_NAME


def repository(repo_url: str | None, edit_uri: str | None) -> Repository | None:
    """The catalogue's repository and branch, from repo_url and edit_uri (``edit/<branch>/docs/``)."""
    if not repo_url:
        return None
    parts = (edit_uri or "edit/main/docs/").strip("/").split("/")
    return Repository(url=repo_url, branch=parts[1] if len(parts) > 1 else "main")


@dataclass(frozen=True)
class SiteSettings:
    site_url: str = ""
    site_name: str = DEFAULT_SITE_NAME
    repository: Repository | None = None
    docs_dir: str = "docs"
    header_search: str = "auto"  # the catalogue plugin's option: auto, lunr or pagefind


class SettingsError(ValueError):
    """The configuration file cannot be read: the message names it and says why."""


def standalone_config(config_file: Path, docs_dir: Path, target: Path, *, header_search: str = "lunr") -> str:
    """``config_file`` for building a written docs tree without the plugin: ``docs_dir`` points at the
    tree (relative to ``target``'s folder: Zensical accepts no absolute one) and the ``catalogue`` plugin
    is left out (``python -m generator search`` indexes the built site instead). So is ``edit_uri``:
    an engine would point "edit" at the tree's generated files, which are in no repository; the
    pages themselves link to the catalogue files they come from. ``extra.header_search`` names the
    header box's engine the tree was generated for (the plugin sets it in MkDocs' config)."""
    data = _load(config_file)
    data["edit_uri"] = ""
    data["extra"] = {**(data.get("extra") or {}), "header_search": header_search}
    data["docs_dir"] = os.path.relpath(docs_dir.resolve(), target.resolve().parent)
    plugins = data.get("plugins") or []
    data["plugins"] = [plugin for plugin in plugins if plugin != "catalogue" and not _named(plugin, "catalogue")]
    return "# Written by python -m generator pages: the site without the catalogue plugin.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=10**6
    )


def _named(plugin: object, name: str) -> bool:
    return isinstance(plugin, dict) and name in plugin


def _load(config_file: Path) -> dict:
    try:
        data = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"{config_file}: cannot read the site settings: {error}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{config_file}: expected a mapping of settings")
    return data


def read_settings(config_file: Path) -> SiteSettings:
    """The settings of ``config_file`` (an ``mkdocs.yml``)."""
    data = _load(config_file)
    return SiteSettings(
        site_url=str(data.get("site_url") or ""),
        site_name=str(data.get("site_name") or DEFAULT_SITE_NAME),
        repository=repository(data.get("repo_url"), data.get("edit_uri")),
        docs_dir=str(data.get("docs_dir") or "docs"),
        header_search=_plugin_options(data).get("header_search", "auto"),
    )


def _plugin_options(data: dict) -> dict:
    """The options under ``plugins: - catalogue:`` (none when it is listed bare)."""
    for plugin in data.get("plugins") or []:
        if _named(plugin, "catalogue") and isinstance(plugin["catalogue"], dict):
            return plugin["catalogue"]
    return {}
