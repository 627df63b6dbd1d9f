"""Stage 5, search: make Pagefind's output byte-for-byte reproducible.

Pagefind 1.5 writes the values of each filter, and the list of filters in its
metadata file, in the order of a Rust ``HashMap``, which changes from run to run;
the sort orders come in that order too, and the files are named after a hash of
their contents, so their names change as well (upstream issue #638). Everything
else it writes (index chunks, fragments) is already stable.

:func:`canonicalise_bundle` re-encodes those files with their entries sorted,
names them by a hash of the new contents in Pagefind's own naming scheme, and
rewrites the references (metadata → filters, ``pagefind-entry.json`` → metadata).
The files keep Pagefind's format exactly: its signature followed by CBOR
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


class PagefindFormatError(ValueError):
    """A Pagefind file is not in the format this step knows; names the file."""


def unwrap_pagefind_bytes(data: bytes, path: Path | str) -> bytes:
    """The content of a Pagefind file's bytes: gunzipped, its signature checked and removed."""
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise PagefindFormatError(f"{path}: no Pagefind signature")
    return data[len(SIGNATURE) :]


def read_pagefind_file(path: Path) -> object:
    """A metadata, filter or index file: CBOR after the signature, gzipped."""
    return cbor2.loads(unwrap_pagefind_bytes(path.read_bytes(), path))


def decode_fragment(data: bytes, path: Path) -> dict:
    """A result's fragment (url, meta, content, ...) from its file's bytes: JSON after the signature,
    gzipped; ``path`` names the file in errors."""
    return json.loads(unwrap_pagefind_bytes(data, path))


def write_pagefind_file(folder: Path, *, language: str, digits: int, prefix: str, suffix: str, data: object) -> str:
    """Write ``data`` in Pagefind's format under a name derived from its content; return the hash part."""
    encoded = SIGNATURE + cbor2.dumps(data)
    file_hash = f"{language}_{hashlib.sha256(encoded).hexdigest()[:digits]}"
    (folder / f"{prefix}{file_hash}{suffix}").write_bytes(gzip.compress(encoded, compresslevel=9, mtime=0))
    return file_hash


def _canonical_filter(path: Path, language: str) -> str:
    """Sort one filter's values; return the new file hash."""
    name, values = read_pagefind_file(path)
    path.unlink()
    ordered = sorted(values, key=lambda pair: pair[0])
    return write_pagefind_file(
        path.parent, language=language, digits=7, prefix="", suffix=".pf_filter", data=[name, ordered]
    )


def canonicalise_bundle(bundle: Path) -> None:
    """Rewrite the order-dependent files of the Pagefind bundle in ``bundle`` (changed in place)."""
    entry_path = bundle / ENTRY_FILE
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pagefind_file(meta_path)
        if not isinstance(meta, list) or len(meta) <= SORTS:
            raise PagefindFormatError(f"{meta_path}: unexpected metadata layout")
        filters = [
            [name, _canonical_filter(bundle / "filter" / f"{file_hash}.pf_filter", language)]
            for name, file_hash in meta[FILTERS]
        ]
        meta[FILTERS] = sorted(filters)
        meta[SORTS] = sorted(meta[SORTS], key=lambda pair: pair[0])
        meta_path.unlink()
        info["hash"] = write_pagefind_file(
            bundle, language=language, digits=10, prefix="pagefind.", suffix=".pf_meta", data=meta
        )
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
