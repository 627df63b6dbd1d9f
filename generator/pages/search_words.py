"""Stage 3, pages: the catalogue's vocabulary, ``search/words.json``, for the search page's spelling help.

Pagefind finds words as they are indexed, and a misspelt word ("tranformer") finds little. The
search page then downloads this list of the words of every title, abstract and topic name (those
of four letters or more that occur at least twice), and searches again with each unknown word
replaced by the closest known one (``docs/assets/search-spelling.js``). Pure: papers in, JSON out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence

from generator.records.records import Paper
from generator.records.topics import Topic

WORDS_FILE = "search/words.json"
WORD = re.compile(r"[a-z][a-z0-9]*(?:[+*-][a-z0-9]+)*[+*]*")
MIN_LENGTH = 4
MIN_COUNT = 2  # a word seen once is as likely a typo of the listing's as a word


def search_words(papers: Sequence[Paper], topics: Sequence[Topic], *, memo: Callable[..., object] | None = None) -> str:
    """The vocabulary as a sorted JSON list of lower-case words.

    ``memo`` (kept by ``mkdocs serve``) gives back the abstracts' word counts, the slow part, when no
    abstract changed. No word spans a space, so counting titles and abstracts apart counts the same.
    """
    abstracts = [paper.abstract or "" for paper in papers]
    if memo is None:
        counts = count_words(abstracts)
    else:
        key = ("search-words", hashlib.sha256(repr(abstracts).encode("utf-8")).hexdigest())
        counts = Counter(memo(key, count_words, abstracts))  # a copy: the kept counts stay as they are
    counts.update(count_words([*(paper.title for paper in papers), *(topic.name for topic in topics)]))
    words = sorted(word for word, count in counts.items() if count >= MIN_COUNT)
    return json.dumps(words, separators=(",", ":"))


def count_words(texts: Sequence[str]) -> Counter[str]:
    """How often each word of four letters or more occurs in ``texts``, lower-cased."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(word for word in WORD.findall(text.lower()) if len(word) >= MIN_LENGTH)
    return counts
