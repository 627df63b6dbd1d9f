"""Stage 3, pages: curated reading lists on the site.

Pure renderers, lists and records in, safe HTML out (see :mod:`generator.records.reading_lists`):

* the "Reading lists" page: every list with its description, its number of papers and its curators,
  and a button that opens GitHub's editor on a new list file;
* a page per list: its papers in order under their sections, each with title, date, topics, code
  badge and the curator's note; its feed and BibTeX, its papers on arXiv, "Suggest a change";
* a paper page's "In reading lists" section: each list that holds the paper, with its position.

Titles and section headings are escaped (with inline maths as MathML), descriptions and notes were
sanitised when the list was read. Every page body is HTML, so Markdown never reads contributed text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

from generator.markup.text import escape, render_inline
from generator.pages.note_pages import Repository
from generator.pages.render import human_date, render_paper_row, render_topic_chips
from generator.records.notes import HANDLE_PLACEHOLDER
from generator.records.reading_lists import LISTS_DIR, ReadingList, list_sections
from generator.records.records import Paper
from generator.records.topics import Topic

LISTS_INDEX = "lists/index.md"
LIST_KIND = "reading list"  # the Pagefind filter "kind" of a list page; paper pages are "paper"
NEW_LIST_SLUG = "your-list-slug"


def list_path(slug: str) -> str:
    return f"lists/{slug}/index.md"  # where it is served, as paper_path


def list_template() -> str:
    """The text a new list starts from: placeholders ``check`` refuses until they are replaced."""
    return (
        f"slug: {NEW_LIST_SLUG}\n"
        "title: What the list is for\n"
        "description: |\n"
        "  Who the list is for and what they will know at the end. Markdown; maths between $...$.\n"
        f"curators: [{HANDLE_PLACEHOLDER}]\n"
        "updated: YYYY-MM-DD\n"
        "entries:\n"
        "- section: Start here\n"
        "  paper: qlora-efficient-finetuning-of-quantized-llms\n"
        "  note: Why read it, in a few sentences.\n"
        "- paper: another-paper-id\n"
    )


def count_papers(count: int) -> str:
    return f"{count} paper{'s' if count != 1 else ''}"


def render_curators(reading_list: ReadingList) -> str:
    return ", ".join(
        f'<a href="https://github.com/{quote(name)}" rel="nofollow noopener">@{escape(name)}</a>'
        for name in reading_list.curators
    )


def _updated(reading_list: ReadingList) -> str:
    if not reading_list.updated:
        return ""
    return f'updated <time datetime="{escape(reading_list.updated)}">{human_date(reading_list.updated)}</time>'


def render_lists_overview(lists: Sequence[ReadingList], *, repository: Repository | None) -> str:
    """Markdown of the "Reading lists" page: each list with description, number of papers, curators."""
    items = []
    for reading_list in lists:
        facts = " · ".join(filter(None, [f"curated by {render_curators(reading_list)}", _updated(reading_list)]))
        items.append(
            f'<li class="reading-lists-item"><a class="reading-lists-title" href="{escape(reading_list.slug)}/">'
            f"{render_inline(reading_list.title)}</a>"
            f' <span class="topic-count">{count_papers(len(reading_list.entries))}</span>\n'
            f'<div class="reading-list-description">\n{reading_list.description_html}\n</div>\n'
            f'<p class="reading-list-facts">{facts}</p></li>'
        )
    listing = '<ul class="reading-lists">\n' + "\n".join(items) + "\n</ul>" if items else "<p>No reading lists yet.</p>"
    propose = ""
    if repository is not None:
        new_file = repository.new_file_url((LISTS_DIR / f"{NEW_LIST_SLUG}.yml").as_posix(), list_template())
        button = "md-button md-button--primary"
        propose = f'<a class="{button}" href="{escape(new_file)}" rel="nofollow">Propose a list</a> '
    return (
        "# Reading lists\n\n"
        '<p class="reading-lists-intro">Ordered paths through the catalogue: what to read, in what order and why,'
        " each written by its curators and reviewed by pull request.</p>\n\n"
        f"{listing}\n\n"
        f'<p class="reading-lists-propose" data-search-exclude>{propose}'
        '<a href="../contributing/#propose-a-reading-list">How to propose a list</a></p>\n'
    )


def render_arxiv_links(reading_list: ReadingList, papers: Mapping[str, Paper]) -> str:
    """The list's papers on arXiv, in list order, where their arXiv ids are known."""
    links = []
    for position, paper_id in enumerate(reading_list.paper_ids, start=1):
        paper = papers[paper_id]
        if paper.arxiv_id:
            url = f"https://arxiv.org/abs/{quote(paper.arxiv_id)}"
            links.append(
                f'<li><a href="{escape(url)}" rel="nofollow noopener">{escape(paper.arxiv_id)}</a>'
                f' <span class="reading-list-position">{position}.</span> {render_inline(paper.title)}</li>'
            )
    if not links:
        return ""
    known = f"{len(links)} of {count_papers(len(reading_list.entries))}"
    return (
        '<h2 id="arxiv" data-search-exclude>Open all on arXiv</h2>\n'
        f'<p class="reading-list-arxiv-count">The {known} with a known arXiv id, in list order:</p>\n'
        f'<ol class="reading-list-arxiv">{"".join(links)}</ol>'
    )


def render_entries(
    reading_list: ReadingList, papers: Mapping[str, Paper], topics: Mapping[str, Topic], note_counts: Mapping[str, int]
) -> str:
    """The papers in order under their sections: title, date, code and notes badges, topics, the curator's note."""
    prefix = "../../"
    parts = []
    for number, (section, entries) in enumerate(list_sections(reading_list), start=1):
        if section is not None:
            parts.append(f'<h2 id="section-{number}" data-search-exclude>{render_inline(section)}</h2>')
        rows = []
        for position, entry in entries:
            paper = papers[entry.paper]
            attributes = f'id="entry-{position}" class="reading-list-entry"'
            row = render_paper_row(paper, prefix, note_counts.get(paper.id, 0), attributes=attributes)
            note = f'\n<div class="reading-list-note">\n{entry.note_html}\n</div>\n' if entry.note_html else ""
            rows.append(row.removesuffix("</li>") + render_topic_chips(paper, topics, prefix) + note + "</li>")
        opening = f'<ol class="reading-list-papers" start="{entries[0][0]}" data-search-exclude>'
        parts.append(opening + "\n" + "\n".join(rows) + "\n</ol>")
    return '<div class="reading-list-entries" data-pagefind-ignore>\n' + "\n".join(parts) + "\n</div>"


def list_markers(reading_list: ReadingList) -> tuple[str, str]:
    """Pagefind markers of a list page, as :func:`generator.pages.render.pagefind_markers` gives a paper's.

    The filter ``kind`` tells list results from papers; the filters ``date`` (the last update) and
    ``upvotes`` keep lists in the search page's sorted results."""
    date = escape(reading_list.updated or "0000-00-00")
    curators = ", ".join(f"@{name}" for name in reading_list.curators)
    hidden = (
        f'<div hidden data-pagefind-ignore><span data-pagefind-filter="kind">{LIST_KIND}</span>'
        f'<span data-pagefind-meta="papers">{len(reading_list.entries)}</span>'
        f'<span data-pagefind-meta="curators">{escape(curators)}</span>'
        f'<span data-pagefind-filter="date">{date}</span><span data-pagefind-filter="upvotes">0</span></div>'
    )
    return f' data-pagefind-body data-pagefind-meta="date:{date}"', hidden


def render_list_page(
    reading_list: ReadingList,
    papers: Mapping[str, Paper],
    topics: Mapping[str, Topic],
    *,
    repository: Repository | None,
    note_counts: Mapping[str, int] | None = None,
) -> str:
    """Markdown source of a list page: one HTML block, nothing for Markdown to interpret."""
    facts = [count_papers(len(reading_list.entries)), f"curated by {render_curators(reading_list)}"]
    facts += [_updated(reading_list)] if reading_list.updated else []
    tags = "".join(f'<span class="reading-list-tag">{escape(tag)}</span>' for tag in reading_list.tags)
    arxiv = render_arxiv_links(reading_list, papers)
    links = ['<a href="feed.xml" type="application/atom+xml">Atom feed</a>', '<a href="citations.bib">BibTeX</a>']
    links += ['<a href="#arxiv">Open all on arXiv</a>'] if arxiv else []
    if repository is not None:
        edit = repository.file_url("edit", reading_list.path)
        links.append(f'<a class="md-button" href="{escape(edit)}" rel="nofollow">Suggest a change</a>')
    attributes, hidden = list_markers(reading_list)
    parts = [
        f'<div class="reading-list" data-list="{escape(reading_list.slug)}"{attributes}>',
        f'<h1 id="title">{render_inline(reading_list.title)}</h1>',
        f'<div class="reading-list-description">\n{reading_list.description_html}\n</div>',
        f'<p class="reading-list-facts">{" · ".join(facts)}</p>',
        f'<p class="reading-list-tags">{tags}</p>' if tags else "",
        f'<p class="reading-list-links" data-search-exclude data-pagefind-ignore>{" · ".join(links)}</p>',
        render_entries(reading_list, papers, topics, note_counts or {}),
        f'<div class="reading-list-arxiv-links" data-pagefind-ignore>\n{arxiv}\n</div>' if arxiv else "",
        hidden,
        "</div>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def render_in_lists(memberships: Sequence[tuple[ReadingList, int]], *, prefix: str) -> str:
    """A paper page's "In reading lists" section: each list that holds the paper, with its position."""
    if not memberships:
        return ""
    items = "".join(
        f'<li><a href="{prefix}lists/{escape(reading_list.slug)}/#entry-{position}">'
        f"{render_inline(reading_list.title)}</a>"
        f' <span class="reading-list-position">{position} of {len(reading_list.entries)}</span></li>'
        for reading_list, position in memberships
    )
    # Other pages' titles are not this paper's content: kept out of both search indexes.
    return (
        '<h2 id="reading-lists" data-search-exclude data-pagefind-ignore>In reading lists</h2>\n'
        f'<ul class="paper-reading-lists" data-pagefind-ignore>{items}</ul>'
    )
