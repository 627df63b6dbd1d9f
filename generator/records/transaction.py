"""Records: write many catalogue files all or nothing, so a killed ``import`` never leaves half of it.

:func:`write_files` first writes every new file into a staging folder, ``catalogue/.pending/``, then
a list of them (``COMMIT``, written atomically) that marks the staging complete, then moves each
file into place and removes the folder. :func:`finish_pending` runs before anything reads or writes
the catalogue: a staging folder with its ``COMMIT`` is moved into place (the import was complete),
one without is removed (the import never finished; the catalogue is as it was).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.records.storage import FILE_MODE, write_atomic

PENDING = Path("catalogue") / ".pending"
COMMIT = "COMMIT"


def _flush(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


def finish_pending(root: Path) -> list[Path]:
    """Complete a staged write that was committed, or drop one that was not; the files moved in."""
    staging = root / PENDING
    if not staging.is_dir():
        return []
    commit = staging / COMMIT
    moved = []
    if commit.is_file():
        for line in commit.read_text(encoding="utf-8").splitlines():
            source = staging / str(len(moved))
            target = root / line
            if source.is_file():  # not yet moved when the last run stopped
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
            moved.append(target)
    shutil.rmtree(staging)
    return moved


def write_files(root: Path, files: dict[Path, str]) -> list[Path]:
    """Write ``files`` (path relative to ``root`` -> text) all or nothing; the paths that changed."""
    finish_pending(root)
    changed = {path: text for path, text in sorted(files.items()) if _differs(root / path, text)}
    if not changed:
        return []
    staging = root / PENDING
    staging.mkdir(parents=True)
    for number, (path, text) in enumerate(changed.items()):
        staged = staging / str(number)
        staged.write_text(text, encoding="utf-8", newline="\n")
        target = root / path
        os.chmod(staged, target.stat().st_mode & 0o7777 if target.exists() else FILE_MODE)
        _flush(staged)
    write_atomic(staging / COMMIT, "".join(f"{path.as_posix()}\n" for path in changed))
    return finish_pending(root)


def _differs(path: Path, text: str) -> bool:
    return not path.is_file() or path.read_bytes() != text.encode("utf-8")
