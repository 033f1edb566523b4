"""Reading one page of a publisher's site over plain HTTP, through the project's fetcher.

The page source behind :class:`tasks.fetch.crawl.Walker` for ordinary (server-rendered) sites;
``tasks.fetch.browser`` is the same interface for JavaScript-rendered listings. Whether a
response is a page or a document is decided by its bytes (``payload.sniff``), not its URL: a
link that looked like an article and answered with a PDF is a document.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from budget_etl.errors import FetchError, Reason
from tasks.fetch.crawl import PageResult
from tasks.fetch.fetcher import Attempt, Fetcher, FetchResult, decode_html
from tasks.fetch.payload import sniff
from tasks.fetch.policy import HostPolicy

#: formats ``sniff`` reports for bodies that are documents rather than pages
DOCUMENT_FORMATS = frozenset({"pdf", "doc", "docx", "xls", "xlsx"})


class Throttle(Protocol):
    def slot(self, url: str) -> AbstractContextManager[None]: ...


def page_from(result: FetchResult, url: str) -> PageResult:
    """A fetch result as a page: HTML text, a document's format, or why there is neither."""
    if result.data is None:
        error = result.error or FetchError(Reason.HTTP_ERROR, f"{url} returned no page")
        return PageResult(url=url, error=error)
    fmt = sniff(result.data)
    if fmt in DOCUMENT_FORMATS:
        return PageResult(url=url, final_url=result.final_url, document_format=fmt)
    if fmt == "empty":
        return PageResult(url=url, error=FetchError(Reason.EMPTY_FILE, f"{url} returned an empty page"))
    return PageResult(url=url, final_url=result.final_url, html=decode_html(result.data, result.content_type))


@dataclass
class HttpPages:
    """Pages over HTTP: every request under the host policy and the per-host throttle, and logged."""

    fetcher: Fetcher
    policy: HostPolicy
    throttle: Throttle | None = None
    log: Callable[[str, list[Attempt]], None] | None = None

    def fetch(self, url: str) -> FetchResult:
        with self.throttle.slot(url) if self.throttle is not None else nullcontext():
            result = self.fetcher.fetch(url, policy=self.policy)
        if self.log is not None:
            self.log(url, result.attempts)
        return result

    def get(self, url: str) -> PageResult:
        return page_from(self.fetch(url), url)
