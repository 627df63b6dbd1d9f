"""Benchmark input: a realistic catalogue of any size, recombined from the real records.

The benchmark (:mod:`benchmarks.bench`) needs 5,000 or 20,000 papers that look like the real
749: titles, abstracts, code links, dates, topics and notes with the same shapes and lengths.
:func:`synthesise_papers` recombines the real records deterministically (one seeded
``random.Random``): a title is one real title's head joined to another's tail at ``:``, an
abstract is real sentences from several papers, code links and facts are borrowed from a random
paper, dates spread over ten years. Topics are not synthesised: the real rules find them in the
recombined text when the catalogue loads. A few papers get a curated note. Everything is written
to a temporary project, never to the repository.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from pathlib import Path

from generator.records.records import Paper, make_slug, title_key
from generator.records.schema import paper_to_data
from generator.records.storage import dump_yaml
from generator.records.topics import SENTENCE_BREAK

DEFAULT_SEED = 20261123  # the synthetic catalogue of every benchmark (bench, search_budget, bench_serve)
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 3650  # dates spread over ten years, so per-year shards and feeds see realistic sizes
NOTE_SHARE = 0.03  # about one paper in thirty carries a curator's note
NOTE_AUTHORS = ("ada", "grace", "alan", "katherine", "edsger")


def _split_title(title: str) -> tuple[str, str]:
    head, colon, tail = title.partition(":")
    return (head.strip(), tail.strip()) if colon else (title.strip(), "")


def _title(rng: random.Random, papers: list[Paper]) -> str:
    """A real title's head joined to another real title's tail (or the other's whole title)."""
    head, _ = _split_title(rng.choice(papers).title)
    other_head, other_tail = _split_title(rng.choice(papers).title)
    return f"{head}: {other_tail or other_head}"


def _abstract(rng: random.Random, sentences: list[str], lengths: list[int]) -> str:
    return " ".join(rng.choice(sentences) for _ in range(rng.choice(lengths)))


def _unique(title: str, seen: set[str]) -> str:
    """The title, numbered when the same title (ignoring case and punctuation) already exists."""
    candidate, number = title, 1
    while title_key(candidate) in seen:
        number += 1
        candidate = f"{title} ({number})"
    seen.add(title_key(candidate))
    return candidate


def _unique_id(title: str, taken: set[str]) -> str:
    base = make_slug(title)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base[:72].rstrip('-')}-{number}"
    taken.add(candidate)
    return candidate


def synthesise_papers(real: list[Paper], count: int, *, seed: int = DEFAULT_SEED) -> list[Paper]:
    """``count`` papers recombined from ``real``, the same for the same inputs and seed."""
    rng = random.Random(seed)
    sentences = [s for paper in real for s in SENTENCE_BREAK.split(paper.abstract) if s.strip()]
    lengths = [len(SENTENCE_BREAK.split(paper.abstract)) for paper in real if paper.abstract]
    seen_titles: set[str] = set()
    taken_ids: set[str] = set()
    papers = []
    for _ in range(count):
        donor = rng.choice(real)  # facts, code links and sources come from one real paper
        title = _unique(_title(rng, real), seen_titles)
        date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        papers.append(
            replace(
                donor,
                id=_unique_id(title, taken_ids),
                title=title,
                abstract=_abstract(rng, sentences, lengths),
                date=date.isoformat() if rng.random() < 0.9 else None,
                topics_add=(),
                topics_remove=(),
                topics=(),
            )
        )
    return sorted(papers, key=lambda paper: paper.id)


def synthesise_notes(papers: list[Paper], *, seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Curator notes for a few papers: ``catalogue/notes/<paper-id>--<author>.md`` → text."""
    rng = random.Random(seed + 1)
    notes = {}
    for paper in papers:
        if rng.random() >= NOTE_SHARE:
            continue
        author = rng.choice(NOTE_AUTHORS)
        day = (FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
        quality = rng.choice(("good", "fair", "none"))
        body = (
            f"Why it matters: {paper.title} is worth reading for its *method* section.\n\n"
            f"- Compare with the related papers listed below.\n- Code quality: {quality}.\n"
        )
        notes[f"{paper.id}--{author}.md"] = f"---\npaper: {paper.id}\nauthor: {author}\ndate: {day}\n---\n\n{body}"
    return notes


def write_catalogue(root: Path, papers: list[Paper], notes: dict[str, str], topics_text: str) -> None:
    """Write records, notes and the taxonomy under ``root/catalogue`` (a temporary project)."""
    papers_dir, notes_dir = root / "catalogue" / "papers", root / "catalogue" / "notes"
    papers_dir.mkdir(parents=True, exist_ok=True)
    notes_dir.mkdir(parents=True, exist_ok=True)
    (root / "catalogue" / "topics.yml").write_text(topics_text, encoding="utf-8")
    for paper in papers:
        (papers_dir / f"{paper.id}.yml").write_text(dump_yaml(paper_to_data(paper)), encoding="utf-8")
    for name, text in notes.items():
        (notes_dir / name).write_text(text, encoding="utf-8")
