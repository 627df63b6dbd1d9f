"""A local stand-in for arXiv and Hugging Face: recorded answers and every failure, on 127.0.0.1.

One threading ``http.server`` plays both APIs (tests point ``CATALOGUE_ARXIV_API`` and
``CATALOGUE_HF_API`` at it): ``/api/query`` (arXiv: ``id_list`` or ``search_query``),
``/api/papers/<id>`` and ``/api/papers/search`` (Hugging Face). Answers come from
``tests/fixtures/api/`` in the real formats; a test can script a sequence of answers for one
key (``"429"``, ``"rate-exceeded"``, ``"500"``, ``"timeout"``, ``"malformed"``, or a file name),
and reads back every request with the client's port, so it can check what was asked and on how
many connections. HTTP/1.1 with Content-Length, so a client can keep one connection alive.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "fixtures" / "api"
EMPTY_FEED = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
    "  <id>https://arxiv.org/api/empty</id>\n  <title>arXiv Query</title>\n"
    "  <opensearch:totalResults>0</opensearch:totalResults>\n</feed>\n"
)


@dataclass
class Request:
    path: str
    query: dict[str, str]
    port: int  # the client's port: one port, one connection


@dataclass
class RecordedAPI:
    """What the server answers and what it was asked."""

    base_url: str = ""
    scripts: dict[str, list[str]] = field(default_factory=dict)  # key -> answers in turn (the last repeats)
    searches: dict[str, str] = field(default_factory=dict)  # query text -> recorded file
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends every "timeout" answer
    retry_after: str = "0"

    def script(self, key: str, *answers: str) -> None:
        self.scripts[key] = list(answers)

    def asked(self, path_start: str = "") -> list[Request]:
        return [request for request in self.requests if request.path.startswith(path_start)]

    def next_answer(self, key: str, default: str) -> str:
        answers = self.scripts.get(key)
        if not answers:
            return default
        return answers.pop(0) if len(answers) > 1 else answers[0]


def atom_feed(entries: list[dict]) -> str:
    """An arXiv answer in the real format, for scripted papers (tests' own, not recorded ones)."""
    parts = []
    for entry in entries:
        authors = "".join(f"\n    <author>\n      <name>{name}</name>\n    </author>" for name in entry["authors"])
        parts.append(
            f"  <entry>\n    <id>http://arxiv.org/abs/{entry['id']}v1</id>\n"
            f"    <title>{entry['title']}</title>\n    <updated>{entry['date']}T10:00:00Z</updated>\n"
            f"    <summary>  {entry.get('abstract', 'An abstract.')}\n</summary>\n"
            f'    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>\n'
            f"    <published>{entry['date']}T10:00:00Z</published>\n"
            f'    <arxiv:primary_category term="{entry.get("category", "cs.LG")}"/>{authors}\n  </entry>\n'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
        ' xmlns:arxiv="http://arxiv.org/schemas/atom">\n  <id>https://arxiv.org/api/scripted</id>\n'
        f"  <title>arXiv Query</title>\n  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>\n"
        + "".join(parts)
        + "</feed>\n"
    )


def _handler(api: RecordedAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def send(self, status: int, body: str | bytes, content_type: str, headers: dict | None = None) -> None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def answer(self, kind: str, recorded: Path | None, content_type: str, missing: tuple[int, str]) -> None:
            if kind == "429":
                self.send(429, "Too Many Requests", "text/plain", {"Retry-After": api.retry_after})
            elif kind == "503":
                self.send(503, "Service Unavailable", "text/plain", {"Retry-After": api.retry_after})
            elif kind == "rate-exceeded":
                self.send(200, "Rate exceeded.", "text/plain")
            elif kind == "500":
                self.send(500, "Internal Server Error", "text/plain")
            elif kind == "timeout":
                api.release.wait(10)
                self.send(200, "", content_type)
            elif kind == "malformed":
                self.send(200, "<feed><entry><title>cut off" if "xml" in content_type else '{"id": ', content_type)
            elif kind.startswith("<") or kind.startswith("[") or kind.startswith("{"):
                self.send(200, kind, content_type)
            elif (RECORDED / kind).is_file():
                self.send(200, (RECORDED / kind).read_bytes(), content_type)
            elif recorded is not None and recorded.is_file():
                self.send(200, recorded.read_bytes(), content_type)
            else:
                self.send(missing[0], missing[1], content_type)

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            api.requests.append(Request(parts.path, query, self.client_address[1]))
            if parts.path == "/api/query" and "id_list" in query:
                key = query["id_list"]
                self.answer(api.next_answer(key, "ok"), RECORDED / "arxiv" / f"{key}.xml", "application/atom+xml",
                            (200, EMPTY_FEED))  # fmt: skip
            elif parts.path == "/api/query" and "search_query" in query:
                key = query["search_query"]
                recorded = api.searches.get(key)
                self.answer(
                    api.next_answer(key, recorded or EMPTY_FEED), None, "application/atom+xml", (200, EMPTY_FEED)
                )
            elif parts.path == "/api/papers/search":
                key = query.get("q", "")
                recorded = api.searches.get(key)
                self.answer(api.next_answer(key, recorded or "[]"), None, "application/json", (200, "[]"))
            elif parts.path.startswith("/api/papers/"):
                key = parts.path.removeprefix("/api/papers/")
                self.answer(api.next_answer(f"hf:{key}", "ok"), RECORDED / "huggingface" / f"{key}.json",
                            "application/json", (404, json.dumps({"error": "Paper not found"})))  # fmt: skip
            else:
                self.send(404, "Not Found", "text/plain")

    return Handler


class serve_recorded_api:  # noqa: N801 - used as a context manager, like open()
    """``with serve_recorded_api() as api:`` a running server on 127.0.0.1; ``api.base_url``."""

    def __enter__(self) -> RecordedAPI:
        self.api = RecordedAPI()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.api))
        self.server.daemon_threads = True
        self.api.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.api

    def __exit__(self, *exc: object) -> None:
        self.api.release.set()
        self.server.shutdown()
        self.server.server_close()
