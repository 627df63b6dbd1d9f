"""Stage 2, links: find code and resource links buried in an abstract and classify them.

Abstracts copied from papers carry their links as plain text, damaged in a few
recurring ways: sentence punctuation glued to the end (``…/repo.``, ``repo),``),
LaTeX wrappers (``\\url{…}``, ``\\href{…}{…}``, ``{…}``), a URL doubled inside
braces, a missing scheme (``github.com/owner/repo``), a ``.git`` suffix, a mirror
host (``huface.online`` for ``huggingface.co``) and PDF line breaks that leave a
stray space inside the link (``https://github. com/…``, ``…/efficient- NLP-…``).
The catalogue wants one clean, canonical URL per resource, so this module finds
the candidates, repairs what can be repaired without guessing, drops the rest,
and names the kind of each link. It is pure: text in, links out.

Rules, in order:

1. Repairs. A space after the dot of a known host is removed only when the
   joined host is known and a path follows (``github. com/`` → ``github.com/``);
   ``github. co/…`` stays cut and is dropped. A space after a hyphen that ends a
   URL is removed when a word follows (``efficient- NLP`` → ``efficient-NLP``):
   a URL never ends in a hyphen, so this is a line break. LaTeX escapes ``\\_``,
   ``\\%``, ``\\#``, ``\\&`` become the bare character.
2. Candidates start at ``http://`` or ``https://``, or, without a scheme, at
   ``www.``, ``github.com/``, ``huggingface.co/``, ``huface.online/``, ``hf.co/``
   or ``<name>.github.io``. They run over printable ASCII and stop at whitespace,
   braces, backslashes, quotes and angle brackets.
3. Trimming removes trailing ``. , ; : ! ? ' *`` and closing brackets that have
   no opening partner inside the URL.
4. Validation drops a candidate whose host has no dot or is not a valid host
   name, one with user info (an e-mail address), one that still ends in a
   hyphen (a cut link), and the bare root of a generic site (``arxiv.org``).
5. Normalisation: https is added when the scheme is missing, the host is
   lowercased, mirrors and ``www.`` aliases of GitHub and Hugging Face are
   rewritten, a trailing slash is removed; a GitHub repository becomes
   ``https://github.com/owner/repo`` (``.git``, ``tree/…``, ``blob/…`` dropped),
   a Hugging Face repository becomes ``https://huggingface.co/[datasets/|spaces/]owner/name``.
6. Kinds: ``github`` for github.com/owner/repo; ``hf-dataset``, ``hf-space``,
   ``hf-collection`` for those Hugging Face sections; ``hf-model`` for
   huggingface.co/owner/name; ``project`` for hosts under ``github.io`` or
   ``gitlab.io``, or any URL with a host label or path segment ``project`` or
   ``projects``; ``other`` for everything else (a GitHub user page, a Hugging
   Face organisation, a model hub elsewhere, a link shortener, a paper).
7. Links come in order of first appearance, de-duplicated by normalised URL
   (GitHub case-insensitively), with GitHub repositories moved first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

LINK_KINDS = ("github", "hf-model", "hf-dataset", "hf-space", "hf-collection", "project", "other")


@dataclass(frozen=True)
class CodeLink:
    url: str
    kind: str


GITHUB = "github.com"
HUGGINGFACE = "huggingface.co"
HOST_ALIASES = {
    "www.github.com": GITHUB,
    "huface.online": HUGGINGFACE,
    "www.huface.online": HUGGINGFACE,
    "www.huggingface.co": HUGGINGFACE,
    "hf.co": HUGGINGFACE,
}
# Hosts whose bare root says nothing about the paper.
GENERIC_HOSTS = frozenset(
    {GITHUB, HUGGINGFACE, "arxiv.org", "gitlab.com", "doi.org", "openreview.net", "paperswithcode.com", "github.io"}
)
# First path segments on github.com that are site pages, not user or organisation names.
GITHUB_RESERVED = frozenset(
    {
        "about", "apps", "collections", "enterprise", "explore", "features", "login", "marketplace",
        "new", "notifications", "orgs", "pricing", "search", "security", "settings", "site", "sponsors",
        "topics", "trending", "users",
    }
)  # fmt: skip
HF_SECTIONS = {"datasets": "hf-dataset", "spaces": "hf-space"}
# First path segments on huggingface.co that are site pages, not repository owners.
HF_RESERVED = frozenset(
    {
        "api", "blog", "chat", "docs", "join", "learn", "login", "models", "new", "organizations",
        "papers", "posts", "pricing", "search", "settings", "tasks",
    }
)  # fmt: skip
PROJECT_WORDS = frozenset({"project", "projects"})
PROJECT_HOST_SUFFIXES = (".github.io", ".gitlab.io")

# Known hosts that a line break may split after their dot: (name, top-level domain).
SPLIT_HOSTS = frozenset({("github", "com"), ("github", "io"), ("huggingface", "co"), ("huface", "online")})
SPLIT_HOST = re.compile(r"\b(github|huggingface|huface)\. +(com|co|io|online)(?=/)", re.IGNORECASE)
LATEX_ESCAPE = re.compile(r"\\([_%#&])")
# Printable ASCII except the characters " < > \ ^ ` { | } (so never whitespace).
URL_CHARS = r"[!#-;=?-\[\]_a-z~]"
URL_START = (
    r"(?:\bhttps?://"
    r"|(?<![\w.@/-])(?:www\.|github\.com/|huggingface\.co/|huface\.online/|hf\.co/|[\w-]+\.github\.io\b))"
)
HYPHEN_BREAK = re.compile(rf"({URL_START}{URL_CHARS}*-) (?=[A-Za-z0-9])", re.IGNORECASE | re.ASCII)
CANDIDATE = re.compile(rf"{URL_START}{URL_CHARS}*", re.IGNORECASE | re.ASCII)
TRAILING = ".,;:!?'*"
CLOSERS = {")": "(", "]": "["}
HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
TOP_LEVEL = re.compile(r"^[a-z]{2,}$")


def _join_split_host(match: re.Match[str]) -> str:
    name, tld = match.group(1), match.group(2)
    if (name.lower(), tld.lower()) in SPLIT_HOSTS:
        return f"{name}.{tld}"
    return match.group(0)


def _repair(text: str) -> str:
    """Undo the damage a PDF line break or LaTeX escaping does to a link."""
    text = LATEX_ESCAPE.sub(r"\1", text)
    text = SPLIT_HOST.sub(_join_split_host, text)
    return HYPHEN_BREAK.sub(r"\1", text)


def _trim(candidate: str) -> str:
    """Strip trailing punctuation and closing brackets opened outside the URL."""
    while candidate and (candidate[-1] in TRAILING or _unbalanced_closer(candidate)):
        candidate = candidate[:-1]
    return candidate


def _unbalanced_closer(candidate: str) -> bool:
    last = candidate[-1]
    return last in CLOSERS and candidate.count(CLOSERS[last]) < candidate.count(last)


def _valid_host(host: str) -> bool:
    labels = host.split(".")
    return len(labels) >= 2 and all(HOST_LABEL.match(label) for label in labels) and bool(TOP_LEVEL.match(labels[-1]))


def _github_url(segments: list[str]) -> str:
    """Canonical GitHub URL: the repository root when the path names one."""
    if len(segments) >= 2 and segments[0].lower() not in GITHUB_RESERVED:
        repo = segments[1].removesuffix(".git")
        if repo:
            return f"https://{GITHUB}/{segments[0]}/{repo}"
    return f"https://{GITHUB}/" + "/".join(segments)


def _huggingface_url(segments: list[str]) -> str:
    """Canonical Hugging Face URL: the repository root for models, datasets and spaces."""
    if segments and segments[0] in HF_SECTIONS:
        segments = segments[:3]
    elif len(segments) >= 2 and segments[0] != "collections" and segments[0] not in HF_RESERVED:
        segments = segments[:2]
    return f"https://{HUGGINGFACE}/" + "/".join(segments)


def _normalise(candidate: str) -> str | None:
    """The canonical form of a candidate URL, or None when it is not a usable link."""
    if not re.match(r"https?://", candidate, re.IGNORECASE):
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        return None
    if "@" in parts.netloc or parts.path.endswith("-"):
        return None
    host = (parts.hostname or "").rstrip(".")
    host = HOST_ALIASES.get(host, host)
    if not _valid_host(host):
        return None
    path = parts.path.rstrip("/")
    if not path and not parts.query and host.removeprefix("www.") in GENERIC_HOSTS:
        return None
    segments = [segment for segment in path.split("/") if segment]
    if host == GITHUB:
        return _github_url(segments)
    if host == HUGGINGFACE:
        return _huggingface_url(segments)
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, parts.fragment))


def _classify(url: str) -> str:
    """The kind of a normalised URL (one of LINK_KINDS)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    segments = [segment for segment in parts.path.split("/") if segment]
    if host == GITHUB:
        return "github" if len(segments) == 2 and segments[0].lower() not in GITHUB_RESERVED else "other"
    if host == HUGGINGFACE:
        return _classify_huggingface(segments)
    if host.endswith(PROJECT_HOST_SUFFIXES):
        return "project"
    words = set(host.split(".")) | {segment.lower() for segment in segments}
    return "project" if words & PROJECT_WORDS else "other"


def _classify_huggingface(segments: list[str]) -> str:
    if segments and segments[0] in HF_SECTIONS and len(segments) >= 2:
        return HF_SECTIONS[segments[0]]
    if segments and segments[0] == "collections" and len(segments) >= 2:
        return "hf-collection"
    if len(segments) == 2 and segments[0] not in HF_RESERVED and segments[0] not in HF_SECTIONS:
        return "hf-model"
    return "other"


def _dedup_key(link: CodeLink) -> str:
    return link.url.lower() if link.kind == "github" else link.url


def extract_links(text: str) -> list[CodeLink]:
    """Code and resource links in an abstract: canonical, de-duplicated, GitHub repositories first."""
    links: list[CodeLink] = []
    seen: set[str] = set()
    for match in CANDIDATE.finditer(_repair(text)):
        url = _normalise(_trim(match.group(0)))
        if url is None:
            continue
        link = CodeLink(url=url, kind=_classify(url))
        key = _dedup_key(link)
        if key not in seen:
            seen.add(key)
            links.append(link)
    return sorted(links, key=lambda link: link.kind != "github")
