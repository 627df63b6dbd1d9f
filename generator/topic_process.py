"""Stage 2, records: run the topic rules of half the records in a child process.

Loading a big catalogue is mostly the topic rules (hundreds of regexes on every title and abstract,
:mod:`generator.topics`): at 20,000 papers ~9 s of ~14 s, on one core, before MkDocs starts and
before the other background processes exist, so the second core is idle. Above
:data:`PARALLEL_RECORDS` record files, :func:`generator.catalogue.load_catalogue` therefore starts a
child that reads every other record file itself and runs the rules on it, while this process reads all
the records and runs the rules on the rest; the child's results then fill the topic-match memo
(:func:`generator.topics.remember_matches`), so every paper is still resolved, checked and reported
by this process, in the same order, with the same result.

The child hands back plain (title, abstract, topic ids) triples and the rules it used; results for
other rules or other text are never used, so a child that read a file mid-edit or failed costs only
the time it saved. A ``spawn`` process, as in :mod:`generator.related_process`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path

from generator.topics import Topic, remember_matches

PARALLEL_RECORDS = 2000  # below this, starting a child (~0.4 s) costs more than it saves


class TopicMatchesInBackground:
    """The topic matches of the record files at ``paths``, computed in a child process."""

    def __init__(self, root: Path, paths: Sequence[Path]) -> None:
        self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
        self._matches = self._pool.apply_async(_match_records, (str(root), [str(path) for path in paths]))

    def use(self, topics: Sequence[Topic]) -> int:
        """Wait for the child, put its matches in the memo; how many were usable (0 if it failed)."""
        try:
            rules, matches = self._matches.get()
        except Exception:  # noqa: BLE001 - this process runs the rules itself, and reports any problem
            return 0
        finally:
            self.close()
        return remember_matches(topics, rules, matches)

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


def _match_records(root: str, paths: list[str]) -> tuple[tuple, list[tuple[str, str, tuple[str, ...]]]]:
    """In the child: the taxonomy's rules, and (title, abstract, topic ids) of each readable record."""
    from generator.catalogue import load_topics, read_record  # noqa: PLC0415 - the child's own imports
    from generator.topics import match_topics, taxonomy_rules  # noqa: PLC0415

    topics, problems = load_topics(Path(root))
    if problems:
        return (), []
    matches = []
    for path in map(Path, paths):
        paper = read_record(Path(root), path)
        if paper is not None:
            matches.append((paper.title, paper.abstract, match_topics(paper.title, paper.abstract, topics)))
    return taxonomy_rules(topics), matches
