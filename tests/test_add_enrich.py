"""``add`` and ``enrich`` as a curator runs them, against the local stand-in for arXiv and Hugging Face.

Each test copies the fixture catalogue (plus one real record) into a temporary project, points
``CATALOGUE_ARXIV_API`` and ``CATALOGUE_HF_API`` at the local server, runs the command and checks
the exit code, the exact messages, the records, the kept answers and what the server was asked.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import bibtexparser
import html5lib
import jsonschema
import pybtex.database
import pytest
from conftest import FIXTURES, REPO, make_project, mkdocs_build, run_generator
from recorded_api import atom_feed, serve_recorded_api

from generator.engine.cli import build_parser, main
from generator.records.catalogue import load_catalogue
from generator.records.storage import read_yaml

DISTILLING = "distilling-step-by-step-outperforming-larger-language-models-with-less-training"
DISTILLING_TITLE = (
    "Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data and Smaller Model Sizes"
)
KALAI = ["Adam Tauman Kalai", "Ofir Nachum", "Santosh S. Vempala", "Edwin Zhang"]
DAY = "2026-05-01"


@pytest.fixture
def api():
    with serve_recorded_api() as running:
        yield running


@pytest.fixture
def project(tmp_path, api, monkeypatch) -> Path:
    """The fixture catalogue and the real Distilling record, the APIs on 127.0.0.1, no waiting."""
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    shutil.copy(REPO / "catalogue" / "papers" / f"{DISTILLING}.yml", tmp_path / "catalogue" / "papers")
    for name, value in {
        "CATALOGUE_ARXIV_API": api.base_url,
        "CATALOGUE_HF_API": api.base_url,
        "CATALOGUE_ARXIV_INTERVAL": "0",
        "CATALOGUE_HTTP_BACKOFF": "0",
        "CATALOGUE_HTTP_RETRIES": "2",
        "CATALOGUE_HTTP_TIMEOUT": "10",
        "SOURCE_DATE_EPOCH": "1777593600",  # 2026-05-01
    }.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def run(project: Path, *arguments: str) -> int:
    return main(["--root", str(project), *arguments])


def record(project: Path, paper_id: str) -> dict:
    return read_yaml(project / "catalogue" / "papers" / f"{paper_id}.yml").data


def files(project: Path) -> list[str]:
    return sorted(path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file())


def test_add_writes_a_complete_record_and_keeps_the_answers(project, api, capsys):
    assert run(project, "add", "https://arxiv.org/abs/2509.04664v1") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "https://arxiv.org/abs/2509.04664v1: added catalogue/papers/why-language-models-hallucinate.yml"
        " (4 authors; topics: none (add topics_add))",
        "add: 1 added, 0 refused; requests: 1 to arXiv, 1 to Hugging Face",
    ]
    data = record(project, "why-language-models-hallucinate")
    assert data["title"] == "Why Language Models Hallucinate" and data["authors"] == KALAI
    assert (data["date"], data["arxiv_id"], data["primary_category"], data["upvotes"]) == (
        "2025-09-04",
        "2509.04664",
        "cs.CL",
        161,
    )
    assert data["authors_count"] == 4 and data["added"] == DAY and data["sources"] == []
    assert data["code"] == [{"url": "https://openai.com/index/why-language-models-hallucinate", "kind": "project"}]
    assert data["abstract"].startswith("Like students facing hard exam questions") and "\n" not in data["abstract"]
    assert data["provenance"]["authors"] == f"arxiv {DAY}" and data["provenance"]["upvotes"] == f"huggingface {DAY}"
    assert "sources/cache/arxiv/2509.04664.xml" in files(project)
    assert "sources/cache/huggingface/2509.04664.json" in files(project)
    assert (project / "sources/cache/arxiv/2509.04664.xml").read_bytes() == (
        FIXTURES / "api/arxiv/2509.04664.xml"
    ).read_bytes()  # exactly as received
    load_catalogue(project)  # the new record passes check


def test_a_paper_already_in_the_catalogue_is_refused_by_id_or_title(project, api, capsys):
    assert run(project, "add", "2509.04664") == 0
    before = files(project)
    asked = len(api.requests)
    assert run(project, "add", "https://huggingface.co/papers/2509.04664", "2305.02301") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "https://huggingface.co/papers/2509.04664: already in the catalogue:"
        " catalogue/papers/why-language-models-hallucinate.yml (same arXiv id); nothing written",
        f"2305.02301: already in the catalogue: catalogue/papers/{DISTILLING}.yml (same title); nothing written",
    ]
    assert files(project) == before  # no record, no kept answer
    assert len(api.requests) == asked + 2  # the arXiv id needed no request; the title needed arXiv's answer


def test_failures_are_reported_and_the_other_papers_still_added(project, api, capsys):
    api.script("2401.00001", "500")
    api.script("2401.00002", "malformed")
    api.script("2401.00003", "arxiv/2509.04664.xml")  # another paper's answer
    api.script("2401.00004", "429")  # retries run out
    api.script("2401.00005", atom_feed([]))  # arXiv has no such paper
    refs = ["2401.00001", "2401.00002", "2401.00003", "2401.00004", "2401.00005", "not-an-id", "2509.04664"]
    assert run(project, "add", *refs) == 1
    captured = capsys.readouterr()
    port = api.base_url.rsplit(":", 1)[1]
    assert captured.err.splitlines() == [
        f"2401.00001: arXiv: HTTP 500 from http://127.0.0.1:{port}/api/query?id_list=2401.00001&max_results=1;"
        " nothing written",
        captured.err.splitlines()[1],  # the XML parser's own words, checked below
        "2401.00003: arXiv: asked for 2401.00003, the answer is about 2509.04664; nothing written",
        f"2401.00004: arXiv: rate limited (HTTP 429) from http://127.0.0.1:{port}/api/query, 3 tries; nothing written",
        "2401.00005: arXiv has no paper 2401.00005; nothing written",
        "not-an-id: 'not-an-id' is not an arXiv id (2509.04664), an arXiv abstract or PDF URL, or a Hugging Face"
        " paper URL (https://huggingface.co/papers/2509.04664); nothing written",
    ]
    assert captured.err.splitlines()[1].startswith("2401.00002: arXiv: not a valid Atom feed (")
    assert captured.out.splitlines()[-1].startswith("add: 1 added, 6 refused;")
    papers = sorted(path.name for path in (project / "catalogue" / "papers").glob("*.yml"))
    assert "why-language-models-hallucinate.yml" in papers and len(papers) == 10
    kept = [path for path in files(project) if path.startswith("sources/")]
    assert kept == ["sources/cache/arxiv/2509.04664.xml", "sources/cache/huggingface/2509.04664.json"]


def test_rate_limits_are_waited_out(project, api, capsys):
    api.script("2509.04664", "429", "rate-exceeded", "ok")
    api.script("hf:2509.04664", "503", "ok")
    assert run(project, "add", "2509.04664") == 0
    assert len(api.asked("/api/query")) == 3 and len(api.asked("/api/papers/")) == 2
    assert record(project, "why-language-models-hallucinate")["authors"] == KALAI


def test_a_paper_hugging_face_does_not_know_is_added_from_arxiv_alone(project, api, capsys):
    api.script(
        "2401.00009",
        atom_feed([{"id": "2401.00009", "title": "A Quiet Paper", "date": "2024-01-02", "authors": ["Ann Lee"]}]),
    )
    assert run(project, "add", "2401.00009") == 0
    data = record(project, "a-quiet-paper")
    assert (data["authors"], data["date"], data["upvotes"]) == (["Ann Lee"], "2024-01-02", None)
    assert "sources/cache/huggingface/2401.00009.not-found.json" in files(project)
    assert run(project, "enrich", "a-quiet-paper") == 0  # complete: nothing asked again
    assert len(api.requests) == 2


def test_add_from_a_bibtex_file(project, api, capsys, tmp_path):
    bib = tmp_path / "papers.bib"
    bib.write_text(
        "@article{kalai2025, title = {Why Language Models Hallucinate}, eprint = {2509.04664},"
        " archivePrefix = {arXiv}}\n"
        "@inproceedings{own, title = {A Workshop Paper on M{\\\"u}ller's Method},"
        ' author = {M{\\"u}ller, J{\\\'e}r{\\^o}me and Zo{\\"e} Smith}, date = {2024-06-01}}\n'
        "@misc{untitled, author = {Nobody}}\n"
        "@misc{again, title = {Why language models hallucinate?}}\n",
        encoding="utf-8",
    )
    assert run(project, "add", "--bibtex", str(bib)) == 1
    captured = capsys.readouterr()
    shown = bib.as_posix()
    assert captured.err.splitlines() == [
        f"{shown}:3: untitled: no title; nothing written",
        f"{shown}:4: again: already in the catalogue: catalogue/papers/why-language-models-hallucinate.yml"
        " (same title); nothing written",
    ]
    assert record(project, "why-language-models-hallucinate")["authors"] == KALAI
    own = record(project, "a-workshop-paper-on-muller-s-method")
    assert own["authors"] == ["Jérôme Müller", "Zoë Smith"] and own["date"] == "2024-06-01"
    assert own["provenance"] == {
        "title": f"bibtex {DAY}",
        "authors": f"bibtex {DAY}",
        "date": f"bibtex {DAY}",
        "authors_count": f"bibtex {DAY}",
    }


def test_enrich_finds_the_arxiv_id_by_title_and_fills_only_what_is_missing(project, api, capsys):
    api.searches[DISTILLING_TITLE] = "huggingface-search/distilling-step-by-step.json"
    before = record(project, DISTILLING)
    assert run(project, "enrich", DISTILLING) == 0
    out = capsys.readouterr().out
    assert (
        f"catalogue/papers/{DISTILLING}.yml: filled authors, date, authors_count, upvotes, arxiv_id, primary_category"
        in out
    )
    data = record(project, DISTILLING)
    assert data["arxiv_id"] == "2305.02301" and data["date"] == "2023-05-03" and len(data["authors"]) == 9
    assert data["authors"][0] == "Cheng-Yu Hsieh" and data["upvotes"] == 7 and data["primary_category"] == "cs.CL"
    for kept in ("title", "abstract", "code", "sources", "added"):
        assert data[kept] == before[kept]  # the curator's values stay as they were
    assert data["provenance"] == {
        "authors": f"arxiv {DAY}",
        "date": f"arxiv {DAY}",
        "authors_count": f"arxiv {DAY}",
        "upvotes": f"huggingface {DAY}",
        "arxiv_id": f"huggingface-search {DAY}",
        "primary_category": f"arxiv {DAY}",
    }
    assert "  filled                1" in out and "  failed                0" in out
    asked = len(api.requests)
    assert asked == 3  # the search, arXiv, Hugging Face
    text = (project / "catalogue" / "papers" / f"{DISTILLING}.yml").read_text()
    assert run(project, "enrich") == 0  # the other records: searched, no match (kept too)
    assert len(api.requests) == asked + 2 * 8  # Distilling is complete now: not asked about again
    asked = len(api.requests)
    assert run(project, "enrich") == 0  # a second run asks nothing again
    assert len(api.requests) == asked
    assert (project / "catalogue" / "papers" / f"{DISTILLING}.yml").read_text() == text


def test_enrich_dry_run_writes_nothing_and_refresh_asks_again(project, api, capsys):
    api.searches[DISTILLING_TITLE] = "huggingface-search/distilling-step-by-step.json"
    before = files(project)
    text = (project / "catalogue" / "papers" / f"{DISTILLING}.yml").read_text()
    assert run(project, "enrich", "--dry-run", DISTILLING) == 0
    out = capsys.readouterr().out
    assert "  arxiv_id: 2305.02301 (huggingface-search)" in out and "  date: 2023-05-03 (arxiv)" in out
    assert files(project) == before
    assert (project / "catalogue" / "papers" / f"{DISTILLING}.yml").read_text() == text
    assert run(project, "enrich", DISTILLING) == 0
    asked = len(api.requests)
    (project / "catalogue" / "papers" / f"{DISTILLING}.yml").write_text(text)  # as if the run had stopped
    assert run(project, "enrich", DISTILLING) == 0
    assert len(api.requests) == asked  # resumed from the kept answers
    (project / "catalogue" / "papers" / f"{DISTILLING}.yml").write_text(text)
    assert run(project, "enrich", "--refresh", DISTILLING) == 0
    assert len(api.requests) == asked + 3


def test_enrich_reports_no_match_ambiguity_and_failures_and_guesses_nothing(project, api, capsys):
    near = '[{"paper": {"id": "2401.00007", "title": "S*: Test-Time Scaling for Code Generation Revisited"}}]'
    api.searches["S*: Test Time Scaling for Code Generation"] = near
    twice = '[{"paper": {"id": "2401.00011", "title": "No"}}, {"paper": {"id": "2401.00012", "title": "no."}}]'
    api.searches["No"] = twice
    api.searches["1e10"] = '[{"paper": {"id": "2401.00013", "title": "1E10"}}]'
    api.script("2401.00013", "malformed")
    api.searches[DISTILLING_TITLE] = "huggingface-search/distilling-step-by-step.json"
    assert run(project, "enrich") == 1
    captured = capsys.readouterr()
    assert "catalogue/papers/s-test-time-scaling-for-code-generation.yml: no arXiv paper has this title" in captured.out
    assert "catalogue/papers/no.yml: 2 papers have this title: 2401.00011, 2401.00012" in captured.out
    assert "catalogue/papers/1e10.yml: arXiv: not a valid Atom feed (" in captured.err
    table = captured.out.split("requests:", 1)[1].splitlines()[1:]
    assert table == [
        "  filled                1",
        "  already complete      0",
        "  no match              6",
        "  ambiguous             1",
        "  failed                1",
    ]
    assert not (project / "sources/cache/arxiv/2401.00013.xml").exists()
    assert record(project, "no").get("arxiv_id") is None


def test_done_when_an_added_paper_and_an_enriched_one_carry_every_author_on_the_site(tmp_path, api):
    """From the command line, as the issue asks: add 2509.04664, enrich Distilling, build, read the site."""
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    shutil.copy(REPO / "catalogue" / "papers" / f"{DISTILLING}.yml", project / "catalogue" / "papers")
    api.searches[DISTILLING_TITLE] = "huggingface-search/distilling-step-by-step.json"
    env = {"CATALOGUE_HF_API": api.base_url, "CATALOGUE_ARXIV_API": api.base_url, "CATALOGUE_ARXIV_INTERVAL": "0"}
    added = run_generator("add", "2509.04664", cwd=project, env=env)
    assert added.returncode == 0, added.stderr
    enriched = run_generator("enrich", DISTILLING, cwd=project, env=env)
    assert enriched.returncode == 0, enriched.stderr
    assert "  filled                1" in enriched.stdout
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    nine = record(project, DISTILLING)["authors"]
    for paper_id, authors, arxiv_id in (
        ("why-language-models-hallucinate", KALAI, "2509.04664"),
        (DISTILLING, nine, "2305.02301"),
    ):
        html = (site / "papers" / paper_id / "index.html").read_text(encoding="utf-8")
        document = html5lib.parse(html, namespaceHTMLElements=False)
        shown = [link.text for link in document.iter("a") if link.get("class") == "paper-author"]
        assert shown == authors
        meta = [tag.get("content") for tag in document.iter("meta") if tag.get("name") == "citation_author"]
        assert meta == authors
        named = {tag.get("name"): tag.get("content") for tag in document.iter("meta") if tag.get("name")}
        assert named["citation_arxiv_id"] == arxiv_id
        assert named["citation_pdf_url"] == f"https://arxiv.org/pdf/{arxiv_id}"
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", named["citation_publication_date"])
        (script,) = [tag.text for tag in document.iter("script") if tag.get("type") == "application/ld+json"]
        assert [person["name"] for person in json.loads(script)["author"]] == authors
        filters = [span.text for span in document.iter("span") if span.get("data-pagefind-filter") == "author"]
        assert filters == authors
        assert f'href="https://arxiv.org/abs/{arxiv_id}"' in html and f'href="https://arxiv.org/pdf/{arxiv_id}"' in html
        assert f'href="https://huggingface.co/papers/{arxiv_id}"' in html
    bib = (site / "citations.bib").read_text(encoding="utf-8")
    entries = {entry.key: entry for entry in bibtexparser.parse_string(bib).entries}
    kalai = entries["why-language-models-hallucinate"]
    assert kalai["author"] == " and ".join(KALAI)
    assert (kalai["year"], kalai["month"], kalai["eprint"], kalai["archivePrefix"], kalai["primaryClass"]) == (
        "2025",
        "9",
        "2509.04664",
        "arXiv",
        "cs.CL",
    )
    assert kalai["url"] == "https://arxiv.org/abs/2509.04664"
    parsed = pybtex.database.parse_string(bib, "bibtex").entries
    assert [str(person) for person in parsed[DISTILLING].persons["author"]] == [
        ", ".join(reversed(name.rsplit(" ", 1))) for name in nine
    ]
    papers = {paper["id"]: paper for paper in json.loads((site / "api" / "papers.json").read_text())}
    assert papers["why-language-models-hallucinate"]["authors"] == KALAI and papers[DISTILLING]["authors"] == nine
    jsonschema.validate(list(papers.values()), json.loads((site / "api" / "papers.schema.json").read_text()))


def test_topics_come_from_the_taxonomy_rules(project, api, capsys):
    entry = {
        "id": "2401.00021",
        "title": "Scaling Laws for LoRA Adapters",
        "date": "2024-01-05",
        "authors": ["Ann Lee"],
    }
    api.script("2401.00021", atom_feed([entry]))
    assert run(project, "add", "2401.00021") == 0
    assert "(1 author; topics: peft, scaling-laws)" in capsys.readouterr().out
    paper = load_catalogue(project).by_id()["scaling-laws-for-lora-adapters"]
    assert paper.topics == ("peft", "scaling-laws")


def test_every_command_is_documented():
    commands = build_parser()._subparsers._group_actions[0].choices
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in commands:
        assert f"`python -m generator {command}" in readme, command
    for command in ("add", "enrich", "check"):
        assert f"python -m generator {command}" in contributing, command
