"""Stage 5, search: finish a Pagefind bundle in memory, as Pagefind hands it over, and write it once.

Pagefind's ``get_files`` returns a whole bundle (file path -> bytes). Before anything reaches the disk,
:func:`finish_bundle` does in one pass what the site needs of it:

* drops the files the site never loads (:func:`generator.search_shards.unused_file`);
* cuts the word index into small chunks (:mod:`generator.pagefind_chunks`);
* sorts the filters, so the same catalogue gives the same bytes (:mod:`generator.pagefind_canonical`);
* renames the results ``<prefix>-<n>`` with numbers unique across the shards, and takes each result's
  URL and meta for the sort orders (:func:`generator.search_shards.renumber_results`);
* encodes the metadata once and names it, and rewrites ``pagefind-entry.json``.

Each shard is finished this way as soon as Pagefind has built it, while MkDocs renders the next pages;
what is left for the end of the build is the last shard, the sort orders and moving the folders into
place. (Reading every fragment back from the disk to rename it at the end took 1.3 s at 5,000 papers.)
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.pagefind_canonical import (
    ENTRY_FILE,
    SORTS,
    PagefindFormatError,
    canonical_filters,
    pagefind_file,
    read_metadata,
)
from generator.pagefind_chunks import CHUNK_BYTES, cut_index_chunks
from generator.search_shards import Result, renumber_results, unused_file


def finish_bundle(
    files: list[dict], *, first_result: int = 0, data_only: bool = False, chunk_bytes: int = CHUNK_BYTES
) -> tuple[dict[str, bytes], list[Result]]:
    """The bundle ``get_files`` gave (``{"path", "content"}`` each) as it is written: path -> bytes, and
    each result's (id, url, meta), in Pagefind's order. ``first_result``: the number of the first result
    (the pages in the shards before); ``data_only``: a shard after the first, whose code is not needed."""
    bundle = {file["path"]: file["content"] for file in files if not unused_file(file["path"], data_only=data_only)}
    if ENTRY_FILE not in bundle:
        raise PagefindFormatError(f"{ENTRY_FILE}: not in Pagefind's bundle")
    entry = json.loads(bundle[ENTRY_FILE])
    metas = {}
    for language, info in sorted(entry["languages"].items()):
        meta = metas[language] = read_metadata(bundle, info["hash"])
        cut_index_chunks(bundle, meta, language, target=chunk_bytes)
        canonical_filters(bundle, meta, language)
    results = renumber_results(bundle, metas, first=first_result)
    for language, meta in sorted(metas.items()):
        meta[SORTS] = []  # a page that carried data-pagefind-sort: merged search would ignore it
        file_hash, data = pagefind_file(meta, language=language, digits=10)
        bundle[f"pagefind.{file_hash}.pf_meta"] = data
        entry["languages"][language]["hash"] = file_hash
    bundle[ENTRY_FILE] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return bundle, results


def write_bundle(bundle: dict[str, bytes], folder: Path) -> None:
    """Write a finished bundle into ``folder``, in sorted order."""
    for path, data in sorted(bundle.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
