"""Stage 4, search: index a built site with Pagefind, once, through its public command line.

Runs after the site engine has written its HTML: ``python -m generator search SITE_DIR`` for any
engine, and the MkDocs plugin's ``on_post_build``. Site folder in, one standard Pagefind bundle in
``SITE_DIR/pagefind/`` out, which Pagefind's own JS API and UI search whole. Only pages marked
``data-pagefind-body`` (paper pages, :func:`generator.pages.render.pagefind_markers`) are indexed, so
navigation, topic lists and hand-written pages stay out. Nothing here reads or rewrites Pagefind's
output: Pagefind writes its bundle itself.

The command line (``python -m pagefind``, the Python package's documented entry point) rather than
the Python API: the API's service is terminated as soon as it answers "written", and Pagefind 1.5
answers before its last file reaches the disk (Pagefind issue #1271); the command exits only when
everything is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

INDEX_FOLDER = "pagefind"
# Characters that belong to method names ("S*", "SpecDec++"), so those names are words of their own.
INCLUDE_CHARACTERS = "*+"
# The file Pagefind's JS API loads first; its presence means a bundle was written.
ENTRY_FILE = "pagefind-entry.json"


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says which folder and why."""


@dataclass(frozen=True)
class SearchIndexSummary:
    folder: Path


def pagefind_command(site: Path, output: Path | None = None) -> list[str]:
    """Pagefind's command line: the bundle in ``site/pagefind/``, or in ``output``."""
    where = ["--output-path", str(output)] if output is not None else ["--output-subdir", INDEX_FOLDER]
    return [
        sys.executable, "-m", "pagefind", "--site", str(site), *where,
        "--force-language", "en", "--include-characters", INCLUDE_CHARACTERS, "--quiet",
    ]  # fmt: skip


def build_search_index(site: Path | str, *, output: Path | None = None) -> SearchIndexSummary:
    """Index the built ``site`` into ``site/pagefind/`` (or into ``output``), replacing any bundle there."""
    site = Path(site).resolve()
    if not site.is_dir():
        raise SearchIndexError(f"{site}: no built site to index")
    output = Path(output).resolve() if output is not None else None
    folder = output or site / INDEX_FOLDER
    if folder.exists():  # the old bundle is HTML-free, but a stale one must not survive a failed run
        shutil.rmtree(folder)
    binary = os.environ.get("PAGEFIND_BINARY_PATH")  # Pagefind's documented way to choose its binary
    if binary and shutil.which(binary) is None:
        raise SearchIndexError(f"{site}: Pagefind failed (no program at PAGEFIND_BINARY_PATH={binary})")
    result = subprocess.run(pagefind_command(site, output), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # The last line says why (a Python traceback ends in the exception, Pagefind's own errors stand alone).
        reason = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()[-1]
        raise SearchIndexError(f"{site}: Pagefind failed ({result.returncode}): {reason}")
    if not (folder / ENTRY_FILE).is_file():
        written = folder.relative_to(site) if folder.is_relative_to(site) else folder
        raise SearchIndexError(f"{site}: Pagefind wrote no {(written / ENTRY_FILE).as_posix()}")
    return SearchIndexSummary(folder=folder)
