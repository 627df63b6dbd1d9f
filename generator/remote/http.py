"""Stage 2b, remote: polite HTTP to one API, on one connection, within its published limits.

One :class:`PoliteClient` per API holds one ``requests.Session`` (so one kept-alive connection),
spaces its requests (arXiv asks for at most one every 3 seconds) and keeps within a window (Hugging
Face allows 500 requests per 5 minutes). HTTP 429 and 503, and arXiv's throttle answer (HTTP 200
with the body ``Rate exceeded.``), are retried after ``Retry-After`` or an exponential back-off;
a time-out or a dropped connection is retried the same way. Every wait goes through ``sleep`` and
``clock``, so tests can count the waits instead of timing them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import requests

USER_AGENT = "paper-catalogue-enrich/1.0 (+https://github.com/paper-catalogue/paper-catalogue)"
THROTTLE_BODY = b"Rate exceeded."


class FetchError(Exception):
    """No usable answer: the message names the API, the URL and what went wrong."""


@dataclass(frozen=True)
class Politeness:
    """How one API wants to be asked. Times are in seconds."""

    interval: float = 0.0  # at least this long between two requests
    window_requests: int = 0  # at most this many requests per window (0: no window)
    window: float = 300.0
    timeout: float = 30.0  # to connect, and between two bytes of the answer
    retries: int = 4  # tries after the first, on 429, 503, the throttle body, time-outs
    backoff: float = 5.0  # the first back-off; it doubles on each retry
    max_wait: float = 600.0  # the longest Retry-After honoured


@dataclass(frozen=True)
class Answer:
    """A final answer: HTTP 200 or 404, the body exactly as received."""

    url: str
    status: int
    body: bytes


def retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(0.0, (moment - (now or dt.datetime.now(dt.UTC))).total_seconds())


class PoliteClient:
    """GET requests to one API at ``base_url``, spaced, windowed and retried as ``politeness`` says."""

    def __init__(
        self,
        name: str,
        base_url: str,
        politeness: Politeness,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.politeness = politeness
        self.clock = clock
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT})
        self.sent: deque[float] = deque()  # when the requests of the current window were sent
        self.requests = 0  # how many requests this client has sent

    def close(self) -> None:
        self.session.close()

    def _wait_for_turn(self) -> None:
        """Sleep until the next request keeps both the interval and the window."""
        rules = self.politeness
        now = self.clock()
        if self.sent and rules.interval:
            ready = self.sent[-1] + rules.interval
            if ready > now:
                self.sleep(ready - now)
                now = self.clock()
        if rules.window_requests:
            while self.sent and self.sent[0] <= now - rules.window:
                self.sent.popleft()
            if len(self.sent) >= rules.window_requests:
                self.sleep(self.sent[0] + rules.window - now)
                now = self.clock()
                self.sent.popleft()
        self.sent.append(now)
        if not rules.window_requests:
            while len(self.sent) > 1:  # only the last request matters for the interval
                self.sent.popleft()
        self.requests += 1

    def get(self, path: str, params: dict[str, str] | None = None) -> Answer:
        """The answer to ``GET base_url + path``: 200 or 404; FetchError for anything else."""
        url = f"{self.base_url}{path}"
        rules = self.politeness
        problem = ""
        for attempt in range(rules.retries + 1):
            self._wait_for_turn()
            wait = rules.backoff * 2**attempt
            try:
                response = self.session.get(url, params=params, timeout=rules.timeout)
            except requests.Timeout:
                problem = f"no answer within {rules.timeout:g} s"
            except requests.ConnectionError as error:
                problem = f"connection failed ({type(error).__name__})"
            else:
                shown = response.url
                body = response.content
                if response.status_code in (429, 503) or (
                    response.status_code == 200 and body.strip() == THROTTLE_BODY
                ):
                    problem = f"rate limited (HTTP {response.status_code})"
                    asked = retry_after(response.headers.get("Retry-After"))
                    wait = wait if asked is None else min(asked, rules.max_wait)
                elif response.status_code in (200, 404):
                    return Answer(url=shown, status=response.status_code, body=body)
                else:
                    raise FetchError(f"{self.name}: HTTP {response.status_code} from {shown}")
            if attempt < rules.retries:
                self.sleep(wait)
        tries = rules.retries + 1
        raise FetchError(f"{self.name}: {problem} from {url}, {tries} tr{'y' if tries == 1 else 'ies'}")
