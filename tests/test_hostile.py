"""Hostile input: a corpus of XSS payloads through every contributed field, built by the real MkDocs.

Every payload goes into a paper's title, abstract and organisation, a code link URL, a topic's name
and description (a topic of its own per payload), a note's title and a note's body, and a reading
list's title, description, section heading and note (with Markdown-syntax payloads too: attribute
lists, reference links, autolinks); multi-line payloads (a blank line, then Markdown syntax) go into
abstracts and topic descriptions. The built HTML is parsed with html5lib (the WHATWG parsing
algorithm, as a browser parses it) and must hold no live markup from any payload, while the payload
text still reads as the curator wrote it; every page is also opened in real Chromium, focused
through, and must run nothing.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import html5lib
import pytest
from conftest import FIXTURES, make_project, mkdocs_build, run_generator

from generator.records.storage import dump_yaml

PAYLOADS = [line for line in (FIXTURES / "xss_payloads.txt").read_text(encoding="utf-8").splitlines() if line]
# Text after a blank line: Markdown would read it as its own block if it ever saw it.
MULTILINE = [
    "Legit start.\n\n{: onfocus=alert(1) autofocus tabindex=0 }",
    "Legit start.\n\n[x](javascript:alert(1))\n\n# Heading {: onclick=alert(1) }",
    "Legit start.\n\n<img src=x onerror=alert(1)>\n\n    indented <script>alert(1)</script>",
]
# Markdown syntax that survives HTML escaping: harmless as text, live if text ever lands in Markdown.
MARKDOWN_PAYLOADS = [
    '{: onfocus="alert(1)" autofocus tabindex="0" }',
    '# Heading {: onclick="alert(1)" onmouseover="alert(1)" }',
    '[x](javascript:alert(1)){: onmouseover="alert(1)" }',
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<div markdown="1" onclick="alert(1)">*x*</div>',
    '<a href="javascript:alert(1)" markdown="1">**x**</a>',
    "*[HTML]: <script>alert(1)</script>",
    "$$\\href{javascript:alert(1)}{x}$$",
]
LIST_PAYLOADS = PAYLOADS + MARKDOWN_PAYLOADS
# A reference link whose target is javascript:, on lines of its own (where Markdown defines it);
# before the payload, which may be an unclosed <style> that swallows what follows (as in a browser).
REFERENCE_LINK = "See [this][evil].\n\n[evil]: javascript:alert(1)\n"
LEGIT = "Legit: <4.3% A & B S*"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "cite"}
DANGEROUS_SCHEME = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
FORBIDDEN_ANYWHERE = {"iframe", "frame", "object", "embed", "base", "applet"}
FORBIDDEN_IN_CONTENT = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea"}
FORBIDDEN_IN_CONTENT |= {"img", "meta", "link", "template", "base", "svg", "noscript", "select"}
# Theme bundles, relative to the page or (on 404.html) under site_url's path.
# The theme's bundles, and the project's own scripts committed under docs/assets/.
THEME_SCRIPT = re.compile(r"^(?:(?:\.\./)*|/paper-catalogue/)assets/(?:javascripts/)?[\w.-]+\.js$")
SEARCH_TAGS = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}  # what Material's search keeps


def paper_id(index: int) -> str:
    return f"hostile-{index:02d}"


def list_slug(index: int) -> str:
    return f"hostile-list-{index:02d}"


def hostile_catalogue(target: Path) -> Path:
    """The fixture taxonomy plus a hostile topic, one paper and one note per payload, one list per list payload."""
    catalogue = target / "catalogue"
    (catalogue / "papers").mkdir(parents=True)
    (catalogue / "notes").mkdir()
    (catalogue / "lists").mkdir()
    topics = (FIXTURES / "mini" / "catalogue" / "topics.yml").read_text(encoding="utf-8")
    hostile_topic = [
        {
            "id": "hostile-topic",
            "name": "<img src=x onerror=alert(1)> & <b>Topic</b>",
            "description": "</title><script>alert(1)</script> S* <4.3%",
            "title": ["\\bpaper\\b"],
            "abstract": ["\\blegit\\b"],
            "min_hits": 1,
        }
    ]
    for index, payload in enumerate(PAYLOADS, start=1):  # a topic per payload: name and description
        hostile_topic.append(
            {
                "id": f"hostile-topic-{index:02d}",
                "name": payload,
                "description": f"Topic {index}: {payload}\n\n{MULTILINE[index % len(MULTILINE)]}",
                "title": [f"^Paper {index}:"],
                "min_hits": 1,
            }
        )
    (catalogue / "topics.yml").write_text(topics + dump_yaml(hostile_topic), encoding="utf-8")
    for index, text in enumerate(MULTILINE, start=1):
        record = {
            "id": f"hostile-multiline-{index}",
            "title": f"Multi-line {index}",
            "abstract": text,
            "date": "2025-01-01",
            "organisation": text,
            "sources": ["hostile.txt"],
            "code": [],
            "added": "2026-11-23",
        }
        (catalogue / "papers" / f"hostile-multiline-{index}.yml").write_text(dump_yaml(record), encoding="utf-8")
    for index, payload in enumerate(PAYLOADS, start=1):
        record = {
            "id": paper_id(index),
            "title": f"Paper {index}: {payload}",
            "abstract": f"Abstract {index}: {payload} {LEGIT}",
            "date": "2025-01-01",
            "organisation": payload,
            "sources": ["hostile.txt"],
            "code": [{"url": f'https://example.com/{index}?q="><script>alert(1)</script>', "kind": "other"}],
            "added": "2026-11-23",
            # Ten names, then the payload behind the fold ("and 1 more").
            "authors": [*(f"Author {number}" for number in range(1, 11)), payload],
        }
        (catalogue / "papers" / f"{paper_id(index)}.yml").write_text(dump_yaml(record), encoding="utf-8")
        front_matter = {"paper": paper_id(index), "author": "mallory", "date": "2026-11-23", "title": payload}
        # Legitimate text first: an unclosed <style> or <textarea> in raw HTML swallows what follows it,
        # as it would in a browser; the sanitiser then drops it whole.
        body = f"{LEGIT}\n\n{payload}\n"
        note = f"---\n{dump_yaml(front_matter)}---\n{body}"
        (catalogue / "notes" / f"{paper_id(index)}--mallory.md").write_text(note, encoding="utf-8")
    for index, payload in enumerate(LIST_PAYLOADS, start=1):
        first, second = (index - 1) % len(PAYLOADS) + 1, index % len(PAYLOADS) + 1
        reading_list = {
            "slug": list_slug(index),
            "title": f"List {index}: {payload}",
            "description": f"{LEGIT}\n\n{REFERENCE_LINK}\n{payload}\n",
            "curators": ["mallory"],
            "entries": [
                {"section": payload, "paper": paper_id(first), "note": f"{LEGIT}\n\n{REFERENCE_LINK}\n{payload}\n"},
                {"paper": paper_id(second)},
            ],
        }
        (catalogue / "lists" / f"{list_slug(index)}.yml").write_text(dump_yaml(reading_list), encoding="utf-8")
    return catalogue


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    source = hostile_catalogue(tmp_path_factory.mktemp("hostile-source"))
    project = make_project(tmp_path_factory.mktemp("hostile"), source)
    checked = run_generator("check", cwd=project)
    assert checked.returncode == 0, checked.stderr
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def text_of(element) -> str:
    return "".join(element.itertext())


def find_class(root, tag: str, css: str):
    return [element for element in root.iter(tag) if css in element.get("class", "").split()]


def normalise_script(text: str) -> str:
    """Theme scripts differ only in the page's base path."""
    return re.sub(r'"(?:\.\.(?:/\.\.)*|\.)"', '"BASE"', re.sub(r"(?:\.\./)+", "", text)).strip()


@pytest.fixture(scope="module")
def theme_scripts(mini_site) -> set[str]:
    """Inline scripts the theme writes on a benign site: the allow-list."""
    scripts = set()
    for path in mini_site.rglob("*.html"):
        for script in parse(path).iter("script"):
            if not script.get("src"):
                scripts.add(normalise_script(script.text or ""))
    return scripts


def attribute_name(name: str) -> str:
    namespace, _, local = name.rpartition("}")
    return f"xlink:{local}" if "xlink" in namespace else local.lower()


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 30 and len(set(PAYLOADS)) == len(PAYLOADS)


def test_no_live_markup_on_any_page(hostile_site, theme_scripts):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    for path in pages:
        root = parse(path)
        where = path.relative_to(hostile_site).as_posix()
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue  # comments
            assert element.tag not in FORBIDDEN_ANYWHERE, (where, element.tag)
            for name, value in element.attrib.items():
                name = attribute_name(name)
                assert not name.startswith("on"), (where, element.tag, name, value)
                assert name != "srcdoc", where
                if name in URL_ATTRIBUTES:
                    squeezed = re.sub(r"[\x00-\x20]", "", value)
                    assert not DANGEROUS_SCHEME.match(squeezed), (where, element.tag, name, value)
            if element.tag == "meta":
                assert element.get("http-equiv", "").lower() != "refresh", where
        for script in root.iter("script"):
            if script.get("src"):
                assert THEME_SCRIPT.match(script.get("src")), (where, script.get("src"))
            elif script.get("type") == "application/ld+json":
                assert "<" not in script.text and json.loads(script.text), where
            else:
                assert normalise_script(script.text or "") in theme_scripts, (where, script.text[:200])
        if where == "search/index.html":
            continue  # its form and stylesheet are hand-written in docs/search/index.md; no contributed text
        for article in find_class(root, "article", "md-content__inner"):
            # A paper's citation metadata: Scholar <meta name content> tags and JSON-LD (checked above).
            metadata = {
                id(element) for block in find_class(article, "div", "paper-metadata") for element in block.iter()
            }
            for element in article.iter():
                if id(element) in metadata and element.tag == "meta":
                    assert set(element.attrib) == {"name", "content"}, (where, element.attrib)
                    assert element.get("name").startswith("citation_"), (where, element.attrib)
                    continue
                if id(element) in metadata and element.tag == "script":
                    assert set(element.attrib) == {"type"} and element.get("type") == "application/ld+json", where
                    continue
                assert element.tag not in FORBIDDEN_IN_CONTENT, (where, element.tag)
                # Inline chart SVG is drawn by matplotlib, not from contributed text; notes can carry
                # no SVG at all (the sanitiser's allow-list), and tags, on* and URLs are checked above.
                if not str(element.tag).startswith("{http://www.w3.org/2000/svg}"):
                    assert "style" not in element.attrib, (where, element.tag, element.get("style"))


@pytest.mark.parametrize("index", range(1, len(PAYLOADS) + 1))
def test_payload_reads_as_text(hostile_site, index):
    payload = PAYLOADS[index - 1]
    root = parse(hostile_site / "papers" / paper_id(index) / "index.html")
    title = f"Paper {index}: {payload}"
    assert text_of(root.find(".//title")) == f"{title} - ML Paper Catalogue"
    header = find_class(root, "span", "md-ellipsis")
    assert any(text_of(span).strip() == title for span in header)
    description = [meta.get("content") for meta in root.iter("meta") if meta.get("name") == "description"]
    assert description and description[0].startswith(f"Abstract {index}: ")
    (organisation,) = find_class(root, "span", "paper-organisation")
    assert text_of(organisation) == payload
    authors = [text_of(link) for link in find_class(root, "a", "paper-author")]
    (fold,) = find_class(root, "details", "paper-authors-more")
    assert authors[10:] == [payload] and text_of(fold.find("summary")) == "and 1 more"
    meta = [tag.get("content") for tag in root.iter("meta") if tag.get("name") == "citation_author"]
    assert meta[10:] == [" ".join(payload.split())]
    filters = [text_of(span) for span in root.iter("span") if span.get("data-pagefind-filter") == "author"]
    assert filters[10:] == [payload]
    (note,) = find_class(root, "article", "curator-note")
    body = find_class(note, "div", "note-body")[0]
    assert LEGIT in text_of(body)
    if "$" not in payload:  # LaTeX may legitimately become MathML
        assert text_of(root.find(".//h1")) == title
        assert text_of(note.find("h3")) == payload
        assert description[0] == " ".join(f"Abstract {index}: {payload} {LEGIT}".split())
        (abstract,) = find_class(root, "p", "paper-abstract")
        assert text_of(abstract) == f"Abstract {index}: {payload} {LEGIT}"


@pytest.mark.parametrize("index", range(1, len(LIST_PAYLOADS) + 1))
def test_list_payload_reads_as_text(hostile_site, index):
    payload = LIST_PAYLOADS[index - 1]
    title = f"List {index}: {payload}"
    root = parse(hostile_site / "lists" / list_slug(index) / "index.html")
    assert text_of(root.find(".//title")) == f"{title} - ML Paper Catalogue"
    (page,) = find_class(root, "div", "reading-list")
    description = find_class(page, "div", "reading-list-description")[0]
    (note,) = find_class(page, "div", "reading-list-note")
    for block in (description, note):
        assert LEGIT in text_of(block) and "See this." in text_of(block)
        assert [anchor.get("href") for anchor in block.iter("a") if text_of(anchor) == "this"] == [None]
    (section,) = [heading for heading in page.iter("h2") if heading.get("id") == "section-1"]
    first = (index - 1) % len(PAYLOADS) + 1
    paper = parse(hostile_site / "papers" / paper_id(first) / "index.html")
    (item,) = [
        item
        for item in find_class(paper, "ul", "paper-reading-lists")[0]
        if list_slug(index) in item.find("a").get("href")
    ]
    if "$" not in payload:  # LaTeX may legitimately become MathML
        assert text_of(page.find("h1")) == title and text_of(section) == payload
        assert text_of(item.find("a")) == title
    overview = parse(hostile_site / "lists" / "index.html")
    assert any(link.get("href") == f"{list_slug(index)}/" for link in find_class(overview, "a", "reading-lists-title"))


def test_list_open_data_escapes_markup(hostile_site):
    raw = (hostile_site / "api" / "lists.json").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw
    exported = {item["slug"]: item for item in json.loads(raw)}
    for index, payload in enumerate(LIST_PAYLOADS, start=1):
        assert exported[list_slug(index)]["title"] == f"List {index}: {payload}"
        assert exported[list_slug(index)]["entries"][0]["section"] == payload


# Material's header asks GitHub for the repository's stars and latest release: the one other host.
THEME_REPOSITORY_FACTS = "https://api.github.com/repos/paper-catalogue/paper-catalogue"
# Every element of the page's content gets the events a reader's mouse and keyboard would send.
FIRE_EVENTS = """() => {
  const names = ["mouseover", "mouseenter", "mousemove", "focus", "focusin", "blur", "toggle", "animationstart"];
  let fired = 0;
  for (const element of document.querySelectorAll(".md-content *")) {
    for (const name of names) element.dispatchEvent(new Event(name, { bubbles: true }));
    if (typeof element.focus === "function") element.focus();
    fired += 1;
  }
  return fired;
}"""


def test_hostile_lists_run_nothing_in_chromium(hostile_site, chromium_browser):
    from benchmarks.search_browser import serve

    pages = ["lists/", *(f"lists/{list_slug(index)}/" for index in range(1, len(LIST_PAYLOADS) + 1))]
    pages += [f"papers/{paper_id(1)}/"]
    dialogs, elsewhere = [], []
    with serve(hostile_site) as base:
        local = (base, THEME_REPOSITORY_FACTS)
        context = chromium_browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))
        page.on("request", lambda request: None if request.url.startswith(local) else elsewhere.append(request.url))
        for path in pages:
            page.goto(base + path)
            page.wait_for_load_state("load")
            for _ in range(25):  # the header, the tabs and the first links and buttons of the content
                page.keyboard.press("Tab")
            assert page.evaluate(FIRE_EVENTS) > 10, path
            page.wait_for_timeout(50)
            assert page.locator("h1").first.text_content(), path
        context.close()
    assert dialogs == []
    assert elsewhere == []


def test_code_links_are_escaped_urls(hostile_site):
    root = parse(hostile_site / "papers" / paper_id(1) / "index.html")
    links = [anchor.get("href") for anchor in root.iter("a") if "example.com" in anchor.get("href", "")]
    assert links == ['https://example.com/1?q="><script>alert(1)</script>']


def test_hostile_topic_name_is_text(hostile_site):
    root = parse(hostile_site / "topics" / "hostile-topic" / "index.html")
    name = "<img src=x onerror=alert(1)> & <b>Topic</b>"
    assert text_of(root.find(".//title")) == f"{name} - ML Paper Catalogue"
    assert text_of(root.find(".//h1")).removesuffix("¶").strip() == name
    (description,) = find_class(root, "p", "topic-description")
    assert text_of(description) == "</title><script>alert(1)</script> S* <4.3%"
    badges = find_class(root, "span", "notes-badge")
    assert len(badges) == len(PAYLOADS)


def test_open_data_escapes_markup(hostile_site):
    raw = (hostile_site / "api" / "papers.json").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw and "\\u003cscript\\u003e" in raw
    papers = {paper["id"]: paper for paper in json.loads(raw)}
    for index, payload in enumerate(PAYLOADS, start=1):
        assert papers[paper_id(index)]["title"] == f"Paper {index}: {payload}"
        assert papers[paper_id(index)]["organisation"] == payload
        assert papers[paper_id(index)]["authors"][10] == payload


def test_search_index_holds_only_text(hostile_site):
    """Material's search inserts titles and texts as HTML: they must parse to text and kept tags only."""
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {}
    for document in index["docs"]:
        for field in ("title", "text"):
            fragment = html5lib.parseFragment(document[field], namespaceHTMLElements=False)
            for element in fragment.iter():
                if isinstance(element.tag, str) and element.tag != "DOCUMENT_FRAGMENT":
                    assert element.tag in SEARCH_TAGS, (document["location"], field, element.tag)
                    assert not element.attrib, (document["location"], field, element.attrib)
            if field == "title" and document["location"].endswith("#title"):
                titles[document["location"]] = text_of(fragment)
    for index_number, payload in enumerate(PAYLOADS, start=1):
        if "$" not in payload:
            assert titles[f"papers/{paper_id(index_number)}/#title"] == f"Paper {index_number}: {payload}"


def test_hostile_fields_that_cannot_be_made_safe_are_rejected(tmp_path):
    """A javascript: code link, a payload as topic or author: check refuses them with file and line."""
    catalogue = hostile_catalogue(tmp_path / "source")
    shutil.rmtree(catalogue / "notes")
    (catalogue / "notes").mkdir()
    record = catalogue / "papers" / "hostile-01.yml"
    text = record.read_text(encoding="utf-8")
    text = re.sub(r"url: .*", "url: javascript:alert(1)", text)
    record.write_text(text, encoding="utf-8")
    other = catalogue / "papers" / "hostile-03.yml"
    other.write_text(other.read_text(encoding="utf-8") + "topics_add:\n- <script>alert(1)</script>\n", encoding="utf-8")
    note = (
        "---\npaper: hostile-02\nauthor: <script>alert(1)</script>\ndate: 2026-11-23\ntopics: ['<b>x</b>']\n---\nHi\n"
    )
    (catalogue / "notes" / "hostile-02--x.md").write_text(note, encoding="utf-8")
    result = run_generator("check", cwd=tmp_path / "source")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "catalogue/papers/hostile-01.yml:9: code[0].url: malformed URL 'javascript:alert(1)'" in lines
    assert "catalogue/papers/hostile-03.yml:25: topics_add: unknown topic '<script>alert(1)</script>'" in lines
    assert "catalogue/notes/hostile-02--x.md:5: topics: unknown topic '<b>x</b>'" in lines
    assert (
        "catalogue/notes/hostile-02--x.md:3: author: expected a GitHub user name (letters, digits and single"
        " hyphens, at most 39 characters), got '<script>alert(1)</script>'"
    ) in lines


def test_nothing_runs_in_chromium_on_any_page(hostile_site, chromium_browser):
    """Every page of the hostile site opened in Chromium: no dialog opens, on load or while a reader
    tabs through every focusable element (``autofocus``/``onfocus`` payloads) and clicks the title."""
    from benchmarks.search_browser import serve  # noqa: PLC0415 - Playwright only where it runs

    dialogs: list[str] = []
    pages = sorted(path.relative_to(hostile_site).parent.as_posix() for path in hostile_site.rglob("index.html"))
    assert len(pages) > 2 * len(PAYLOADS)  # papers and topics of every payload
    with serve(hostile_site) as base:
        page = chromium_browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        page.add_init_script("window.__ran = []; for (const name of ['alert', 'confirm', 'prompt'])"
                             " window[name] = (message) => window.__ran.push(String(message));")  # fmt: skip
        for path in pages:
            page.goto(base + ("" if path == "." else f"{path}/"), wait_until="load")
            for _ in range(12):
                page.keyboard.press("Tab")
            page.locator("h1").first.click(timeout=2000)
            ran = page.evaluate("window.__ran")
            assert ran == [], (path, ran)
        page.close()
    assert dialogs == []
