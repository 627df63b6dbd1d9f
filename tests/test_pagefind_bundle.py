"""A Pagefind bundle finished in memory (generator/pagefind_bundle.py), from a real Pagefind's get_files."""

from __future__ import annotations

import asyncio
import json

import pytest

from generator.pagefind_bundle import finish_bundle
from generator.pagefind_canonical import ENTRY_FILE, FILTERS, SORTS, PagefindFormatError, read_pagefind_bytes
from generator.search_index import PAPER_PAGES, index_config, page_url, searchable_part
from generator.search_shards import PAGES
from generator.search_stream import _Service


@pytest.fixture(scope="module")
def raw_bundle(mini_site) -> list[dict]:
    """The fixture's paper pages as Pagefind hands their bundle over, before anything is done to it."""

    async def build() -> list[dict]:
        service = await _Service().launch()
        try:
            index = await service.create_index(index_config())
            for page in sorted(mini_site.glob(PAPER_PAGES)):
                html = page.read_text(encoding="utf-8")
                await index.add_html_file(content=searchable_part(html), url=page_url(mini_site, page))
            return await index.get_files()
        finally:
            await service.close()

    return asyncio.run(build())


def metadata(bundle: dict[str, bytes]) -> list:
    file_hash = json.loads(bundle[ENTRY_FILE])["languages"]["en"]["hash"]
    path = f"pagefind.{file_hash}.pf_meta"
    return read_pagefind_bytes(bundle[path], path)


def test_results_are_numbered_from_the_first_and_named_after_their_fragments(raw_bundle, mini_site):
    bundle, results = finish_bundle(raw_bundle, first_result=7)
    ids = [result_id for result_id, _url, _meta in results]
    prefix = ids[0].split("-")[0]
    assert ids == [f"{prefix}-{number:x}" for number in range(7, 7 + len(ids))]
    assert [page[0] for page in metadata(bundle)[PAGES]] == ids
    assert {path for path in bundle if path.startswith("fragment/")} == {f"fragment/{i}.pf_fragment" for i in ids}
    urls = sorted(page_url(mini_site, page) for page in mini_site.glob(PAPER_PAGES))
    assert [url for _id, url, _meta in results] == urls  # in the order the pages were added
    assert all("date" in meta for _id, _url, meta in results)  # what the sort orders are made of
    # Another first number, another prefix: a name never stands for two different results
    other_ids = [result_id for result_id, _url, _meta in finish_bundle(raw_bundle, first_result=0)[1]]
    assert other_ids[0].split("-")[0] != prefix


def test_the_same_bundle_finishes_to_the_same_bytes_with_sorted_filters(raw_bundle):
    bundle, results = finish_bundle(raw_bundle)
    assert finish_bundle(raw_bundle) == (bundle, results)
    filters = metadata(bundle)[FILTERS]
    assert filters == sorted(filters) and filters
    for _name, file_hash in filters:
        path = f"filter/{file_hash}.pf_filter"
        _filter, values = read_pagefind_bytes(bundle[path], path)
        assert [value for value, _pages in values] == sorted(value for value, _pages in values)
    assert metadata(bundle)[SORTS] == []  # no sort orders: the catalogue writes its own


def test_only_what_the_site_loads_is_kept(raw_bundle):
    raw = {file["path"] for file in raw_bundle}
    assert {"pagefind-ui.js", "pagefind.js", "wasm.en.pagefind"} <= raw
    first, _ = finish_bundle(raw_bundle)
    assert "pagefind.js" in first and "wasm.en.pagefind" in first
    assert not [path for path in first if path.startswith(("pagefind-ui", "pagefind-component-ui", "wasm.unknown"))]
    later, _ = finish_bundle(raw_bundle, data_only=True)  # a shard after the first searches with the first's code
    assert not [path for path in later if path in ("pagefind.js", "pagefind-worker.js") or path.startswith("wasm.")]
    assert {path for path in later if path.startswith("fragment/")} == {p for p in first if p.startswith("fragment/")}


def test_a_bundle_missing_a_file_fails_naming_it(raw_bundle):
    with pytest.raises(PagefindFormatError, match="pagefind-entry.json: not in Pagefind's bundle"):
        finish_bundle([file for file in raw_bundle if file["path"] != ENTRY_FILE])
    fragment = next(file["path"] for file in raw_bundle if file["path"].startswith("fragment/"))
    with pytest.raises(PagefindFormatError, match=f"{fragment}: named by the metadata but not in"):
        finish_bundle([file for file in raw_bundle if file["path"] != fragment])
    meta = next(file["path"] for file in raw_bundle if file["path"].endswith(".pf_meta"))
    with pytest.raises(PagefindFormatError, match=f"{meta}: named by pagefind-entry.json but not in"):
        finish_bundle([file for file in raw_bundle if file["path"] != meta])
