"""Stage 4, site: the "Catalogue at a glance" charts, SVG drawn at build time with matplotlib.

Pure: papers and topics in, SVG text and figures' data out; no JavaScript, nothing fetched.

* Deterministic: a fixed ``svg.hashsalt``, no date or creator metadata, text kept as text.
* Light and dark: matplotlib draws with two placeholder colours that are then replaced by
  ``currentColor`` (text, axes) and ``var(--chart-bar, …)`` (bars, cells), so a chart inlined in
  a page takes the theme's colours; opened on its own it is dark on white.
* Accessible: each SVG is ``role="img"`` with a ``<title>`` and ``<desc>``, and the page shows
  the numbers in a table beside it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import combinations

import numpy as np

from generator.markup.text import escape
from generator.pages.render import count_papers_per_topic
from generator.records.records import Paper
from generator.records.topics import Topic

TEXT_PLACEHOLDER = "#010203"
BAR_PLACEHOLDER = "#0a0b0c"
BAR_COLOUR = "var(--chart-bar, #5468d4)"
STYLE = {
    "svg.hashsalt": "paper-catalogue",
    "svg.fonttype": "none",
    "text.parse_math": False,  # topic names are text: "$x$" in a name is drawn as written, never parsed
    "font.size": 10,
    "text.color": TEXT_PLACEHOLDER,
    "axes.edgecolor": TEXT_PLACEHOLDER,
    "axes.labelcolor": TEXT_PLACEHOLDER,
    "xtick.color": TEXT_PLACEHOLDER,
    "ytick.color": TEXT_PLACEHOLDER,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Chart:
    """One chart: file name, heading, text alternative, SVG and the table of its numbers."""

    name: str
    title: str
    description: str
    svg: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _pyplot():  # noqa: ANN202 - matplotlib's pyplot module
    """matplotlib (~0.4 s to import), loaded only where a chart is drawn."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("svg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def _finish(figure, *, name: str, title: str, description: str) -> str:  # noqa: ANN001 - matplotlib Figure
    """SVG text of a figure with placeholders themed and a title/description for screen readers."""
    plt = _pyplot()
    buffer = io.StringIO()
    with plt.rc_context(STYLE):  # the hash salt must be set while saving, or ids are random
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = re.sub(r'(id="|url\(#)(p[0-9a-f]{10}\b)', rf"\1{name}-\2", svg)  # unique ids when inlined together
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE: the SVG is inlined in pages too
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = svg.replace(TEXT_PLACEHOLDER, "currentColor").replace(BAR_PLACEHOLDER, BAR_COLOUR)
    label = (
        f' role="img" aria-labelledby="{name}-title {name}-desc">\n'
        f'<title id="{name}-title">{escape(title)}</title>\n<desc id="{name}-desc">{escape(description)}</desc>'
    )
    svg = re.sub(r">", label, svg, count=1)
    return "\n".join(line for line in svg.splitlines() if line.strip()) + "\n"


def _svg(figure: Callable[[], object], *, name: str, title: str, description: str) -> str:
    """The chart's SVG from ``figure()``."""
    return _finish(figure(), name=name, title=title, description=description)


def _bar_chart(labels: Sequence[str], values: Sequence[float], *, horizontal: bool, axis_label: str):  # noqa: ANN202
    plt = _pyplot()
    with plt.rc_context(STYLE):
        height = 0.28 * len(labels) + 1 if horizontal else 3.2
        figure, axes = plt.subplots(figsize=(7.2, height))
        if horizontal:
            positions = range(len(labels))[::-1]
            axes.barh(list(positions), values, color=BAR_PLACEHOLDER)
            axes.set_yticks(list(positions), labels)
            axes.set_xlabel(axis_label)
        else:
            axes.bar(range(len(labels)), values, color=BAR_PLACEHOLDER)
            axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 12 else 0)
            axes.set_ylabel(axis_label)
        return figure


def papers_per_topic(papers: Sequence[Paper], topics: Sequence[Topic]) -> Chart:
    counts = count_papers_per_topic(papers, topics)
    ordered = sorted(topics, key=lambda topic: (-counts[topic.id], topic.name))
    labels = [topic.name for topic in ordered]
    values = [counts[topic.id] for topic in ordered]
    title = "Papers per topic"
    description = f"Bar chart of the number of papers in each of the {len(topics)} topics, largest first."
    figure = partial(_bar_chart, labels, values, horizontal=True, axis_label="papers")
    svg = _svg(figure, name="papers-per-topic", title=title, description=description)
    rows = tuple((label, str(value)) for label, value in zip(labels, values, strict=True))
    return Chart("papers-per-topic", title, description, svg, ("Topic", "Papers"), rows)


def papers_per_year(papers: Sequence[Paper]) -> Chart:
    counts = Counter(paper.year for paper in papers if paper.year is not None)
    years = list(range(min(counts), max(counts) + 1)) if counts else []
    values = [counts[year] for year in years]
    undated = sum(1 for paper in papers if paper.year is None)
    title = "Papers per publication year"
    description = (
        f"Bar chart of the number of papers published each year, for the {sum(values)} papers whose "
        f"publication date is known; {undated} papers have no date in the listings."
    )
    figure = partial(_bar_chart, [str(year) for year in years], values, horizontal=False, axis_label="papers")
    svg = _svg(figure, name="papers-per-year", title=title, description=description)
    rows = tuple((str(year), str(value)) for year, value in zip(years, values, strict=True))
    return Chart("papers-per-year", title, description, svg, ("Year", "Papers"), rows)


def share_with_code(papers: Sequence[Paper], topics: Sequence[Topic]) -> Chart:
    """Per topic, the percentage of its papers that link to code; the whole catalogue first."""
    groups = [("Whole catalogue", list(papers))]
    groups += [(topic.name, [paper for paper in papers if topic.id in paper.topics]) for topic in topics]
    groups = [(name, members) for name, members in groups if members]
    shares = [(name, sum(1 for paper in members if paper.all_links), len(members)) for name, members in groups]
    shares = shares[:1] + sorted(shares[1:], key=lambda share: (-share[1] / share[2], share[0]))
    percent = [round(100 * with_code / total, 1) for _, with_code, total in shares]
    title = "Share of papers with code"
    overall = percent[0] if percent else 0
    description = (
        f"Bar chart of the percentage of papers that link to code, repositories, models or datasets: "
        f"{overall}% of the whole catalogue, then each topic, highest share first."
    )
    figure = partial(_bar_chart, [name for name, _, _ in shares], percent, horizontal=True, axis_label="% with code")
    svg = _svg(figure, name="share-with-code", title=title, description=description)
    rows = tuple(
        (name, str(with_code), str(total), f"{value}%")
        for (name, with_code, total), value in zip(shares, percent, strict=True)
    )
    return Chart("share-with-code", title, description, svg, ("Papers", "With code", "All", "Share"), rows)


def topic_pairs(papers: Sequence[Paper]) -> Counter:
    """How many papers each pair of topics shares: ``{(topic_a, topic_b): count}`` with a < b."""
    return Counter(pair for paper in papers for pair in combinations(sorted(paper.topics), 2))


def _heat_map(matrix: list[list[int]], topics: Sequence[Topic]):  # noqa: ANN202 - a matplotlib Figure
    plt = _pyplot()
    from matplotlib.colors import LinearSegmentedColormap  # noqa: PLC0415 - with pyplot, where charts are drawn

    with plt.rc_context(STYLE):
        size = 0.26 * len(topics) + 2
        figure, axes = plt.subplots(figsize=(size + 1.5, size))
        colours = LinearSegmentedColormap.from_list("bar-alpha", [(0.04, 0.043, 0.047, 0.0), (0.04, 0.043, 0.047, 1.0)])
        # Cells of pairs that share no paper are left out, not drawn transparent: half the cells, half the SVG.
        shared = np.ma.masked_equal(np.array(matrix, dtype=float), 0)
        most = max((count for row in matrix for count in row), default=0)
        cells = axes.pcolor(shared, cmap=colours, edgecolors="none", vmin=0, vmax=max(most, 1))
        cells.set_rasterized(False)
        names = [topic.name for topic in topics]
        axes.set_xticks([number + 0.5 for number in range(len(topics))], names, rotation=90)
        axes.set_yticks([number + 0.5 for number in range(len(topics))], names)
        axes.invert_yaxis()
        axes.set_aspect("equal")
    return figure


def topic_cooccurrence(papers: Sequence[Paper], topics: Sequence[Topic], *, table_rows: int = 20) -> Chart:
    """Heat map of the papers two topics share; the table lists the most shared pairs."""
    pairs = topic_pairs(papers)
    index = {topic.id: number for number, topic in enumerate(topics)}
    matrix = [[0] * len(topics) for _ in topics]
    for (first, second), count in pairs.items():
        matrix[index[first]][index[second]] = matrix[index[second]][index[first]] = count
    title = "Topic co-occurrence"
    top = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:table_rows]
    name_of = {topic.id: topic.name for topic in topics}
    description = (
        "Heat map of how many papers each pair of topics shares; the stronger the colour of a cell, the more "
        "papers the two topics share. "
        + (f"The most shared pair is {name_of[top[0][0][0]]} and {name_of[top[0][0][1]]} ({top[0][1]})." if top else "")
    )
    figure = partial(_heat_map, matrix, topics)
    svg = _svg(figure, name="topic-cooccurrence", title=title, description=description)
    rows = tuple((name_of[first], name_of[second], str(count)) for (first, second), count in top)
    return Chart("topic-cooccurrence", title, description, svg, ("Topic", "Topic", "Papers in both"), rows)


def catalogue_charts(papers: Sequence[Paper], topics: Sequence[Topic]) -> list[Chart]:
    """Every chart of the "at a glance" page, in page order."""
    return [
        papers_per_topic(papers, topics),
        papers_per_year(papers),
        share_with_code(papers, topics),
        topic_cooccurrence(papers, topics),
    ]
