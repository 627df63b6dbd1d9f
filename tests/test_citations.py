"""BibTeX files of the built site, parsed with two BibTeX libraries: one entry per paper, keys unique."""

from __future__ import annotations

import json

import bibtexparser
import pybtex.database

from generator.pages.citations import latex_escape, latex_title


def parse(path) -> dict:
    text = path.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys))
    assert sorted(pybtex.database.parse_string(text, "bibtex").entries.keys()) == sorted(keys)
    return {entry.key: entry for entry in library.entries}


def test_catalogue_bib_one_entry_per_paper(mini_site):
    papers = json.loads((mini_site / "api" / "papers.json").read_text())
    entries = parse(mini_site / "citations.bib")
    assert sorted(entries) == sorted(paper["id"] for paper in papers)
    assert entries["better-faster-large-language-models-via-multi-token-prediction"]["title"] == (
        "{Better \\& Faster Large Language Models via Multi-token Prediction}"
    )
    land = entries["this-land-is-your-my-land-evaluating-geopolitical-biases-in-language-models"]
    assert land["title"] == "{This Land is \\{Your, My\\} Land: Evaluating Geopolitical Biases in Language Models}"
    assert "2 authors" in land["note"] and land["year"] == "2023" and "author" not in land.fields_dict
    budget = entries["flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget"]["title"]
    assert "\\$100K" in budget
    law = entries["p2-law-scaling-law-for-post-training-after-model-pruning"]["title"]
    assert law == "{P$^2$ Law: Scaling Law for Post-Training After Model Pruning}"
    code = entries["s-test-time-scaling-for-code-generation"]
    assert "https://github.com/NovaSky-AI/SkyThought" in code["note"]
    assert (
        code["url"]
        == "https://paper-catalogue.github.io/paper-catalogue/papers/s-test-time-scaling-for-code-generation/"
    )


def test_topic_bibs_hold_their_papers(mini_site):
    for topic in json.loads((mini_site / "api" / "topics.json").read_text()):
        assert sorted(parse(mini_site / topic["citations"])) == topic["papers"]


def test_latex_escaping():
    assert latex_escape("50% of #1 & a_b ~ ^ \\x") == (
        "50\\% of \\#1 \\& a\\_b \\textasciitilde{} \\textasciicircum{} \\textbackslash{}x"
    )
    assert latex_escape("a { b") == "a \\textbraceleft{} b"  # never an unbalanced brace
    assert latex_title("$\\textbf{S}^2$IP costs $5") == "$\\textbf{S}^2$IP costs \\$5"


def test_real_bib_parses(real_site):
    assert len(parse(real_site / "citations.bib")) == 749
