"""API answers → records, pure: references, arXiv Atom, Hugging Face JSON, BibTeX, filling a record."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from generator.records.arxiv import arxiv_paper, parse_arxiv_feed
from generator.records.bibtex_import import read_bibtex
from generator.records.enrichment import fill_paper, find_duplicate, lacks, match_title, new_paper
from generator.records.huggingface import huggingface_paper, huggingface_search
from generator.records.links import CodeLink
from generator.records.metadata import MalformedResponse, PaperMetadata, parse_reference
from generator.records.records import Paper

API = FIXTURES / "api"
HALLUCINATE = (API / "arxiv" / "2509.04664.xml").read_bytes()
KALAI = ("Adam Tauman Kalai", "Ofir Nachum", "Santosh S. Vempala", "Edwin Zhang")


@pytest.mark.parametrize(
    "reference",
    [
        "2509.04664",
        "2509.04664v2",
        "arXiv:2509.04664",
        " 2509.04664 ",
        "https://arxiv.org/abs/2509.04664",
        "https://arxiv.org/abs/2509.04664v1",
        "http://arxiv.org/pdf/2509.04664v1",
        "https://arxiv.org/pdf/2509.04664.pdf",
        "https://export.arxiv.org/abs/2509.04664/",
        "arxiv.org/abs/2509.04664",
        "https://huggingface.co/papers/2509.04664",
        "https://huggingface.co/papers/2509.04664?utm=x#comments",
        "hf.co/papers/2509.04664",
    ],
)
def test_every_reference_form_names_the_bare_arxiv_id(reference):
    assert parse_reference(reference) == "2509.04664"


def test_old_style_ids_and_bad_references():
    assert parse_reference("https://arxiv.org/abs/hep-th/9901001v3") == "hep-th/9901001"
    assert parse_reference("math.GT/0309136") == "math.GT/0309136"
    for bad in ("2509.466", "https://github.com/papers/2509.04664", "https://arxiv.org/list/cs.CL", "qlora"):
        with pytest.raises(ValueError, match="is not an arXiv id"):
            parse_reference(bad)


def test_arxiv_atom_entry_with_namespaces_wrapped_title_and_padded_abstract():
    paper = arxiv_paper(HALLUCINATE, "2509.04664")
    assert paper.title == "Why Language Models Hallucinate"
    assert paper.abstract.startswith("Like students facing hard exam questions, large language models sometimes guess")
    assert paper.abstract.endswith("toward more trustworthy AI systems.") and "\n" not in paper.abstract
    assert paper.authors == KALAI
    assert (paper.date, paper.primary_category, paper.arxiv_id, paper.source) == (
        "2025-09-04",
        "cs.CL",
        "2509.04664",
        "arxiv",
    )


def test_arxiv_first_version_date_and_code_links_in_the_abstract():
    paper = arxiv_paper((API / "arxiv" / "2305.02301.xml").read_bytes(), "2305.02301")
    assert paper.date == "2023-05-03"  # <published>, the first version; <updated> is v2's
    assert paper.links == (CodeLink("https://github.com/google-research/distilling-step-by-step", "github"),)
    assert len(paper.authors) == 9 and paper.authors[-1] == "Tomas Pfister"


def test_arxiv_answers_that_cannot_be_used():
    with pytest.raises(MalformedResponse, match="not a valid Atom feed"):
        parse_arxiv_feed(b"<feed><entry><title>cut off")
    with pytest.raises(MalformedResponse, match="not a valid Atom feed"):
        parse_arxiv_feed(b"Rate exceeded.")
    with pytest.raises(MalformedResponse, match="asked for 2401.00001, the answer is about 2509.04664"):
        arxiv_paper(HALLUCINATE, "2401.00001")
    error = HALLUCINATE.replace(b"http://arxiv.org/abs/2509.04664v1", b"http://arxiv.org/api/errors#incorrect_id")
    with pytest.raises(MalformedResponse, match="arXiv reports an error"):
        parse_arxiv_feed(error)
    without_authors = HALLUCINATE.replace(b"<name>", b"<nom>").replace(b"</name>", b"</nom>")
    with pytest.raises(MalformedResponse, match="2509.04664: no author names"):
        parse_arxiv_feed(without_authors)
    bomb = b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed>&a;</feed>'
    with pytest.raises(MalformedResponse, match="not a valid Atom feed"):
        parse_arxiv_feed(bomb)  # defusedxml: no DTD, no entity ever expanded
    empty = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query</title></feed>'
    assert arxiv_paper(empty, "2509.04664") is None  # arXiv has no such paper


def test_huggingface_paper_and_search():
    paper = huggingface_paper((API / "huggingface" / "2509.04664.json").read_bytes(), "2509.04664")
    assert paper.authors == KALAI and paper.upvotes == 161 and paper.date == "2025-09-04"
    assert paper.links == (CodeLink("https://openai.com/index/why-language-models-hallucinate", "project"),)
    repository = huggingface_paper((API / "huggingface" / "2305.02301.json").read_bytes(), "2305.02301")
    assert repository.links == (CodeLink("https://github.com/google-research/distilling-step-by-step", "github"),)
    found = huggingface_search((API / "huggingface-search" / "distilling-step-by-step.json").read_bytes())
    assert [result.arxiv_id for result in found] == ["2305.02301", "2212.10071"]


def test_huggingface_answers_that_cannot_be_used():
    good = json.loads((API / "huggingface" / "2509.04664.json").read_text())
    with pytest.raises(MalformedResponse, match="not valid JSON"):
        huggingface_paper(b'{"id": ', "2509.04664")
    with pytest.raises(MalformedResponse, match="asked for 2305.02301, the answer is about 2509.04664"):
        huggingface_paper(json.dumps(good).encode(), "2305.02301")
    for change, message in (
        ({"authors": [{"_id": "x"}]}, "'authors' is not a list of {name}"),
        ({"publishedAt": "yesterday"}, "publishedAt 'yesterday' is not a date"),
        ({"upvotes": -1}, "upvotes -1 is not a count"),
        ({"title": None}, "'title' missing or not text"),
    ):
        with pytest.raises(MalformedResponse, match=message.replace("{", r"\{").replace("}", r"\}")):
            huggingface_paper(json.dumps({**good, **change}).encode(), "2509.04664")
    with pytest.raises(MalformedResponse, match="result 1 has no 'paper' object"):
        huggingface_search(b'[{"title": "x"}]')


def metadata(source: str, arxiv_id: str, title: str) -> PaperMetadata:
    return PaperMetadata(source=source, arxiv_id=arxiv_id, title=title)


def test_a_title_matches_only_when_the_normalised_titles_are_equal():
    title = "Distilling Step-by-Step! Outperforming Larger Language Models"
    near = [metadata("huggingface-search", "2212.10071", "Distilling step by step outperforming larger models")]
    assert match_title(title, near).status == "none"
    found = near + [
        metadata("huggingface-search", "2305.02301", "distilling step-by-step: outperforming LARGER language models")
    ]
    assert match_title(title, found).arxiv_id == "2305.02301"
    twice = found + [metadata("huggingface-search", "2401.99999", title)]
    match = match_title(title, twice)
    assert (match.status, match.arxiv_id, match.candidates) == ("ambiguous", None, ("2305.02301", "2401.99999"))


def test_fill_never_overwrites_and_writes_down_where_each_value_came_from():
    curated = Paper(id="x", title="X", date="2023-01-01", authors=("Curator's Choice",), code=(), arxiv_id=None)
    arxiv = arxiv_paper(HALLUCINATE, "2509.04664")
    huggingface = huggingface_paper((API / "huggingface" / "2509.04664.json").read_bytes(), "2509.04664")
    filled, names = fill_paper(
        curated, [arxiv, huggingface], today="2026-05-01", arxiv_id=("2509.04664", "arxiv-search")
    )
    assert filled.date == "2023-01-01" and filled.authors == ("Curator's Choice",)
    assert names == ("abstract", "authors_count", "upvotes", "code", "arxiv_id", "primary_category")
    assert dict(filled.provenance) == {
        "abstract": "arxiv 2026-05-01",
        "authors_count": "arxiv 2026-05-01",
        "upvotes": "huggingface 2026-05-01",
        "code": "huggingface 2026-05-01",
        "arxiv_id": "arxiv-search 2026-05-01",
        "primary_category": "arxiv 2026-05-01",
    }
    assert fill_paper(filled, [arxiv, huggingface], today="2026-06-01") == (filled, ())
    assert lacks(filled) == () and lacks(curated) == ("arxiv_id", "primary_category")


def test_a_new_paper_gets_a_free_id_and_duplicates_are_found_by_id_or_title():
    arxiv = arxiv_paper(HALLUCINATE, "2509.04664")
    paper = new_paper([arxiv], taken=["why-language-models-hallucinate"], today="2026-05-01")
    assert paper.id == "why-language-models-hallucinate-2" and paper.authors == KALAI and paper.added == "2026-05-01"
    assert dict(paper.provenance)["title"] == "arxiv 2026-05-01"
    existing = [
        Paper(id="a", title="Why language models hallucinate?"),
        Paper(id="b", title="B", arxiv_id="2509.04664"),
    ]
    assert find_duplicate(existing, arxiv_id=None, title="Why Language Models Hallucinate").id == "a"
    assert find_duplicate(existing, arxiv_id="2509.04664", title=None).id == "b"
    assert find_duplicate(existing, arxiv_id="2401.00001", title="Other") is None


BIBTEX = r"""
@article{kalai2025,
  title = {Why Language Models Hallucinate},
  author = {Kalai, Adam Tauman and Nachum, Ofir},
  eprint = {2509.04664}, archivePrefix = {arXiv}, primaryClass = {cs.CL}, year = 2025
}
@misc{hu2021lora, title = {{LoRA}: Low-Rank Adaptation}, journal = {arXiv preprint arXiv:2106.09685}}
@misc{doi, title = {By DOI}, doi = {10.48550/arXiv.2305.14314}}
@inproceedings{own,
  title = {A Workshop Paper on M{\"u}ller's Method},
  author = {M{\"u}ller, J{\'e}r{\^o}me and Zo{\"e} Smith},
  date = {2024-06-01}, url = {https://github.com/example/workshop},
}
@misc{untitled, author = {Nobody}, year = 2020}
@misc{broken, title = {Never closed
"""


def test_bibtex_entries_by_eprint_by_their_own_fields_and_the_bad_ones_with_their_key():
    items = {item.key: item for item in read_bibtex(BIBTEX)}
    assert items["kalai2025"].arxiv_id == "2509.04664"
    assert items["hu2021lora"].arxiv_id == "2106.09685"
    assert items["doi"].arxiv_id == "2305.14314"
    own = items["own"].paper
    assert own.title == "A Workshop Paper on Müller's Method" and own.authors == ("Jérôme Müller", "Zoë Smith")
    assert own.date == "2024-06-01" and own.links == (CodeLink("https://github.com/example/workshop", "github"),)
    assert items["untitled"].error == "no title"
    broken = [item for item in items.values() if item.error and item.key != "untitled"]
    assert [(item.line, item.error) for item in broken] == [(15, "not valid BibTeX: Unexpectedly reached end of file.")]
