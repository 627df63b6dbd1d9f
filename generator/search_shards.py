"""Stage 5, search: the paper index in shards, and its sort orders beside it.

Pagefind keeps a whole index in memory and, while writing it, needs about 150 KB a page on top:
one index of 20,000 papers peaks at 3 GB (``python -m generator bench --papers 20000``). The paper
pages are therefore indexed in shards of at most :data:`SHARD_PAGES` pages, in render order, each
written and dropped as soon as it is complete, and the browser merges them with Pagefind's
``mergeIndex``. The last block of pages is cut in three, 65%, 25% and 10% (:func:`plan_shards`),
so that only a small shard is left to build when MkDocs writes its last page.

Pagefind's merged search orders results by score alone, so the shards carry no sort orders (they
would sit in each shard's metadata, which the browser downloads before any result: 88 KB gzipped at
20,000 papers). The orders are written once for the whole catalogue from each paper's date and
upvotes meta, newest first and most upvoted first, as lists of result ids
(``catalogue-sorts.<hash>.json``); the search page downloads that file only when a reader sorts.

Layout of ``site/pagefind/``: shard 0 is the bundle itself, shard k lives in ``shard-k/``, and
``catalogue-shards.json`` names the other shards and the sorts file. Result ids (fragment names) are
made unique across shards, so an id names one paper.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from pathlib import Path

from generator.pagefind_canonical import PagefindFormatError, decode_fragment

SHARD_PAGES = 5000
TAIL_PAGES = 100  # below this the last shard is not cut off: its build would take ~0.1 s
MANIFEST = "catalogue-shards.json"
PAGES, SORTS = 1, 4  # positions in Pagefind's metadata: [page id, word count] pairs; sort orders
SORT_KEYS = ("date", "upvotes")
# Pagefind's ready-made interfaces: the catalogue has its own (docs/assets/*search*.js); the other
# shards hold data only (the first one's pagefind.js and WebAssembly search them all).
# With force_language "en", the English WebAssembly build is the one used; the generic one is spare.
UNUSED = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)
SHARD_CODE = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")


def plan_shards(pages: int, shard_pages: int = SHARD_PAGES) -> list[int]:
    """How many of ``pages`` paper pages go into each shard, in render order.

    Shards of ``shard_pages``, except that the last block is cut in three: 65%, 25% and 10% of it (when
    that tenth is at least :data:`TAIL_PAGES`), or else in two, four fifths and a fifth (when the fifth
    is), so that only a small shard is left to build when MkDocs writes its last paper page. Pagefind
    builds a shard only after its last page is in, and beside MkDocs it takes about 0.4 of the time
    MkDocs takes to render as many pages (5,000 papers: 6.4 s for a shard of 4,000 pages, which MkDocs
    had rendered the last 1,000 in 3.7 s): each part is built while MkDocs renders the parts after it
    (749 papers: 600 and 149 pages; 5,000: 3,250, 1,250 and 500). Each shard costs a search one small
    index chunk per word (~5 KB, :mod:`generator.pagefind_chunks`).
    """
    sizes = [shard_pages] * (pages // shard_pages) + ([pages % shard_pages] if pages % shard_pages else [])
    if not sizes:
        return [0]
    last = sizes.pop()
    tenth, quarter, fifth = last // 10, last // 4, last // 5
    if tenth >= TAIL_PAGES:
        sizes += [last - quarter - tenth, quarter, tenth]
    elif fifth >= TAIL_PAGES:
        sizes += [last - fifth, fifth]
    else:
        sizes.append(last)
    return sizes


def unused_file(path: str, *, data_only: bool = False) -> bool:
    """Whether the site never loads this file of a Pagefind bundle (``data_only``: a shard's code too)."""
    return "/" not in path and any(
        fnmatch.fnmatchcase(path, pattern) for pattern in UNUSED + (SHARD_CODE if data_only else ())
    )


def shard_folder(bundle: Path, shard: int) -> Path:
    return bundle if shard == 0 else bundle / f"shard-{shard}"


def _sort_value(key: str, meta: dict) -> int | str:
    """A paper's value for ``key`` from its Pagefind meta (generator/pages.py, pagefind_markers)."""
    value = meta.get(key, "")
    if key == "upvotes":
        return int(value) if value.isdigit() else -1
    return value


# A result of the index: its id (the fragment's name), the page's URL and its Pagefind meta.
Result = tuple[str, str, dict]


def write_manifest(bundle: Path, shards: int, results: list[Result]) -> None:
    """Write the sort orders of every result of the ``shards`` shards, and the manifest naming both."""
    papers = sorted(results, key=lambda paper: paper[1])  # by URL: the order of equal values
    sorts = {}
    for key in SORT_KEYS:  # highest first; a stable sort keeps equal values in URL order
        ordered = sorted(papers, key=lambda paper: _sort_value(key, paper[2]), reverse=True)
        sorts[key] = [paper_id for paper_id, _, _ in ordered]
    encoded = json.dumps(sorts, separators=(",", ":")).encode("utf-8")
    sorts_name = f"catalogue-sorts.{hashlib.sha256(encoded).hexdigest()[:10]}.json"
    (bundle / sorts_name).write_bytes(encoded)
    manifest = {"shards": [f"shard-{shard}/" for shard in range(1, shards)], "sorts": sorts_name}
    (bundle / MANIFEST).write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")


def renumber_results(files: dict[str, bytes], metas: dict[str, list], *, first: int) -> list[Result]:
    """Rename every result of one bundle (path -> bytes) ``<prefix>-<n>``, n counting from ``first``;
    ``metas``: its metadata by language (changed in place). Returns each result's (id, url, meta).

    Pagefind names a result after a hash of its fragment ("en_3fa9c1b"), and the browser downloads
    the list of every result's name before the first result: 20,000 random names are ~110 KB gzipped,
    counted numbers a fraction of that. ``prefix`` is a hash of ``first`` and the bundle's fragments,
    so a changed shard gets new names and no browser keeps a stale fragment from its cache; each shard
    counts from the number of pages before it (:func:`plan_shards`), so the names are unique across
    the shards, and a shard is renamed as soon as it is written.
    """
    digest = hashlib.sha256(f"{first}:".encode())
    found = []  # (page entry, fragment path)
    for _language, meta in sorted(metas.items()):
        for page in meta[PAGES]:
            path = f"fragment/{page[0]}.pf_fragment"
            if path not in files:
                raise PagefindFormatError(f"{path}: named by the metadata but not in Pagefind's bundle")
            digest.update(files[path])
            found.append((page, path))
    prefix = digest.hexdigest()[:6]
    results = []
    for number, (page, path) in enumerate(found, start=first):
        page[0] = f"{prefix}-{number:x}"
        data = files.pop(path)
        files[f"fragment/{page[0]}.pf_fragment"] = data
        fragment = decode_fragment(data, path)
        results.append((page[0], fragment["url"], fragment.get("meta", {})))
    return results
