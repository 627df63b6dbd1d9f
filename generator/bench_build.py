"""Benchmark helper: ``mkdocs build --strict`` with every plugin event timed.

Run as ``python -m generator.bench_build CONFIG SITE_DIR TIMINGS_JSON`` (the benchmark does, under
``/usr/bin/time -v``). It does exactly what MkDocs' own ``build`` command does (load the config,
startup, build, shutdown) after wrapping every registered event handler of every plugin in a
timer, so new stages (Pagefind indexing, feeds, related papers: whatever a plugin does in any
event) show up in the benchmark's table without being named here. Time outside all handlers is
MkDocs' and the theme's own work (reading, Markdown, templates, writing).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands import build
from mkdocs.config import load_config


def _timed(method: Callable, key: str, totals: dict, calls: dict) -> Callable:
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - MkDocs passes its own arguments through
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - start
            calls[key] += 1

    return wrapper


def instrument(plugins: object) -> tuple[dict[str, float], dict[str, int]]:
    """Wrap every registered handler of a MkDocs PluginCollection; returns the live totals."""
    totals: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    origins = getattr(plugins, "_event_origins", {})
    for event, methods in getattr(plugins, "events", {}).items():
        for index, method in enumerate(methods):
            key = f"{origins.get(method, '?')}.on_{event}"
            wrapper = _timed(method, key, totals, calls)
            methods[index] = wrapper
            origins[wrapper] = origins.get(method, "?")
    return totals, calls


def main(argv: list[str]) -> int:
    config_file, site_dir, timings_file = argv
    start = time.perf_counter()
    config = load_config(config_file=config_file, site_dir=site_dir, strict=True)
    totals, calls = instrument(config.plugins)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build.build(config, dirty=False)
    finally:
        config.plugins.on_shutdown()
    wall = time.perf_counter() - start
    handlers = {key: {"seconds": round(totals[key], 3), "calls": calls[key]} for key in sorted(totals)}
    report = {
        "wall_seconds": round(wall, 3),
        "handlers": handlers,
        "mkdocs_own_seconds": round(wall - sum(totals.values()), 3),
        "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }
    Path(timings_file).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
