"""The search page's vocabulary (``search/words.json``): words of four letters or more seen at least twice,
and what ``mkdocs serve`` keeps between rebuilds gives exactly what a fresh computation gives."""

from __future__ import annotations

import dataclasses
import json

from generator.engine.serve import Memo
from generator.pages.search_words import search_words
from generator.records.records import Paper
from generator.records.topics import Topic

PAPERS = [
    Paper(id="a", title="Sparse Routing", abstract="Tokens are routed to experts. Sparse gates."),
    Paper(id="b", title="Dense Experts", abstract="We scale dense models; routing is skipped."),
    Paper(id="c", title="Speech", abstract=""),
]
TOPICS = [Topic(id="speech", name="Speech recognition", description="")]


def test_words_seen_twice_across_titles_abstracts_and_topics():
    words = json.loads(search_words(PAPERS, TOPICS))
    # "sparse" twice in one paper, "experts" in an abstract and a title, "speech" in a title and a topic.
    assert {"sparse", "experts", "routing", "dense", "speech"} <= set(words)
    assert "tokens" not in words and "gates" not in words  # seen once
    assert words == sorted(words)


def test_serve_memo_gives_exactly_the_fresh_vocabulary_after_edits():
    memo = Memo()
    memo.start()
    assert search_words(PAPERS, TOPICS, memo=memo) == search_words(PAPERS, TOPICS)
    retitled = [dataclasses.replace(PAPERS[2], title="Tokens for Speech"), *PAPERS[:2]]
    rewritten = [dataclasses.replace(PAPERS[0], abstract="Gates, gates everywhere."), *PAPERS[1:]]
    for edited in (retitled, rewritten, PAPERS):
        memo.start()
        assert search_words(edited, TOPICS, memo=memo) == search_words(edited, TOPICS)
    assert "tokens" in json.loads(search_words(retitled, TOPICS, memo=memo))
