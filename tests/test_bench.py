"""The benchmark's synthetic catalogue is realistic and reproducible, and the benchmark runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys

from generator.records.catalogue import load_catalogue, read_records
from benchmarks.synthesise import synthesise_notes, synthesise_papers, write_catalogue
from tests.conftest import REPO, environment


def test_synthetic_papers_are_reproducible_unique_and_load_as_a_valid_catalogue(tmp_path):
    real, problems = read_records(REPO)
    assert not problems
    first = synthesise_papers(real, 300, seed=7)
    assert first == synthesise_papers(real, 300, seed=7)
    assert first != synthesise_papers(real, 300, seed=8)
    assert len({paper.id for paper in first}) == 300
    real_titles = {paper.title for paper in real}
    assert sum(paper.title in real_titles for paper in first) < 30  # recombined, not copied
    notes = synthesise_notes(first, seed=7)
    assert notes and all(name.removesuffix(".md").split("--")[0] in {p.id for p in first} for name in notes)

    write_catalogue(tmp_path, first, notes, (REPO / "catalogue" / "topics.yml").read_text())
    catalogue = load_catalogue(tmp_path)  # every synthetic record passes the real checks
    assert len(catalogue.papers) == 300
    tagged = sum(1 for paper in catalogue.papers if paper.topics)
    assert tagged > 200  # topics come from the recombined text through the real rules
    assert sum(1 for paper in catalogue.papers if paper.all_links) > 30
    assert len({paper.year for paper in catalogue.papers if paper.year}) >= 8


def test_the_benchmark_command_prints_the_table(tmp_path):
    report = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "bench", "--papers", "40", "--repeat", "2", "--json", str(report)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| generator: load_catalogue |" in result.stdout
    assert "| **full build (mkdocs build --strict)** |" in result.stdout
    assert "| **baseline: MkDocs alone, same pages** |" in result.stdout
    assert "catalogue.on_config (1×)" in result.stdout
    assert "Overhead (full − baseline)" in result.stdout
    figures = json.loads(report.read_text())
    assert figures["papers"] == 40
    assert figures["full"]["site"]["papers"]["files"] == 40
    assert figures["baseline"]["site"]["papers"]["files"] == 40
    assert figures["full"]["peak_mb"] > 10
    for build in ("full", "baseline"):  # two runs each, the fastest in the table
        assert len(figures[f"{build}_seconds"]) == 2
        assert figures[build]["seconds"] == min(figures[f"{build}_seconds"])
    assert "Runs, in order (the table shows the fastest of each): full " in result.stdout
