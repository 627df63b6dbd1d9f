"""Topics: the hand-curated taxonomy of ``catalogue/topics.yml`` and its matching rules.

Each topic carries up to three lists of case-insensitive Python regexes and a threshold:

* ``title``: one match anywhere in the title is enough to tag the paper;
* ``abstract``: the abstract is split into sentences (at ``.``, ``!`` or ``?`` followed by
  white space and a capital, digit or opening mark) and the paper is tagged when at least
  ``min_hits`` sentences contain a match of any of these patterns, so a topic mentioned once
  in passing does not tag it and "mixture of experts (MoE)" counts once, not twice;
* ``exclude``: text these match is blanked out of title and abstract before the other
  patterns of the same topic are tried, so "programming languages" never counts as evidence
  for ``multilingual`` while a real hit elsewhere in the paper still does;
* ``min_hits``: an integer >= 1, the abstract threshold of that topic (default 2).

A curator's per-paper ``topics_add`` / ``topics_remove`` lists win over the rules
(:func:`apply_overrides`). This module is pure: the YAML is loaded elsewhere and
handed to :func:`build_topics` as plain lists and dicts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from generator.records.prefilter import candidates, candidates_each

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TEXT_FIELDS = ("id", "name", "description")
PATTERN_FIELDS = ("title", "abstract", "exclude")
KNOWN_FIELDS = (*TEXT_FIELDS, *PATTERN_FIELDS, "min_hits")
DEFAULT_MIN_HITS = 2
# A sentence ends at . ! or ? followed by white space and a capital letter, digit or opening mark.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


class TopicError(ValueError):
    """Bad taxonomy data or an unknown topic id; the message names source, topic and field."""


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy with its compiled matching rules."""

    id: str
    name: str
    description: str
    title: tuple[re.Pattern[str], ...] = ()
    abstract: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    min_hits: int = DEFAULT_MIN_HITS


def _type_name(value: object) -> str:
    return type(value).__name__


def _compile_patterns(value: object, error: Callable[[str], TopicError]) -> tuple[re.Pattern[str], ...]:
    """Compile a list of regex strings; ``error(message)`` builds the located exception."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise error(f"expected a list of regexes, got {_type_name(value)}")
    compiled = []
    for number, pattern in enumerate(value, start=1):
        if not isinstance(pattern, str) or not pattern:
            raise error(f"pattern {number}: expected a non-empty string, got {pattern!r}")
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as problem:
            raise error(f"pattern {number} {pattern!r} does not compile: {problem}") from None
        if regex.search("") is not None:
            raise error(f"pattern {number} {pattern!r} matches the empty string")
        compiled.append(regex)
    return tuple(compiled)


def _build_topic(entry: object, index: int, source: str, seen: dict[str, int]) -> Topic:
    """Check and compile one taxonomy entry; ``index`` is its 1-based position."""
    raw_id = entry.get("id") if isinstance(entry, Mapping) else None
    shown_id = raw_id if isinstance(raw_id, str) and raw_id else "?"

    def error(field: str, message: str) -> TopicError:
        return TopicError(f"{source}: topic {index} ({shown_id}): {field}: {message}")

    if not isinstance(entry, Mapping):
        raise error("entry", f"expected a mapping of fields, got {_type_name(entry)}")
    for key in entry:
        if key not in KNOWN_FIELDS:
            raise error(str(key), f"unknown key (expected one of {', '.join(KNOWN_FIELDS)})")
    for field in TEXT_FIELDS:
        if field not in entry:
            raise error(field, "missing")
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise error(field, f"expected a non-empty string, got {entry[field]!r}")
    topic_id: str = entry["id"]
    if not ID_PATTERN.match(topic_id):
        raise error("id", f"{topic_id!r} is not lower-case words joined by hyphens")
    if topic_id in seen:
        raise error("id", f"duplicate id {topic_id!r} (first used by topic {seen[topic_id]})")
    seen[topic_id] = index
    min_hits = entry.get("min_hits", DEFAULT_MIN_HITS)
    if isinstance(min_hits, bool) or not isinstance(min_hits, int) or min_hits < 1:
        raise error("min_hits", f"expected an integer >= 1, got {min_hits!r}")
    patterns = {
        field: _compile_patterns(entry[field], lambda message, field=field: error(field, message))
        for field in PATTERN_FIELDS
        if field in entry
    }
    return Topic(
        id=topic_id,
        name=entry["name"].strip(),
        description=" ".join(entry["description"].split()),
        min_hits=min_hits,
        **patterns,
    )


def build_topics(data: object, source: str) -> list[Topic]:
    """Validate the loaded taxonomy ``data`` (a list of mappings) and compile its rules.

    Raises :class:`TopicError` ``"{source}: topic {n} ({id}): {field}: {problem}"``,
    ``n`` being the 1-based position of the topic in the list.
    """
    if isinstance(data, str) or not isinstance(data, Sequence) or not data:
        raise TopicError(f"{source}: expected a non-empty list of topics, got {data!r:.60}")
    seen: dict[str, int] = {}
    return [_build_topic(entry, index, source, seen) for index, entry in enumerate(data, start=1)]


def _mask(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """Blank out every match of ``patterns`` so that it cannot count as evidence."""
    if not patterns:  # most topics exclude nothing
        return text
    possible = candidates(patterns, text)  # most texts have nothing to blank: skip the scans
    if not possible:
        return text
    for pattern in patterns:
        if pattern in possible:
            masked = pattern.sub(lambda match: " " * len(match.group()), text)
            if masked != text:  # blanks can join words into new literals: check the rest again
                text, possible = masked, candidates(patterns, masked)
    return text


@lru_cache(maxsize=1024)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(SENTENCE_BREAK.split(text))


def _enough_hits(text: str, patterns: tuple[re.Pattern[str], ...], needed: int) -> bool:
    """Whether at least ``needed`` sentences of ``text`` contain a match of one of ``patterns``."""
    if not candidates(patterns, text):  # pre-check the whole text once, then each sentence
        return False
    sentences = _sentences(text)
    each = candidates_each(patterns, sentences)
    possible = [(sentence, found) for sentence, found in zip(sentences, each, strict=True) if found]
    if len(possible) < needed:  # too few sentences even hold the literals: no regex needs to run
        return False
    hits = 0
    for sentence, found in possible:
        hits += any(pattern.search(sentence) for pattern in found)
        if hits >= needed:
            return True
    return False


def topic_matches(title: str, abstract: str, topic: Topic) -> bool:
    """Whether ``topic``'s rules tag a paper with this title and abstract."""
    title = _mask(title, topic.exclude)
    if any(pattern.search(title) for pattern in candidates(topic.title, title)):
        return True
    return bool(topic.abstract) and _enough_hits(_mask(abstract, topic.exclude), topic.abstract, topic.min_hits)


def match_topics(title: str, abstract: str, topics: list[Topic]) -> tuple[str, ...]:
    """The ids of the topics whose rules match the paper, in taxonomy order."""
    key = (_taxonomy_key(topics), title, abstract)
    found = _MATCHED.get(key)
    if found is None:
        if len(_MATCHED) > MATCHED_LIMIT:
            _MATCHED.clear()
        found = _MATCHED[key] = tuple(topic.id for topic in topics if topic_matches(title, abstract, topic))
    return found


# Results by (taxonomy, title, abstract): a `mkdocs serve` rebuild loads every record again, and
# only the edited one needs its rules run again.
_MATCHED: dict[tuple, tuple[str, ...]] = {}
MATCHED_LIMIT = 500_000
_LAST_TAXONOMY: list = [None, None]  # the last topics list seen and its key: one load asks thousands of times


def taxonomy_rules(topics: Sequence[Topic]) -> tuple:
    """Everything of ``topics`` that decides a match (ids, patterns, thresholds), as plain values."""
    return _taxonomy_key(topics)


def _taxonomy_key(topics: Sequence[Topic]) -> tuple:
    if _LAST_TAXONOMY[0] is not topics:
        rules = tuple(
            (
                topic.id,
                topic.min_hits,
                *(tuple((p.pattern, p.flags) for p in getattr(topic, name)) for name in PATTERN_FIELDS),
            )
            for topic in topics
        )
        _LAST_TAXONOMY[:] = [topics, rules]
    return _LAST_TAXONOMY[1]


def apply_overrides(
    matched: tuple[str, ...], add: tuple[str, ...], remove: tuple[str, ...], topics: list[Topic]
) -> tuple[str, ...]:
    """``matched`` plus ``add`` minus ``remove``, in taxonomy order; the curator wins.

    An id in ``add`` or ``remove`` that is not in the taxonomy raises :class:`TopicError`.
    """
    known = [topic.id for topic in topics]
    for field, ids in (("add", add), ("remove", remove)):
        unknown = sorted(set(ids) - set(known))
        if unknown:
            raise TopicError(f"{field}: unknown topic id(s): {', '.join(unknown)}")
    chosen = (set(matched) | set(add)) - set(remove)
    return tuple(topic_id for topic_id in known if topic_id in chosen)


def count_table(assignments: dict[str, tuple[str, ...]], topics: list[Topic]) -> str:
    """A plain-text table of papers per topic, then the untagged papers, for tuning the rules.

    ``assignments`` maps a paper key (e.g. its title) to its topic ids.
    """
    counts = {topic.id: 0 for topic in topics}
    for key, ids in assignments.items():
        for topic_id in set(ids):
            if topic_id not in counts:
                raise TopicError(f"{key}: unknown topic id {topic_id!r}")
            counts[topic_id] += 1
    untagged = sum(1 for ids in assignments.values() if not ids)
    rows = [("id", "name", "papers")]
    rows += [(topic.id, topic.name, str(counts[topic.id])) for topic in topics]
    rows.append(("(untagged)", f"of {len(assignments)} papers", str(untagged)))
    id_width = max(len(row[0]) for row in rows)
    name_width = max(len(row[1]) for row in rows)
    count_width = max(len(row[2]) for row in rows)
    lines = [f"{a:<{id_width}}  {b:<{name_width}}  {c:>{count_width}}" for a, b, c in rows]
    return "\n".join(lines) + "\n"
