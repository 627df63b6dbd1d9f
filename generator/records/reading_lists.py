"""Stage 2, records: curated reading lists, ``catalogue/lists/<slug>.yml``, read and checked.

A reading list is an ordered path through the catalogue, written and reviewed by pull request::

    slug: peft-where-to-start                     # the file name without .yml
    title: "Parameter-efficient fine-tuning: where to start"
    description: |                                # Markdown (sanitised; maths between $...$)
      Who the list is for and what they will know at the end.
    curators: [octocat]                           # GitHub user names
    updated: 2026-11-23                           # optional
    tags: [fine-tuning]                           # optional
    entries:
    - section: Start here                         # optional: a heading over this entry and the next ones
      paper: qlora-efficient-finetuning-of-quantized-llms
      note: Why read it, in a few sentences.      # optional, Markdown

Everything is untrusted: every problem names the file, the line and the field
(``catalogue/lists/x.yml:9: entries[0].paper: unknown paper 'nope'``), and the description and the
notes are rendered by :mod:`generator.markup.note_markdown`, which sanitises them as it does notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.markup.note_markdown import render_note_markdown
from generator.records.notes import (
    MAX_TITLE_LENGTH,
    handle_problem,
    one_line,
    read_folder,
    shown_value,
    unknown_paper,
)
from generator.records.schema import ID_PATTERN, Problem, is_iso_date
from generator.records.storage import Document, StorageError, parse_yaml

LISTS_DIR = Path("catalogue") / "lists"
LIST_FIELDS = ("slug", "title", "description", "curators", "updated", "tags", "entries")
REQUIRED_LIST_FIELDS = ("slug", "title", "description", "curators", "entries")
ENTRY_FIELDS = ("section", "paper", "note")
MAX_LIST_BYTES = 64 * 1024
MAX_DESCRIPTION_LENGTH = 2000  # characters of Markdown: a paragraph or two
MAX_NOTE_LENGTH = 1000  # characters of Markdown: "why read it", a few sentences
MAX_SECTION_LENGTH = 120
MAX_TAGS = 10


@dataclass(frozen=True)
class ListEntry:
    """One paper of a list: its id, the section heading it opens (if any) and the curator's note."""

    paper: str
    section: str | None = None
    note: str | None = None  # Markdown as written
    note_html: str = ""  # sanitised


@dataclass(frozen=True)
class ReadingList:
    """One checked reading list, its entries in the curator's order."""

    path: str
    slug: str
    title: str
    description: str  # Markdown as written
    description_html: str  # sanitised
    curators: tuple[str, ...]
    entries: tuple[ListEntry, ...]
    updated: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def paper_ids(self) -> tuple[str, ...]:
        return tuple(entry.paper for entry in self.entries)


def list_sections(reading_list: ReadingList) -> list[tuple[str | None, list[tuple[int, ListEntry]]]]:
    """The entries grouped under their section headings, each with its position (1-based).

    Entries before the first section form a group without a heading."""
    groups: list[tuple[str | None, list[tuple[int, ListEntry]]]] = []
    for position, entry in enumerate(reading_list.entries, start=1):
        if entry.section is not None or not groups:
            groups.append((entry.section, []))
        groups[-1][1].append((position, entry))
    return groups


def lists_by_paper(lists: Sequence[ReadingList]) -> dict[str, list[tuple[ReadingList, int]]]:
    """For each listed paper, the lists that hold it (by slug) and its position in each."""
    found: dict[str, list[tuple[ReadingList, int]]] = {}
    for reading_list in sorted(lists, key=lambda item: item.slug):
        for position, paper_id in enumerate(reading_list.paper_ids, start=1):
            found.setdefault(paper_id, []).append((reading_list, position))
    return found


class _Checker:
    """Collects the problems of one list document, each with its line and field."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def problem(self, field: str, reason: str, *where: object) -> None:
        self.problems.append(Problem(self.document.path, self.document.line(*where), field, reason))

    def markdown(self, value: object, limit: int, field: str, *where: object) -> str | None:
        """Markdown text of at most ``limit`` characters, or None after reporting why not."""
        if not isinstance(value, str | int) or not str(value).strip():
            self.problem(field, f"expected Markdown text, got {shown_value(value)}", *where)
            return None
        text = str(value).strip("\n")
        if len(text) > limit:
            self.problem(field, f"is {len(text)} characters long; the limit is {limit}", *where)
            return None
        return text

    def names(self, value: object, field: str, expected: str) -> list[str] | None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(field, f"expected a list of {expected}, got {shown_value(value)}", field)
            return None
        return value


def _check_curators(check: _Checker, value: object) -> tuple[str, ...]:
    curators = check.names(value, "curators", "GitHub user names")
    if curators is None:
        return ()
    if not curators:
        check.problem("curators", "at least one curator is needed", "curators")
    for index, curator in enumerate(curators):
        reason = handle_problem(curator)
        if reason:
            check.problem("curators", reason, "curators", index)
    return tuple(curators)


def _check_tags(check: _Checker, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    tags = check.names(value, "tags", "tags (lower-case words joined by '-')")
    if tags is None:
        return ()
    if len(tags) > MAX_TAGS:
        check.problem("tags", f"{len(tags)} tags; the limit is {MAX_TAGS}", "tags")
    for index, tag in enumerate(tags):
        if not ID_PATTERN.match(tag) or len(tag) > 40:
            check.problem("tags", f"expected lower-case words joined by '-', got {tag!r}", "tags", index)
    return tuple(tags)


def _check_entry(check: _Checker, index: int, item: object, paper_ids: frozenset[str], seen: dict) -> ListEntry | None:
    label = f"entries[{index}]"
    if not isinstance(item, dict):
        check.problem(label, "expected paper: with optional section: and note:", "entries", index)
        return None
    for name in item:
        if name not in ENTRY_FIELDS:
            known = ", ".join(ENTRY_FIELDS)
            check.problem(f"{label}.{name}", f"unknown field (known fields: {known})", "entries", index, name)
    paper = item.get("paper")
    entry: dict = {}
    if paper in (None, ""):
        check.problem(f"{label}.paper", "required field missing", "entries", index)
    elif not isinstance(paper, str) or paper not in paper_ids:
        check.problem(f"{label}.paper", unknown_paper(str(paper), paper_ids), "entries", index, "paper")
    elif paper in seen:
        first, line = seen[paper]
        check.problem(f"{label}.paper", f"listed twice, first as {first} (line {line})", "entries", index, "paper")
    else:
        seen[paper] = (label, check.document.line("entries", index, "paper"))
        entry["paper"] = paper
    if "section" in item:
        section = one_line(item["section"], MAX_SECTION_LENGTH)
        if section is None:
            reason = f"expected one line of text, at most {MAX_SECTION_LENGTH} characters"
            check.problem(f"{label}.section", reason, "entries", index, "section")
        entry["section"] = section
    if "note" in item:
        note = check.markdown(item["note"], MAX_NOTE_LENGTH, f"{label}.note", "entries", index, "note")
        entry.update(note=note, note_html=render_note_markdown(note) if note else "")
    return ListEntry(**entry) if "paper" in entry else None


def _check_entries(check: _Checker, value: object, paper_ids: frozenset[str]) -> tuple[ListEntry, ...]:
    if value is not None and not isinstance(value, list):
        reason = f"expected a list of entries (paper:, section:, note:), got {shown_value(value)}"
        check.problem("entries", reason, "entries")
        return ()
    if not value:
        check.problem("entries", "the list has no papers", "entries")
    seen: dict[str, tuple[str, int]] = {}
    found = [_check_entry(check, index, item, paper_ids, seen) for index, item in enumerate(value or [])]
    return tuple(entry for entry in found if entry is not None)


def list_from_document(
    document: Document, *, expected_slug: str, paper_ids: frozenset[str]
) -> tuple[ReadingList | None, list[Problem]]:
    """Check one list document; return the list (None when it has problems) and its problems."""
    data = document.data
    if not isinstance(data, dict):
        return None, [Problem(document.path, 1, "", "expected the fields of a reading list (slug:, title:, ...)")]
    check = _Checker(document)
    for name in data:
        if name not in LIST_FIELDS:
            check.problem(name, f"unknown field (known fields: {', '.join(LIST_FIELDS)})", name)
    for name in REQUIRED_LIST_FIELDS:
        if data.get(name) in (None, "") and not (name == "entries" and name in data):  # "entries:" is empty
            check.problem(name, "required field missing", name)
    values: dict = {}
    slug = data.get("slug")
    if slug not in (None, ""):
        if not isinstance(slug, str) or not ID_PATTERN.match(slug):
            check.problem("slug", f"expected lower-case words joined by '-', got {shown_value(slug)}", "slug")
        elif slug != expected_slug:
            check.problem("slug", f"{slug!r} does not match the file name {expected_slug!r}", "slug")
        values["slug"] = slug
    if data.get("title") not in (None, ""):
        values["title"] = one_line(data["title"], MAX_TITLE_LENGTH)
        if values["title"] is None:
            check.problem("title", f"expected one line of text, at most {MAX_TITLE_LENGTH} characters", "title")
    if data.get("description") not in (None, ""):
        description = check.markdown(data["description"], MAX_DESCRIPTION_LENGTH, "description", "description")
        values["description"] = description
        values["description_html"] = render_note_markdown(description) if description else ""
    if data.get("curators") is not None:
        values["curators"] = _check_curators(check, data["curators"])
    updated = data.get("updated")
    if updated is not None:
        if not is_iso_date(updated):
            check.problem("updated", f"expected YYYY-MM-DD, got {shown_value(updated)}", "updated")
        values["updated"] = updated
    values["tags"] = _check_tags(check, data.get("tags"))
    if "entries" in data:
        values["entries"] = _check_entries(check, data["entries"], paper_ids)
    if check.problems:
        return None, check.problems
    return ReadingList(path=document.path, **values), []


def read_lists(root: Path, *, paper_ids: frozenset[str]) -> tuple[list[ReadingList], list[Problem]]:
    """Every list under ``catalogue/lists/``, sorted by slug; bad files are reported, never skipped."""
    lists = []
    texts, problems = read_folder(
        root, LISTS_DIR, suffix=".yml", expected="reading lists are <slug>.yml", limit=MAX_LIST_BYTES
    )
    for shown, text in texts:
        try:
            document = parse_yaml(shown, text)
        except StorageError as error:
            problems.append(Problem(shown, error.line, "", error.reason))
            continue
        reading_list, found = list_from_document(document, expected_slug=Path(shown).stem, paper_ids=paper_ids)
        problems.extend(found)
        if reading_list is not None:
            lists.append(reading_list)
    return lists, problems
