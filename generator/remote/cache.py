"""Stage 2b, remote: the API answers kept beside the listings, one file per paper and source.

``sources/cache/<source>/<key>.<xml|json>`` holds an answer exactly as received: ``arxiv`` and
``huggingface`` by arXiv id, ``arxiv-search`` and ``huggingface-search`` (title searches) by record
id. A paper Hugging Face does not know is kept as ``<key>.not-found.json``, so that it is not asked
again either. The cache is committed with the catalogue: builds and CI never call the network, and
a second ``enrich`` asks nothing again. Only answers that were used are kept, written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.records.storage import write_atomic

CACHE_DIR = Path("sources") / "cache"
EXTENSIONS = {"arxiv": ".xml", "arxiv-search": ".xml", "huggingface": ".json", "huggingface-search": ".json"}
NOT_FOUND = ".not-found"


@dataclass(frozen=True)
class Response:
    """One answer to keep: ``found`` is False for a paper the API does not know (HTTP 404)."""

    source: str
    key: str
    body: bytes
    found: bool = True


class ResponseCache:
    """The answers under ``root/sources/cache``."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR

    def path(self, source: str, key: str, *, found: bool = True) -> Path:
        name = key.replace("/", "_") + ("" if found else NOT_FOUND) + EXTENSIONS[source]
        return self.folder / source / name

    def read(self, source: str, key: str) -> Response | None:
        """The kept answer, or None when there is none."""
        for found in (True, False):
            path = self.path(source, key, found=found)
            if path.is_file():
                return Response(source=source, key=key, body=path.read_bytes(), found=found)
        return None

    def keep(self, responses: list[Response]) -> list[Path]:
        """Write each answer (replacing the other kind for the same key); the paths that changed."""
        changed = []
        for response in responses:
            path = self.path(response.source, response.key, found=response.found)
            if write_atomic(path, response.body.decode("utf-8")):
                changed.append(path)
            self.path(response.source, response.key, found=not response.found).unlink(missing_ok=True)
        return changed

    def count(self, source: str) -> int:
        """How many answers of ``source`` are kept."""
        folder = self.folder / source
        return sum(1 for _ in folder.glob(f"*{EXTENSIONS[source]}")) if folder.is_dir() else 0
