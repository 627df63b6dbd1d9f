"""Stage 3, pages: the generated docs tree, the one hand-off from the generator to any site engine.

:func:`generated_tree` turns :class:`~generator.pages.site.SiteContent` into files by docs path:
each generated page as Markdown with its meta as YAML front matter, every data file as it is.
The MkDocs plugin hands exactly these files to MkDocs in memory; ``python -m generator pages --out
DIR`` writes them, with the hand-written pages of ``docs/``, into a folder that ``mkdocs build`` or
``zensical build`` renders without the plugin (:func:`write_tree`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.pages.site import SiteContent

# Where a hand-written page (docs/index.md) wants the catalogue summary.
SUMMARY_MARKER = "<!-- catalogue:summary -->"
# Left in a folder written by write_tree, so a later run may empty it and nothing else.
TREE_STAMP = ".generated-docs-tree"


class TreeError(ValueError):
    """The tree cannot be written: the message names the path and why."""


def generated_tree(content: SiteContent) -> dict[str, str | bytes]:
    """Every generated page (Markdown with front matter) and data file, by path in the docs tree."""
    tree: dict[str, str | bytes] = {path: page.source for path, page in content.pages.items()}
    for path, data in content.files.items():
        if path in tree:
            raise TreeError(f"{path}: generated twice, as a page and as a file")
        tree[path] = data
    return dict(sorted(tree.items()))


def fill_summary(markdown: str, content: SiteContent) -> str:
    """A hand-written page with the catalogue summary where it asks for it."""
    return markdown.replace(SUMMARY_MARKER, content.summary)


def hand_written(docs: Path) -> dict[str, bytes]:
    """The files of ``docs/`` by path, in sorted order."""
    return {path.relative_to(docs).as_posix(): path.read_bytes() for path in sorted(docs.rglob("*")) if path.is_file()}


def docs_tree(docs: Path, content: SiteContent) -> dict[str, str | bytes]:
    """The complete docs tree: ``docs/`` (summary filled in) and every generated page and file."""
    tree: dict[str, str | bytes] = {}
    for path, data in hand_written(docs).items():
        text = data.decode("utf-8") if path.endswith(".md") else None
        tree[path] = fill_summary(text, content) if text is not None and SUMMARY_MARKER in text else data
    for path, data in generated_tree(content).items():
        if path in tree:
            raise TreeError(f"docs/{path}: a hand-written file has the path of a generated one")
        tree[path] = data
    return dict(sorted(tree.items()))


def write_tree(tree: dict[str, str | bytes], out: Path) -> int:
    """Write ``tree`` into ``out``, replacing a tree written there before; how many files were written.

    ``out`` must be missing, empty, or a folder this function wrote (it carries :data:`TREE_STAMP`),
    so that no other folder is ever emptied.
    """
    if out.exists():
        if not out.is_dir():
            raise TreeError(f"{out}: not a folder")
        if any(out.iterdir()) and not (out / TREE_STAMP).is_file():
            raise TreeError(f"{out}: not empty and not a generated docs tree; choose another folder")
        shutil.rmtree(out)
    for path, data in tree.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8", newline="\n")
        else:
            target.write_bytes(data)
    (out / TREE_STAMP).write_text("Written by python -m generator pages; emptied by its next run.\n", encoding="utf-8")
    return len(tree)
