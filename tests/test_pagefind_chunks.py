"""Pagefind's word index in smaller chunks (generator/pagefind_chunks.py), on a real Pagefind bundle."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cbor2
import pytest

from generator.pagefind_bundle import finish_bundle
from generator.pagefind_canonical import SIGNATURE, PagefindFormatError, unwrap_pagefind_bytes
from generator.pagefind_chunks import CHUNKS, chunk_bounds, cut_index_chunks, group_entries


def bundle_files(bundle: Path) -> list[dict]:
    """A built bundle's files as Pagefind's ``get_files`` hands them over."""
    return [
        {"path": path.relative_to(bundle).as_posix(), "content": path.read_bytes()}
        for path in sorted(bundle.rglob("*"))
        if path.is_file()
    ]


def split_index_chunks(files: list[dict], *, target: int) -> list[dict]:
    """The bundle with its word index cut into chunks of about ``target`` bytes, and nothing else changed
    (the build cuts them within generator/pagefind_bundle.py, which also renames the results)."""
    by_path = {file["path"]: file["content"] for file in files}
    entry = json.loads(by_path["pagefind-entry.json"])
    for language, info in sorted(entry["languages"].items()):
        meta_path = f"pagefind.{info['hash']}.pf_meta"
        meta = cbor2.loads(unwrap_pagefind_bytes(by_path.pop(meta_path), meta_path))
        cut_index_chunks(by_path, meta, language, target=target)
        info["hash"] = f"{language}_meta"
        by_path[f"pagefind.{info['hash']}.pf_meta"] = gzip.compress(SIGNATURE + cbor2.dumps(meta), mtime=0)
    by_path["pagefind-entry.json"] = json.dumps(entry).encode()
    return [{"path": path, "content": content} for path, content in sorted(by_path.items())]


def read_index(files: list[dict]) -> tuple[list, list[list]]:
    """The metadata, and the decoded word entries of each chunk in the metadata's order."""
    by_path = {file["path"]: file["content"] for file in files}
    language_hash = json.loads(by_path["pagefind-entry.json"])["languages"]["en"]["hash"]
    meta_path = f"pagefind.{language_hash}.pf_meta"
    meta = cbor2.loads(unwrap_pagefind_bytes(by_path[meta_path], meta_path))
    chunks = []
    for _from, _to, chunk_hash in meta[CHUNKS]:
        path = f"index/{chunk_hash}.pf_index"
        (words,) = cbor2.loads(unwrap_pagefind_bytes(by_path[path], path))
        chunks.append(words)
    return meta, chunks


def chunk_for(meta: list, term: str) -> int | None:
    """The chunk the browser loads for ``term``: the first with from <= term <= to
    (``try_request_indexes`` in Pagefind's pagefind_web/src/lib.rs)."""
    return next((number for number, (low, high, _hash) in enumerate(meta[CHUNKS]) if low <= term <= high), None)


@pytest.fixture(scope="module")
def mini_bundle(mini_site) -> list[dict]:
    return bundle_files(mini_site / "pagefind")


def test_small_chunks_hold_the_same_words_and_each_word_is_found_in_its_own(mini_bundle):
    before_meta, before = read_index(mini_bundle)
    after_files = split_index_chunks(mini_bundle, target=200)
    meta, chunks = read_index(after_files)

    assert len(before) == 1 and len(chunks) > 10  # the fixture's 8 papers fit Pagefind's one chunk
    assert [word for chunk in chunks for word in chunk] == before[0]  # every entry, byte for byte decoded
    for number, chunk in enumerate(chunks):
        assert all(chunk_for(meta, word) == number for word, _pages, _extras in chunk)
    assert meta[:CHUNKS] == before_meta[:CHUNKS] and meta[CHUNKS + 1 :] == before_meta[CHUNKS + 1 :]
    unchanged = {file["path"]: file["content"] for file in mini_bundle if file["path"].startswith("fragment/")}
    assert unchanged and all(
        file["content"] == unchanged[file["path"]] for file in after_files if file["path"] in unchanged
    )


def test_chunks_are_near_the_target_size_and_the_split_is_reproducible(mini_bundle):
    files = split_index_chunks(mini_bundle, target=200)
    sizes = [
        len(gzip.decompress(file["content"])) - len(SIGNATURE) for file in files if file["path"].startswith("index/")
    ]
    largest_entry = max(len(cbor2.dumps(word)) for chunk in read_index(mini_bundle)[1] for word in chunk)
    assert max(sizes) <= max(200 * 1.5, 200 / 2 + largest_entry) + 3  # 3: the arrays' headers
    assert sorted(sizes)[len(sizes) // 2] > 100
    assert split_index_chunks(mini_bundle, target=200) == files
    assert split_index_chunks(files, target=200) == files  # cutting again changes nothing


def test_cuts_fall_where_neighbouring_words_share_the_shortest_prefix():
    words = ["speculate", "speculation", "speculative", "spell", "spend", "tab"]
    entries = [(word, b"x" * 10) for word in words]
    groups = group_entries(entries, target=30)
    assert [[word for word, _ in group] for group in groups] == [
        ["speculate", "speculation", "speculative"],  # not between two "specul..." words
        ["spell", "spend", "tab"],  # what is left fits
    ]


def test_a_word_larger_than_the_target_is_a_chunk_of_its_own():
    entries = [("alpha", b"x" * 10), ("beta", b"x" * 500), ("gamma", b"x" * 10)]
    assert [len(group) for group in group_entries(entries, target=100)] == [2, 1]  # alpha+beta passes 1.5x


def test_bounds_hold_every_word_where_pagefind_would_cut_the_last_one_off():
    # Pagefind 1.5.2 gives ["00000", "001"] and ["002", "01"]: "001_7a2c" sorts after "001"
    bounds = chunk_bounds([("00000", "001_7a2c"), ("002", "01"), ("012b", "9")])
    assert bounds == [["00000", "001`"], ["002", "01"], ["012", "9"]]
    assert bounds[0][0] <= "001_7a2c" <= bounds[0][1] < bounds[1][0]
    assert chunk_bounds([("a", "spec"), ("specul", "z")]) == [["a", "spec"], ["specu", "z"]]


def test_an_index_chunk_in_another_layout_is_an_error_naming_the_file(mini_bundle):
    meta, _chunks = read_index(mini_bundle)
    path = f"index/{meta[CHUNKS][0][2]}.pf_index"
    broken = [
        {**file, "content": gzip.compress(SIGNATURE + cbor2.dumps([[["word", [[1, [2], [], "extra"]], []]]]))}
        if file["path"] == path
        else file
        for file in mini_bundle
    ]
    with pytest.raises(PagefindFormatError, match=rf"^{path}: byte \d+ does not end the entry of 'word'$"):
        finish_bundle(broken)  # as the build meets it
