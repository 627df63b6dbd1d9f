"""Stage 2, records: curator notes, ``catalogue/notes/*.md``, read and checked.

A note is Markdown with YAML front matter between two ``---`` lines::

    ---
    paper: qlora-efficient-finetuning-of-quantized-llms
    author: octocat
    date: 2026-11-23
    title: What to reuse from QLoRA      # optional
    topics: [peft, quantization]         # optional: topics the note argues for
    ---
    The note, in Markdown.

Notes arrive by pull request from anyone, so everything is checked and every
problem names the file, the line and the field (``catalogue/notes/x.md:2: paper:
unknown paper 'nope'``). The front matter goes through the strict reader in
:mod:`generator.records.storage` with file line numbers; the body is rendered by
:mod:`generator.markup.note_markdown`, which sanitises it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from generator.markup.note_markdown import render_note_markdown
from generator.records.schema import Problem, is_iso_date
from generator.records.storage import Document, StorageError, parse_yaml, read_text

NOTES_DIR = Path("catalogue") / "notes"
MAX_NOTE_BYTES = 20 * 1024
NOTE_FIELDS = ("paper", "author", "date", "title", "topics")
REQUIRED_NOTE_FIELDS = ("paper", "author", "date")
MAX_TITLE_LENGTH = 200
FENCE = "---"
HANDLE_PLACEHOLDER = "your-github-handle"  # in the "Add a note" template; check refuses it
# GitHub's rules for user and organisation names: letters, digits and single
# hyphens, not at either end, at most 39 characters.
GITHUB_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


@dataclass(frozen=True)
class Note:
    """One checked note: its file, front matter fields, Markdown body and sanitised HTML."""

    path: str
    paper: str
    author: str
    date: str
    title: str | None
    topics: tuple[str, ...]
    body: str
    html: str

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def split_front_matter(path: str, text: str) -> tuple[str, str, int]:
    """The front matter YAML, the body and the body's first line; StorageError when absent or unclosed."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise StorageError(
            path, 1, "front matter missing: a note starts with a '---' line, then paper:, author: and date:, then '---'"
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() == FENCE:
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    raise StorageError(path, 1, "front matter not closed: add a '---' line after the note's fields")


def shown_value(value: object) -> str:
    """A value as an error message quotes it: text in quotes, anything else with its type."""
    return repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"


def unknown_paper(paper_id: str, paper_ids: frozenset[str]) -> str:
    """The reason for an unknown paper id, with the closest real id as a hint."""
    close = difflib.get_close_matches(paper_id, sorted(paper_ids), n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown paper {paper_id!r}{hint}"


def handle_problem(value: object) -> str | None:
    """Why ``value`` is not a contributor's GitHub user name, or None when it is one."""
    if value == HANDLE_PLACEHOLDER:
        return "replace the placeholder with your GitHub user name"
    if isinstance(value, str) and GITHUB_HANDLE.match(value):
        return None
    return (
        "expected a GitHub user name (letters, digits and single hyphens, at most 39 characters),"
        f" got {shown_value(value)}"
    )


def one_line(value: object, limit: int) -> str | None:
    """``value`` as one stripped line of at most ``limit`` characters, or None when it is not one.

    An unquoted number is still text here (``title: 2048``)."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text if text and len(text) <= limit and "\n" not in text else None


def check_front_matter(
    document: Document, *, paper_ids: frozenset[str], topic_ids: frozenset[str]
) -> tuple[dict, list[Problem]]:
    """Checked front matter values by field, and every problem with its file line."""
    path, data = document.path, document.data
    if not isinstance(data, dict):
        return {}, [Problem(path, 2, "", "front matter must be fields such as 'paper: <paper id>'")]
    problems: list[Problem] = []

    def problem(name: str, reason: str, *where: object) -> None:
        problems.append(Problem(path, document.line(name, *where), name, reason))

    for name in data:
        if name not in NOTE_FIELDS:
            problem(name, f"unknown field (known fields: {', '.join(NOTE_FIELDS)})")
    for name in REQUIRED_NOTE_FIELDS:
        if data.get(name) in (None, ""):
            problems.append(Problem(path, document.line(name) if name in data else 1, name, "required field missing"))
    values: dict = {}
    paper_id = data.get("paper")
    if paper_id not in (None, ""):
        if isinstance(paper_id, str) and paper_id in paper_ids:
            values["paper"] = paper_id
        else:
            problem("paper", unknown_paper(str(paper_id), paper_ids))
    author = data.get("author")
    if author not in (None, ""):
        reason = handle_problem(author)
        if reason:
            problem("author", reason)
        else:
            values["author"] = author
    date = data.get("date")
    if date not in (None, ""):
        if is_iso_date(date):
            values["date"] = date
        else:
            problem("date", f"expected YYYY-MM-DD, got {shown_value(date)}")
    title = data.get("title")
    if title is not None:
        if one_line(title, MAX_TITLE_LENGTH) is None:
            problem("title", f"expected one line of text, at most {MAX_TITLE_LENGTH} characters")
        else:
            values["title"] = one_line(title, MAX_TITLE_LENGTH)
    values["topics"] = _check_topics(document, data.get("topics"), topic_ids, problems)
    return values, problems


def _check_topics(document: Document, value: object, topic_ids: frozenset[str], problems: list[Problem]) -> tuple:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        reason = f"expected a list of topic ids, got {shown_value(value)}"
        problems.append(Problem(document.path, document.line("topics"), "topics", reason))
        return ()
    for index, topic_id in enumerate(value):
        if topic_id not in topic_ids:
            problems.append(
                Problem(document.path, document.line("topics", index), "topics", f"unknown topic {topic_id!r}")
            )
    return tuple(topic_id for topic_id in value if topic_id in topic_ids)


def note_from_text(
    path: str, text: str, *, paper_ids: frozenset[str], topic_ids: frozenset[str]
) -> tuple[Note | None, list[Problem]]:
    """Check one note's text; return the note (None when unusable) and its problems."""
    try:
        front_matter, body, body_line = split_front_matter(path, text)
        document = parse_yaml(path, front_matter, first_line=2)
    except StorageError as error:
        return None, [Problem(path, error.line, "", error.reason)]
    values, problems = check_front_matter(document, paper_ids=paper_ids, topic_ids=topic_ids)
    if not body.strip():
        problems.append(Problem(path, body_line - 1, "", "the note has no text after its front matter"))
    if problems:
        return None, problems
    note = Note(
        path=path,
        paper=values["paper"],
        author=values["author"],
        date=values["date"],
        title=values.get("title"),
        topics=values["topics"],
        body=body.strip("\n"),
        html=render_note_markdown(body),
    )
    return note, []


def read_folder(
    root: Path, folder: Path, *, suffix: str, expected: str, limit: int
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The text of every file in ``root / folder`` by its path as shown (sorted; hidden files skipped).

    A file without ``suffix`` is reported as unexpected (``expected`` says what belongs there), one
    larger than ``limit`` bytes or not UTF-8 as unreadable: never skipped silently."""
    texts, problems = [], []
    for file in sorted((root / folder).glob("*")):
        shown = (folder / file.name).as_posix()
        if file.name.startswith("."):
            continue
        if file.suffix != suffix or not file.is_file():
            problems.append(Problem(shown, 1, "", f"unexpected file ({expected})"))
            continue
        try:
            texts.append((shown, read_text(file, display=shown, limit=limit)))
        except StorageError as error:
            problems.append(Problem(shown, error.line, "", error.reason))
    return texts, problems


def read_notes(root: Path, *, paper_ids: frozenset[str], topic_ids: frozenset[str]) -> tuple[list[Note], list[Problem]]:
    """Every note under ``catalogue/notes/``, sorted by path; bad files are reported, never skipped."""
    notes = []
    texts, problems = read_folder(
        root, NOTES_DIR, suffix=".md", expected="notes are <paper-id>--<author>.md", limit=MAX_NOTE_BYTES
    )
    for shown, text in texts:
        note, found = note_from_text(shown, text, paper_ids=paper_ids, topic_ids=topic_ids)
        problems.extend(found)
        if note is not None:
            notes.append(note)
    return notes, problems


def suggested_file_name(note: Note) -> str:
    return f"{note.paper}--{note.author}.md"


def naming_notice(note: Note) -> str | None:
    """A hint (not an error) when a note's file name does not start with ``<paper-id>--``."""
    if note.file_name.startswith(f"{note.paper}--"):
        return None
    return f"{note.path}: notice: notes are easier to find named {suggested_file_name(note)!r}"


def notes_by_paper(notes: tuple[Note, ...] | list[Note]) -> dict[str, list[Note]]:
    """Each paper's notes, newest first (then by file, so the order is stable)."""
    grouped: dict[str, list[Note]] = {}
    for note in newest_notes_first(notes):
        grouped.setdefault(note.paper, []).append(note)
    return grouped


def newest_notes_first(notes: tuple[Note, ...] | list[Note]) -> list[Note]:
    ordered = sorted(notes, key=lambda note: note.path)
    ordered.sort(key=lambda note: note.date, reverse=True)
    return ordered
