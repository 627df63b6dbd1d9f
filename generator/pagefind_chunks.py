"""Stage 5, search: cut Pagefind's word index into smaller chunks, so a query downloads less.

The browser downloads, for each word of a query, the one index chunk whose word range holds it, from
every shard. Pagefind 1.5.2 fills every chunk to 20,000 word positions (~60 KB, ~24 KB gzipped; the
size is a constant in its source, not an option), so a two-word query on 20,000 papers in four shards
downloaded eight chunks, ~200 KB, before its first result. :func:`cut_index_chunks` cuts the chunks
Pagefind wrote into pieces of about :data:`CHUNK_BYTES` and rewrites the chunk list in the metadata.
Each piece holds whole words in Pagefind's order, so a search finds exactly what it found before.
The metadata lists one more line per piece (~12 bytes gzipped), which the browser downloads once.

A cut falls where the words on either side share the shortest prefix, within half to one and a half
times the target size. Pagefind matches the last word of a query as a prefix ("specul" finds
"speculative") but loads only one chunk for it, so a range of words sharing a prefix is best kept in one
chunk.

The entries are cut from Pagefind's bytes as they are and never decoded: a chunk holds millions of
word positions, and decoding and re-encoding them took ~3 s per 5,000 papers (a regular expression
skips them in ~0.2 s). The layout read here is Pagefind 1.5.2's (``pagefind_web/src/index.rs``), gzipped
after the signature: ``[[[word, [[page, [position, ...], [meta position, ...]], ...], []], ...]]`` in
CBOR. Anything else fails with the file's name and the byte.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import re

from generator.pagefind_canonical import SIGNATURE, PagefindFormatError, unwrap_pagefind_bytes

CHUNK_BYTES = 16_000  # uncompressed; ~5 KB gzipped. python -m generator search-budget measures the choice
CHUNKS = 2  # position in Pagefind's metadata of the chunk list: [from, to, file hash] triples
COMPRESS_LEVEL = 4  # 4% larger than gzip's default 6, in a third of the time
HASH_DIGITS = 7  # Pagefind's own length for a chunk's name, extended when two names would collide

_INT = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38].|[\x19\x39]..|[\x1a\x3a]....|[\x1b\x3b]........)"
_ARRAY = rb"(?:[\x80-\x97]|\x98.|\x99..|\x9a....)"
# A word's pages, each [page number, [positions], [meta positions]]; stops at the next word, whose
# entry starts with a text string where a page's starts with a number.
_PAGES = re.compile(rb"(?:\x83" + _INT + _ARRAY + _INT + rb"*+" + _ARRAY + _INT + rb"*+)*+", re.DOTALL)
_WORD_ENTRY, _NO_EXTRAS = 0x83, 0x80  # [word, pages, []]
_TEXT, _ARRAY_TYPE = 3, 4  # CBOR major types


def _header(data: bytes, pos: int, major: int, where: str) -> tuple[int, int]:
    """The length in the CBOR header of type ``major`` at ``pos``, and where its content starts."""
    if pos >= len(data) or data[pos] >> 5 != major:
        raise PagefindFormatError(f"{where}: byte {pos} is not the expected CBOR type {major}")
    info = data[pos] & 31
    if info < 24:
        return info, pos + 1
    if info > 27:
        raise PagefindFormatError(f"{where}: byte {pos} has an unsupported CBOR length")
    size = 1 << (info - 24)
    return int.from_bytes(data[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


def read_word_entries(payload: bytes, where: str) -> list[tuple[str, bytes]]:
    """Each word of one chunk's CBOR (after the signature) with its entry's bytes, in order."""
    if payload[:1] != b"\x81":
        raise PagefindFormatError(f"{where}: byte 0 does not start Pagefind's word index")
    count, pos = _header(payload, 1, _ARRAY_TYPE, where)
    entries = []
    for _ in range(count):
        start = pos
        if payload[pos : pos + 1] != bytes([_WORD_ENTRY]):
            raise PagefindFormatError(f"{where}: byte {pos} does not start a word's entry")
        length, pos = _header(payload, pos + 1, _TEXT, where)
        word = payload[pos : pos + length].decode("utf-8")
        _pages, pos = _header(payload, pos + length, _ARRAY_TYPE, where)
        pos = _PAGES.match(payload, pos).end()
        if payload[pos : pos + 1] != bytes([_NO_EXTRAS]):
            raise PagefindFormatError(f"{where}: byte {pos} does not end the entry of {word!r}")
        entries.append((word, payload[start : pos + 1]))
        pos += 1
    if pos != len(payload):
        raise PagefindFormatError(f"{where}: {len(payload) - pos} bytes after the last word")
    return entries


def _common_prefix(first: str, second: str) -> int:
    return len(os.path.commonprefix([first, second]))


def group_entries(entries: list[tuple[str, bytes]], target: int) -> list[list[tuple[str, bytes]]]:
    """Consecutive runs of ``entries`` of about ``target`` bytes, cut where neighbours share least."""
    groups, start = [], 0
    while start < len(entries):
        size, best, best_key = 0, start, None
        for end in range(start, len(entries)):
            size += len(entries[end][1])
            if size > target * 1.5 and best_key is not None:
                break
            if end + 1 == len(entries):
                best = end
                break
            if size >= target / 2:
                key = (_common_prefix(entries[end][0], entries[end + 1][0]), abs(size - target))
                if best_key is None or key < best_key:
                    best, best_key = end, key
            if size > target * 1.5:
                break
        groups.append(entries[start : best + 1])
        start = best + 1
    return groups


def _upper_bound(last: str, length: int) -> str:
    """A bound that sorts after ``last`` but before any string that differs from it within its first
    ``length`` characters: those characters and the next one raised by one (or ``last`` itself)."""
    if len(last) <= length + 1:
        return last
    raised = ord(last[length]) + 1
    if 0xD800 <= raised <= 0xDFFF or raised > 0x10FFFF:  # no such character: keep the whole word
        return last
    return last[:length] + chr(raised)


def chunk_bounds(words: list[tuple[str, str]]) -> list[list[str]]:
    """Each chunk's [from, to] from its (first word, last word): short, but holding all its words.

    The browser loads, for each word of a query, the first chunk with from <= word <= to. Pagefind
    (``chunk_meta``) cuts both bounds to the prefixes that tell neighbours apart, and so a chunk's
    last words can sort after its ``to`` ("001_7a2c" in a chunk ending at "001"): such a word is
    found only when no word of the query is found directly. Here ``to`` is cut no shorter than
    holding the chunk's last word: one character longer than Pagefind's, raised by one.
    """
    bounds = [[first, last] for first, last in words]
    for left, right in itertools.pairwise(bounds):
        length = _common_prefix(left[1], right[0]) + 1
        left[1], right[0] = _upper_bound(left[1], length), right[0][:length]
    return bounds


def _array_header(count: int) -> bytes:
    """CBOR's header of an array of ``count`` items."""
    if count < 24:
        return bytes([0x80 + count])
    size = 1 if count < 2**8 else 2 if count < 2**16 else 4
    return bytes([0x98 + size.bit_length() - 1]) + count.to_bytes(size, "big")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(SIGNATURE + data, compresslevel=COMPRESS_LEVEL, mtime=0)


def cut_index_chunks(files: dict[str, bytes], meta: list, language: str, *, target: int = CHUNK_BYTES) -> None:
    """Cut one language's word index into chunks of about ``target`` bytes: the chunks in ``files`` (a
    bundle's files, path -> bytes) are replaced, and so is the chunk list of ``meta``, its metadata."""
    entries = []
    for _from, _to, chunk_hash in meta[CHUNKS]:
        path = f"index/{chunk_hash}.pf_index"
        if path not in files:
            raise PagefindFormatError(f"{path}: named by the metadata but not in Pagefind's bundle")
        entries += read_word_entries(unwrap_pagefind_bytes(files.pop(path), path), path)
    groups = group_entries(entries, target)
    meta[CHUNKS] = chunk_bounds([(group[0][0], group[-1][0]) for group in groups])
    names: set[str] = set()
    for bounds, group in zip(meta[CHUNKS], groups, strict=True):
        payload = b"\x81" + _array_header(len(group)) + b"".join(data for _word, data in group)
        digest = hashlib.sha256(payload).hexdigest()
        length = HASH_DIGITS
        while digest[:length] in names:
            length += 1
        names.add(digest[:length])
        bounds.append(f"{language}_{digest[:length]}")
        files[f"index/{bounds[2]}.pf_index"] = _gzip(payload)
