"""Lighthouse scores of the pages readers use most: ``python -m benchmarks.lighthouse [--site DIR]``.

Builds the real catalogue with ``mkdocs build`` into a temporary folder (or takes a built ``--site``),
serves it gzip-compressed on 127.0.0.1 as GitHub Pages serves it, and runs Lighthouse (pinned in
``benchmarks/lighthouse/package.json``; ``npm ci`` there first) in Debian's Chromium with its mobile
settings, on each page. Prints performance, accessibility, best practices and SEO per page. A report,
not a test: the scores move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.search_browser import CHROMIUM, serve

HERE = Path(__file__).parent
REPO = HERE.parent
LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = [
    "",
    "topics/",
    "topics/peft/",
    "papers/qlora-efficient-finetuning-of-quantized-llms/",
    "search/?query=lora",
    "code/",
    "glance/",
    "open-data/",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def build(site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)


def scores(url: str) -> dict[str, int]:
    """Lighthouse's category scores (0-100) for one page, mobile settings."""
    result = subprocess.run(
        [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
            f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox",
        ],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}: {result.stderr.strip()[-500:]}")
    categories = json.loads(result.stdout)["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse")
    parser.add_argument("--site", help="a built site (default: build the real catalogue into a temporary folder)")
    arguments = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"run `npm ci` in {LIGHTHOUSE.parent.parent.parent} first")
    with tempfile.TemporaryDirectory(prefix="catalogue-lighthouse-") as work:
        site = Path(arguments.site) if arguments.site else Path(work) / "site"
        if not arguments.site:
            build(site)
        print("| page | performance | accessibility | best practices | SEO |\n|---|---|---|---|---|")
        with serve(site, compress=True) as base:
            for page in PAGES:
                found = scores(base + page)
                print(f"| /{page} | " + " | ".join(str(found[name]) for name in CATEGORIES) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
