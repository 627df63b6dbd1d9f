"""Stage 3, pages: curator notes on paper pages, and the actions that invite new ones.

Pure functions, notes in and HTML out. A paper page gets a "Curator notes"
section (newest first, with author, date and the note's history on GitHub)
and two actions: "Add a note" opens GitHub's new-file editor with the front
matter filled in, "Edit record" opens the paper's YAML file. The repository
comes in as a plain :class:`Repository` so nothing here reads configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from generator.markup.text import escape, render_inline
from generator.pages.render import human_date, render_paper_row
from generator.records.notes import HANDLE_PLACEHOLDER, NOTES_DIR, Note, newest_notes_first
from generator.records.records import Paper
from generator.records.topics import Topic


@dataclass(frozen=True)
class Repository:
    """Where the catalogue lives on GitHub: ``https://github.com/<owner>/<repo>`` and its branch."""

    url: str
    branch: str = "main"

    def file_url(self, action: str, path: str) -> str:
        return f"{self.url.rstrip('/')}/{action}/{quote(self.branch)}/{quote(path)}"

    def new_file_url(self, path: str, value: str) -> str:
        """GitHub's "create new file" editor with the file name and contents filled in."""
        query = urlencode({"filename": path, "value": value}, quote_via=quote)
        return f"{self.url.rstrip('/')}/new/{quote(self.branch)}?{query}"


def note_template(paper: Paper) -> str:
    """The text a new note starts from: the paper filled in, placeholders ``check`` refuses until replaced.

    No real date: the same catalogue must build the same site on any day. Only the required front
    matter: the optional fields and what a note may say are in CONTRIBUTING.md ("Add a note"), not
    repeated in the link of every paper page (issue 7: 20 KB a paper).
    """
    return f"---\npaper: {paper.id}\nauthor: {HANDLE_PLACEHOLDER}\ndate: YYYY-MM-DD\n---\n"


def render_note_actions(paper: Paper, repository: Repository | None, *, excluded: bool = True) -> str:
    """The "Add a note" and "Edit record" buttons; nothing without a repository.

    ``excluded`` marks them for both search indexes to skip (False where the caller keeps the whole
    section out already)."""
    if repository is None:
        return ""
    new_path = (NOTES_DIR / f"{paper.id}--{HANDLE_PLACEHOLDER}.md").as_posix()
    add = repository.new_file_url(new_path, note_template(paper))
    edit = repository.file_url("edit", f"catalogue/papers/{paper.id}.yml")
    skip = " data-search-exclude data-pagefind-ignore" if excluded else ""
    return (
        f'<p class="paper-actions"{skip}>'
        f'<a class="md-button md-button--primary" href="{escape(add)}" rel="nofollow">Add a note</a> '
        f'<a class="md-button" href="{escape(edit)}" rel="nofollow">Edit record</a>'
        "</p>"
    )


def render_note(note: Note, *, topics: Mapping[str, Topic], repository: Repository | None, prefix: str) -> str:
    """One note: heading, who and when, the topics it argues for, its sanitised body."""
    heading = render_inline(note.title) if note.title else f"Note by @{escape(note.author)}"
    profile = f"https://github.com/{note.author}"
    facts = [
        f'by <a href="{escape(profile)}" rel="nofollow noopener">@{escape(note.author)}</a>',
        f'<time datetime="{escape(note.date)}">{human_date(note.date)}</time>',
    ]
    if repository is not None:
        history = f"{repository.url.rstrip('/')}/commits/{quote(repository.branch)}/{quote(note.path)}"
        facts.append(f'<a href="{escape(history)}" rel="nofollow">history</a>')
    chips = "".join(
        f'<a class="topic-chip" href="{prefix}topics/{topic_id}/">{escape(topics[topic_id].name)}</a>'
        for topic_id in note.topics
    )
    argues = f'<p class="note-topics">Suggests topics: {chips}</p>' if chips else ""
    return (
        f'<article class="curator-note" data-note="{escape(note.file_name)}">\n'
        f"<h3>{heading}</h3>\n"
        f'<p class="note-facts">{" · ".join(facts)}</p>\n'
        f"{argues}"
        f'<div class="note-body">\n{note.html}\n</div>\n'
        "</article>"
    )


def render_notes_section(
    paper: Paper,
    notes: Sequence[Note],
    *,
    topics: Mapping[str, Topic],
    repository: Repository | None,
) -> str:
    """The "Curator notes" section of a paper page, with the actions to add one."""
    prefix = "../../"
    rendered = "\n".join(
        render_note(note, topics=topics, repository=repository, prefix=prefix) for note in newest_notes_first(notes)
    )
    empty = '<p class="notes-empty">No curator notes yet.</p>' if not notes else ""
    # Without notes the section says the same on every paper page: kept out of both search indexes
    # (Material's lunr drops a section whose heading has data-search-exclude), which would otherwise
    # hold it once per paper (issue 7). The actions are never searchable text.
    parts = [
        '<section class="curator-notes">' if notes else '<section class="curator-notes" data-pagefind-ignore>',
        '<h2 id="notes">Curator notes</h2>' if notes else '<h2 id="notes" data-search-exclude>Curator notes</h2>',
        rendered,
        empty,
        render_note_actions(paper, repository, excluded=bool(notes)),
        "</section>",
    ]
    return "\n".join(part for part in parts if part)


def render_recent_notes(notes: Sequence[Note], papers: Mapping[str, Paper], *, prefix: str = "", limit: int = 5) -> str:
    """Home page: the papers noted most recently, each once."""
    rows, seen = [], set()
    for note in newest_notes_first(notes):
        if note.paper in seen:
            continue
        seen.add(note.paper)
        row = render_paper_row(papers[note.paper], prefix)
        by = f' <span class="note-by">noted by @{escape(note.author)}, {human_date(note.date)}</span>'
        rows.append(row.removesuffix("</li>") + by + "</li>")
        if len(rows) == limit:
            break
    if not rows:
        return ""
    return '<h2 id="recent-notes">Recently noted</h2>\n<ol class="paper-list">\n' + "\n".join(rows) + "\n</ol>\n"
