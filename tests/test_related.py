"""Related papers on the real catalogue: follow-ups and series find each other; top-k is well-formed."""

from __future__ import annotations

import pytest
from conftest import REPO

from generator.pages.related import name_stems, related_papers
from generator.records.catalogue import load_catalogue
from generator.records.records import Paper

# Pairs read from the real titles: a model and its next version, two papers of one series.
PAIRS = [
    ("flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget", "52b-to-1t-lessons-learned-via-tele-flm-series"),
    (
        "llamantino-llama-2-models-for-effective-text-generation-in-italian-language",
        "advanced-natural-based-interaction-for-the-italian-language-llamantino-3-anita",
    ),
    ("yolov11-an-overview-of-the-key-architectural-enhancements", "yolov6-v3-0-a-full-scale-reloading"),
    ("qlora-efficient-finetuning-of-quantized-llms", "quailora-quantization-aware-initialization-for-lora"),
]


@pytest.fixture(scope="module")
def real() -> tuple[dict[str, Paper], dict]:
    catalogue = load_catalogue(REPO)
    return catalogue.by_id(), related_papers(catalogue.papers)


def _full_id(papers: dict[str, Paper], prefix: str) -> str:
    matches = [paper_id for paper_id in papers if paper_id.startswith(prefix)]
    assert len(matches) == 1, (prefix, matches)
    return matches[0]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_follow_ups_find_each_other(real, first, second):
    papers, related = real
    first, second = _full_id(papers, first), _full_id(papers, second)
    assert second in [other for other, _ in related[first]], [papers[other].title for other, _ in related[first]]
    assert first in [other for other, _ in related[second]], [papers[other].title for other, _ in related[second]]


def test_top_k_has_no_self_at_most_five_best_first(real):
    papers, related = real
    assert set(related) == set(papers)
    for paper_id, found in related.items():
        ids = [other for other, _ in found]
        assert paper_id not in ids
        assert 0 < len(found) <= 5 and len(set(ids)) == len(ids)
        scores = [score for _, score in found]
        assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)


def test_deterministic_and_independent_of_input_order(real):
    papers, related = real
    assert related_papers(list(reversed(list(papers.values())))) == related


def test_near_duplicate_titles_rank_first():
    papers = [
        Paper(id="a", title="Sparse Mixture of Experts Routing", abstract="We route tokens to experts."),
        Paper(id="b", title="Sparse Mixture-of-Experts Routing", abstract="We route tokens to experts sparsely."),
        Paper(id="c", title="Diffusion for Images", abstract="Image generation with diffusion."),
        Paper(id="d", title="Speech Recognition at Scale", abstract="We transcribe speech."),
    ]
    related = related_papers(papers, k=2)
    assert related["a"][0][0] == "b" and related["b"][0][0] == "a"
    assert related_papers(papers[:1]) == {"a": []}


def test_model_names_and_their_stems():
    assert name_stems("Tele-FLM (also known as FLM-2)").split() == ["tele-flm", "tele", "flm", "flm-2"]
    assert "llama" in name_stems("ChocoLlama").split() and "yolo" in name_stems("YOLOv11").split()
    assert name_stems("The Power of Scale") == ""
    assert "7b" not in name_stems("A 7B model").split()
