"""The caches ``mkdocs serve`` keeps between rebuilds give exactly what computing afresh gives.

Parsed records (LoadCache), the memo of paper pages and feeds, related papers and charts recomputed
lazily in a child process (generator/serve_stages.py), the set-aside paper folder (generator/live.py)
and the Pagefind bundle swap (generator/serve_search.py). The served site as a whole is compared with a
fresh build in tests/test_live.py.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace

from conftest import FIXTURES

import generator.catalogue as catalogue_module
from generator.catalogue import CatalogueError, LoadCache, load_catalogue
from generator.charts import catalogue_charts
from generator.live import CachedPage, keep_paper_folder, restore_paper_folder
from generator.related import related_papers
from generator.serve_search import install
from generator.serve_stages import DerivedStages, Memo, charts_key, current_related, related_key
from generator.site import generate_site

MINI = FIXTURES / "mini" / "catalogue"


def copy_catalogue(tmp_path):  # noqa: ANN001, ANN201 - a Path in, the project root out
    shutil.copytree(MINI, tmp_path / "catalogue")
    return tmp_path


def retitle(root, paper_id: str, title: str) -> None:  # noqa: ANN001 - a Path
    record = root / "catalogue" / "papers" / f"{paper_id}.yml"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"title: '{title}'\n" if line.startswith("title:") else line for line in lines]
    record.write_text("".join(lines), encoding="utf-8")


def test_load_cache_reparses_only_changed_files_and_keeps_reporting_problems(tmp_path, monkeypatch):
    root = copy_catalogue(tmp_path)
    parsed = []
    read_record = catalogue_module._read_record
    monkeypatch.setattr(
        catalogue_module, "_read_record", lambda shown, *rest: parsed.append(shown) or read_record(shown, *rest)
    )
    cache = LoadCache()
    first = load_catalogue(root, cache=cache)
    assert first == load_catalogue(root) and len(parsed) == 16  # 8 records, with the cache and without
    retitle(root, "no", "No more LoRA")
    parsed.clear()
    second = load_catalogue(root, cache=cache)
    assert parsed == ["catalogue/papers/no.yml"]
    assert second == load_catalogue(root)
    assert second.by_id()["no"].title == "No more LoRA" and second.by_id()["1e10"] == first.by_id()["1e10"]
    (root / "catalogue" / "papers" / "no.yml").write_text("title: [unclosed\n", encoding="utf-8")
    for _ in range(2):  # the broken file is reported every time, not only when first parsed
        try:
            load_catalogue(root, cache=cache)
        except CatalogueError as error:
            assert "catalogue/papers/no.yml:" in str(error)
        else:
            raise AssertionError("a broken record loaded")


def test_memo_gives_the_same_site_as_computing_afresh(tmp_path):
    root = copy_catalogue(tmp_path)
    memo = Memo()
    for title in ("No", "No more LoRA"):
        retitle(root, "no", title)
        catalogue = load_catalogue(root)
        memo.start()
        cached = generate_site(catalogue, site_url="https://example.org/", memo=memo)
        assert cached == generate_site(catalogue, site_url="https://example.org/")
    memo.start()
    again = generate_site(catalogue, site_url="https://example.org/", memo=memo)
    assert again.pages["papers/1e10.md"] is cached.pages["papers/1e10.md"]  # a hit hands back the same page


def test_memo_keys_on_everything_it_is_given():
    memo, calls = Memo(), []

    def double(value: int) -> int:
        calls.append(value)
        return value * 2

    assert memo(("a", 1), double, 1) == 2
    assert memo(("a", 1), double, 1) == 2
    assert memo(("a", 2), double, 2) == 4
    assert calls == [1, 2]
    memo.start()
    memo.start()  # a rebuild that used nothing keeps what the one before used
    assert memo(("a", 2), double, 2) == 4 and calls == [1, 2]


def test_derived_keys_follow_their_inputs_only(tmp_path):
    catalogue = load_catalogue(copy_catalogue(tmp_path))
    paper = catalogue.papers[0]
    renamed = replace(catalogue, papers=(replace(paper, title=paper.title + " again"), *catalogue.papers[1:]))
    upvoted = replace(catalogue, papers=(replace(paper, upvotes=(paper.upvotes or 0) + 5), *catalogue.papers[1:]))
    assert related_key(renamed.papers) != related_key(catalogue.papers)
    assert charts_key(renamed) == charts_key(catalogue)  # a title is not in any chart
    assert related_key(upvoted.papers) == related_key(catalogue.papers)
    related = related_papers(catalogue.papers)
    fewer = current_related(related, catalogue.papers[1:])
    assert set(fewer) == {other.id for other in catalogue.papers[1:]}
    assert all(paper.id not in [other for other, _ in found] for found in fewer.values())


def test_derived_stages_show_the_previous_result_then_converge(tmp_path):
    root = copy_catalogue(tmp_path)
    updated = threading.Event()
    stages = DerivedStages(on_update=updated.set)
    try:
        first = stages.get(load_catalogue(root))
        assert first.current and not updated.is_set()
        retitle(root, "no", "No more LoRA")
        edited = load_catalogue(root)
        stale = stages.get(edited)
        assert not stale.current
        assert stale.charts == first.charts  # the previous charts, until recomputed
        stages.release()
        assert updated.wait(120), "the recompute never asked for a rebuild"
        fresh = stages.get(edited)
        assert fresh.current
        assert fresh.related == related_papers(edited.papers)
        assert [chart.svg for chart in fresh.charts] == [
            chart.svg for chart in catalogue_charts(list(edited.papers), edited.topics)
        ]
    finally:
        stages.close()


def test_paper_folder_is_set_aside_and_restored_without_pages_rendered_again(tmp_path):
    site = tmp_path / "site"
    for paper_id in ("kept", "edited", "removed"):
        (site / "papers" / paper_id).mkdir(parents=True)
        (site / "papers" / paper_id / "index.html").write_text(paper_id)
    keep_paper_folder(site)
    assert not (site / "papers").exists()
    reused = {
        f"papers/{paper_id}/index.html": CachedPage("key", f"papers/{paper_id}/index.html", paper_id, ())
        for paper_id in ("kept", "lost")
    }
    missing = restore_paper_folder(site, reused)
    assert sorted(path.name for path in (site / "papers").iterdir()) == ["kept"]  # edited and removed: gone
    assert (site / "papers" / "kept" / "index.html").read_text() == "kept"
    assert [page.dest_uri for page in missing] == ["papers/lost/index.html"]  # MkDocs writes it


def test_a_new_pagefind_bundle_replaces_the_served_one_whole(tmp_path):
    bundle, site = tmp_path / "bundle", tmp_path / "site"
    (bundle / "pagefind").mkdir(parents=True)
    (bundle / "pagefind" / "pagefind-entry.json").write_text("new")
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "stale.pf_fragment").write_text("old")
    (site / ".pagefind-new").mkdir()  # a leftover of an interrupted swap
    install(bundle, site)
    assert sorted(path.name for path in (site / "pagefind").iterdir()) == ["pagefind-entry.json"]
    assert sorted(path.name for path in site.iterdir()) == ["pagefind"]
    assert (bundle / "pagefind" / "pagefind-entry.json").read_text() == "new"  # the kept bundle is intact
