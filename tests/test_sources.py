"""Listing labels (sources/labels.yml): checked, derived on import, shown instead of file names."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, REPO, run_generator

from generator.records.sources import derived_label


def test_bad_labels_are_reported_with_file_line_and_listing(tmp_path):
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "labels.yml").write_text(
        "fixture.txt: Fixture\nother.txt: Fixture\nlist.txt: [a, b]\nlong.txt: " + "x" * 81 + "\n", encoding="utf-8"
    )
    result = run_generator("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "sources/labels.yml:2: other.txt: the same label as 'fixture.txt'",
        "sources/labels.yml:3: list.txt: expected one line of text",
        "sources/labels.yml:4: long.txt: too long: 81 characters (at most 80)",
        "check: 3 problem(s)",
    ]


def test_a_listing_without_a_label_is_noted_and_import_derives_one(tmp_path):
    shutil.copytree(REPO / "catalogue", tmp_path / "catalogue")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    labels = tmp_path / "sources" / "labels.yml"
    curated = labels.read_text(encoding="utf-8")
    labels.write_text("".join(line for line in curated.splitlines(True) if not line.startswith("003_")))
    checked = run_generator("check", cwd=tmp_path)
    assert checked.returncode == 0
    assert "sources/labels.yml: notice: no label for '003_0cce7942619865d4.txt'; readers see its file name" in (
        checked.stdout
    )
    imported = run_generator("import", "sources/003_0cce7942619865d4.txt", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    text = labels.read_text(encoding="utf-8")
    assert text.startswith(curated.split("003_")[0])  # what the curator wrote stays as it was
    assert text.endswith('"003_0cce7942619865d4.txt": "HF papers, Mar 11"\n')
    assert "notice" not in run_generator("check", cwd=tmp_path).stdout


def test_derived_labels_use_the_capture_day_and_never_repeat():
    daily = "new\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\nJan 7\n\nA title\n"
    assert derived_label(daily, set()) == "HF Daily Papers, Jan 7"
    assert derived_label(daily, {"HF Daily Papers, Jan 7"}) == "HF Daily Papers, Jan 7 (2)"
    assert derived_label("SubscribeA title\nAn abstract.\n", set()) == "HF papers (undated)"
