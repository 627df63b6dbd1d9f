"""Accessibility, measured in real Chromium: axe-core (from the pinned axe-playwright-python package,
injected by Playwright) finds no violation of any impact on the pages readers use most, at a desktop
width and on a phone, in the light and the dark scheme."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from benchmarks.lighthouse import PAGES  # the same pages Lighthouse scores


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1366, 390])
def test_axe_finds_no_violation(chromium_browser, real_site_url, width, scheme):
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    axe = Axe()
    found = {}
    for path in PAGES:
        page.goto(real_site_url + path)
        if path.startswith("search/"):
            page.wait_for_selector("#catalogue-search[data-state=done]")
        violations = axe.run(page).response["violations"]
        if violations:
            found[path or "/"] = [(rule["id"], [node["target"] for node in rule["nodes"]][:3]) for rule in violations]
    context.close()
    assert found == {}
