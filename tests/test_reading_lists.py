"""Reading lists: checking (exact messages)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project, mkdocs_build, run_generator

from generator.pages.list_pages import list_template
from generator.records.catalogue import CatalogueError, load_catalogue
from generator.records.reading_lists import list_sections

PAPER = "s-test-time-scaling-for-code-generation"
OTHER = "p2-law-scaling-law-for-post-training-after-model-pruning"
GOOD = f"""slug: x
title: A good list
description: Why these papers.
curators: [alice]
entries:
- section: First
  paper: {PAPER}
  note: Read it first.
- paper: {OTHER}
"""


def catalogue_with(tmp_path: Path, lists: dict[str, str | bytes]) -> Path:
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    folder = tmp_path / "catalogue" / "lists"
    folder.mkdir()
    for name, content in lists.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return tmp_path


def problems_of(tmp_path: Path, lists: dict[str, str | bytes]) -> list[str]:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(catalogue_with(tmp_path, lists))
    return [str(problem) for problem in error.value.problems]


def edited(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


# --- every bad list kind, with its exact message ---------------------------------------------------

BAD_LISTS = {
    "unknown paper": (
        edited(f"paper: {OTHER}", "paper: nope"),
        "catalogue/lists/x.yml:9: entries[1].paper: unknown paper 'nope'",
    ),
    "unknown paper, close to a real one": (
        edited(f"paper: {OTHER}", f"paper: {OTHER[:-1]}"),
        f"catalogue/lists/x.yml:9: entries[1].paper: unknown paper '{OTHER[:-1]}' (did you mean '{OTHER}'?)",
    ),
    "paper listed twice": (
        edited(f"paper: {OTHER}", f"paper: {PAPER}"),
        "catalogue/lists/x.yml:9: entries[1].paper: listed twice, first as entries[0] (line 7)",
    ),
    "empty list": (
        GOOD.split("entries:")[0] + "entries: []\n",
        "catalogue/lists/x.yml:5: entries: the list has no papers",
    ),
    "entries left empty": (
        GOOD.split("entries:")[0] + "entries:\n",
        "catalogue/lists/x.yml:5: entries: the list has no papers",
    ),
    "slug that does not match the file name": (
        edited("slug: x", "slug: y"),
        "catalogue/lists/x.yml:1: slug: 'y' does not match the file name 'x'",
    ),
    "slug that is not lower-case words": (
        edited("slug: x", "slug: My List"),
        "catalogue/lists/x.yml:1: slug: expected lower-case words joined by '-', got 'My List'",
    ),
    "bad curator name": (
        edited("[alice]", "[alice, -bob-]"),
        "catalogue/lists/x.yml:4: curators: expected a GitHub user name (letters, digits and single hyphens,"
        " at most 39 characters), got '-bob-'",
    ),
    "curator left as the template's placeholder": (
        edited("[alice]", "[your-github-handle]"),
        "catalogue/lists/x.yml:4: curators: replace the placeholder with your GitHub user name",
    ),
    "no curator": (
        edited("[alice]", "[]"),
        "catalogue/lists/x.yml:4: curators: at least one curator is needed",
    ),
    "note over its size limit": (
        edited("note: Read it first.", "note: " + "word " * 250),
        "catalogue/lists/x.yml:8: entries[0].note: is 1249 characters long; the limit is 1000",
    ),
    "description over its size limit": (
        edited("description: Why these papers.", "description: " + "x" * 2001),
        "catalogue/lists/x.yml:3: description: is 2001 characters long; the limit is 2000",
    ),
    "title that is a list": (
        edited("title: A good list", "title: [a, list]"),
        "catalogue/lists/x.yml:2: title: expected one line of text, at most 200 characters",
    ),
    "curators that are not a list": (
        edited("[alice]", "alice"),
        "catalogue/lists/x.yml:4: curators: expected a list of GitHub user names, got 'alice'",
    ),
    "entries that are not a list": (
        GOOD.split("entries:")[0] + "entries: everything\n",
        "catalogue/lists/x.yml:5: entries: expected a list of entries (paper:, section:, note:), got 'everything'",
    ),
    "entry that is not fields": (
        edited(f"- paper: {OTHER}", f"- {OTHER}"),
        "catalogue/lists/x.yml:9: entries[1]: expected paper: with optional section: and note:",
    ),
    "entry without a paper": (
        edited(f"- paper: {OTHER}", "- note: Which paper?"),
        "catalogue/lists/x.yml:9: entries[1].paper: required field missing",
    ),
    "note that is not text": (
        edited("note: Read it first.", "note: [a, b]"),
        "catalogue/lists/x.yml:8: entries[0].note: expected Markdown text, got list ['a', 'b']",
    ),
    "section on several lines": (
        edited("section: First", "section: |\n    one\n    two"),
        "catalogue/lists/x.yml:6: entries[0].section: expected one line of text, at most 120 characters",
    ),
    "unknown entry field": (
        edited("  note: Read it first.", "  note: Read it first.\n  why: because"),
        "catalogue/lists/x.yml:9: entries[0].why: unknown field (known fields: section, paper, note)",
    ),
    "unknown field": (
        GOOD + "editors: [bob]\n",
        "catalogue/lists/x.yml:10: editors: unknown field (known fields: slug, title, description, curators,"
        " updated, tags, entries)",
    ),
    "missing required field": (
        edited("description: Why these papers.\n", ""),
        "catalogue/lists/x.yml:1: description: required field missing",
    ),
    "date that does not exist": (
        GOOD + "updated: 2026-02-30\n",
        "catalogue/lists/x.yml:10: updated: expected YYYY-MM-DD, got '2026-02-30'",
    ),
    "tag that is not lower-case words": (
        GOOD + "tags: [peft, Fine Tuning]\n",
        "catalogue/lists/x.yml:10: tags: expected lower-case words joined by '-', got 'Fine Tuning'",
    ),
    "duplicate key": (
        edited("title: A good list", "title: A good list\ntitle: Again"),
        "catalogue/lists/x.yml:3: duplicate key 'title'",
    ),
    "YAML tag": (
        edited("title: A good list", "title: !!python/object/apply:os.system ['true']"),
        "catalogue/lists/x.yml:2: YAML tags are not allowed (tag:yaml.org,2002:python/object/apply:os.system)",
    ),
    "not fields": ("- a\n- b\n", "catalogue/lists/x.yml:1: expected the fields of a reading list (slug:, title:, ...)"),
    "non-UTF-8 byte": (GOOD.encode("utf-8") + b"# caf\xe9\n", "catalogue/lists/x.yml:10: not valid UTF-8 (byte 0xe9)"),
}


@pytest.mark.parametrize("kind", BAD_LISTS)
def test_bad_list_is_reported_with_file_line_field_and_reason(tmp_path, kind):
    content, message = BAD_LISTS[kind]
    assert problems_of(tmp_path, {"x.yml": content}) == [message]


def test_a_stray_file_in_lists_is_reported(tmp_path):
    assert problems_of(tmp_path, {"x.yml": GOOD, "notes.txt": "hi", ".keep": ""}) == [
        "catalogue/lists/notes.txt:1: unexpected file (reading lists are <slug>.yml)"
    ]


def test_check_fails_with_every_bad_list_and_passes_a_good_one(tmp_path):
    project = catalogue_with(tmp_path, {"x.yml": GOOD, "y.yml": edited("slug: x", "slug: y").replace(OTHER, "nope")})
    result = run_generator("check", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "catalogue/lists/y.yml:9: entries[1].paper: unknown paper 'nope'",
        "check: 1 problem(s)",
    ]
    (project / "catalogue" / "lists" / "y.yml").unlink()
    result = run_generator("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "check: 8 papers, 3 topics, 0 notes, 1 reading list, no problems\n"


def test_a_bad_list_fails_the_strict_build_with_its_message(tmp_path):
    source = catalogue_with(tmp_path / "source", {"x.yml": edited("[alice]", "[al ice]")})
    project = make_project(tmp_path / "project", source / "catalogue")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "catalogue/lists/x.yml:4: curators: expected a GitHub user name" in result.stdout + result.stderr


def test_the_template_is_refused_until_its_placeholders_are_replaced(tmp_path):
    """The "Propose a list" template names what to replace: check says so for each placeholder."""
    problems = problems_of(tmp_path, {"your-list-slug.yml": list_template()})
    assert problems == [
        "catalogue/lists/your-list-slug.yml:5: curators: replace the placeholder with your GitHub user name",
        "catalogue/lists/your-list-slug.yml:6: updated: expected YYYY-MM-DD, got 'YYYY-MM-DD'",
        "catalogue/lists/your-list-slug.yml:9: entries[0].paper: unknown paper"
        " 'qlora-efficient-finetuning-of-quantized-llms'",
        "catalogue/lists/your-list-slug.yml:11: entries[1].paper: unknown paper 'another-paper-id'",
    ]


def test_sections_group_the_entries_after_them(tmp_path):
    text = GOOD.replace(f"- paper: {OTHER}", f"- paper: {OTHER}\n- section: Then\n  paper: no\n- paper: 1e10")
    catalogue = load_catalogue(catalogue_with(tmp_path, {"x.yml": text}))
    (reading_list,) = catalogue.lists
    groups = [
        (section, [(position, entry.paper) for position, entry in entries])
        for section, entries in list_sections(reading_list)
    ]
    assert groups == [("First", [(1, PAPER), (2, OTHER)]), ("Then", [(3, "no"), (4, "1e10")])]
    assert reading_list.entries[0].note_html == "<p>Read it first.</p>"
