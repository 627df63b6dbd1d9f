"""Stage 5, search: make Pagefind's output byte-for-byte reproducible.

Pagefind 1.5 writes the values of each filter, and the list of filters in its
metadata file, in the order of a Rust ``HashMap``, which changes from run to run;
the sort orders come in that order too, and the files are named after a hash of
their contents, so their names change as well (upstream issue #638). Everything
else it writes (index chunks, fragments) is already stable.

:func:`canonical_filters` re-encodes those entries sorted, names the filter files by a hash of
their new contents in Pagefind's own naming scheme, and rewrites the references in the metadata;
the caller (:mod:`generator.pagefind_bundle`) names the metadata and rewrites ``pagefind-entry.json``
once it is done with it. It works on the bundle as Pagefind hands it over (file path -> bytes), before
anything is written. The files keep Pagefind's format exactly: its signature followed by CBOR
(re-encoded with ``cbor2``, which writes the same minimal encoding), gzipped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY_FILE = "pagefind-entry.json"
FILTERS = 3  # position in the metadata of the filter list: [name, file hash] pairs
SORTS = 4  # and of the sort orders: [name, page order] pairs
META_LENGTH = SORTS + 1  # positions the metadata has at least


class PagefindFormatError(ValueError):
    """A Pagefind file is not in the format this step knows; names the file."""


def unwrap_pagefind_bytes(data: bytes, path: Path | str) -> bytes:
    """The content of a Pagefind file's bytes: gunzipped, its signature checked and removed."""
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise PagefindFormatError(f"{path}: no Pagefind signature")
    return data[len(SIGNATURE) :]


def read_pagefind_bytes(data: bytes, path: Path | str) -> object:
    """A metadata, filter or index file's data (CBOR after the signature, gzipped); ``path`` names it."""
    return cbor2.loads(unwrap_pagefind_bytes(data, path))


def decode_fragment(data: bytes, path: Path | str) -> dict:
    """A result's fragment (url, meta, content, ...) from its file's bytes: JSON after the signature,
    gzipped; ``path`` names the file in errors."""
    return json.loads(unwrap_pagefind_bytes(data, path))


def pagefind_file(data: object, *, language: str, digits: int) -> tuple[str, bytes]:
    """``data`` in Pagefind's format: the hash part of its name (from its content) and its bytes."""
    encoded = SIGNATURE + cbor2.dumps(data)
    file_hash = f"{language}_{hashlib.sha256(encoded).hexdigest()[:digits]}"
    return file_hash, gzip.compress(encoded, compresslevel=9, mtime=0)


def read_metadata(files: dict[str, bytes], file_hash: str) -> list:
    """The metadata ``pagefind.<file_hash>.pf_meta`` of a bundle's files, taken out of ``files``."""
    path = f"pagefind.{file_hash}.pf_meta"
    if path not in files:
        raise PagefindFormatError(f"{path}: named by {ENTRY_FILE} but not in Pagefind's bundle")
    meta = read_pagefind_bytes(files.pop(path), path)
    if not isinstance(meta, list) or len(meta) < META_LENGTH:
        raise PagefindFormatError(f"{path}: unexpected metadata layout")
    return meta


def canonical_filters(files: dict[str, bytes], meta: list, language: str) -> None:
    """Sort each filter's values and the filter list of ``meta`` (one language's metadata); the filter
    files in ``files`` are renamed after their new contents. (The sort orders, in the same random order,
    are dropped by :func:`generator.pagefind_bundle.finish_bundle`.)"""
    filters = []
    for name, file_hash in meta[FILTERS]:
        path = f"filter/{file_hash}.pf_filter"
        if path not in files:
            raise PagefindFormatError(f"{path}: named by the metadata but not in Pagefind's bundle")
        filter_name, values = read_pagefind_bytes(files.pop(path), path)
        new_hash, data = pagefind_file(
            [filter_name, sorted(values, key=lambda pair: pair[0])], language=language, digits=7
        )
        files[f"filter/{new_hash}.pf_filter"] = data
        filters.append([name, new_hash])
    meta[FILTERS] = sorted(filters)
