"""The import and check commands, run as a curator would, on temporary copies."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, make_project, mkdocs_build, run_generator

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
        "catalogue/papers/unknown-field.yml:3: author: unknown field (known fields: id, title, authors, abstract, date, authors_count, organisation, upvotes, sources, code, added, arxiv_id, primary_category, links, topics_add, topics_remove, provenance)",
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


DEEP = "[" * 40 + "x" + "]" * 40
MORE_BAD_RECORDS = {
    "list-title.yml": "id: list-title\ntitle: [a, b]\n",
    "mapping-abstract.yml": "id: mapping-abstract\ntitle: Mapping abstract\nabstract: {text: x}\n",
    "long-title.yml": "id: long-title\ntitle: " + "t" * 501 + "\n",
    "long-abstract.yml": "id: long-abstract\ntitle: Long abstract\nabstract: " + "a" * 10_001 + "\n",
    "deep.yml": f"id: deep\ntitle: Deep\nabstract: x\nsources: {DEEP}\n",
    "unclosed.yml": 'id: unclosed\ntitle: "Unclosed\nabstract: x\ndate: 2024-01-01\n',
    ".interrupted.yml.x1y2.tmp": "id: interrupted\n",
}
MORE_BAD_MESSAGES = [
    "catalogue/papers/.interrupted.yml.x1y2.tmp:1: unexpected file (records are <id>.yml)",
    "catalogue/papers/deep.yml:4: nested deeper than 20 levels",
    "catalogue/papers/list-title.yml:2: title: expected text, got a list",
    "catalogue/papers/long-abstract.yml:3: abstract: too long: 10,001 characters (at most 10,000)",
    "catalogue/papers/long-title.yml:2: title: too long: 501 characters (at most 500)",
    "catalogue/papers/mapping-abstract.yml:3: abstract: expected text, got a mapping",
    "catalogue/papers/unclosed.yml:2: invalid YAML: scanning a quoted scalar that is never closed",
]


def test_check_and_build_reject_bad_text_deep_yaml_unclosed_quotes_and_stray_files(tmp_path):
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "catalogue")
    for name, text in MORE_BAD_RECORDS.items():
        (project / "catalogue" / "papers" / name).write_text(text, encoding="utf-8")
    result = run_generator("check", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [*MORE_BAD_MESSAGES, f"check: {len(MORE_BAD_MESSAGES)} problem(s)"]
    built = mkdocs_build(project)
    assert built.returncode != 0 and "Traceback" not in built.stderr
    for message in MORE_BAD_MESSAGES:
        assert message in built.stderr, message


def test_a_killed_import_leaves_the_catalogue_as_it_was_or_completely_imported(tmp_path):
    """Imports of all listings into an empty catalogue, each killed (SIGKILL) at another moment: after
    the next command the catalogue holds no record or every record, never part of them."""
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import time  # noqa: PLC0415

    from conftest import environment  # noqa: PLC0415

    for delay in (0.5, 1.5, 2.5, 3.5, 5.0):
        project = tmp_path / f"kill-{delay}"
        shutil.copytree(REPO / "sources", project / "sources")
        (project / "catalogue" / "papers").mkdir(parents=True)
        shutil.copy(REPO / "catalogue" / "topics.yml", project / "catalogue" / "topics.yml")
        command = [sys.executable, "-m", "generator", "import", *listings(project)]
        process = subprocess.Popen(command, cwd=project, env=environment(), stdout=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        checked = run_generator("check", cwd=project)  # finishes or drops what the killed import staged
        records = list((project / "catalogue" / "papers").glob("*.yml"))
        assert len(records) in (0, 749), (delay, len(records))
        assert checked.returncode == 0 or not records, checked.stderr
        assert not (project / "catalogue" / ".pending").exists()


def test_a_staged_import_is_finished_or_dropped(tmp_path):
    from generator.records.transaction import COMMIT, PENDING, finish_pending, write_files  # noqa: PLC0415

    files = {Path("catalogue/papers/a.yml"): "id: a\n", Path("catalogue/papers/b.yml"): "id: b\n"}
    assert write_files(tmp_path, files) == [tmp_path / path for path in files]
    staging = tmp_path / PENDING
    staging.mkdir()
    (staging / "0").write_text("id: a, changed\n")  # staged, never committed: dropped
    assert finish_pending(tmp_path) == [] and (tmp_path / "catalogue/papers/a.yml").read_text() == "id: a\n"
    staging.mkdir()
    (staging / "1").write_text("id: b, changed\n")  # committed; file 0 had been moved already
    (staging / COMMIT).write_text("catalogue/papers/a.yml\ncatalogue/papers/b.yml\n")
    assert finish_pending(tmp_path) == [tmp_path / path for path in files]
    assert (tmp_path / "catalogue/papers/b.yml").read_text() == "id: b, changed\n" and not staging.exists()
