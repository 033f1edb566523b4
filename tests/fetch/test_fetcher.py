"""The fetch fault matrix against a real HTTP server on 127.0.0.1.

Every fault ends either as a retried success or as a failure value carrying the reason code
the review queue will show; none raises out of ``Fetcher.fetch``.
"""

from __future__ import annotations

import time

import pytest

from budget_etl.errors import Reason
from budget_etl.settings import Settings
from tasks.fetch.fetcher import Fetcher, backoff_delay, parse_retry_after
from tests.fetch.faulty_server import (
    FaultyServer,
    Huge,
    Redirect,
    Reset,
    Serve,
    Sleep,
    Status,
    Truncate,
)


@pytest.fixture
def fetcher(fast_settings: Settings):
    with Fetcher(fast_settings) as client:
        yield client


def test_a_document_is_downloaded_with_its_hash_and_validators(server: FaultyServer, fetcher, small_pdf):
    url = server.script("/doc.pdf", Serve(small_pdf))

    result = fetcher.fetch(url)

    assert result.outcome == "downloaded"
    assert result.data == small_pdf
    assert result.sha256 is not None and len(result.sha256) == 64
    assert result.etag and result.last_modified
    assert [a.outcome for a in result.attempts] == ["downloaded"]
    assert result.attempts[0].size == len(small_pdf)


def test_conditional_get_with_the_last_etag_is_not_downloaded_again(server, fetcher, small_pdf):
    url = server.script("/doc.pdf", Serve(small_pdf))
    first = fetcher.fetch(url)

    second = fetcher.fetch(url, {"If-None-Match": first.etag})

    assert second.outcome == "not_modified"
    assert second.data is None
    assert server.request_headers["/doc.pdf"][1]["if-none-match"] == first.etag


def test_500_then_success_is_a_retried_success(server, fetcher, small_pdf):
    url = server.script("/flaky.pdf", Status(500), Serve(small_pdf))

    result = fetcher.fetch(url)

    assert result.outcome == "downloaded"
    assert [(a.status_code, a.outcome) for a in result.attempts] == [(500, "failed"), (200, "downloaded")]
    assert server.hits["/flaky.pdf"] == 2


def test_503_with_retry_after_waits_as_told_then_succeeds(server, fetcher, small_pdf):
    url = server.script("/busy.pdf", Status(503, headers={"Retry-After": "1"}), Serve(small_pdf))

    started = time.monotonic()
    result = fetcher.fetch(url)
    waited = time.monotonic() - started

    assert result.outcome == "downloaded"
    assert waited >= 0.9, "Retry-After: 1 must be honoured (back-off alone is 0.01 s)"


def test_persistent_5xx_gives_up_after_the_retry_budget_as_a_transient_http_error(server, fetcher):
    url = server.script("/down.pdf", Status(502))

    result = fetcher.fetch(url)

    assert result.outcome == "failed"
    assert result.error is not None
    assert result.error.reason is Reason.HTTP_ERROR
    assert result.error.transient
    assert len(result.attempts) == 3  # http_retries=2 → three attempts
    assert server.hits["/down.pdf"] == 3


def test_timeout_is_retried_then_reported_as_fetch_timeout(server, fetcher):
    url = server.script("/slow.pdf", Sleep(1.5))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.FETCH_TIMEOUT
    assert result.error.transient
    assert len(result.attempts) == 3


def test_timeout_then_success_is_a_retried_success(server, fetcher, small_pdf):
    url = server.script("/slow-once.pdf", Sleep(1.0), Serve(small_pdf))

    result = fetcher.fetch(url)

    assert result.outcome == "downloaded"
    assert [a.reason for a in result.attempts] == [Reason.FETCH_TIMEOUT.value, None]


def test_connection_reset_is_a_connection_error(server, fetcher, small_pdf):
    url = server.script("/reset.pdf", Reset())

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.CONNECTION_ERROR
    assert server.hits["/reset.pdf"] == 3


def test_connection_reset_then_success_is_a_retried_success(server, fetcher, small_pdf):
    url = server.script("/reset-once.pdf", Reset(), Serve(small_pdf))

    result = fetcher.fetch(url)

    assert result.outcome == "downloaded" and result.data == small_pdf


def test_a_truncated_body_is_an_incomplete_download(server, fetcher, small_pdf):
    url = server.script("/cut.pdf", Truncate(small_pdf, keep=len(small_pdf) // 2))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.INCOMPLETE_DOWNLOAD
    assert result.error.evidence["expected"] == len(small_pdf)
    assert result.data is None, "half a file must never be handed on"


def test_404_is_not_retried(server, fetcher):
    url = server.script("/gone.pdf", Status(404))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.HTTP_NOT_FOUND
    assert not result.error.transient
    assert server.hits["/gone.pdf"] == 1


def test_other_4xx_is_a_permanent_http_error(server, fetcher):
    url = server.script("/forbidden.pdf", Status(403))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.HTTP_ERROR
    assert not result.error.transient
    assert server.hits["/forbidden.pdf"] == 1


def test_an_announced_oversized_file_is_refused_without_reading_it(server, fetcher, fast_settings):
    url = server.script("/huge.pdf", Huge(fast_settings.max_download_bytes * 10))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.FILE_TOO_LARGE
    assert server.hits["/huge.pdf"] == 1


def test_an_unannounced_oversized_stream_is_cut_at_the_limit(server, fetcher, fast_settings):
    url = server.script("/stream.pdf", Huge(fast_settings.max_download_bytes * 10, announce_length=False))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.FILE_TOO_LARGE
    assert result.error.evidence["size"] > fast_settings.max_download_bytes


def test_a_redirect_loop_is_too_many_redirects(server, fetcher):
    url = server.script("/loop", Redirect("/loop"))

    result = fetcher.fetch(url)

    assert result.error is not None and result.error.reason is Reason.TOO_MANY_REDIRECTS
    assert server.hits["/loop"] == 4  # the first request and three redirects


def test_a_redirect_to_the_document_is_followed(server, fetcher, small_pdf):
    server.script("/real.pdf", Serve(small_pdf))
    url = server.script("/moved.pdf", Redirect("/real.pdf", code=301))

    result = fetcher.fetch(url)

    assert result.outcome == "downloaded"
    assert result.final_url == server.url("/real.pdf")


def test_nothing_listening_is_a_connection_error(fast_settings):
    with Fetcher(fast_settings) as fetcher:
        result = fetcher.fetch("http://127.0.0.1:9/nothing.pdf")

    assert result.error is not None and result.error.reason is Reason.CONNECTION_ERROR


def test_retry_after_accepts_seconds_and_http_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=0.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_and_retry_after_is_capped():
    settings = Settings(http_backoff_s=0.5, http_retry_after_max_s=5)
    assert [backoff_delay(n, settings, None) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert backoff_delay(1, settings, 3600) == 5
