"""The topic rules' literal pre-check never changes which topics a paper gets."""

from __future__ import annotations

import re

import pytest

from generator.records.catalogue import load_topics, read_records
from generator.records.prefilter import candidates, fold, required_clauses
from generator.records.topics import SENTENCE_BREAK, Topic, build_topics, match_topics
from tests.conftest import REPO


def reference_match(title: str, abstract: str, topics: list[Topic]) -> tuple[str, ...]:
    """The rules exactly as topics.yml documents them, with no pre-check: every regex on every text."""
    chosen = []
    for topic in topics:
        masked_title, masked_abstract = title, abstract
        for pattern in topic.exclude:
            masked_title = pattern.sub(lambda match: " " * len(match.group()), masked_title)
            masked_abstract = pattern.sub(lambda match: " " * len(match.group()), masked_abstract)
        if any(pattern.search(masked_title) for pattern in topic.title):
            chosen.append(topic.id)
            continue
        sentences = SENTENCE_BREAK.split(masked_abstract)
        hits = sum(1 for sentence in sentences if any(pattern.search(sentence) for pattern in topic.abstract))
        if topic.abstract and hits >= topic.min_hits:
            chosen.append(topic.id)
    return tuple(chosen)


def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\w*lora\b", {frozenset({"lora"})}),
        (r"\bint[48]\b", {frozenset({"int4", "int8"})}),
        (r"\bprob(e|es|ing)\b", {frozenset({"probe", "probes", "probing"})}),
        (
            r"(data|tensor)[- ]parallel\w*",
            {frozenset({"data-parallel", "data parallel", "tensor-parallel", "tensor parallel"})},
        ),
        (r"\bMoE\b", {frozenset({"moe"})}),
        (r"x(?:ab)*", set()),  # one letter is too common to be worth a literal
        (r"(?=abc)\w+", set()),  # a look-ahead consumes nothing: no literal is provable
        (r"\d+", set()),
    ],
)
def test_required_clauses(pattern, expected):
    assert set(required_clauses(compiled(pattern))) == expected


def test_fold_matches_re_ignorecase_for_the_tricky_letters():
    # Each pair matches under re.IGNORECASE although str.lower() keeps them apart (or changes the length).
    for text_char, pattern_char in [("İ", "i"), ("ı", "i"), ("ſ", "s"), ("K", "k"), ("µ", "μ")]:
        assert re.fullmatch(pattern_char, text_char, re.IGNORECASE)
        assert fold(text_char) == fold(pattern_char)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\blora\b", "We fine-tune with LORA."),
        (r"lisp", "A LİSP interpreter"),  # İ matches i case-insensitively; its str.lower() is two characters
        (r"mask", "a MAſK"),  # long s
        (r"\bμp\b", "tuned with µP transfer"),  # micro sign vs Greek mu
        (r"kelvin", "in \u212aELVIN"),  # Kelvin sign
    ],
)
def test_candidates_never_drop_a_pattern_that_matches(pattern, text):
    regex = compiled(pattern)
    assert regex.search(text)
    assert candidates((regex,), text) == (regex,)


def test_candidates_drop_patterns_whose_literal_is_absent():
    lora, moe = compiled(r"\w*lora\b"), compiled(r"mixture of experts")
    assert candidates((lora, moe), "A mixture of experts model") == (moe,)
    assert candidates((lora, moe), "Nothing relevant here") == ()


def test_blanking_that_joins_words_is_checked_again():
    # Excluding "xx" turns "codexxbase" into "code  base"; a later exclude needs "code  base".
    topics = build_topics(
        [
            {
                "id": "joined",
                "name": "Joined",
                "description": "Only tagged when the second exclude does not blank the evidence.",
                "title": ["base"],
                "exclude": ["xx", "code  base"],
            }
        ],
        "test",
    )
    assert match_topics("codexxbase", "", topics) == reference_match("codexxbase", "", topics) == ()


def test_hostile_texts_get_the_same_topics_as_without_the_pre_check():
    topics, _ = load_topics(REPO)
    texts = [
        ("LİNEAR Attention and ſparse MoE", "We study MıXTURE of experts. Mixture of experts scale. MoE layers help."),
        ("QLoRA$^2$: \u212aV cache", "Our LoRA adapters are tiny. LoRA works. We use LoRA again."),
        ("", ""),
    ]
    for title, abstract in texts:
        assert match_topics(title, abstract, topics) == reference_match(title, abstract, topics)


def test_real_catalogue_gets_the_same_topics_as_without_the_pre_check():
    topics, _ = load_topics(REPO)
    papers, _ = read_records(REPO)
    sample = papers[::4]  # a quarter keeps this test fast; the benchmark compares all papers
    assert len(sample) > 150
    for paper in sample:
        assert match_topics(paper.title, paper.abstract, topics) == reference_match(
            paper.title, paper.abstract, topics
        ), paper.id
