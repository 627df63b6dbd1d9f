"""Stage 3, pages: listings that help choose, and the "Catalogue at a glance" page.

Pure renderers, records in and Markdown/HTML out:

* sortable paper rows: each ``<li>`` carries ``data-date``, ``data-upvotes`` and ``data-code`` for
  ``docs/assets/sort.js`` (which sorts titles by the link's text), which adds sort buttons and a "has code" filter;
  without JavaScript the list is complete and newest first;
* the "Papers with code" page: every paper with a repository or other code link;
* the "Catalogue at a glance" page: the charts of :mod:`generator.pages.charts`, inlined so they take
  the theme's colours, each with a link to its SVG file and a table of its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.markup.text import escape
from generator.pages.charts import Chart
from generator.pages.render import newest_first, render_paper_row
from generator.records.records import Paper

# An empty, hidden slot: sort.js builds the buttons, so content never carries form controls
# and a reader without JavaScript sees no controls that do nothing.
# The SVG's text (tick labels) stays out of Material's lunr index; Material drops the attribute.
SEARCH_EXCLUDE = 'data-search-exclude="chart"'
SORT_CONTROLS = '<div class="paper-sort" data-sort-for="{list_id}" hidden></div>'


def render_sortable_row(paper: Paper, prefix: str, note_count: int = 0) -> str:
    """One paper in a sortable list: the row of :func:`generator.pages.render_paper_row` plus data."""
    data = (
        f'data-date="{escape(paper.date or "")}" data-upvotes="{paper.upvotes or 0}" '
        f'data-code="{"1" if paper.all_links else "0"}"'
    )
    return render_paper_row(paper, prefix, note_count, attributes=data, show_upvotes=True)


def render_sortable_list(
    papers: Sequence[Paper], *, prefix: str, list_id: str, note_counts: Mapping[str, int] | None = None
) -> str:
    """Sort controls (shown by the script) and the papers newest first, with note badges."""
    note_counts = note_counts or {}
    rows = "\n".join(
        render_sortable_row(paper, prefix, note_counts.get(paper.id, 0)) for paper in newest_first(list(papers))
    )
    controls = SORT_CONTROLS.format(list_id=list_id)
    return (
        f'{controls}\n<ol class="paper-list paper-list--sortable" id="{list_id}" data-search-exclude>\n{rows}\n</ol>\n'
    )


def render_code_page(papers: Sequence[Paper], *, note_counts: Mapping[str, int] | None = None) -> str:
    """Markdown of "Papers with code": every paper linking to code, sortable like a topic page."""
    with_code = [paper for paper in papers if paper.all_links]
    repositories = sum(1 for paper in with_code if any(link.kind == "github" for link in paper.all_links))
    return (
        "# Papers with code\n\n"
        f'<p class="topic-count">{len(with_code)} of {len(papers)} papers link to code, models or datasets;'
        f" {repositories} to a GitHub repository.</p>\n\n"
        + render_sortable_list(with_code, prefix="../", list_id="papers-with-code", note_counts=note_counts)
    )


def _table(chart: Chart) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in chart.header)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in chart.rows)
    return (
        f"<details><summary>The numbers of “{escape(chart.title)}”</summary>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def render_glance_page(charts: Sequence[Chart], *, papers_count: int) -> str:
    """Markdown of "Catalogue at a glance": each chart inlined, with its SVG file and its numbers."""
    sections = []
    for chart in charts:
        sections.append(
            f'<h2 id="{chart.name}">{escape(chart.title)}</h2>\n'
            f'<figure class="catalogue-chart">\n'
            f'<div class="catalogue-chart-image" tabindex="0" {SEARCH_EXCLUDE}>{chart.svg}</div>\n'
            f'<figcaption>{escape(chart.description)} <a href="../charts/{chart.name}.svg">SVG file</a></figcaption>\n'
            f"{_table(chart)}\n</figure>"
        )
    return (
        "# Catalogue at a glance\n\n"
        f'<p class="topic-count">{papers_count} papers; charts drawn from the records at build time.</p>\n\n'
        + "\n\n".join(sections)
        + "\n"
    )
