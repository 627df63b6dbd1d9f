"""Curator notes: parsing, checking (exact messages), rendering, and a note file through a real build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from conftest import FIXTURES, make_project, mkdocs_build, run_generator

from generator.markup.note_markdown import render_note_markdown
from generator.pages.note_pages import Repository, note_template, render_note_actions
from generator.records.catalogue import CatalogueError, load_catalogue
from generator.records.notes import naming_notice, note_from_text

PAPER = "s-test-time-scaling-for-code-generation"
OTHER = "p2-law-scaling-law-for-post-training-after-model-pruning"
GOOD = f"---\npaper: {PAPER}\nauthor: alice\ndate: 2026-11-23\n---\nA useful note.\n"


def note_text(*, body: str = "A useful note.\n", **fields: str) -> str:
    front_matter = {"paper": PAPER, "author": "alice", "date": "2026-11-23", **fields}
    lines = "".join(f"{name}: {value}\n" for name, value in front_matter.items() if value is not None)
    return f"---\n{lines}---\n{body}"


def catalogue_with(tmp_path: Path, notes: dict[str, str | bytes]) -> Path:
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    shutil.copytree(FIXTURES / "mini" / "sources", tmp_path / "sources")
    folder = tmp_path / "catalogue" / "notes"
    folder.mkdir(exist_ok=True)
    for name, content in notes.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return tmp_path


def problems_of(tmp_path: Path, notes: dict[str, str | bytes]) -> list[str]:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(catalogue_with(tmp_path, notes))
    return [str(problem) for problem in error.value.problems]


# --- every bad contribution kind, with its exact message ------------------------------------------

BAD_NOTES = {
    "unknown paper": (
        note_text(paper="nope"),
        "catalogue/notes/x.md:2: paper: unknown paper 'nope'",
    ),
    "unknown paper, close to a real one": (
        note_text(paper=PAPER[:-1]),
        f"catalogue/notes/x.md:2: paper: unknown paper '{PAPER[:-1]}' (did you mean '{PAPER}'?)",
    ),
    "missing front matter": (
        "Just some text.\n",
        "catalogue/notes/x.md:1: front matter missing: a note starts with a '---' line,"
        " then paper:, author: and date:, then '---'",
    ),
    "front matter not closed": (
        f"---\npaper: {PAPER}\nauthor: alice\n",
        "catalogue/notes/x.md:1: front matter not closed: add a '---' line after the note's fields",
    ),
    "malformed front matter": (
        note_text(title="[unclosed"),
        "catalogue/notes/x.md:6: invalid YAML: did not find expected ',' or ']'",
    ),
    "front matter that is not fields": (
        "---\n- a list\n---\nText\n",
        "catalogue/notes/x.md:2: front matter must be fields such as 'paper: <paper id>'",
    ),
    "missing required field": (
        note_text(date=None),
        "catalogue/notes/x.md:1: date: required field missing",
    ),
    "unknown field": (
        note_text(tags="x"),
        "catalogue/notes/x.md:5: tags: unknown field (known fields: paper, author, date, title, topics)",
    ),
    "unknown topic": (
        note_text(topics="[peft, not-a-topic]"),
        "catalogue/notes/x.md:5: topics: unknown topic 'not-a-topic'",
    ),
    "duplicate key": (
        f"---\npaper: {PAPER}\npaper: {OTHER}\nauthor: alice\ndate: 2026-11-23\n---\nText\n",
        "catalogue/notes/x.md:3: duplicate key 'paper'",
    ),
    "anchor": (
        note_text(author="&who alice"),
        "catalogue/notes/x.md:3: YAML anchors are not allowed",
    ),
    "alias": (
        note_text(title="*who"),
        "catalogue/notes/x.md:5: YAML aliases are not allowed",
    ),
    "tag": (
        note_text(title="!!python/object/apply:os.system ['true']"),
        "catalogue/notes/x.md:5: YAML tags are not allowed (tag:yaml.org,2002:python/object/apply:os.system)",
    ),
    "tab": (
        note_text(title="\tindented"),
        "catalogue/notes/x.md:5: tab character (indent with spaces)",
    ),
    "non-UTF-8 byte": (
        note_text().encode("utf-8") + b"caf\xe9\n",
        "catalogue/notes/x.md:7: not valid UTF-8 (byte 0xe9)",
    ),
    "larger than 20 KB": (
        note_text(body="x" * 20 * 1024),
        "catalogue/notes/x.md:1: file is 20566 bytes; the limit is 20480 bytes (20 KB)",
    ),
    "author that is not a GitHub handle": (
        note_text(author="-alice-"),
        "catalogue/notes/x.md:3: author: expected a GitHub user name (letters, digits and single hyphens,"
        " at most 39 characters), got '-alice-'",
    ),
    "author left as the template's placeholder": (
        note_text(author="your-github-handle"),
        "catalogue/notes/x.md:3: author: replace the placeholder with your GitHub user name",
    ),
    "date that is not YYYY-MM-DD": (
        note_text(date="23 Nov 2026"),
        "catalogue/notes/x.md:4: date: expected YYYY-MM-DD, got '23 Nov 2026'",
    ),
    "date that does not exist": (
        note_text(date="2026-02-30"),
        "catalogue/notes/x.md:4: date: expected YYYY-MM-DD, got '2026-02-30'",
    ),
    "template date left in": (
        note_text(date="YYYY-MM-DD"),
        "catalogue/notes/x.md:4: date: expected YYYY-MM-DD, got 'YYYY-MM-DD'",
    ),
    "title on several lines": (
        note_text(title="|\n  one\n  two"),
        "catalogue/notes/x.md:5: title: expected one line of text, at most 200 characters",
    ),
    "no text": (
        note_text(body="\n\n"),
        "catalogue/notes/x.md:5: the note has no text after its front matter",
    ),
}


@pytest.mark.parametrize("kind", BAD_NOTES)
def test_bad_note_is_reported_with_file_line_and_reason(tmp_path, kind):
    content, message = BAD_NOTES[kind]
    assert problems_of(tmp_path, {"x.md": content}) == [message]


BAD_RECORDS = {
    "duplicate key": ("id: r\ntitle: One\ntitle: Two\n", "catalogue/papers/r.yml:3: duplicate key 'title'"),
    "anchor": ("id: r\ntitle: &t One\n", "catalogue/papers/r.yml:2: YAML anchors are not allowed"),
    "alias": ("id: r\ntitle: *t\n", "catalogue/papers/r.yml:2: YAML aliases are not allowed"),
    "tab": ("id: r\ntitle:\tOne\n", "catalogue/papers/r.yml:2: tab character (indent with spaces)"),
    "non-UTF-8 byte": (b"id: r\ntitle: Caf\xe9\n", "catalogue/papers/r.yml:2: not valid UTF-8 (byte 0xe9)"),
}


@pytest.mark.parametrize("kind", BAD_RECORDS)
def test_bad_record_yaml_is_reported(tmp_path, kind):
    content, message = BAD_RECORDS[kind]
    project = catalogue_with(tmp_path, {})
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    (project / "catalogue" / "papers" / "r.yml").write_bytes(data)
    with pytest.raises(CatalogueError) as error:
        load_catalogue(project)
    assert [str(problem) for problem in error.value.problems] == [message]


def test_unexpected_file_in_notes_is_reported(tmp_path):
    assert problems_of(tmp_path, {"README.txt": "hi", ".keep": ""}) == [
        "catalogue/notes/README.txt:1: unexpected file (notes are <paper-id>--<author>.md)"
    ]


def test_check_fails_and_lists_every_bad_note_while_good_notes_stay(tmp_path):
    project = catalogue_with(tmp_path, {f"{PAPER}--alice.md": GOOD, "bad.md": note_text(paper="nope")})
    result = run_generator("check", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "catalogue/notes/bad.md:2: paper: unknown paper 'nope'",
        "check: 1 problem(s)",
    ]
    assert (project / "catalogue" / "notes" / f"{PAPER}--alice.md").read_text(encoding="utf-8") == GOOD


def test_check_suggests_the_file_name_without_failing(tmp_path):
    project = catalogue_with(tmp_path, {"my-note.md": GOOD, f"{PAPER}--alice-2.md": GOOD})
    result = run_generator("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"catalogue/notes/my-note.md: notice: notes are easier to find named '{PAPER}--alice.md'",
        "check: 8 papers, 3 topics, 2 notes, 0 reading lists, no problems",
    ]


def test_a_bad_note_fails_the_build_with_its_message(tmp_path):
    source = catalogue_with(tmp_path / "source", {"x.md": note_text(date="tomorrow")})
    project = make_project(tmp_path / "project", source / "catalogue")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "catalogue/notes/x.md:4: date: expected YYYY-MM-DD, got 'tomorrow'" in result.stdout + result.stderr


# --- parsing and rendering -------------------------------------------------------------------------


def test_note_fields_and_body_are_read():
    text = note_text(title="'Where the code is'", topics="[code]", body="\nSee *this*.\n")
    note, problems = note_from_text(
        "catalogue/notes/n.md", text, paper_ids=frozenset({PAPER}), topic_ids=frozenset({"code"})
    )
    assert problems == []
    assert (note.paper, note.author, note.date, note.title, note.topics) == (
        PAPER,
        "alice",
        "2026-11-23",
        "Where the code is",
        ("code",),
    )
    assert note.body == "See *this*."
    assert note.html == "<p>See <em>this</em>.</p>"
    assert naming_notice(note) == "catalogue/notes/n.md: notice: notes are easier to find named " + repr(
        f"{PAPER}--alice.md"
    )


def test_markdown_features_render():
    html = render_note_markdown(
        "# Heading\n\nIt costs <4.3% & runs S* fast, $x^2$ too.\n\n"
        '!!! tip "Try it"\n    Use `load_in_4bit=True`.\n\n'
        "```python\nprint('<b>')\n```\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        "- [link](https://example.com/x) and [page](../other/)\n"
    )
    assert "<h4>Heading</h4>" in html
    assert '<p>It costs &lt;4.3% &amp; runs S* fast, <span class="math"><math display="inline">' in html
    assert '<div class="admonition tip">\n<p class="admonition-title">Try it</p>' in html
    assert "<code>load_in_4bit=True</code>" in html
    assert "<pre><code class=\"language-python\">print('&lt;b&gt;')</code></pre>" in html
    assert '<th align="left">a</th>' in html
    assert '<a href="https://example.com/x" rel="nofollow noopener">link</a>' in html
    assert '<a href="../other/" rel="nofollow noopener">page</a>' in html


def test_display_math_becomes_block_mathml():
    html = render_note_markdown("$$\\frac{a}{b}$$\n")
    assert '<math display="block"><mrow><mfrac>' in html


@pytest.mark.parametrize(
    ("markdown_text", "expected"),
    [
        ("[x](javascript:alert(1))", '<p><a rel="nofollow noopener">x</a></p>'),
        ("[x](data:text/html,hi)", '<p><a rel="nofollow noopener">x</a></p>'),
        ('<a href="https://e.example" onclick="alert(1)" rel="">x</a>', None),
        ("<script>alert(1)</script>\n\nafter", "<p>after</p>"),
        ('<img src="x" onerror="alert(1)">after', "<p>after</p>"),
        ('<iframe src="https://e.example"></iframe>\n\nafter', "<p>after</p>"),
        ("<style>body{}</style>\n\nafter", "<p>after</p>"),
        ('<div class="md-header admonition" style="position:fixed">x</div>', '<div class="admonition">x</div>'),
        ('<code class="language-py evil">x</code>', '<p><code class="language-py">x</code></p>'),
    ],
)
def test_raw_html_is_sanitised(markdown_text, expected):
    html = render_note_markdown(markdown_text)
    if expected is not None:
        assert html.strip() == expected
    assert "onclick" not in html and "javascript" not in html and 'rel=""' not in html


# --- page actions ----------------------------------------------------------------------------------


def test_add_a_note_opens_the_github_editor_with_front_matter(tmp_path):
    catalogue = load_catalogue(catalogue_with(tmp_path, {}))
    paper = catalogue.by_id()[PAPER]
    html = render_note_actions(paper, Repository(url="https://github.com/owner/repo", branch="trunk"))
    root = html5lib.parseFragment(html, namespaceHTMLElements=False)
    links = {anchor.text: anchor.get("href") for anchor in root.iter("a")}
    add = urlsplit(links["Add a note"])
    assert (add.netloc, add.path) == ("github.com", "/owner/repo/new/trunk")
    query = parse_qs(add.query)
    assert query["filename"] == [f"catalogue/notes/{PAPER}--your-github-handle.md"]
    assert query["value"] == [note_template(paper)]
    assert query["value"][0].startswith(f"---\npaper: {PAPER}\nauthor: your-github-handle\ndate: YYYY-MM-DD\n")
    assert links["Edit record"] == f"https://github.com/owner/repo/edit/trunk/catalogue/papers/{PAPER}.yml"
    assert render_note_actions(paper, None) == ""


# --- a note added as a new file appears on its paper page after mkdocs build ------------------------

NEWER = (
    f"---\npaper: {PAPER}\nauthor: bob-smith\ndate: 2026-11-24\ntitle: Newer note\ntopics: [code]\n---\n"
    "The **newer** note, about <4.3% & S*.\n"
)


@pytest.fixture(scope="module")
def noted_site(tmp_path_factory) -> Path:
    source = catalogue_with(tmp_path_factory.mktemp("noted-source"), {f"{PAPER}--alice.md": GOOD})
    (source / "catalogue" / "notes" / f"{PAPER}--bob-smith.md").write_text(NEWER, encoding="utf-8")
    project = make_project(tmp_path_factory.mktemp("noted"), source / "catalogue")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def by_class(root, tag: str, css: str) -> list:
    return [element for element in root.iter(tag) if css in element.get("class", "").split()]


def test_new_note_appears_on_its_paper_page_newest_first(noted_site):
    root = parse(noted_site / "papers" / PAPER / "index.html")
    (section,) = by_class(root, "section", "curator-notes")
    assert section.find("h2").text == "Curator notes"
    notes = by_class(section, "article", "curator-note")
    assert [note.find("h3").text for note in notes] == ["Newer note", "Note by @alice"]
    newer = notes[0]
    assert "".join(by_class(newer, "div", "note-body")[0].itertext()).strip() == "The newer note, about <4.3% & S*."
    links = {anchor.text: anchor.get("href") for anchor in newer.iter("a")}
    assert links["@bob-smith"] == "https://github.com/bob-smith"
    assert links["history"] == (
        f"https://github.com/paper-catalogue/paper-catalogue/commits/main/catalogue/notes/{PAPER}--bob-smith.md"
    )
    assert links["Code"] == "../../topics/code/"
    assert newer.find(".//time").get("datetime") == "2026-11-24"
    actions = {anchor.text: anchor.get("href") for anchor in by_class(section, "p", "paper-actions")[0].iter("a")}
    assert actions["Add a note"].startswith("https://github.com/paper-catalogue/paper-catalogue/new/main?filename=")
    assert actions["Edit record"].endswith(f"/edit/main/catalogue/papers/{PAPER}.yml")


def test_papers_without_notes_invite_one(noted_site):
    root = parse(noted_site / "papers" / OTHER / "index.html")
    (section,) = by_class(root, "section", "curator-notes")
    assert by_class(section, "p", "notes-empty")[0].text == "No curator notes yet."
    assert [anchor.text for anchor in section.iter("a")] == ["Add a note", "Edit record"]


def test_topic_and_home_pages_mark_noted_papers(noted_site):
    topic = parse(noted_site / "topics" / "code" / "index.html")
    rows = {row.find("a").get("href"): row for row in topic.iter("li") if row.find("a") is not None}
    badge = by_class(rows[f"../../papers/{PAPER}/"], "span", "notes-badge")
    assert [span.text for span in badge] == ["2 notes"]
    home = parse(noted_site / "index.html")
    heading = [h2 for h2 in home.iter("h2") if h2.get("id") == "recent-notes"]
    assert heading and "".join(heading[0].itertext()).startswith("Recently noted")
    recent = [li for li in home.iter("li") if by_class(li, "span", "note-by")]
    assert [(li.find("a").get("href"), by_class(li, "span", "note-by")[0].text) for li in recent] == [
        (f"papers/{PAPER}/", "noted by @bob-smith, Nov 24, 2026")
    ]
    rows = [li for li in home.iter("li") if li.find("a") is not None and li.find("a").get("href") == f"papers/{PAPER}/"]
    assert [span.text for row in rows for span in by_class(row, "span", "notes-badge")] == ["2 notes"]


def test_notes_are_in_the_search_index(noted_site):
    index = json.loads((noted_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [document["text"] for document in index["docs"] if document["location"].startswith(f"papers/{PAPER}/")]
    assert any("The newer note, about &lt;4.3% &amp; S*." in text for text in texts)


def test_contributing_page_is_built_from_contributing_md(noted_site):
    root = parse(noted_site / "contributing" / "index.html")
    assert "".join(root.find(".//h1").itertext()).removesuffix("¶") == "Contributing"
    headings = ["".join(h2.itertext()).removesuffix("¶") for h2 in root.iter("h2")]
    assert {"How a pull request goes", "Add a note", "Add a paper", "Add or fix a code link"} <= set(headings)
