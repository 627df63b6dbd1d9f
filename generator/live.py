"""Stage 4, site: fast rebuilds while ``mkdocs serve`` runs.

MkDocs rebuilds the whole site on every change (~4 ms a page: 3-5 s at 750 papers), and its
``--dirty`` mode cannot help generated pages (they always count as modified) and leaves a search
index holding only the rebuilt pages. While serving, the catalogue plugin instead remembers each
generated page's finished HTML and search entries under a key of everything that page depends on
(its Markdown, its meta, and the site's own files: ``mkdocs.yml``, ``docs/``, the theme overrides).
On the next rebuild a page whose key is unchanged is handed to MkDocs as a ready static file and its
search entries go straight into the search index, so MkDocs renders only what changed: the edited
paper, and the topic pages whose list of papers changed. Topic pages, the home page and search stay
correct because nothing is reused whose inputs changed. ``mkdocs build`` never uses this.

Reused paper pages are not even written again: their folder is set aside before MkDocs empties the
site folder and moved back after (:func:`keep_paper_folder`, :func:`restore_paper_folder`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache


@dataclass(frozen=True)
class CachedPage:
    """A generated page as MkDocs last wrote it."""

    key: str
    dest_uri: str
    html: str
    search_entries: tuple[dict, ...]


def site_fingerprint(paths: list[Path]) -> str:
    """A hash of every file under ``paths`` (files or folders), names and contents, in sorted order."""
    digest = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(path for path in root.rglob("*") if path.is_file())
        for path in files:
            digest.update(path.as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def linked_pages(config: object, generated: set[str]) -> set[str]:
    """Generated pages named in the nav or in a hand-written page: MkDocs must keep them as pages."""
    names = set()

    def walk(item: object) -> None:
        if isinstance(item, str):
            names.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(getattr(config, "nav", None) or [])
    docs = Path(getattr(config, "docs_dir", "") or ".")
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in sorted(docs.rglob("*.md")))
    return {path for path in generated if path in names or path in text}


def page_key(site: str, src_uri: str, markdown: str, meta: dict) -> str:
    payload = json.dumps([site, src_uri, markdown, meta], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class PageCache:
    """Finished pages of the previous serve rebuild, by source path; kept by the serve session across rebuilds."""

    site: str = ""
    pages: dict[str, CachedPage] = field(default_factory=dict)

    def start(self, site: str) -> None:
        """A new rebuild; anything the site's own files feed into is stale when they changed."""
        if site != self.site:
            self.pages.clear()
            self.site = site

    def reusable(self, src_uri: str, key: str) -> CachedPage | None:
        cached = self.pages.get(src_uri)
        return cached if cached is not None and cached.key == key else None

    def keep(self, src_uri: str, page: CachedPage) -> None:
        self.pages[src_uri] = page

    def forget_missing(self, src_uris: set[str]) -> None:
        """Drop pages that no longer exist (a record was deleted or renamed)."""
        for src_uri in set(self.pages) - src_uris:
            del self.pages[src_uri]


class TemplateBytecode(BytecodeCache):
    """Compiled theme templates kept across serve rebuilds (in memory).

    Every rebuild loads a fresh config and so a fresh Jinja environment, which compiles Material's ~40
    templates again (~0.3 s). Jinja keys each entry on the template's name and a checksum of its source,
    so an edited override is compiled again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


KEPT_PAPERS = ".catalogue-kept-papers"  # hidden: MkDocs' clean_directory leaves hidden entries alone


def keep_paper_folder(site: Path) -> None:
    """Before MkDocs empties the site folder: set the written paper pages aside (one rename)."""
    kept = site / KEPT_PAPERS
    if kept.exists():  # a failed rebuild's leftovers
        shutil.rmtree(kept)
    if (site / "papers").is_dir():
        (site / "papers").rename(kept)


def restore_paper_folder(site: Path, reused: dict[str, CachedPage]) -> list[CachedPage]:
    """After the clean: put the set-aside paper pages back, minus those MkDocs renders again or that are gone.

    Writing 750 unchanged pages again costs a mkdir and a file each (about half a serve rebuild);
    moving their folder back costs one rename. ``reused`` are the reused paper pages by dest_uri;
    returns those missing on disk (after a failed rebuild), which the caller hands to MkDocs to write.
    """
    kept, papers = site / KEPT_PAPERS, site / "papers"
    if kept.is_dir() and not papers.exists():
        kept.rename(papers)
    wanted = {Path(dest_uri).parent.name for dest_uri in reused}
    if papers.is_dir():
        for folder in papers.iterdir():
            if folder.name not in wanted:
                shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    return [page for dest_uri, page in reused.items() if not (site / dest_uri).is_file()]
