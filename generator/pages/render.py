"""Stage 3, pages: render paper pages, topic pages and the catalogue summary.

Pure functions: records in, Markdown source out. Each page body is one block
of HTML built here with every untrusted string escaped (see :mod:`generator.markup.text`),
so Markdown never interprets a title or abstract. URLs are relative to the page,
so the site works from any base path and offline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from generator.markup.text import escape, render_inline
from generator.pages.authors import render_authors
from generator.records.links import CodeLink
from generator.records.records import Paper
from generator.records.topics import Topic

LINK_KIND_LABELS = {
    "github": "GitHub repository",
    "hf-model": "Hugging Face model",
    "hf-dataset": "Hugging Face dataset",
    "hf-space": "Hugging Face space",
    "hf-collection": "Hugging Face collection",
    "project": "Project page",
    "other": "Link",
}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PageSections:
    """Extra HTML sections a later stage adds to a paper page, already safe."""

    after_abstract: tuple[str, ...] = ()
    end: tuple[str, ...] = ()


def paper_path(paper_id: str) -> str:
    """Source path of a paper page, served at ``papers/<id>/``.

    The source sits where the page is served (``<id>/index.md``, not ``<id>.md``), so a relative link in
    its HTML means the same to an engine that resolves it from the source (Zensical) and to one that
    leaves it as it is (MkDocs).
    """
    return f"papers/{paper_id}/index.md"


def topic_path(topic_id: str) -> str:
    return f"topics/{topic_id}/index.md"  # where it is served, as paper_path


def human_date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {int(day)}, {year}"


def newest_first(papers: list[Paper]) -> list[Paper]:
    """Newest publication date first, undated last, then by title and id."""
    dated = sorted((p for p in papers if p.date), key=lambda p: (p.title.casefold(), p.id))
    dated.sort(key=lambda p: p.date, reverse=True)
    undated = sorted((p for p in papers if not p.date), key=lambda p: (p.title.casefold(), p.id))
    return dated + undated


def _external(url: str, text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<a href="{escape(url)}"{klass} rel="nofollow noopener">{text}</a>'


def _link_label(link: CodeLink) -> str:
    shown = link.url.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    return escape(shown)


def render_facts(paper: Paper) -> str:
    """Date, number of authors (when their names are unknown), organisation, arXiv category, upvotes."""
    facts = []
    if paper.date:
        facts.append(f'<time datetime="{escape(paper.date)}" data-pagefind-ignore>{human_date(paper.date)}</time>')
    if paper.authors_count is not None and not paper.authors:
        noun = "author" if paper.authors_count == 1 else "authors"
        facts.append(f"{paper.authors_count} {noun}")
    if paper.organisation:
        facts.append(f'<span class="paper-organisation">{escape(paper.organisation)}</span>')
    if paper.primary_category:
        facts.append(
            f'<span class="paper-category" title="arXiv primary category">{escape(paper.primary_category)}</span>'
        )
    if paper.upvotes is not None:
        title = "upvotes on Hugging Face Papers"
        facts.append(f'<span class="paper-upvotes" title="{title}" data-pagefind-ignore>▲ {paper.upvotes}</span>')
    return '<p class="paper-facts">' + " · ".join(facts) + "</p>" if facts else ""


def render_topic_chips(paper: Paper, topics: Mapping[str, Topic], prefix: str) -> str:
    if not paper.topics:
        return ""
    chips = " ".join(  # spaced, so search engines see separate words
        f'<a class="topic-chip" href="{prefix}topics/{topic_id}/">{escape(topics[topic_id].name)}</a>'
        for topic_id in paper.topics
    )
    return f'<nav class="topic-chips" aria-label="Topics">{chips}</nav>'


def render_links(paper: Paper) -> str:
    links = paper.all_links
    if not links:
        return ""
    items = "".join(
        f'<li class="code-link code-link--{link.kind}">{_external(link.url, _link_label(link))}'
        f' <span class="code-kind" data-pagefind-ignore>{LINK_KIND_LABELS[link.kind]}</span></li>'
        for link in links
    )
    # The heading and the kinds ("GitHub repository") are furniture: out of the search index, like
    # "Abstract"; the link texts (github.com/owner/repo) stay, so a repository's name finds its paper.
    heading = '<h2 id="code" data-search-exclude data-pagefind-ignore>Code and resources</h2>'
    return f'{heading}\n<ul class="code-links">{items}</ul>'


def find_links(paper: Paper) -> list[tuple[str, str]]:
    """Where to find the paper: direct links with an arXiv id, title searches otherwise."""
    if paper.arxiv_id:
        arxiv = quote(paper.arxiv_id)
        return [
            ("arXiv abstract", f"https://arxiv.org/abs/{arxiv}"),
            ("PDF", f"https://arxiv.org/pdf/{arxiv}"),
            ("Hugging Face Papers", f"https://huggingface.co/papers/{arxiv}"),
            ("Semantic Scholar", f"https://www.semanticscholar.org/arxiv/{arxiv}"),
        ]
    title = quote_plus(paper.title)
    return [
        ("Hugging Face Papers", f"https://huggingface.co/papers?q={title}"),
        ("arXiv", f"https://arxiv.org/search/?searchtype=title&query={title}"),
        ("Semantic Scholar", f"https://www.semanticscholar.org/search?q={title}"),
    ]


def render_paper_body(
    paper: Paper,
    topics: dict[str, Topic],
    sections: PageSections = PageSections(),
    *,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The HTML of a paper page (without the surrounding site); ``labels``: listing file name -> label."""
    labels = labels or {}
    prefix = "../../"
    abstract = render_inline(paper.abstract) if paper.abstract else "<em>No abstract in the listings.</em>"
    finders = " · ".join(_external(url, escape(name)) for name, url in find_links(paper))
    sources = ", ".join(escape(labels.get(source, source)) for source in paper.sources)
    parts = [
        f'<h1 id="title">{render_inline(paper.title)}</h1>',
        render_authors(paper.authors),
        render_facts(paper),
        render_topic_chips(paper, topics, prefix),
        render_links(paper),
        f'<h2 id="abstract" data-search-exclude data-pagefind-ignore>Abstract</h2>\n'
        f'<p class="paper-abstract">{abstract}</p>',
        *sections.after_abstract,
        f'<h2 id="find" data-search-exclude data-pagefind-ignore>Find this paper</h2>\n'
        f'<p class="paper-find" data-pagefind-ignore>{finders}</p>',
        f'<p class="paper-sources" data-pagefind-ignore>Listed in: {sources}</p>' if sources else "",
        *sections.end,
    ]
    return "\n".join(part for part in parts if part)


def pagefind_markers(
    paper: Paper, topics: dict[str, Topic], *, labels: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """Pagefind markers: attributes for the paper wrapper and a hidden block of filters and meta.

    Only the wrapper is indexed (``data-pagefind-body``); the hidden block is ignored as text
    (``data-pagefind-ignore``) but still supplies filters and meta. The search page sorts by the
    filters ``date`` and ``upvotes``, one value a page (``docs/assets/search-order.js``), not by
    Pagefind's sort keys, which would add a table of every page to the index file every search
    loads first: undated papers carry ``0000-00-00`` and sort last, papers without upvotes 0.
    """
    date = escape(paper.date or "0000-00-00")
    upvotes = paper.upvotes or 0
    filters = [("topic", topics[topic_id].name) for topic_id in paper.topics]
    filters += [("year", paper.date[:4])] if paper.date else []
    filters += [("organisation", paper.organisation)] if paper.organisation else []
    filters += [("author", author) for author in dict.fromkeys(paper.authors)]
    filters += [("source", (labels or {}).get(source, source)) for source in paper.sources]
    filters += [("code", "yes" if paper.all_links else "no"), ("kind", "paper")]  # lists are "reading list"
    filters += [("date", paper.date or "0000-00-00"), ("upvotes", str(upvotes))]  # the orders of the search page
    spans = "".join(f'<span data-pagefind-filter="{name}">{escape(value)}</span>' for name, value in filters)
    hidden = f'<div hidden data-pagefind-ignore data-pagefind-meta="upvotes:{upvotes}">{spans}</div>'
    return f' data-pagefind-body data-pagefind-meta="date:{date}"', hidden


def render_paper_page(
    paper: Paper,
    topics: dict[str, Topic],
    sections: PageSections = PageSections(),
    *,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Markdown source of a paper page: one HTML block, nothing for Markdown to interpret."""
    body = render_paper_body(paper, topics, sections, labels=labels)
    attributes, hidden = pagefind_markers(paper, topics, labels=labels)
    return f'<div class="paper" data-paper-id="{escape(paper.id)}"{attributes}>\n{body}\n{hidden}\n</div>\n'


def render_notes_badge(count: int) -> str:
    """A "2 notes" badge for papers with curator notes."""
    if not count:
        return ""
    return f' <span class="notes-badge" title="has curator notes">{count} note{"s" if count != 1 else ""}</span>'


def render_paper_row(
    paper: Paper, prefix: str, note_count: int = 0, *, attributes: str = "", show_upvotes: bool = False
) -> str:
    """One paper in a list: title link, date, upvotes if asked, code badge, notes badge.

    ``attributes`` (safe HTML, e.g. data attributes for sorting) go on the ``<li>``.
    """
    badge = ' <span class="code-badge" title="has code">code</span>' if paper.all_links else ""
    badge += render_notes_badge(note_count)
    date = f' <span class="paper-date">{human_date(paper.date)}</span>' if paper.date else ""
    upvotes = ""
    if show_upvotes and paper.upvotes is not None:
        upvotes = f' <span class="paper-upvotes">▲ {paper.upvotes}</span>'
    opening = f"<li {attributes}>" if attributes else "<li>"
    return f'{opening}<a href="{prefix}papers/{paper.id}/">{render_inline(paper.title)}</a>{date}{upvotes}{badge}</li>'


def count_papers_per_topic(papers: Sequence[Paper], topics: Sequence[Topic]) -> dict[str, int]:
    """How many papers each topic has, every topic included."""
    counts = {topic.id: 0 for topic in topics}
    for paper in papers:
        for topic_id in paper.topics:
            counts[topic_id] += 1
    return counts


def render_topic_page(
    topic: Topic,
    papers: list[Paper],
    *,
    note_counts: Mapping[str, int] | None = None,
    listing: str = "",
    links: str = "",
) -> str:
    """Markdown source of a topic page: description, count, papers newest first.

    ``listing`` replaces the plain list (e.g. a sortable one) and ``links`` (feed, BibTeX) follow
    the count; both are safe HTML from a later stage.
    """
    note_counts = note_counts or {}
    rows = "\n".join(render_paper_row(paper, "../../", note_counts.get(paper.id, 0)) for paper in newest_first(papers))
    with_code = sum(1 for paper in papers if paper.all_links)
    count = f"{len(papers)} paper{'s' if len(papers) != 1 else ''}, {with_code} with code"
    return (
        f'<h1 id="topic-title">{escape(topic.name)}</h1>\n\n'  # HTML, never a Markdown heading: see escape
        f'<p class="topic-description">{escape(topic.description)}</p>\n\n'
        f'<p class="topic-count">{count}</p>\n\n'
        + (f"{links}\n\n" if links else "")
        + (listing or f'<ol class="paper-list" data-search-exclude>\n{rows}\n</ol>\n')
    )


def render_topics_overview(topics: list[Topic], counts: dict[str, int]) -> str:
    """Markdown source of the topics overview: every topic with its paper count."""
    rows = "\n".join(
        f'<li><a href="{topic.id}/">{escape(topic.name)}</a> <span class="topic-count">{counts.get(topic.id, 0)}</span>'
        f'<br><span class="topic-summary">{escape(topic.description)}</span></li>'
        for topic in topics
    )
    return f'# Topics\n\n<ul class="topic-list">\n{rows}\n</ul>\n'


def render_summary(
    papers: list[Paper], topics: list[Topic], *, prefix: str = "", note_counts: Mapping[str, int] | None = None
) -> str:
    """HTML for the home page: how big the catalogue is, where to start, newest papers."""
    note_counts = note_counts or {}
    with_code = sum(1 for paper in papers if paper.all_links)
    counts = count_papers_per_topic(papers, topics)
    biggest = sorted(topics, key=lambda topic: (-counts[topic.id], topic.id))[:8]
    topic_links = " · ".join(
        f'<a href="{prefix}topics/{topic.id}/">{escape(topic.name)}</a> ({counts[topic.id]})' for topic in biggest
    )
    newest = "\n".join(
        render_paper_row(paper, prefix, note_counts.get(paper.id, 0)) for paper in newest_first(papers)[:10]
    )
    return (
        f'<p class="catalogue-size"><strong>{len(papers)}</strong> papers in <strong>{len(topics)}</strong> topics;'
        f" <strong>{with_code}</strong> link to code.</p>\n"
        f'<p class="catalogue-start">Start with a topic: {topic_links},'
        f' or see <a href="{prefix}topics/">all topics</a>.</p>\n'
        f'<h2 id="newest">Newest papers</h2>\n<ol class="paper-list" data-search-exclude>\n{newest}\n</ol>\n'
    )
