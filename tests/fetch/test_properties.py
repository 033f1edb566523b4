"""Properties of the fetch helpers that must hold for any input, not just the examples."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from budget_etl.settings import Settings
from tasks.fetch.discover import discover_links
from tasks.fetch.fetcher import backoff_delay, parse_retry_after

segment = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#%\\\"'<>&\x00"), min_size=1,
                  max_size=12).filter(lambda s: s.strip() == s and s not in (".", ".."))


@given(st.lists(segment, min_size=1, max_size=4), st.sampled_from(["pdf", "PDF", "docx", "xlsx"]))
def test_a_relative_attachment_link_resolves_under_the_listing_host(parts, extension):
    href = quote("/".join(parts)) + "." + extension
    html = f'<html><body><a href="{escape(href)}">附件</a></body></html>'

    [link] = discover_links(html, "http://publisher.example:8080/dept/2025/index.html")

    split = urlsplit(link.url)
    assert (split.scheme, split.netloc) == ("http", "publisher.example:8080")
    assert split.path.startswith("/dept/2025/")
    assert link.format == extension.lower()


@given(st.integers(min_value=1, max_value=30), st.floats(min_value=0, max_value=1e6, allow_nan=False),
       st.floats(min_value=0, max_value=120))
def test_a_server_can_never_make_us_wait_longer_than_the_cap(attempt, retry_after, cap):
    settings = Settings(http_backoff_s=0.5, http_retry_after_max_s=cap)

    assert 0 <= backoff_delay(attempt, settings, retry_after) <= cap


@given(st.integers(min_value=0, max_value=10**9))
def test_retry_after_seconds_round_trip(seconds):
    assert parse_retry_after(str(seconds)) == float(seconds)
