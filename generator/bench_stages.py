"""Benchmark helper: time the engine-independent stages, and write the baseline's pages.

Run as ``python -m generator.bench_stages PROJECT BASELINE_DOCS STAGES_JSON`` (the benchmark does,
in a fresh process, so peak memory is this stage's own). Times :func:`load_catalogue` and
:func:`generate_site` with their output size, then writes every generated page as a plain
Markdown file with its meta as front matter (and every generated file) into BASELINE_DOCS: the
same pages MkDocs builds in the baseline, with no plugin of ours.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

import yaml

from generator.catalogue import load_catalogue
from generator.plugin import SUMMARY_MARKER
from generator.site import SiteContent, generate_site


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_baseline_docs(project: Path, docs: Path, content: SiteContent) -> None:
    """The project's docs plus every generated page and file, as MkDocs would read them from disk."""
    shutil.copytree(project / "docs", docs)
    for path, page in content.pages.items():
        meta = {key: value for key, value in page.meta.items() if key != "source"}
        front = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True, width=1000)
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n\n{page.markdown}", encoding="utf-8")
    for path, data in content.files.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    home = docs / "index.md"
    home.write_text(home.read_text(encoding="utf-8").replace(SUMMARY_MARKER, content.summary), encoding="utf-8")


def main(argv: list[str]) -> int:
    project, docs, report_file = (Path(argument) for argument in argv)
    stages = []
    start = time.perf_counter()
    catalogue = load_catalogue(project)
    stages.append({"stage": "load_catalogue", "seconds": round(time.perf_counter() - start, 3), "peak_mb": _peak_mb()})
    start = time.perf_counter()
    content = generate_site(catalogue)
    pages = sum(len(page.markdown.encode("utf-8")) for page in content.pages.values())
    files = sum(len(data if isinstance(data, bytes) else data.encode("utf-8")) for data in content.files.values())
    stages.append(
        {
            "stage": "generate_site",
            "seconds": round(time.perf_counter() - start, 3),
            "peak_mb": _peak_mb(),
            "bytes": pages + files,
            "files": len(content.pages) + len(content.files),
        }
    )
    write_baseline_docs(project, docs, content)
    Path(report_file).write_text(json.dumps(stages, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
