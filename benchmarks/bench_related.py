"""Benchmark of the related-papers stage: ``python -m benchmarks.bench_related --papers 20000``.

Synthesises N papers from the real catalogue (seeded, so every run measures the same input) and
reports the wall time and the peak memory of :func:`generator.pages.related.related_papers`.
Each synthetic paper takes the title of a real one plus a family name shared by a few synthetic
papers (like a model series), and an abstract mixed from sentences of three real abstracts, so
the vocabulary grows with N the way a real catalogue's does.

Peak memory is the whole process's maximum resident set size (``ru_maxrss``), so it includes
Python, the libraries and the catalogue: an upper bound for the stage itself.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from dataclasses import replace

from generator.pages.related import related_papers
from generator.records.catalogue import load_catalogue
from generator.records.records import Paper

SENTENCE = re.compile(r"(?<=[.!?])\s+")
FAMILY_SIZE = 4


def synthesise(papers: list[Paper], count: int, *, seed: int = 20000) -> list[Paper]:
    """``count`` papers made from the real ones; deterministic for a given seed."""
    generator = random.Random(seed)
    sentences = [sentence for paper in papers for sentence in SENTENCE.split(paper.abstract) if sentence]
    synthetic = []
    for number in range(count):
        base = papers[number % len(papers)]
        family = f"Synth{number // FAMILY_SIZE}-{number % FAMILY_SIZE + 1}"
        abstract = " ".join(generator.sample(sentences, 6))
        synthetic.append(
            replace(base, id=f"synthetic-{number:06d}", title=f"{family}: {base.title}", abstract=abstract)
        )
    return synthetic


def peak_memory_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_related", description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=0, help="number of papers (default: the real catalogue)")
    parser.add_argument("--root", default=".", help="the project folder holding catalogue/")
    arguments = parser.parse_args(argv)
    real = list(load_catalogue(arguments.root).papers)
    papers = synthesise(real, arguments.papers) if arguments.papers else real
    before = peak_memory_mb()
    start = time.perf_counter()
    related = related_papers(papers)
    seconds = time.perf_counter() - start
    found = sum(len(others) for others in related.values())
    kind = "synthetic" if arguments.papers else "real"
    print(
        f"related papers: {len(papers)} {kind} papers, {found} links, {seconds:.1f} s, "
        f"peak memory {peak_memory_mb():.0f} MB (process before the stage: {before:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
