"""The lean paper page (overrides/paper.html): what it leaves out, and what still works.

The HTML checks parse the built fixture site; the behaviour (header search, the menu and the
light/dark toggle at 390 px, the BibTeX copy button, the reader's light/dark choice) runs in
Debian's Chromium on the real site.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import build_fixture_site

from benchmarks.search_browser import paper_id, serve

BETTER = "better-faster-large-language-models-via-multi-token-prediction"
QLORA = "qlora-efficient-finetuning-of-quantized-llms"
SECTIONS = [
    "Home",
    "Topics",
    "Reading lists",
    "Search",
    "Papers with code",
    "At a glance",
    "Open data",
    "About",
    "Contributing",
]


def paper_html(site, paper: str) -> str:
    return (site / "papers" / paper / "index.html").read_text(encoding="utf-8")


def test_paper_page_leaves_out_hidden_and_repeated_chrome(mini_site):
    html = paper_html(mini_site, BETTER)
    for left_out in (
        'title="Edit this page"',  # Material's edit icon: the same link as "Edit record"
        'data-md-component="top"',
        'data-md-component="search"',  # the search dialog comes from assets/search-dialog.js
    ):
        assert left_out not in html, left_out
    for kept in ('data-md-type="navigation"', 'for="__drawer"', 'data-md-component="palette"', 'class="md-tabs"'):
        assert kept in html, kept  # the menu, the light/dark toggle and the tabs, as on every page
    links = re.findall(r'<a href="([^"]*)" class="md-tabs__link">\s*([^<]*?)\s*</a>', html)
    assert [name for _, name in links] == SECTIONS and links[0][0] == "../.."
    assert 'for="__search"' in html  # the header's search button
    scripts = re.findall(r'<script src="([^"]+)"', html)
    dialog, loader = scripts.index("../../assets/search-dialog.js"), scripts.index("../../assets/search-loader.js")
    bundle = next(index for index, src in enumerate(scripts) if "/javascripts/bundle." in src)
    assert dialog < loader < bundle  # the dialog is in place before Material's bundle looks for it
    assert '<meta name="citation_title"' in html and '<script type="application/ld+json">' in html
    assert 'class="language-bibtex highlight paper-bibtex"' in html
    # Pages that are not paper pages keep Material's full chrome.
    about = (mini_site / "about" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in about and 'data-md-component="top"' in about


def test_search_dialog_script_is_materials_own_dialog(mini_site):
    script = (mini_site / "assets" / "search-dialog.js").read_text(encoding="utf-8")
    markup = json.loads(re.search(r"insertAdjacentHTML\(\"beforeend\", (\".*\")\);", script).group(1))
    assert 'data-md-component="search"' in markup and 'data-md-component="search-query"' in markup
    assert 'data-md-component="search-result"' in markup and "{{" not in markup and "{%" not in markup


def test_json_ld_has_no_repeated_fields(mini_site):
    html = paper_html(mini_site, BETTER)
    article = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert article["headline"] and article["url"].endswith(f"/papers/{BETTER}/")
    assert not {"name", "@id", "description"} & set(article)  # headline, url and <meta name="description">


@pytest.fixture()
def phone(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_paper_page_on_a_phone_has_the_menu_the_theme_toggle_and_search(phone, real_site_url):
    phone.goto(real_site_url + f"papers/{QLORA}/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    toggle = phone.locator("[data-md-component=palette] label:visible")
    assert toggle.count() == 1
    scheme = phone.get_attribute("body", "data-md-color-scheme")
    toggle.first.tap()
    assert phone.get_attribute("body", "data-md-color-scheme") != scheme
    phone.locator("label[for=__search]:visible").first.tap()
    box = phone.locator("[data-md-component=search-query]")
    box.focus()
    phone.keyboard.type("speculative decoding")
    first = phone.locator(".md-search-result__item > a.md-search-result__link").first
    first.wait_for()
    titles = phone.locator(".md-search-result__item h1").all_text_contents()
    assert any("DySpec: Faster Speculative Decoding" in title for title in titles[:5])
    phone.goto(real_site_url + f"papers/{QLORA}/")
    phone.locator(".md-header label[for=__drawer]").tap()
    menu = phone.locator(".md-sidebar--primary .md-nav__link:visible")
    menu.filter(has_text="Topics").first.wait_for()
    assert all(menu.filter(has_text=section).count() for section in SECTIONS)
    menu.filter(has_text="Topics").first.tap()
    phone.wait_for_url(real_site_url + "topics/")


def test_paper_page_copy_button_and_the_readers_dark_choice(chromium_browser, real_site_url):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(real_site_url + f"papers/{QLORA}/")
    copy = page.locator(".paper-bibtex .md-code__button[data-md-type=copy]")  # added by Material's bundle
    copy.wait_for()
    assert copy.get_attribute("title") == "Copy to clipboard"
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.locator("label[for=__palette_1]").click()  # the toggle, on paper pages too
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.goto(real_site_url + f"papers/{QLORA}/")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    context.close()
    dark = chromium_browser.new_context(color_scheme="dark")  # no saved choice: the system's
    page = dark.new_page()
    page.goto(real_site_url + f"papers/{QLORA}/")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    dark.close()


def test_paper_page_header_search_on_pagefind(chromium_browser, tmp_path):
    site = build_fixture_site(tmp_path / "project", header_search="pagefind")
    with serve(site) as base:
        page = chromium_browser.new_page()
        page.goto(base + f"papers/{BETTER}/")
        page.locator("[data-md-component=search-query]").click()
        page.keyboard.type("test time scaling")
        first = page.locator(".md-search-result__item > a.md-search-result__link").first
        first.wait_for()
        assert paper_id(first.get_attribute("href")) == "s-test-time-scaling-for-code-generation"
        page.close()


def test_topic_list_sorts_by_title_from_the_link_text(chromium_browser, real_site_url):
    page = chromium_browser.new_page()
    page.goto(real_site_url + "topics/peft/")
    page.locator(".paper-sort button[data-sort=title]").click()
    titles = page.locator("#papers-peft > li > a").all_text_contents()
    expected = page.evaluate(
        "titles => titles.slice().sort((a, b) => a.trim().toLowerCase().localeCompare(b.trim().toLowerCase()))",
        titles,
    )
    assert len(titles) > 10 and titles == expected
    page.close()


def test_glance_charts_stay_readable_on_a_phone(phone, real_site_url):
    phone.goto(real_site_url + "glance/")
    sizes = phone.evaluate(
        """() => [...document.querySelectorAll('.catalogue-chart-image svg text')].map(text => {
            const m = text.getScreenCTM();  // rotated labels scale through b
            return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
        })"""
    )
    assert len(sizes) > 50 and min(sizes) >= 11, min(sizes)
    assert phone.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )  # the chart scrolls, not the page
