"""Benchmark helper: the peak memory of a whole process tree, sampled from ``/proc``.

``/usr/bin/time -v`` and ``wait4`` report the largest resident set of any *single* process, not
their sum. A build is several processes: ``mkdocs build`` starts Pagefind (``python -m pagefind``,
which runs Pagefind's binary) while MkDocs still holds the site in memory. So the benchmark samples
the summed resident memory of the process tree a few times a second and keeps the highest sum: the
memory the machine really needs. Linux only; elsewhere it reports nothing."""

from __future__ import annotations

import threading
from pathlib import Path

PROC = Path("/proc")
INTERVAL = 0.1  # seconds between samples: the builds' peaks last seconds


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*/children"):
        try:
            children.extend(int(child) for child in task.read_text().split())
        except OSError:  # the task ended between listing and reading
            continue
    return children


def _rss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_kb(current)
        pending.extend(_children(current))
    return total / 1024


class TreeMemorySampler:
    """Samples a process tree's summed memory in a thread until ``stop``; ``peak_mb`` is the highest."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(INTERVAL):
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))

    def stop(self) -> float | None:
        self._stopped.set()
        self._thread.join()
        return round(self.peak_mb, 1) if self.peak_mb else None
