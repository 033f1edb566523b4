"""A hostile publisher on 127.0.0.1: slow bodies and headers end on time, redirects go nowhere new.

Two real servers on loopback stand for "the publisher" and "somewhere else" (another port, as an
internal admin service would be). Loopback itself is allowed only through the explicit test
setting ``http_allow_private_hosts``; with it off, the same requests are refused before a byte
is sent. Every wall time asserted is bounded by the settings, never by the server's patience.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from budget_etl.errors import Reason
from budget_etl.settings import Settings
from storage.models import FetchLog
from storage.raw_store import RawStore
from tasks.fetch.fetcher import Fetcher
from tasks.fetch.intake import fetch_into_store
from tasks.fetch.policy import HostPolicy
from tests.fetch.faulty_server import FaultyServer, Redirect, Serve, SlowHeaders, Trickle


@pytest.fixture
def elsewhere() -> Iterator[FaultyServer]:
    """A second server: another port on the same loopback host (think: an internal service)."""
    with FaultyServer() as running:
        yield running


@pytest.fixture
def fetcher(fast_settings: Settings) -> Iterator[Fetcher]:
    with Fetcher(fast_settings) as client:
        yield client


def fetcher_with(settings: Settings, **changes: object) -> Fetcher:
    return Fetcher(settings.model_copy(update=changes))


def timed(fetcher: Fetcher, url: str, **kwargs: object):
    started = time.monotonic()
    with fetcher:
        result = fetcher.fetch(url, **kwargs)
    return result, time.monotonic() - started


# ---- time -------------------------------------------------------------------------------------


def test_a_body_trickled_below_the_minimum_rate_is_dropped_after_the_grace(server, fast_settings, small_pdf):
    url = server.script("/slow.pdf", Trickle(small_pdf, interval=0.05))
    fetcher = fetcher_with(
        fast_settings, http_min_rate_bytes_s=200.0, http_min_rate_grace_s=0.3, http_retries=0
    )

    result, wall = timed(fetcher, url)

    assert result.outcome == "failed" and result.error.reason is Reason.TOO_SLOW
    assert "bytes/s" in result.error.message
    assert wall < 1.5


def test_the_request_deadline_bounds_a_body_that_keeps_just_above_the_rate(server, fast_settings, small_pdf):
    url = server.script("/slow.pdf", Trickle(small_pdf, interval=0.02))
    fetcher = fetcher_with(fast_settings, http_min_rate_bytes_s=0, http_deadline_s=0.8, http_retries=0)

    result, wall = timed(fetcher, url)

    assert result.error.reason is Reason.TOO_SLOW
    assert 0.8 <= wall < 1.6


def test_slow_headers_are_bounded_by_the_request_deadline(server, fast_settings):
    url = server.script("/headers.pdf", SlowHeaders(interval=0.1))
    fetcher = fetcher_with(fast_settings, http_deadline_s=0.8, http_retries=0)

    result, wall = timed(fetcher, url)

    assert result.outcome == "failed" and result.error.reason is Reason.TOO_SLOW
    assert wall < 1.6, "a per-read timeout alone never fires while a byte arrives every 0.1 s"


def test_the_document_deadline_bounds_all_retries_and_the_failure_is_final(server, fast_settings):
    url = server.script("/headers.pdf", SlowHeaders(interval=0.1))
    fetcher = fetcher_with(fast_settings, http_deadline_s=0.6, fetch_deadline_s=1.0, http_retries=5,
                           http_backoff_s=0.3)

    result, wall = timed(fetcher, url)

    assert result.error.reason is Reason.TOO_SLOW
    assert not result.error.transient, "no Prefect task retry spends another deadline on it"
    # unbounded, 6 attempts would take ≥ 6 × 0.6 s + backoff ≈ 5 s; the 1 s document deadline ends it
    # well before 3 s even when a loaded box delays a timer by a second (seen at load 8: 2.5 s)
    assert len(result.attempts) < 6 and wall < 3.0


# ---- where a fetch may go -----------------------------------------------------------------------


def test_a_redirect_to_another_port_of_the_same_host_is_refused_unrequested(
    server, elsewhere, fetcher, small_pdf
):
    target = elsewhere.script("/admin/secret.pdf", Serve(small_pdf))
    url = server.script("/doc.pdf", Redirect(target))

    result = fetcher.fetch(url)

    assert result.error.reason is Reason.REDIRECT_REFUSED
    assert elsewhere.hits["/admin/secret.pdf"] == 0
    assert len(result.attempts) == 1, "a refusal is permanent: not retried"
    assert result.attempts[0].redirects == (url,)


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://127.0.0.1/budget.pdf", "gopher://127.0.0.1:70/"]
)
def test_redirects_to_other_schemes_are_refused_not_retried(server, fetcher, location):
    url = server.script("/doc.pdf", Redirect(location))

    result = fetcher.fetch(url)

    assert result.error.reason is Reason.REDIRECT_REFUSED and not result.error.transient
    assert server.hits["/doc.pdf"] == 1


def test_a_redirect_to_port_22_is_refused_without_connecting(server, fetcher):
    url = server.script("/doc.pdf", Redirect("http://127.0.0.1:22/"))

    result = fetcher.fetch(url)

    assert result.error.reason is Reason.REDIRECT_REFUSED
    assert "127.0.0.1:22" in result.error.message


def test_a_host_configured_for_the_publisher_may_be_redirected_to(server, elsewhere, fetcher, small_pdf):
    target = elsewhere.script("/files/doc.pdf", Serve(small_pdf))
    url = server.script("/doc.pdf", Redirect(target))
    policy = HostPolicy.for_urls([url], extra_hosts=[elsewhere.base_url.split("//")[1]], allow_private=True)

    result = fetcher.fetch(url, policy=policy)

    assert result.outcome == "downloaded" and result.data == small_pdf
    assert result.attempts[-1].final_url == target and result.attempts[-1].redirects == (url,)


def test_loopback_is_refused_unless_the_setting_allows_it(server, fast_settings, small_pdf):
    url = server.script("/doc.pdf", Serve(small_pdf))
    fetcher = fetcher_with(fast_settings, http_allow_private_hosts=False)

    result, _ = timed(fetcher, url)

    assert result.error.reason is Reason.REDIRECT_REFUSED and "loopback" in result.error.message
    assert server.hits["/doc.pdf"] == 0


def test_a_name_that_resolved_public_but_connects_to_loopback_is_refused(server, fast_settings, small_pdf):
    """DNS rebinding: the check saw a public address, the socket reached 127.0.0.1."""
    url = server.script("/doc.pdf", Serve(small_pdf)).replace("127.0.0.1", "localhost")
    fetcher = fetcher_with(fast_settings, http_allow_private_hosts=False)
    lying = HostPolicy.for_urls([url], allow_private=False)
    lying = HostPolicy(origins=lying.origins, resolver=lambda _host: ["93.184.216.34"])

    result, _ = timed(fetcher, url, policy=lying)

    assert result.error.reason is Reason.REDIRECT_REFUSED and "connection reached" in result.error.message
    assert server.hits["/doc.pdf"] == 0


@pytest.mark.parametrize(
    ("address", "problem"),
    [("10.1.2.3", "private"), ("169.254.169.254", "link-local"), ("::1", "loopback"),
     ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "unspecified"), ("192.168.0.9", "private")],
)
def test_private_link_local_and_loopback_addresses_are_refused(address, problem):
    policy = HostPolicy.for_urls(["http://publisher.example/"], resolver=lambda _host: [address])

    refusal = policy.refusal("http://publisher.example/doc.pdf")

    assert refusal is not None and problem in refusal.message


def test_listing_links_to_other_hosts_are_reported_not_followed(server, fetcher, repository):
    from tasks.fetch.intake import discover_publisher
    from tasks.fetch.sources import Publisher

    html = b'<a href="/a.pdf">a</a> <a href="http://127.0.0.1:1/b.pdf">b</a> <a href="ftp://x/c.pdf">c</a>'
    listing = server.script("/list.html", Serve(html, content_type="text/html"))
    publisher = Publisher(name="p", region="r", department="d", year=2026, kind="budget_disclosure",
                          listings=(listing,))
    found = discover_publisher(publisher, fetcher=fetcher, repository=repository)

    assert [d.url for d in found.documents] == [server.url("/a.pdf")]
    assert [(f.url, f.error.reason) for f in found.failures] == [
        ("http://127.0.0.1:1/b.pdf", Reason.REDIRECT_REFUSED)
    ]


def test_the_fetch_log_records_the_final_url_and_the_redirect_chain(
    server, fetcher, small_pdf, repository, tmp_path
):
    final = server.script("/2026/budget.pdf", Serve(small_pdf))
    middle = server.script("/latest.pdf", Redirect(final, code=301))
    url = server.script("/budget.pdf", Redirect(middle))
    fetched = fetch_into_store(url, fetcher=fetcher, repository=repository, raw_store=RawStore(str(tmp_path)))

    assert fetched.outcome == "new"
    with Session(repository.engine) as session:
        row = session.scalars(select(FetchLog)).one()
    assert row.url == url and row.final_url == final
    assert json.loads(row.redirects) == [url, middle]


def test_a_host_that_does_not_exist_is_a_permanent_failure(fast_settings):
    fetcher = fetcher_with(fast_settings, http_allow_private_hosts=False)

    result, _ = timed(fetcher, "http://no-such-publisher.invalid/budget.pdf")

    if result.error.reason is Reason.CONNECTION_ERROR:
        pytest.skip(f"this machine's resolver cannot answer for .invalid names: {result.error.message}")
    assert result.error.reason is Reason.HOST_NOT_FOUND and not result.error.transient
    assert len(result.attempts) == 1
