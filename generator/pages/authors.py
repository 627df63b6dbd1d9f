"""Stage 3, pages: a paper's authors on its page, a long list folded after the first ten.

Each name links to the search page filtered by that author (the ``author`` facet of
``docs/assets/search-common.js``). Names come from the APIs or a curator: untrusted, escaped as
text and as URL. The fold is a ``<details>``, so it works without JavaScript and every name is
still in the page for search engines and Pagefind.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from generator.markup.text import escape

FOLD_AFTER = 10


def _author(name: str, prefix: str) -> str:
    return f'<a class="paper-author" href="{prefix}search/?author={escape(quote(name, safe=""))}">{escape(name)}</a>'


def render_authors(authors: Sequence[str], *, prefix: str = "../../") -> str:
    """The author line of a paper page; empty when the names are unknown."""
    if not authors:
        return ""
    shown = ", ".join(_author(name, prefix) for name in authors[:FOLD_AFTER])
    rest = authors[FOLD_AFTER:]
    if not rest:
        return f'<p class="paper-authors">{shown}</p>'
    hidden = ", ".join(_author(name, prefix) for name in rest)
    return (
        f'<div class="paper-authors">{shown} <details class="paper-authors-more">'
        f"<summary>and {len(rest)} more</summary>{hidden}</details></div>"
    )
