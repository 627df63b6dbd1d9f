"""The benchmark's synthetic catalogue is realistic and reproducible, and the benchmark runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml

from benchmarks.synthesise import synthesise_notes, synthesise_papers, write_catalogue
from generator.records.catalogue import load_catalogue, read_records
from tests.conftest import REPO, environment

STAGES = ("load_generate", "mkdocs_alone", "pagefind_alone", "whole_build", "site_only")


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


def test_the_benchmark_measures_every_stage_and_prints_the_table(tmp_path):
    report, keep = tmp_path / "bench.json", tmp_path / "kept"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", "--papers", "30", "--repeat", "2"]
        + ["--json", str(report), "--keep", str(keep)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| stage | wall s (fastest) | every run, s | peak MB, all processes |" in result.stdout
    for label in ("load + generate", "MkDocs alone", "Pagefind alone", "whole build", "site only"):
        assert f"| {label} " in result.stdout
    assert "Whole build / MkDocs alone: " in result.stdout
    assert "KB per paper." in result.stdout

    figures = json.loads(report.read_text())
    assert (figures["papers"], figures["notes"]) == (30, len(list(keep.glob("project/catalogue/notes/*.md"))))
    for stage in STAGES:
        measured = figures["stages"][stage]
        assert len(measured["runs"]) == 2 and measured["seconds"] == min(measured["runs"])
        assert measured["peak_mb"] > 0
    assert figures["ratio"] > 0 and figures["bytes_per_paper"] > 0
    stages = figures["stages"]
    assert figures["two_steps"]["peak_mb"] == max(stages["site_only"]["peak_mb"], stages["pagefind_alone"]["peak_mb"])
    assert "In two steps (site only, then Pagefind alone): " in result.stdout
    assert (
        len(list(keep.glob("site-only/papers/*/index.html"))) == 30 and not (keep / "site-only" / "pagefind").exists()
    )
    assert figures["site"]["files"] > 30 and figures["work"] == str(keep)
    # The baseline built the generated tree without the plugin; both sites hold every paper and a search index.
    for site in (keep / "site-baseline", keep / "project" / "site"):
        assert len(list(site.glob("papers/*/index.html"))) == 30
        assert (site / "pagefind" / "pagefind-entry.json").is_file()
    baseline = yaml.safe_load((keep / "project" / "standalone.yml").read_text())
    assert [next(iter(plugin)) for plugin in baseline["plugins"]] == ["search"]
    assert (keep / "project" / baseline["docs_dir"]).resolve() == (keep / "tree").resolve()
