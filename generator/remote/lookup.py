"""Stage 2b, remote: what arXiv and Hugging Face know about a paper, from the cache or the network.

:class:`PaperSources` asks ``{arxiv}/api/query?id_list=`` and ``{huggingface}/api/papers/{id}`` for a
paper by arXiv id, and ``{huggingface}/api/papers/search?q=`` then ``{arxiv}/api/query?search_query=``
for a title. A kept answer is used instead of asking (unless ``refresh``); each call returns the
answers it used, to be kept by the caller once the record that needs them is written, so a paper
that fails leaves nothing behind. Base URLs and politeness come from the environment:

* ``CATALOGUE_HF_API`` (default ``https://huggingface.co``), ``CATALOGUE_ARXIV_API`` (default
  ``https://export.arxiv.org``): mirrors, or a local server in tests;
* ``CATALOGUE_ARXIV_INTERVAL`` (3 s between arXiv requests), ``CATALOGUE_HTTP_TIMEOUT`` (30 s),
  ``CATALOGUE_HTTP_RETRIES`` (4), ``CATALOGUE_HTTP_BACKOFF`` (5 s, doubling), ``CATALOGUE_HF_WINDOW``
  (500 requests per 300 s, written ``500/300``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from generator.records.arxiv import arxiv_paper, parse_arxiv_feed
from generator.records.enrichment import TitleMatch, match_title
from generator.records.huggingface import huggingface_paper, huggingface_search
from generator.records.metadata import MalformedResponse, PaperMetadata, cache_key
from generator.remote.cache import Response, ResponseCache
from generator.remote.http import FetchError, PoliteClient, Politeness

DEFAULT_HF_API = "https://huggingface.co"
DEFAULT_ARXIV_API = "https://export.arxiv.org"
SEARCH_RESULTS = 10  # a title search needs the few best results only
HF_QUERY_LIMIT = 250  # the longest query Hugging Face accepts


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    value = environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number of seconds") from None
    if number < 0:
        raise ValueError(f"{name}={value!r} is negative")
    return number


def clients_from_environment(environ: Mapping[str, str]) -> tuple[PoliteClient, PoliteClient]:
    """The arXiv and Hugging Face clients the environment asks for; ValueError on a bad setting."""
    common = {
        "timeout": _number(environ, "CATALOGUE_HTTP_TIMEOUT", 30.0),
        "retries": int(_number(environ, "CATALOGUE_HTTP_RETRIES", 4)),
        "backoff": _number(environ, "CATALOGUE_HTTP_BACKOFF", 5.0),
    }
    window = environ.get("CATALOGUE_HF_WINDOW") or "500/300"
    match = re.fullmatch(r"(\d+)/(\d+(?:\.\d+)?)", window)
    if not match:
        raise ValueError(f"CATALOGUE_HF_WINDOW={window!r}: expected REQUESTS/SECONDS, e.g. 500/300")
    arxiv = Politeness(interval=_number(environ, "CATALOGUE_ARXIV_INTERVAL", 3.0), **common)
    huggingface = Politeness(window_requests=int(match[1]), window=float(match[2]), **common)
    return (
        PoliteClient("arXiv", environ.get("CATALOGUE_ARXIV_API") or DEFAULT_ARXIV_API, arxiv),
        PoliteClient("Hugging Face", environ.get("CATALOGUE_HF_API") or DEFAULT_HF_API, huggingface),
    )


@dataclass(frozen=True)
class Found:
    """What one source said about a paper (None: it does not know it) and the answers used."""

    paper: PaperMetadata | None
    responses: tuple[Response, ...]


def title_query(title: str) -> str:
    """arXiv's search for a title as a phrase: maths and punctuation out, the words kept."""
    words = re.sub(r"[^\w\s]+", " ", re.sub(r"\$[^$]*\$", " ", title))
    return f'ti:"{" ".join(words.split())}"'


class PaperSources:
    """arXiv and Hugging Face through one client each, every answer kept in ``cache``."""

    def __init__(
        self, cache: ResponseCache, *, arxiv: PoliteClient, huggingface: PoliteClient, refresh: bool = False
    ) -> None:
        self.cache = cache
        self.arxiv = arxiv
        self.huggingface = huggingface
        self.refresh = refresh

    def _ask(self, source: str, key: str, client: PoliteClient, path: str, params: dict | None = None) -> Response:
        kept = None if self.refresh else self.cache.read(source, key)
        if kept is not None:
            return kept
        answer = client.get(path, params)
        if answer.status == 404 and source == "huggingface":
            return Response(source=source, key=key, body=answer.body, found=False)
        if answer.status != 200:
            raise FetchError(f"{client.name}: HTTP {answer.status} from {answer.url}")
        return Response(source=source, key=key, body=answer.body)

    def _parse(self, response: Response, parse, *args):  # noqa: ANN001, ANN202 - a parser and its arguments
        """``parse(body, *args)``; a kept answer that no longer parses names its file."""
        try:
            return parse(response.body, *args)
        except MalformedResponse as error:
            if self.refresh or self.cache.read(response.source, response.key) != response:
                raise
            shown = self.cache.path(response.source, response.key, found=response.found)
            raise MalformedResponse(f"{shown}: {error} (--refresh asks again)") from None

    def arxiv_paper(self, arxiv_id: str) -> Found:
        """arXiv's entry for ``arxiv_id``; ``paper`` is None when arXiv has no such paper."""
        params = {"id_list": arxiv_id, "max_results": "1"}
        response = self._ask("arxiv", cache_key(arxiv_id), self.arxiv, "/api/query", params)
        paper = self._parse(response, arxiv_paper, arxiv_id)
        return Found(paper, (response,) if paper else ())

    def huggingface_paper(self, arxiv_id: str) -> Found:
        """Hugging Face's page for ``arxiv_id``; ``paper`` is None when it has none (kept too)."""
        response = self._ask("huggingface", cache_key(arxiv_id), self.huggingface, f"/api/papers/{arxiv_id}")
        paper = self._parse(response, huggingface_paper, arxiv_id) if response.found else None
        return Found(paper, (response,))

    def paper(self, arxiv_id: str) -> tuple[list[PaperMetadata], tuple[Response, ...]]:
        """Both sources' view of a paper, arXiv first; FetchError when arXiv does not know it."""
        arxiv = self.arxiv_paper(arxiv_id)
        if arxiv.paper is None:
            raise FetchError(f"arXiv has no paper {arxiv_id}")
        huggingface = self.huggingface_paper(arxiv_id)
        papers = [arxiv.paper] + ([huggingface.paper] if huggingface.paper else [])
        return papers, arxiv.responses + huggingface.responses

    def find_by_title(self, record_id: str, title: str) -> tuple[TitleMatch, tuple[Response, ...]]:
        """The arXiv id of the paper titled ``title``: Hugging Face's search, then arXiv's."""
        query = title[:HF_QUERY_LIMIT].rsplit(" ", 1)[0] if len(title) > HF_QUERY_LIMIT else title
        response = self._ask("huggingface-search", record_id, self.huggingface, "/api/papers/search", {"q": query})
        match = match_title(title, self._parse(response, huggingface_search))
        if match.status != "none":
            return match, (response,)
        params = {"search_query": title_query(title), "max_results": str(SEARCH_RESULTS)}
        searched = self._ask("arxiv-search", record_id, self.arxiv, "/api/query", params)
        found = [replace(paper, source="arxiv-search") for paper in self._parse(searched, parse_arxiv_feed)]
        return match_title(title, found), (response, searched)
