"""Reading lists: checking (exact messages), and the real lists through a real build.

The two real lists (``catalogue/lists/``) are built with the real site (``real_site``): their pages,
Atom feeds (feedparser) and BibTeX files (bibtexparser 2) hold the papers in list order, each paper
links back with its position, and ``api/lists.json`` validates against its schema.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import feedparser
import html5lib
import jsonschema
import pytest
from conftest import FIXTURES, REPO, make_project, mkdocs_build, run_generator

from generator.pages.list_pages import list_template
from generator.records.catalogue import CatalogueError, load_catalogue
from generator.records.reading_lists import list_from_document, list_sections
from generator.records.storage import parse_yaml

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
REAL_LISTS = {"making-llm-inference-fast": "Making LLM inference fast"}
REAL_LISTS["peft-where-to-start"] = "Parameter-efficient fine-tuning: where to start"


def catalogue_with(tmp_path: Path, lists: dict[str, str | bytes]) -> Path:
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    shutil.copytree(FIXTURES / "mini" / "sources", tmp_path / "sources")
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


# --- the real lists through the real build -----------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(REPO)


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def text_of(element) -> str:
    return "".join(element.itertext())


def by_class(root, tag: str, css: str) -> list:
    return [element for element in root.iter(tag) if css in element.get("class", "").split()]


def test_the_real_lists_are_real(catalogue):
    assert {reading_list.slug: reading_list.title for reading_list in catalogue.lists} == REAL_LISTS
    for reading_list in catalogue.lists:
        assert len(reading_list.entries) >= 6, reading_list.slug
        assert len([section for section, _ in list_sections(reading_list) if section]) >= 3, reading_list.slug
        assert all(entry.note for entry in reading_list.entries), reading_list.slug


def test_each_list_page_shows_its_papers_in_order_under_sections(real_site, catalogue):
    papers = catalogue.by_id()
    for reading_list in catalogue.lists:
        root = parse(real_site / "lists" / reading_list.slug / "index.html")
        (page,) = by_class(root, "div", "reading-list")
        assert text_of(page.find(".//h1")) == reading_list.title
        entries = by_class(page, "li", "reading-list-entry")
        assert [entry.get("id") for entry in entries] == [f"entry-{n}" for n in range(1, len(entries) + 1)]
        links = [entry.find("a").get("href") for entry in entries]
        assert links == [f"../../papers/{paper_id}/" for paper_id in reading_list.paper_ids]
        headings = [text_of(heading) for heading in page.iter("h2") if heading.get("id", "").startswith("section-")]
        assert headings == [section for section, _ in list_sections(reading_list) if section]
        for entry, listed in zip(entries, reading_list.entries, strict=True):
            paper = papers[listed.paper]
            assert text_of(entry.find("a")) == paper.title
            assert bool(by_class(entry, "span", "code-badge")) == bool(paper.all_links)
            chips = [text_of(chip) for chip in by_class(entry, "a", "topic-chip")]
            assert chips == [topic.name for topic in catalogue.topics if topic.id in paper.topics]
            (note,) = by_class(entry, "div", "reading-list-note")
            assert " ".join(text_of(note).split()) == " ".join(listed.note.split())
        facts = text_of(by_class(page, "p", "reading-list-facts")[0])
        assert f"{len(reading_list.entries)} papers · curated by @paper-catalogue" in facts


def test_each_list_has_links_to_its_feed_bibtex_arxiv_and_editor(real_site, catalogue):
    papers = catalogue.by_id()
    for reading_list in catalogue.lists:
        root = parse(real_site / "lists" / reading_list.slug / "index.html")
        (links,) = by_class(root, "p", "reading-list-links")
        hrefs = {text_of(anchor): anchor.get("href") for anchor in links.iter("a")}
        assert hrefs["Atom feed"] == "feed.xml" and hrefs["BibTeX"] == "citations.bib"
        edit = f"https://github.com/paper-catalogue/paper-catalogue/edit/main/catalogue/lists/{reading_list.slug}.yml"
        assert hrefs["Suggest a change"] == edit
        known = [papers[paper_id].arxiv_id for paper_id in reading_list.paper_ids if papers[paper_id].arxiv_id]
        assert known, "each real list has papers with a known arXiv id"
        assert hrefs["Open all on arXiv"] == "#arxiv"
        (arxiv,) = by_class(root, "ol", "reading-list-arxiv")
        assert [item.find("a").get("href") for item in arxiv.iter("li")] == [
            f"https://arxiv.org/abs/{arxiv_id}" for arxiv_id in known
        ]


def test_each_list_feed_is_atom_in_list_order_with_the_notes(real_site, catalogue):
    for reading_list in catalogue.lists:
        feed = feedparser.parse((real_site / "lists" / reading_list.slug / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10" and feed.feed.title == f"ML Paper Catalogue: {reading_list.title}"
        assert feed.feed.updated.startswith(reading_list.updated)
        site = "https://paper-catalogue.github.io/paper-catalogue/"
        assert [next(link.href for link in entry.links if link.rel == "alternate") for entry in feed.entries] == [
            f"{site}papers/{paper_id}/" for paper_id in reading_list.paper_ids
        ]
        first = reading_list.entries[0]
        assert feed.entries[0].content[0].value == first.note_html


def test_each_list_bibtex_holds_its_papers_in_list_order(real_site, catalogue):
    for reading_list in catalogue.lists:
        library = bibtexparser.parse_string((real_site / "lists" / reading_list.slug / "citations.bib").read_text())
        assert not library.failed_blocks
        assert [entry.key for entry in library.entries] == list(reading_list.paper_ids)


def test_a_listed_paper_links_back_with_its_position(real_site, catalogue):
    peft = next(reading_list for reading_list in catalogue.lists if reading_list.slug == "peft-where-to-start")
    position = peft.paper_ids.index("qlora-efficient-finetuning-of-quantized-llms") + 1
    root = parse(real_site / "papers" / "qlora-efficient-finetuning-of-quantized-llms" / "index.html")
    heading = next(heading for heading in root.iter("h2") if heading.get("id") == "reading-lists")
    assert text_of(heading) == "In reading lists"
    (section,) = by_class(root, "ul", "paper-reading-lists")
    (item,) = section.iter("li")
    assert item.find("a").get("href") == f"../../lists/peft-where-to-start/#entry-{position}"
    assert text_of(item) == f"{peft.title} {position} of {len(peft.entries)}"
    # Every listed paper links back to every list that holds it; papers in no list say nothing.
    for reading_list in catalogue.lists:
        for number, paper_id in enumerate(reading_list.paper_ids, start=1):
            html = (real_site / "papers" / paper_id / "index.html").read_text(encoding="utf-8")
            assert f'href="../../lists/{reading_list.slug}/#entry-{number}"' in html, paper_id
    listed = {paper_id for reading_list in catalogue.lists for paper_id in reading_list.paper_ids}
    unlisted = next(paper.id for paper in catalogue.papers if paper.id not in listed)
    assert 'id="reading-lists"' not in (real_site / "papers" / unlisted / "index.html").read_text(encoding="utf-8")


def test_the_reading_lists_page_is_in_the_navigation(real_site, catalogue):
    home = parse(real_site / "index.html")
    tabs = {text_of(link).strip(): link.get("href") for link in by_class(home, "a", "md-tabs__link")}
    assert tabs["Reading lists"] == "lists/"
    assert not any("/lists/" in href or "papers/" in href for href in tabs.values())
    root = parse(real_site / "lists" / "index.html")
    items = by_class(root, "li", "reading-lists-item")
    assert [item.find("a").get("href") for item in items] == [
        f"{reading_list.slug}/" for reading_list in catalogue.lists
    ]
    for item, reading_list in zip(items, catalogue.lists, strict=True):
        assert text_of(item.find("a")) == reading_list.title
        assert text_of(by_class(item, "span", "topic-count")[0]) == f"{len(reading_list.entries)} papers"
        assert "curated by @paper-catalogue" in text_of(by_class(item, "p", "reading-list-facts")[0])
        assert (
            text_of(by_class(item, "div", "reading-list-description")[0]).split()[:4]
            == reading_list.description.split()[:4]
        )
    (propose,) = [anchor for anchor in root.iter("a") if text_of(anchor) == "Propose a list"]
    query = parse_qs(urlsplit(propose.get("href")).query)
    assert query["filename"] == ["catalogue/lists/your-list-slug.yml"] and query["value"] == [list_template()]


def test_lists_json_validates_against_its_schema(real_site, catalogue):
    schema = json.loads((real_site / "api" / "lists.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    exported = json.loads((real_site / "api" / "lists.json").read_text())
    jsonschema.validate(exported, schema)
    assert [item["slug"] for item in exported] == sorted(REAL_LISTS)
    for item, reading_list in zip(exported, catalogue.lists, strict=True):
        assert [entry["paper"] for entry in item["entries"]] == list(reading_list.paper_ids)
        assert (
            item["papers_count"] == len(reading_list.entries) and item["feed"] == f"lists/{reading_list.slug}/feed.xml"
        )
    open_data = (real_site / "open-data" / "index.html").read_text()
    assert 'href="../api/lists.json"' in open_data and 'href="../api/lists.schema.json"' in open_data


def test_the_header_search_indexes_a_list_by_title_and_description_only(real_site, catalogue):
    """Material's lunr index: a list's title and description; its papers and notes stay with the papers."""
    docs = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    for reading_list in catalogue.lists:
        found = [doc for doc in docs if doc["location"].startswith(f"lists/{reading_list.slug}/")]
        text = " ".join(doc["title"] + " " + doc["text"] for doc in found)
        assert reading_list.title in text and " ".join(reading_list.description.split()[:6]) in text
        assert not any(" ".join(entry.note.split()[:6]) in text for entry in reading_list.entries)


def test_the_contributing_example_list_passes_check_as_it_is(catalogue):
    section = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## Propose a reading list")[1]
    example = section.split("```yaml\n")[1].split("```")[0]
    document = parse_yaml("catalogue/lists/quantized-fine-tuning.yml", example)
    paper_ids = frozenset(paper.id for paper in catalogue.papers)
    reading_list, problems = list_from_document(document, expected_slug="quantized-fine-tuning", paper_ids=paper_ids)
    assert problems == [] and len(reading_list.entries) == 3
    assert "<math" in reading_list.description_html  # maths, as notes have
