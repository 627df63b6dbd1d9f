"""The import and check commands, run as a curator would, on temporary copies."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, run_generator

from generator.records.listings import ListingEntry
from generator.records.records import Paper, merge_entries
from generator.records.schema import paper_to_data
from generator.records.storage import FILE_MODE, dump_yaml, parse_yaml, write_atomic


def snapshot(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.glob("*.yml"))}


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real sources and catalogue."""
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    shutil.copytree(REPO / "catalogue", tmp_path / "catalogue")
    return tmp_path


def listings(project: Path) -> list[str]:
    return sorted(str(path.relative_to(project)) for path in (project / "sources").glob("*.txt"))


def test_reimport_changes_no_file(project):
    before = snapshot(project / "catalogue" / "papers")
    result = run_generator("import", *listings(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "773 listing entries, 749 papers (0 new), 0 files written"
    assert snapshot(project / "catalogue" / "papers") == before


def test_fresh_import_finds_749_papers(tmp_path):
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    result = run_generator("import", *listings(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "000_297bc5da464d2bd5.txt: blocks layout, 48 papers" in result.stdout
    assert "001_7a2c8ac6f05c013f.txt: alternating layout, 527 papers" in result.stdout
    assert len(list((tmp_path / "catalogue" / "papers").glob("*.yml"))) == 749


def test_curator_edits_survive_reimport(project):
    path = project / "catalogue" / "papers" / "qlora-efficient-finetuning-of-quantized-llms.yml"
    data = parse_yaml(str(path), path.read_text(encoding="utf-8")).data
    data["title"] = "QLoRA: Efficient Finetuning of Quantized LLMs (corrected)"
    data["arxiv_id"] = "2305.14314"
    data["topics_add"] = ["evaluation"]
    data["topics_remove"] = ["peft"]
    data["code"] = [{"url": "https://github.com/artidoro/qlora", "kind": "github"}]
    edited = dump_yaml(data)
    path.write_text(edited, encoding="utf-8")
    before = snapshot(project / "catalogue" / "papers")
    result = run_generator("import", *listings(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == edited
    assert snapshot(project / "catalogue" / "papers") == before


def test_new_listing_fills_empty_fields_only():
    existing = Paper(id="x", title="X", abstract="Kept.", upvotes=None, date="2024-01-01", sources=("a.txt",))
    entry = ListingEntry(
        source="b.txt", line=3, title="x", abstract="Other.", date="2023-01-01", upvotes=7, authors_count=3
    )
    [merged] = merge_entries([existing], [entry], today="2026-01-01")
    assert merged == Paper(
        id="x", title="X", abstract="Kept.", date="2024-01-01", upvotes=7, authors_count=3, sources=("a.txt", "b.txt")
    )


def test_duplicate_entries_merge_metadata():
    entries = [
        ListingEntry(source="b.txt", line=1, title="Tiny language models", abstract="A."),
        ListingEntry(
            source="a.txt",
            line=9,
            title="Tiny Language Models",
            abstract="A.",
            date="2024-05-01",
            upvotes=2,
            authors_count=4,
        ),
        ListingEntry(
            source="c.txt", line=5, title="Tiny language models.", abstract="A.", upvotes=5, organisation="Org"
        ),
    ]
    [paper] = merge_entries([], entries, today="2026-01-01")
    assert paper.id == "tiny-language-models"
    assert paper.sources == ("a.txt", "b.txt", "c.txt")
    assert (paper.date, paper.upvotes, paper.authors_count, paper.organisation) == ("2024-05-01", 5, 4, "Org")
    assert paper.added == "2026-01-01"


def test_record_yaml_round_trips_exactly():
    for path in sorted((REPO / "catalogue" / "papers").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert dump_yaml(parse_yaml(path.name, text).data) == text, path.name
    tricky = Paper(id="no", title="No", abstract="1e10", organisation="Yes: a study", sources=("on",))
    assert parse_yaml("x", dump_yaml(paper_to_data(tricky))).data == paper_to_data(tricky)


def test_import_is_all_or_nothing(project):
    bad = project / "sources" / "004_bad.txt"
    bad.write_text(
        "new\n\nSubscribe\n\nJan 7\n\nA title\n\nAn abstract.\n\n  • 3 authors\n·\n31 Jul 2025\n", encoding="utf-8"
    )
    before = snapshot(project / "catalogue" / "papers")
    result = run_generator("import", *listings(project), cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "sources/004_bad.txt:13: expected a date such as 'May 23, 2023': '31 Jul 2025'",
        "import: nothing written",
    ]
    assert snapshot(project / "catalogue" / "papers") == before


def test_check_passes_on_the_real_catalogue():
    result = run_generator("check", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "check: 749 papers, 27 topics, 1 note, 2 reading lists, no problems\n"


BAD_RECORDS = {
    "bad-date.yml": "id: bad-date\ntitle: Bad date\nabstract: x\nsources:\n- a.txt\ncode: []\ndate: 23 May\n",
    "unknown-field.yml": "id: unknown-field\ntitle: Unknown field\nauthor: someone\n",
    "no-title.yml": "id: no-title\nabstract: x\n",
    "wrong-id.yml": "id: another-id\ntitle: Wrong id\n",
    "dup-title.yml": "id: dup-title\ntitle: 'S*:  test time scaling for code generation!'\n",
    "bad-topic.yml": "id: bad-topic\ntitle: Bad topic\ntopics_add:\n- peft\n- not-a-topic\n",
    "bad-url.yml": "id: bad-url\ntitle: Bad url\ncode:\n- url: https://github. com/x/y\n  kind: github\n- url: htp://x\n  kind: other\n",
    "bad-kind.yml": "id: bad-kind\ntitle: Bad kind\ncode:\n- url: https://github.com/x/y\n  kind: gitlab\n",
    "dup-key.yml": "id: dup-key\ntitle: One\ntitle: Two\n",
    "bad-upvotes.yml": "id: bad-upvotes\ntitle: Bad upvotes\nupvotes: many\n",
}


def test_check_reports_every_problem_with_file_line_and_field(tmp_path):
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    for name, text in BAD_RECORDS.items():
        (tmp_path / "catalogue" / "papers" / name).write_text(text, encoding="utf-8")
    result = run_generator("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "catalogue/papers/bad-date.yml:7: date: expected YYYY-MM-DD, got '23 May'",
        "catalogue/papers/bad-kind.yml:5: code[0].kind: unknown kind 'gitlab' (expected one of github, hf-model, hf-dataset, hf-space, hf-collection, project, other)",
        "catalogue/papers/bad-topic.yml:5: topics_add: unknown topic 'not-a-topic'",
        "catalogue/papers/bad-upvotes.yml:3: upvotes: expected a whole number, got 'many'",
        "catalogue/papers/bad-url.yml:4: code[0].url: malformed URL 'https://github. com/x/y'",
        "catalogue/papers/bad-url.yml:6: code[1].url: malformed URL 'htp://x'",
        "catalogue/papers/dup-key.yml:3: duplicate key 'title'",
        "catalogue/papers/no-title.yml:1: title: required field missing",
        "catalogue/papers/s-test-time-scaling-for-code-generation.yml:2: title: duplicate title, same as catalogue/papers/dup-title.yml (ignoring case and punctuation)",
        "catalogue/papers/unknown-field.yml:3: author: unknown field (known fields: id, title, abstract, date, authors_count, organisation, upvotes, sources, code, added, arxiv_id, links, topics_add, topics_remove)",
        "catalogue/papers/wrong-id.yml:1: id: 'another-id' does not match the file name 'wrong-id'",
        "check: 11 problem(s)",
    ]


def test_write_atomic_keeps_a_files_mode_and_gives_new_files_the_usual_one(tmp_path):
    record = tmp_path / "record.yml"
    assert write_atomic(record, "title: A\n")
    assert record.stat().st_mode & 0o777 == FILE_MODE  # not mkstemp's private 0600
    record.chmod(0o640)
    assert write_atomic(record, "title: B\n")
    assert record.stat().st_mode & 0o777 == 0o640 and record.read_text() == "title: B\n"
