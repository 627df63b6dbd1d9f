"""Records: human labels of the raw listings, ``sources/labels.yml``, kept beside the listings.

Listings keep the file names they were saved under (``000_297bc5da464d2bd5.txt``); readers see a
label instead ("HF Daily Papers, Jan 7"), on paper pages and in the search page's "Source listing"
facet. ``labels.yml`` maps a listing's file name to its label::

    000_297bc5da464d2bd5.txt: HF Daily Papers, Jan 7

``import`` adds a label for a listing that has none, derived from the listing's own header
(:func:`derived_label`); a curator may change it. A label is one line of text, at most
:data:`MAX_LABEL` characters, and no two listings share one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.records.schema import Problem
from generator.records.storage import StorageError, read_yaml, write_atomic

SOURCES_DIR = Path("sources")
LABELS_FILE = SOURCES_DIR / "labels.yml"
MAX_LABEL = 80
CAPTURE_DAY = re.compile(r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}$")


def read_labels(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """Every listing's label by file name, and the problems of ``sources/labels.yml`` (none if it is missing)."""
    path = root / LABELS_FILE
    if not path.is_file():
        return {}, []
    shown = LABELS_FILE.as_posix()
    try:
        document = read_yaml(path, display=shown)
    except StorageError as error:
        return {}, [Problem(shown, error.line, "", error.reason)]
    if document.data is None:
        return {}, []
    if not isinstance(document.data, dict):
        return {}, [Problem(shown, 1, "", "expected a mapping of listing file name to label")]
    labels, problems, seen = {}, [], {}
    for name, label in document.data.items():
        line = document.line(name)
        if not isinstance(label, str) or not label.strip() or "\n" in label:
            problems.append(Problem(shown, line, name, "expected one line of text"))
        elif len(label) > MAX_LABEL:
            problems.append(Problem(shown, line, name, f"too long: {len(label)} characters (at most {MAX_LABEL})"))
        elif label in seen:
            problems.append(Problem(shown, line, name, f"the same label as {seen[label]!r}"))
        else:
            labels[name], seen[label] = label, name
    return labels, problems


def derived_label(text: str, taken: set[str]) -> str:
    """A label for a listing from its page header: the capture day, when it shows one; never one in ``taken``."""
    lines = [line.strip() for line in text.split("\n")[:40]]
    day = next((line for line in lines if CAPTURE_DAY.match(line)), None)
    label = "HF Daily Papers" if "Daily Papers" in lines else "HF papers"
    label = f"{label}, {day}" if day else f"{label} (undated)"
    candidate, number = label, 2
    while candidate in taken:
        candidate, number = f"{label} ({number})", number + 1
    return candidate


def add_labels(root: Path, listings: dict[str, str]) -> list[str]:
    """Append a derived label for each listing (file name -> text) that has none; the names labelled.

    Appends to ``labels.yml`` rather than rewriting it, so what a curator wrote there stays as it is.
    """
    labels, _ = read_labels(root)
    taken = set(labels.values())
    lines = []
    for name, text in sorted(listings.items()):
        if name in labels:
            continue
        label = derived_label(text, taken)
        taken.add(label)
        lines.append(f"{json.dumps(name)}: {json.dumps(label, ensure_ascii=False)}\n")
    if lines:
        path = root / LABELS_FILE
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        if existing and not existing.endswith("\n"):
            existing += "\n"
        write_atomic(path, existing + "".join(lines))
    return [line.split(":", 1)[0].strip('"') for line in lines]
