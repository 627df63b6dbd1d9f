"""Stage 2, records: a cheap pre-check that keeps the topic rules fast at 20,000 papers.

The taxonomy has hundreds of case-insensitive regexes (``catalogue/topics.yml``) and every one
is tried on every paper. Python's ``re`` scans a text position by position for a pattern like
``\\w*lora\\b``, which made topic matching most of the build (7.5 s of ~9 s at 750 papers).

Most patterns contain literals that every match must contain (``lora``; ``quantiz``; one of
``data``/``tensor``/``pipeline`` *and* ``parallel``). :func:`required_clauses` reads them from the
parsed pattern as clauses (each a set of literals, one of which must occur). One Aho-Corasick scan
(pyahocorasick) finds every known literal in a lower-cased text at once; :func:`candidates` then
keeps only the patterns whose clauses all hold, and only those regexes run.

The pre-check never wrongly says "no": text and literals are folded exactly as ``re.IGNORECASE``
compares characters (:func:`fold`), and a pattern with no provable literal of at least two
characters is always tried.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import ahocorasick

try:  # the parser and case tables behind ``re.compile``; private, so any surprise disables the pre-check
    from re import _casefix as regex_casefix  # type: ignore[attr-defined]
    from re import _constants as regex_constants  # type: ignore[attr-defined]
    from re import _parser as regex_parser  # type: ignore[attr-defined]

    # re.IGNORECASE: two characters match when their simple lower cases are equal or listed
    # together in re's extra cases (i/ı, s/ſ, µ/μ, ...). str.lower differs from the simple lower
    # case only for U+0130 ("İ" -> "i̇"), so: "İ" -> "i", lower, then one member per extra-case class.
    BEFORE_LOWER = {0x130: "i"}
    CANONICAL = {
        code: chr(min(code, *others))
        for code, others in regex_casefix._EXTRA_CASES.items()
        if min(code, *others) != code
    }
except (ImportError, AttributeError):  # pragma: no cover - other Pythons
    regex_parser = regex_constants = None
    BEFORE_LOWER, CANONICAL = {}, {}

MIN_LITERAL = 2  # a single letter occurs everywhere and would only slow the scan
MAX_ALTERNATIVES = 64  # "pre-?training (data|corpus)" is 4 strings; stop before the lists explode
Clause = frozenset[str]  # one of these literals occurs in every match


def fold(text: str) -> str:
    """Text folded so that ``re.IGNORECASE``-equal characters become the same character."""
    if text.isascii():
        return text.lower()
    return text.translate(BEFORE_LOWER).lower().translate(CANONICAL)


def _best(clauses: list[Clause]) -> Clause | None:
    """The most selective clause: the one whose shortest literal is longest."""
    usable = [clause for clause in clauses if clause and min(map(len, clause)) >= MIN_LITERAL]
    return max(usable, key=lambda clause: (min(map(len, clause)), -len(clause), sorted(clause)), default=None)


def _strings(items: list) -> frozenset[str] | None:
    """Every string a parsed sequence can match, when that is a short finite list (else None)."""
    strings = frozenset({""})
    for op, value in items:
        if op is regex_constants.LITERAL:
            options = frozenset({fold(chr(value))})
        elif op is regex_constants.IN and all(kind is regex_constants.LITERAL for kind, _ in value):
            options = frozenset(fold(chr(code)) for _, code in value)
        elif op is regex_constants.SUBPATTERN:
            options = _strings(list(value[-1]))
        elif op is regex_constants.BRANCH:
            branches = [_strings(list(branch)) for branch in value[1]]
            options = frozenset().union(*branches) if all(branch is not None for branch in branches) else None
        elif op is regex_constants.MAX_REPEAT and value[:2] == (0, 1):  # optional: x?
            inner = _strings(list(value[2]))
            options = inner | {""} if inner is not None else None
        else:
            options = None
        if options is None or len(strings) * len(options) > MAX_ALTERNATIVES:
            return None
        strings = frozenset(head + tail for head in strings for tail in options)
    return strings


def _clauses(items: list) -> list[Clause]:
    """Clauses that every match of this parsed sequence satisfies."""
    found: list[Clause] = []
    run = frozenset({""})  # the strings the current stretch of finite items can match

    def close_run() -> None:
        nonlocal run
        if run != {""}:
            found.append(run)
        run = frozenset({""})

    for item in items:
        op, value = item
        options = _strings([item])
        if options is not None:
            if len(run) * len(options) > MAX_ALTERNATIVES:
                close_run()
            run = frozenset(head + tail for head in run for tail in options)
            continue
        close_run()
        if op is regex_constants.SUBPATTERN:
            found.extend(_clauses(list(value[-1])))
        elif op in (regex_constants.MAX_REPEAT, regex_constants.MIN_REPEAT) and value[0] >= 1:
            found.extend(_clauses(list(value[2])))
        elif op is regex_constants.BRANCH:
            best = [_best(_clauses(list(branch))) for branch in value[1]]
            if all(best):
                found.append(frozenset().union(*best))
    close_run()
    return found


@cache
def required_clauses(pattern: re.Pattern[str]) -> tuple[Clause, ...]:
    """Lower-case literal clauses every match satisfies; () when nothing can be proven."""
    if regex_parser is None:
        return ()
    try:
        clauses = _clauses(list(regex_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - an unexpected parse tree only means "no pre-check"
        return ()
    usable = {clause for clause in clauses if min(map(len, clause)) >= MIN_LITERAL}
    return tuple(sorted(usable, key=sorted))


class _Scanner:
    """Every literal of every pattern seen so far, in one Aho-Corasick automaton."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.automaton = ahocorasick.Automaton()
        self.version = 0

    def register(self, literals: set[str]) -> None:
        new = sorted(literal for literal in literals if literal not in self.ids)
        for literal in new:
            self.ids[literal] = len(self.ids)
            self.automaton.add_word(literal, self.ids[literal])
        if new:
            self.automaton.make_automaton()
            self.version += 1

    def scan(self, folded: str) -> frozenset[int]:
        if not self.ids:
            return frozenset()
        return frozenset({literal_id for _, literal_id in self.automaton.iter(folded)})


_SCANNER = _Scanner()


@dataclass(frozen=True)
class _Group:
    """A tuple of patterns as literal ids: which patterns each literal may enable, and their clauses."""

    by_literal: dict[int, tuple[int, ...]]
    literal_ids: frozenset[int]
    clauses: tuple[tuple[frozenset[int], ...], ...]
    unchecked: frozenset[int]


@cache
def _group(patterns: tuple[re.Pattern[str], ...]) -> _Group:
    per_pattern = [required_clauses(pattern) for pattern in patterns]
    _SCANNER.register({literal for clauses in per_pattern for clause in clauses for literal in clause})
    ids = _SCANNER.ids
    by_literal: dict[int, list[int]] = {}
    for index, clauses in enumerate(per_pattern):
        for literal in {literal for clause in clauses for literal in clause}:
            by_literal.setdefault(ids[literal], []).append(index)
    return _Group(
        by_literal={literal_id: tuple(indices) for literal_id, indices in by_literal.items()},
        literal_ids=frozenset(by_literal),
        clauses=tuple(tuple(frozenset(ids[literal] for literal in clause) for clause in c) for c in per_pattern),
        unchecked=frozenset(index for index, clauses in enumerate(per_pattern) if not clauses),
    )


_BY_IDENTITY: dict[int, tuple[tuple[re.Pattern[str], ...], _Group]] = {}


def _group_of(patterns: tuple[re.Pattern[str], ...]) -> _Group:
    """The group of a tuple, found by identity first: hashing compiled patterns costs ~1 µs a call."""
    entry = _BY_IDENTITY.get(id(patterns))
    if entry is not None and entry[0] is patterns:
        return entry[1]
    group = _group(patterns)
    if len(_BY_IDENTITY) >= 4096:  # each serve rebuild brings new tuples: forget the old ones
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(patterns)] = (patterns, group)  # the entry keeps the tuple (and so its id) alive
    return group


@lru_cache(maxsize=4096)
def _found(text: str, version: int) -> frozenset[int]:
    """Ids of the known literals in ``text`` (``version`` changes when literals are added)."""
    return _SCANNER.scan(fold(text))


def candidates(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[re.Pattern[str], ...]:
    """The patterns (in their order) that may match ``text``; the others certainly do not."""
    return candidates_each(patterns, (text,))[0]


def candidates_each(patterns: tuple[re.Pattern[str], ...], texts: Sequence[str]) -> list[tuple[re.Pattern[str], ...]]:
    """:func:`candidates` for each of ``texts`` (a paper's sentences), the patterns' group looked up once."""
    if not patterns:
        return [() for _ in texts]
    group = _group_of(patterns)
    version = _SCANNER.version
    result = []
    for text in texts:
        found = _found(text, version)
        hits = found & group.literal_ids
        if not hits and not group.unchecked:  # the common case: nothing to try
            result.append(())
            continue
        possible = set(group.unchecked)
        for literal_id in hits:
            possible.update(group.by_literal[literal_id])
        result.append(
            tuple(
                patterns[index]
                for index in sorted(possible)
                if all(not clause.isdisjoint(found) for clause in group.clauses[index])
            )
        )
    return result
