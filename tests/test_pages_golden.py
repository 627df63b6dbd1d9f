"""Golden tests for stage 3: a record in, the exact page Markdown out.

The expected files live in ``tests/golden/``; a change to the page layout shows up
here as a diff to review. To accept a reviewed change, run
``CATALOGUE_UPDATE_GOLDEN=1 python -m pytest tests/test_pages_golden.py`` and commit the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FIXTURES

from generator.pages.render import render_paper_page, render_topic_page
from generator.records.catalogue import load_catalogue
from generator.records.records import Paper

GOLDEN = Path(__file__).parent / "golden"
PAPERS = [
    "s-test-time-scaling-for-code-generation",  # S*: a Markdown emphasis character, '<4.3%', '&'
    "this-land-is-your-my-land-evaluating-geopolitical-biases-in-language-models",  # braces
    "better-faster-large-language-models-via-multi-token-prediction",  # '&' and an organisation
    "p2-law-scaling-law-for-post-training-after-model-pruning",  # LaTeX that becomes MathML
    "s2ip-llm-semantic-space-informed-prompt-learning-with-llm-for-time-series",  # \textbf inside math
    "flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget",  # a lone dollar: not math
    "no",  # YAML 1.1 would read the title as false
]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(FIXTURES / "mini")


def check_golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CATALOGUE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), f"{path} differs; review the change"


@pytest.mark.parametrize("paper_id", PAPERS)
def test_paper_page_golden(catalogue, paper_id):
    paper = catalogue.by_id()[paper_id]
    topics = {topic.id: topic for topic in catalogue.topics}
    check_golden(f"paper-{paper_id[:40]}.md", render_paper_page(paper, topics, labels=dict(catalogue.source_labels)))


def test_topic_page_golden(catalogue):
    topic = next(topic for topic in catalogue.topics if topic.id == "peft")
    check_golden("topic-peft.md", render_topic_page(topic, catalogue.papers_in("peft"), note_counts={}))


def test_paper_page_with_authors_golden(catalogue):
    """A paper from ``add``: twelve authors (two behind the fold), arXiv id and category, no listing."""
    paper = Paper(
        id="twelve-authors",
        title="Scaling Laws for Twelve Authors & <More>",
        authors=(*(f"Author {number}" for number in range(1, 12)), "Zoë O'Brien-Ångström"),
        abstract="We fit scaling laws.",
        date="2025-09-04",
        authors_count=12,
        upvotes=3,
        arxiv_id="2509.04664",
        primary_category="cs.CL",
        topics=("scaling-laws",),
    )
    topics = {topic.id: topic for topic in catalogue.topics}
    check_golden("paper-twelve-authors.md", render_paper_page(paper, topics))
