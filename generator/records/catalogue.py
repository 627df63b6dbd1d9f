"""Stage 2, records: load the whole curated catalogue and check it.

``catalogue/papers/*.yml`` (one record per paper) and ``catalogue/topics.yml``
(the taxonomy) become one immutable :class:`Catalogue` with every paper's
topics resolved (rules, then the record's curated add/remove lists), and
``catalogue/notes/*.md`` (curator notes, :mod:`generator.records.notes`) and
``catalogue/lists/*.yml`` (reading lists, :mod:`generator.records.reading_lists`) are checked against them.
Every problem in every file is collected, so ``check`` reports them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.records.notes import Note, read_notes
from generator.records.reading_lists import ReadingList, read_lists
from generator.records.records import Paper, title_key
from generator.records.schema import Problem, paper_from_document, paper_to_data
from generator.records.sources import read_labels
from generator.records.storage import StorageError, decode_text, dump_yaml, parse_yaml, read_yaml
from generator.records.topics import Topic, TopicError, apply_overrides, build_topics, match_topics
from generator.records.transaction import finish_pending, write_files

PAPERS_DIR = Path("catalogue") / "papers"
TOPICS_FILE = Path("catalogue") / "topics.yml"


class CatalogueError(ValueError):
    """The catalogue has problems; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Catalogue:
    """Every paper (sorted by id), the taxonomy, the curator notes (sorted by file) and the reading lists
    (sorted by slug), as the site shows them."""

    papers: tuple[Paper, ...]
    topics: tuple[Topic, ...]
    root: Path = field(default=Path("."), compare=False)
    notes: tuple[Note, ...] = ()
    # (listing file name, label) of sources/labels.yml, sorted (generator.records.sources)
    source_labels: tuple[tuple[str, str], ...] = ()

    def label(self, source: str) -> str:
        """What readers see for a listing: its label, or its file name when it has none."""
        return dict(self.source_labels).get(source, source)

    lists: tuple[ReadingList, ...] = ()

    def by_id(self) -> dict[str, Paper]:
        return {paper.id: paper for paper in self.papers}

    def papers_in(self, topic_id: str) -> list[Paper]:
        return [paper for paper in self.papers if topic_id in paper.topics]


@dataclass
class LoadCache:
    """What the last load parsed, by file bytes, so ``mkdocs serve`` re-parses only the files that changed.

    The same bytes give the same result: records (Paper, document, problems) and the taxonomy (its
    compiled rules cost 0.1 s). Only the serve session keeps one, across serve rebuilds.
    """

    records: dict[Path, tuple[bytes, tuple]] = field(default_factory=dict)
    topics: tuple[bytes | None, tuple[list[Topic], list[Problem]]] | None = None


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_topics(root: Path, *, cache: LoadCache | None = None) -> tuple[list[Topic], list[Problem]]:
    path = root / TOPICS_FILE
    if cache is None:
        return _load_topics(root, path)
    data = path.read_bytes() if path.is_file() else None
    if cache.topics is None or cache.topics[0] != data:
        cache.topics = (data, _load_topics(root, path))
    topics, problems = cache.topics[1]
    return list(topics), list(problems)


def _load_topics(root: Path, path: Path) -> tuple[list[Topic], list[Problem]]:
    shown = _display(root, path)
    try:
        document = read_yaml(path, display=shown)
        return build_topics(document.data, shown), []
    except FileNotFoundError:
        return [], [Problem(shown, 1, "", "topic taxonomy missing")]
    except (StorageError, TopicError) as error:
        line = getattr(error, "line", 1)
        reason = getattr(error, "reason", None) or str(error).removeprefix(f"{shown}: ")
        return [], [Problem(shown, line, "", reason)]


def read_records(root: Path, *, cache: LoadCache | None = None) -> tuple[list[Paper], list[Problem]]:
    """Every record file as a Paper; unreadable records are reported, never skipped silently."""
    papers, problems = [], []
    for path in sorted((root / PAPERS_DIR).glob("*")):
        shown = _display(root, path)
        if path.suffix != ".yml" or path.name.startswith("."):  # a stray or half-written file is never ignored
            problems.append(Problem(shown, 1, "", "unexpected file (records are <id>.yml)"))
            continue
        data = path.read_bytes()
        cached = cache.records.get(path) if cache is not None else None
        if cached is None or cached[0] != data:
            cached = (data, _read_record(shown, path.stem, data))
            if cache is not None:
                cache.records[path] = cached
        paper, document, found = cached[1]
        problems.extend(found)
        if paper is not None:
            papers.append((paper, document))
    problems.extend(_check_across(papers))
    return [paper for paper, _ in papers], problems


def read_record(root: Path, path: Path) -> Paper | None:
    """One record file as a Paper, None if it has problems (:func:`read_records` reports them)."""
    paper, _, problems = _read_record(_display(root, path), path.stem, path.read_bytes())
    return None if problems else paper


def _read_record(shown: str, paper_id: str, data: bytes) -> tuple:
    """One record file's bytes as (Paper or None, document or None, problems)."""
    try:
        document = parse_yaml(shown, decode_text(shown, data))
    except StorageError as error:
        return None, None, [Problem(shown, error.line, "", error.reason)]
    paper, found = paper_from_document(document, expected_id=paper_id)
    return paper, document, found


def check_record(root: Path, paper: Paper) -> list[Problem]:
    """The problems ``paper`` would have once written, e.g. a malformed value from an API."""
    shown = _display(root, root / PAPERS_DIR / f"{paper.id}.yml")
    _, _, problems = _read_record(shown, paper.id, dump_yaml(paper_to_data(paper)).encode("utf-8"))
    return problems


def _check_across(papers: list[tuple[Paper, object]]) -> list[Problem]:
    """Problems only visible across records: duplicate ids and titles."""
    problems = []
    seen_ids: dict[str, str] = {}
    seen_titles: dict[str, str] = {}
    for paper, document in papers:
        if paper.id in seen_ids:
            problems.append(
                Problem(document.path, document.line("id"), "id", f"duplicate id, also in {seen_ids[paper.id]}")
            )
        seen_ids.setdefault(paper.id, document.path)
        key = title_key(paper.title)
        if key in seen_titles:
            problems.append(
                Problem(
                    document.path,
                    document.line("title"),
                    "title",
                    f"duplicate title, same as {seen_titles[key]} (ignoring case and punctuation)",
                )
            )
        seen_titles.setdefault(key, document.path)
    return problems


def resolve_topics(papers: list[Paper], topics: list[Topic], root: Path) -> tuple[list[Paper], list[Problem]]:
    """Apply the topic rules and each record's overrides; report unknown topic ids."""
    known = {topic.id for topic in topics}
    resolved, problems = [], []
    for paper in papers:
        for name in ("topics_add", "topics_remove"):
            for index, topic_id in enumerate(getattr(paper, name)):
                if topic_id not in known:
                    shown = _display(root, root / PAPERS_DIR / f"{paper.id}.yml")
                    line = _line_of(root, paper.id, name, index)
                    problems.append(Problem(shown, line, name, f"unknown topic {topic_id!r}"))
        matched = match_topics(paper.title, paper.abstract, topics)
        add = tuple(topic_id for topic_id in paper.topics_add if topic_id in known)
        remove = tuple(topic_id for topic_id in paper.topics_remove if topic_id in known)
        chosen = apply_overrides(matched, add, remove, topics)
        resolved.append(replace(paper, topics=chosen))
    return resolved, problems


def _line_of(root: Path, paper_id: str, *where: object) -> int:
    """The line of a field in a record, read again only when reporting a problem."""
    return read_yaml(root / PAPERS_DIR / f"{paper_id}.yml").line(*where)


def load_catalogue(root: Path | str = ".", *, cache: LoadCache | None = None) -> Catalogue:
    """Load and check the catalogue under ``root``; raise CatalogueError listing every problem.

    ``cache`` (kept by ``mkdocs serve`` across rebuilds) skips parsing files whose bytes did not change.
    """
    root = Path(root)
    finish_pending(root)  # an import that was killed: completed if it was committed, else dropped
    topics, problems = load_topics(root, cache=cache)
    papers, found = read_records(root, cache=cache)
    problems += found
    papers, found = resolve_topics(papers, topics, root)
    problems += found
    # Ids of every record file, so a note on a paper whose record is broken is not also "unknown".
    paper_ids = frozenset(path.stem for path in (root / PAPERS_DIR).glob("*.yml"))
    notes, found = read_notes(root, paper_ids=paper_ids, topic_ids=frozenset(topic.id for topic in topics))
    problems += found
    labels, found = read_labels(root)
    problems += found
    lists, found = read_lists(root, paper_ids=paper_ids)
    problems += found
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        papers=tuple(papers),
        topics=tuple(topics),
        root=root,
        notes=tuple(notes),
        source_labels=tuple(sorted(labels.items())),
        lists=tuple(lists),
    )


def write_records(root: Path, papers: list[Paper]) -> list[Path]:
    """Write every record, all or nothing (:mod:`generator.records.transaction`); the paths that changed."""
    files = {PAPERS_DIR / f"{paper.id}.yml": dump_yaml(paper_to_data(paper)) for paper in papers}
    return write_files(root, files)
