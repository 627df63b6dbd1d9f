"""Stage 4, site: BibTeX citations of the papers, written with ``bibtexparser`` 2.

Pure: papers in, BibTeX text out, one ``@misc`` entry per paper (the type arXiv itself exports).

* Key: the paper id. It is unique, stable for as long as the page URL is, and BibTeX-safe
  (lower-case letters, digits, hyphens).
* Title: LaTeX-escaped (``& % $ # _ { } ~ ^ \\``) except inline math between dollars, which is
  LaTeX already; wrapped in an extra pair of braces so styles keep its capitals (``QLoRA``).
* Authors: ``author`` lists every name (from ``add`` or ``enrich``) joined by ``and``; a name that
  BibTeX would split or reorder (one holding a comma or the word "and") is braced whole. Where only
  the listings' count is known, the entry has no ``author`` (BibTeX styles handle a ``@misc``
  without one) and its ``note`` says how many authors the paper has; ``author = {others}`` would
  print a bare "et al." and mislead.
* ``year``/``month`` from the paper date where known; ``eprint``, ``archivePrefix = {arXiv}``,
  ``primaryClass`` and the arXiv ``url`` where the arXiv id is known, the catalogue page otherwise;
  code links in ``note``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from generator.markup.text import INLINE_MATH
from generator.records.records import Paper

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BRACES_BALANCED = {"{": r"\{", "}": r"\}"}
# BibTeX counts \{ as a brace too: an unbalanced title would swallow the rest of the file.
BRACES_UNBALANCED = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _balanced(text: str) -> bool:
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def latex_escape(text: str) -> str:
    """Plain text as LaTeX: every special character escaped."""
    braces = BRACES_BALANCED if _balanced(text) else BRACES_UNBALANCED
    table = {**LATEX_SPECIALS, **braces}
    return "".join(table.get(character, character) for character in text)


def latex_title(title: str) -> str:
    """A title as LaTeX: text escaped, ``$...$`` math kept when its braces balance."""
    title = " ".join(title.split())
    parts = []
    position = 0
    for match in INLINE_MATH.finditer(title):
        if not _balanced(match.group(0)):
            continue
        parts.append(latex_escape(title[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(latex_escape(title[position:]))
    return "".join(parts)


def bibtex_name(name: str) -> str:
    """One author for ``author = {...}``: LaTeX-escaped, braced whole where BibTeX would misread it
    (a comma reorders the name, the word "and" splits it, "others" means et al.)."""
    name = latex_escape(" ".join(name.split()))
    words = [word.lower() for word in name.split()]
    if "," in name or "and" in words or words == ["others"]:
        return "{" + name + "}"
    return name


def _note(paper: Paper) -> str:
    parts = []
    if paper.authors_count is not None and not paper.authors:
        noun = "author" if paper.authors_count == 1 else "authors"
        parts.append(f"{paper.authors_count} {noun} (names not recorded in the catalogue)")
    code = [link.url for link in paper.all_links if link.kind == "github"] or [link.url for link in paper.all_links]
    if code:
        parts.append("Code: " + ", ".join(code))
    return latex_escape(" ".join("; ".join(parts).split()))


def paper_entry(paper: Paper, *, page_url: str) -> Entry:
    """The BibTeX entry of one paper; ``page_url`` is its page on this site."""
    fields = [Field("title", "{" + latex_title(paper.title) + "}")]
    if paper.authors:
        fields.append(Field("author", " and ".join(bibtex_name(name) for name in paper.authors)))
    if paper.date:
        year, month, _day = paper.date.split("-")
        fields += [Field("year", year), Field("month", str(int(month)))]
    if paper.arxiv_id:
        fields += [
            Field("eprint", latex_escape(paper.arxiv_id)),
            Field("archivePrefix", "arXiv"),
        ]
        if paper.primary_category:
            fields.append(Field("primaryClass", latex_escape(paper.primary_category)))
        fields.append(Field("url", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    else:
        fields.append(Field("url", page_url))
    note = _note(paper)
    if note:
        fields.append(Field("note", note))
    return Entry("misc", paper.id, fields)


def render_bibtex(papers: Iterable[Paper], *, site_url: str = "") -> str:
    """BibTeX of the papers, in the given order; page URLs absolute when ``site_url`` is set.

    Each paper's entry is written once and reused: the catalogue's file, every topic's file and the
    paper page all hold it (~4 times a paper), and bibtexparser takes ~1 ms an entry.
    """
    return "\n".join(_entry_text(paper, site_url) for paper in papers)


@lru_cache(maxsize=1 << 17)  # one entry per paper and site URL, bounded for long `mkdocs serve` sessions
def _entry_text(paper: Paper, site_url: str) -> str:
    library = Library()
    library.add(paper_entry(paper, page_url=f"{site_url}papers/{paper.id}/"))
    layout = BibtexFormat()
    layout.indent = "  "  # spaces: Markdown would turn tabs in a page's code block into uneven spaces
    layout.block_separator = "\n"
    # The library is thrown away afterwards: its entries may be formatted in place, without the copy.
    stack = default_unparse_stack(allow_inplace_modification=True)
    return bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=layout)
