"""Storage: the one module that reads and writes catalogue files.

YAML is read strictly and safely: UTF-8 only, no tabs, no anchors or aliases,
no duplicate keys, and every scalar stays the text the curator wrote (``No``,
``1e10`` and ``2023-05-23`` are strings until a schema says otherwise), with
the line of every key and item kept for error messages. Reading goes through
PyYAML's event parser (libyaml when present), so nothing is ever constructed
from a tag. Writes are atomic: a file is written whole or not at all.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # libyaml is several times faster; the pure parser gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


class StorageError(ValueError):
    """A file that cannot be read as the catalogue expects; message is ``file:line: what``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.reason = message


@dataclass
class Document:
    """Plain data read from YAML, with the line where each key or item starts."""

    path: str
    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, *where: object) -> int:
        """The line of a key or item, falling back to its nearest parent."""
        key = tuple(where)
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key, 1)


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")


def decode_text(path: str, raw: bytes) -> str:
    """UTF-8 text of a file, or an error naming the line of the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise StorageError(path, line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


# No catalogue file needs more than a few levels (a record: field, list, link mapping); deeper input is
# refused before anything recurses over it.
MAX_DEPTH = 20


def _yaml_error(error: yaml.MarkedYAMLError, offset: int, first_line: int) -> tuple[int, str]:
    """The line and reason of a YAML error: where the broken construct starts when the text ended
    inside it (an unclosed quote or bracket is reported where it opens, not at the end of the file)."""
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and context and "end of stream" in problem:
        mark = error.context_mark
        reason = f"invalid YAML: {context.removeprefix('while ')} that is never closed"
    else:
        reason = f"invalid YAML: {problem or context}"
    return ((mark.line + 1 + offset) if mark else first_line), reason


def parse_yaml(path: str, text: str, *, first_line: int = 1) -> Document:
    """Parse YAML text into plain dicts, lists, strings, ints and None.

    ``first_line`` shifts line numbers, for YAML embedded after other lines.
    """
    offset = first_line - 1
    for number, line in enumerate(text.split("\n"), start=first_line):
        if "\t" in line:
            raise StorageError(path, number, "tab character (indent with spaces)")
    document = Document(path=path, data=None)
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        raise StorageError(path, *_yaml_error(error, offset, first_line)) from None
    position = 0

    def line_of(event: yaml.Event) -> int:
        return event.start_mark.line + 1 + offset

    def node(where: tuple) -> object:
        nonlocal position
        event = events[position]
        position += 1
        if len(where) > MAX_DEPTH:
            raise StorageError(path, line_of(event), f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(event, yaml.AliasEvent):
            raise StorageError(path, line_of(event), "YAML aliases are not allowed")
        if getattr(event, "anchor", None):
            raise StorageError(path, line_of(event), "YAML anchors are not allowed")
        if getattr(event, "tag", None) and event.tag not in ("!", None):
            raise StorageError(path, line_of(event), f"YAML tags are not allowed ({event.tag})")
        if isinstance(event, yaml.ScalarEvent):
            return _scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not isinstance(events[position], yaml.SequenceEndEvent):
                document.lines[(*where, len(items))] = line_of(events[position])
                items.append(node((*where, len(items))))
            position += 1
            return items
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict = {}
            while not isinstance(events[position], yaml.MappingEndEvent):
                key_event = events[position]
                key = node(where)
                if not isinstance(key, str):
                    raise StorageError(path, line_of(key_event), "keys must be plain text")
                if key in mapping:
                    raise StorageError(path, line_of(key_event), f"duplicate key '{key}'")
                document.lines[(*where, key)] = line_of(key_event)
                mapping[key] = node((*where, key))
            position += 1
            return mapping
        raise StorageError(path, line_of(event), f"unexpected YAML event {type(event).__name__}")

    # Stream start, then zero or one document.
    position = 1
    if isinstance(events[position], yaml.DocumentStartEvent):
        position += 1
        document.data = node(())
        position += 1
        if not isinstance(events[position], yaml.StreamEndEvent):
            raise StorageError(path, line_of(events[position]), "more than one YAML document")
    return document


def _scalar(event: yaml.ScalarEvent) -> object:
    """Plain scalars that read as null or integers become None or int; all else stays text."""
    if not event.style and event.implicit[0]:
        if event.value in _NULLS:
            return None
        if _INT.match(event.value):
            return int(event.value)
    return event.value


def read_text(path: Path | str, *, display: str | None = None, limit: int | None = None) -> str:
    """UTF-8 text of a file; ``limit`` (bytes) refuses larger files before decoding them."""
    shown = display or str(path)
    with open(path, "rb") as stream:
        raw = stream.read(-1 if limit is None else limit + 1)
    if limit is not None and len(raw) > limit:
        size = os.path.getsize(path)
        raise StorageError(shown, 1, f"file is {size} bytes; the limit is {limit} bytes ({limit // 1024} KB)")
    return decode_text(shown, raw)


def read_yaml(path: Path | str, *, display: str | None = None) -> Document:
    """Read a YAML file strictly; ``display`` is the path shown in errors."""
    shown = display or str(path)
    return parse_yaml(shown, decode_text(shown, Path(path).read_bytes()))


# --- writing ---------------------------------------------------------------

# Strings a YAML 1.1 or 1.2 reader would take for something else get quotes.
_AMBIGUOUS = re.compile(
    r"""^(?:
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      | ~|null|Null|NULL
      | [-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?
      | [-+]?0[xXoObB][0-9a-fA-F_]+ | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt\s].*)?
      | <<|=
    )$""",
    re.VERBOSE,
)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class _RecordDumper(_Dumper):
    """Safe dumper that quotes every string another YAML reader could misread."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _ISO_DATE.match(value):  # dates read back as text by :func:`parse_yaml`
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None)
    if _AMBIGUOUS.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_RecordDumper.add_representer(str, _represent_str)
# ISO dates are written plain and read back as text: drop the timestamp resolver.
_RecordDumper.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def dump_yaml(data: object) -> str:
    """YAML text for plain data: keys in the given order, unicode kept, wrapped at 100 columns."""
    return yaml.dump(
        data,
        Dumper=_RecordDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
        indent=2,
    )


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Files and folders get the modes ``open()`` and ``mkdir()`` would give them; ``mkstemp`` and
# ``mkdtemp`` make them private (0600/0700), which GitHub Pages would not serve.
FILE_MODE = 0o666 & ~_current_umask()
FOLDER_MODE = 0o777 & ~_current_umask()


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically; return False (and write nothing) when unchanged.

    A replaced file keeps its mode; a new one gets the usual mode (``FILE_MODE``).
    """
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else FILE_MODE
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
