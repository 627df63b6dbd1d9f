"""Polite HTTP against the local stand-in for the APIs: spacing, windows, retries, time-outs, one connection.

Waits go through an injected clock and sleep, so the tests count them instead of timing them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from recorded_api import serve_recorded_api

from generator.remote.http import FetchError, PoliteClient, Politeness, retry_after
from generator.remote.lookup import clients_from_environment, title_query


class FakeTime:
    """A clock that moves only when something sleeps; every sleep is written down."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def api():
    with serve_recorded_api() as running:
        yield running


def client(api, fake: FakeTime, **politeness) -> PoliteClient:
    return PoliteClient("arXiv", api.base_url, Politeness(**politeness), clock=fake.clock, sleep=fake.sleep)


def test_requests_are_spaced_and_share_one_connection(api):
    fake = FakeTime()
    arxiv = client(api, fake, interval=3.0)
    for arxiv_id in ("2509.04664", "2305.02301", "2509.04664"):
        answer = arxiv.get("/api/query", {"id_list": arxiv_id})
        assert answer.status == 200 and b"<feed" in answer.body
    assert fake.sleeps == [3.0, 3.0]  # the clock did not move between requests: each waits a full interval
    assert len({request.port for request in api.asked("/api/query")}) == 1
    arxiv.close()


def test_a_window_holds_at_most_so_many_requests(api):
    fake = FakeTime()
    huggingface = client(api, fake, window_requests=2, window=300.0)
    for _ in range(5):
        huggingface.get("/api/papers/2509.04664")
    assert fake.sleeps == [300.0, 300.0]  # the 3rd and 5th wait for the window to move on
    assert len(api.asked("/api/papers/")) == 5


def test_429_waits_as_long_as_retry_after_says(api):
    fake = FakeTime()
    api.retry_after = "7"
    api.script("2509.04664", "429", "ok")
    answer = client(api, fake, backoff=1.0).get("/api/query", {"id_list": "2509.04664"})
    assert answer.status == 200 and fake.sleeps == [7.0]
    assert len(api.asked("/api/query")) == 2


def test_arxiv_throttle_body_and_503_back_off_exponentially(api):
    fake = FakeTime()
    api.retry_after = ""  # no Retry-After: the client's own back-off
    api.script("2509.04664", "rate-exceeded", "503", "rate-exceeded", "ok")
    answer = client(api, fake, backoff=2.0, retries=4).get("/api/query", {"id_list": "2509.04664"})
    assert b"Why Language Models" in answer.body  # "Rate exceeded." was never taken for an answer
    assert fake.sleeps == [2.0, 4.0, 8.0]


def test_retries_run_out_with_a_message_naming_the_api(api):
    fake = FakeTime()
    api.script("2509.04664", "429")
    with pytest.raises(
        FetchError, match=r"^arXiv: rate limited \(HTTP 429\) from http://127\.0\.0\.1:\d+/api/query, 3 tries$"
    ):
        client(api, fake, retries=2, backoff=1.0).get("/api/query", {"id_list": "2509.04664"})
    assert fake.sleeps == [0.0, 0.0]  # Retry-After: 0


def test_a_server_error_is_not_retried(api):
    api.script("2509.04664", "500")
    with pytest.raises(
        FetchError, match=r"^arXiv: HTTP 500 from http://127\.0\.0\.1:\d+/api/query\?id_list=2509\.04664$"
    ):
        client(api, FakeTime()).get("/api/query", {"id_list": "2509.04664"})
    assert len(api.asked()) == 1


def test_a_time_out_is_retried_then_reported(api):
    api.script("2509.04664", "timeout")
    with pytest.raises(FetchError, match=r"^arXiv: no answer within 0\.2 s from .*, 2 tries$"):
        client(api, FakeTime(), timeout=0.2, retries=1, backoff=0.0).get("/api/query", {"id_list": "2509.04664"})


def test_retry_after_in_seconds_or_as_an_http_date():
    now = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after("120") == 120.0
    assert retry_after("Fri, 01 May 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after("Fri, 01 May 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_settings_come_from_the_environment():
    arxiv, huggingface = clients_from_environment(
        {
            "CATALOGUE_ARXIV_API": "http://127.0.0.1:9/",
            "CATALOGUE_ARXIV_INTERVAL": "0.5",
            "CATALOGUE_HF_WINDOW": "10/60",
        }
    )
    assert arxiv.base_url == "http://127.0.0.1:9" and arxiv.politeness.interval == 0.5
    assert huggingface.base_url == "https://huggingface.co"
    assert (huggingface.politeness.window_requests, huggingface.politeness.window) == (10, 60.0)
    default_arxiv, default_hf = clients_from_environment({})
    assert default_arxiv.base_url == "https://export.arxiv.org" and default_arxiv.politeness.interval == 3.0
    assert (default_hf.politeness.window_requests, default_hf.politeness.window) == (500, 300.0)
    assert default_arxiv.politeness.timeout == 30.0
    with pytest.raises(ValueError, match="CATALOGUE_HTTP_TIMEOUT='soon' is not a number of seconds"):
        clients_from_environment({"CATALOGUE_HTTP_TIMEOUT": "soon"})


def test_title_query_is_an_arxiv_phrase_search():
    assert (
        title_query("Distilling Step-by-Step! Less $\\mathcal{O}(n)$ Data") == 'ti:"Distilling Step by Step Less Data"'
    )
