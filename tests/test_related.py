"""Related papers on the real catalogue: follow-ups and series find each other; top-k is well-formed;
what ``mkdocs serve`` keeps between rebuilds gives exactly what a fresh computation gives."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO

from generator.engine.serve import Memo
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


def test_names_of_a_title_and_abstract_are_the_title_names_then_the_abstract_names(real):
    """Serve finds the abstracts' names once and joins each title's to them; that must equal the whole text's."""
    papers, _ = real
    for paper in papers.values():
        whole = name_stems(f"{paper.title} {paper.abstract}").split()
        apart = [*name_stems(paper.title).split(), *name_stems(paper.abstract).split()]
        assert whole == list(dict.fromkeys(apart)), paper.id


class CountingMemo(Memo):
    """The serve memo, recording which functions it had to run (its misses)."""

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def __call__(self, key, function, /, *args, **kwargs):
        def counted(*inner_args, **inner_kwargs):
            self.ran.append(function.__name__)
            return function(*inner_args, **inner_kwargs)

        return super().__call__(key, counted, *args, **kwargs)


def _edits(papers: list[Paper]) -> list[tuple[str, list[Paper]]]:
    """Edited copies of the catalogue, each edit on top of the previous ones, as a curator makes them."""
    edited = list(papers)
    steps = []
    edited[10] = dataclasses.replace(edited[10], title="Retitled: A Zebra-7B Model for Scaling Laws")
    steps.append(("title", list(edited)))
    edited[20] = dataclasses.replace(edited[20], abstract="We train Zebra-7B, a sparse mixture of experts.")
    steps.append(("abstract", list(edited)))
    edited[30] = dataclasses.replace(edited[30], topics=edited[40].topics)
    steps.append(("topics", list(edited)))
    edited.append(dataclasses.replace(edited[50], id="zz-a-new-paper", title="Zebra-7B Two"))
    steps.append(("new paper", list(edited)))
    del edited[60]
    steps.append(("removed paper", list(edited)))
    return steps


def test_serve_memo_gives_exactly_the_fresh_result_after_each_kind_of_edit(real):
    papers, related = real
    memo = CountingMemo()
    memo.start()
    assert related_papers(list(papers.values()), memo=memo) == related
    first_run = len(memo.ran)
    memo.start()
    memo.ran = []
    assert related_papers(list(papers.values()), memo=memo) == related
    assert memo.ran == []  # nothing changed: nothing computed again
    memo.start()
    memo.ran = []
    retitled = list(papers.values())
    retitled[0] = dataclasses.replace(retitled[0], title="Another Title Altogether")
    assert related_papers(retitled, memo=memo) == related_papers(retitled)
    assert 0 < len(memo.ran) < first_run  # a retitled paper leaves the abstracts' blocks alone
    for kind, edited in _edits(list(papers.values())):
        memo.start()
        memo.ran = []
        assert related_papers(edited, memo=memo) == related_papers(edited), kind
        assert memo.ran, kind
