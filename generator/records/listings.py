"""Stage 1, listings: parse raw Hugging Face "Daily Papers" text dumps into entries.

A listing comes in one of three layouts, detected per file and never guessed:

* ``blocks``: title, abstract and a metadata block (``• N authors`` or an
  organisation, a ``·`` line, ``Mon D, YYYY`` with optional upvotes), each part
  separated by blank lines;
* ``alternating``: title and abstract on alternating lines with no blank lines,
  the page header glued to the first title (``Subscribe<Title>``);
* ``pairs``: title and abstract separated by blank lines, no metadata.

Every file opens with page chrome. A line the parser cannot place raises
:class:`ListingError` naming the file, the line number and the text.
This module is pure: it takes text and a name, and returns entries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

CHROME_LINES = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
CAPTURE_DAY = re.compile(rf"^(?:{MONTHS}) \d{{1,2}}$")
DATE_LINE = re.compile(rf"^(?P<month>{MONTHS}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})(?: (?P<upvotes>\d+))?$")
AUTHORS_LINE = re.compile(r"^• (?P<count>\d+) authors?$")
SEPARATOR_LINE = "·"
# A title is one line of a sane length; longer lines are abstracts out of place.
MAX_TITLE_LENGTH = 300
LAYOUTS = ("blocks", "alternating", "pairs")


class ListingError(ValueError):
    """A listing line that cannot be placed; names file, line and text."""

    def __init__(self, source: str, line: int, message: str, text: str) -> None:
        shown = text if len(text) <= 80 else text[:77] + "..."
        super().__init__(f"{source}:{line}: {message}: {shown!r}")
        self.source = source
        self.line = line
        self.text = text


@dataclass(frozen=True)
class ListingEntry:
    """One paper as one listing shows it."""

    source: str
    line: int
    title: str
    abstract: str = ""
    date: str | None = None
    authors_count: int | None = None
    organisation: str | None = None
    upvotes: int | None = None


def _content_start(source: str, lines: list[str]) -> int:
    """Index of the first line after the page chrome."""
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped == "" or stripped in CHROME_LINES or CAPTURE_DAY.match(stripped):
            index += 1
            continue
        if stripped.startswith("Subscribe") and stripped != "Subscribe":
            return index  # the alternating layout glues the header to a title
        return index
    raise ListingError(source, len(lines), "no paper found after the page chrome", "")


def detect_layout(source: str, text: str) -> str:
    """Name the layout of a listing, or raise if it matches none."""
    lines = text.split("\n")
    start = _content_start(source, lines)
    body = lines[start:]
    if lines[start].startswith("Subscribe") and lines[start] != "Subscribe":
        if any(not line.strip() for line in body if line is not body[-1]):
            blank = next(i for i, line in enumerate(body) if not line.strip())
            raise ListingError(source, start + blank + 1, "blank line in an alternating listing", "")
        return "alternating"
    if any(line.strip() == SEPARATOR_LINE for line in body):
        return "blocks"
    if any(not line.strip() for line in body):
        return "pairs"
    raise ListingError(source, start + 1, "cannot tell the listing's layout", lines[start])


def _groups(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated groups of stripped lines with their 1-based first line."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped:
            if not current:
                first = index + 1
            current.append(stripped)
        elif current:
            groups.append((first, current))
            current = []
    if current:
        groups.append((first, current))
    return groups


def _check_title(source: str, line: int, text: str) -> str:
    if len(text) > MAX_TITLE_LENGTH:
        raise ListingError(source, line, "expected a title, got a line too long for one", text)
    if text in CHROME_LINES or DATE_LINE.match(text) or AUTHORS_LINE.match(text) or text == SEPARATOR_LINE:
        raise ListingError(source, line, "expected a title", text)
    return text


def _parse_date(source: str, line: int, text: str) -> tuple[str, int | None]:
    match = DATE_LINE.match(text)
    if not match:
        raise ListingError(source, line, "expected a date such as 'May 23, 2023'", text)
    month = MONTHS.split("|").index(match["month"]) + 1
    try:
        date = dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError as error:
        raise ListingError(source, line, f"invalid date ({error})", text) from None
    upvotes = int(match["upvotes"]) if match["upvotes"] else None
    return date.isoformat(), upvotes


def _is_metadata(group: list[str]) -> bool:
    return len(group) == 3 and group[1] == SEPARATOR_LINE


def _parse_blocks(source: str, lines: list[str], start: int) -> list[ListingEntry]:
    entries: list[ListingEntry] = []
    pending: list[tuple[int, str]] = []  # title and abstract groups seen before metadata
    for first, group in _groups(lines, start):
        if _is_metadata(group):
            if not pending:
                raise ListingError(source, first, "metadata block without a title", group[0])
            who, date_line = group[0], group[2]
            date, upvotes = _parse_date(source, first + 2, date_line)
            authors = AUTHORS_LINE.match(who)
            title_line, title = pending[0]
            entries.append(
                ListingEntry(
                    source=source,
                    line=title_line,
                    title=_check_title(source, title_line, title),
                    abstract=pending[1][1] if len(pending) > 1 else "",
                    date=date,
                    authors_count=int(authors["count"]) if authors else None,
                    organisation=None if authors else _organisation_name(who),
                    upvotes=upvotes,
                )
            )
            pending = []
            continue
        if len(group) != 1:
            raise ListingError(source, first + 1, "unexpected line inside a paper block", group[1])
        if len(pending) == 2:
            raise ListingError(source, first, "expected a metadata block ('• N authors', '·', date)", group[0])
        pending.append((first, group[0]))
    if pending:
        line, text = pending[0]
        raise ListingError(source, line, "paper without a metadata block", text)
    return entries


def _organisation_name(line: str) -> str:
    """``deepseek-ai DeepSeek`` is a Hub handle followed by the display name."""
    handle, _, name = line.partition(" ")
    return name.strip() or handle


def _parse_pairs(source: str, numbered: list[tuple[int, str]]) -> list[ListingEntry]:
    """Title and abstract alternate; each item is (1-based line, text)."""
    entries = []
    for index in range(0, len(numbered), 2):
        title_line, title = numbered[index]
        if index + 1 >= len(numbered):
            raise ListingError(source, title_line, "title without an abstract", title)
        abstract_line, abstract = numbered[index + 1]
        if DATE_LINE.match(abstract) or AUTHORS_LINE.match(abstract) or abstract == SEPARATOR_LINE:
            raise ListingError(source, abstract_line, "metadata line in a listing without metadata", abstract)
        entries.append(
            ListingEntry(
                source=source, line=title_line, title=_check_title(source, title_line, title), abstract=abstract
            )
        )
    return entries


# How an abstract ends: a sentence, or a link (every abstract of the real listings does one or the other).
COMPLETE_ENDING = re.compile(r"""(?:[.!?…)\]"'”’]|https?://\S+)\s*$""")


def _check_complete(source: str, entries: list[ListingEntry]) -> list[ListingEntry]:
    """A listing without metadata blocks ends with an abstract: one that stops mid-sentence means the
    file was cut off, and a truncated abstract must not become a record."""
    if entries and not COMPLETE_ENDING.search(entries[-1].abstract):
        last = entries[-1]
        raise ListingError(
            source,
            last.line,
            "the last paper's abstract stops mid-sentence (is the file cut off?)",
            last.abstract[-60:],
        )
    return entries


def parse_listing(source: str, text: str) -> tuple[str, list[ListingEntry]]:
    """Parse one listing's text; return its layout and entries in listing order."""
    lines = text.split("\n")
    layout = detect_layout(source, text)
    start = _content_start(source, lines)
    if layout == "blocks":
        return layout, _parse_blocks(source, lines, start)
    if layout == "alternating":
        numbered = [(start + 1, lines[start][len("Subscribe") :].strip())]
        numbered += [(i + 1, lines[i].strip()) for i in range(start + 1, len(lines)) if lines[i].strip()]
        return layout, _check_complete(source, _parse_pairs(source, numbered))
    numbered = []
    for first, group in _groups(lines, start):
        if len(group) != 1:
            raise ListingError(source, first + 1, "unexpected second line in a title/abstract pair", group[1])
        numbered.append((first, group[0]))
    return layout, _check_complete(source, _parse_pairs(source, numbered))
