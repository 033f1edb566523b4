"""HTTP fetch with the manners a daily unattended crawler needs.

One ``Fetcher`` owns one ``httpx.Client`` (the only HTTP side effect of the project). A fetch
is a short loop of attempts: transient failures (5xx, 429, timeouts, dropped connections,
truncated bodies) are retried with exponential back-off, honouring ``Retry-After`` up to a cap;
permanent ones (404, other 4xx, redirect loops, oversized files) stop at once. Every attempt is
returned as an ``Attempt`` row so the caller can write the fetch log, and the final failure is a
``FetchError`` *value* with its reason code — the caller decides between retry and review.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from budget_etl.errors import FetchError, Reason
from budget_etl.settings import Settings

Outcome = Literal["downloaded", "not_modified", "failed"]

_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_NOT_FOUND_STATUS = frozenset({404, 410})


@dataclass(frozen=True)
class Attempt:
    """One HTTP attempt: exactly the columns of a fetch-log row."""

    attempt: int
    status_code: int | None
    outcome: Outcome
    reason: str | None
    message: str | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    size: int | None
    elapsed_ms: int


@dataclass
class FetchResult:
    """What a fetch ended with. ``data`` is set only for ``downloaded``; ``error`` only for ``failed``."""

    url: str
    outcome: Outcome
    final_url: str | None = None
    data: bytes | None = None
    sha256: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: FetchError | None = None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


@dataclass
class _Response:
    status_code: int
    final_url: str
    headers: Mapping[str, str]
    data: bytes | None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_delay(attempt: int, settings: Settings, retry_after: float | None) -> float:
    """Delay before attempt ``attempt + 1``: the server's ``Retry-After`` (capped) or doubling back-off."""
    if retry_after is not None:
        return min(retry_after, settings.http_retry_after_max_s)
    return settings.http_backoff_s * (2 ** (attempt - 1))


def classify_status(status: int, url: str) -> FetchError | None:
    """The error an HTTP status means for a document download (None: not an error)."""
    if status < 400:
        return None
    if status in _NOT_FOUND_STATUS:
        return FetchError(Reason.HTTP_NOT_FOUND, f"HTTP {status}: no document at {url}", status=status)
    return FetchError(
        Reason.HTTP_ERROR,
        f"HTTP {status} from {url}",
        transient=status in _TRANSIENT_STATUS,
        status=status,
    )


class Fetcher:
    """Downloads documents and listing pages; the one HTTP interface of the pipeline."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s),
            follow_redirects=True,
            max_redirects=settings.http_max_redirects,
            headers={"User-Agent": settings.user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch(
        self, url: str, headers: Mapping[str, str] | None = None, *, first_attempt: int = 1
    ) -> FetchResult:
        """GET ``url`` (conditionally, with the given validators), retrying transient failures."""
        attempts: list[Attempt] = []
        max_attempts = self.settings.http_retries + 1
        for number in range(first_attempt, first_attempt + max_attempts):
            started = time.monotonic()
            retry_after: float | None = None
            try:
                response = self._get(url, headers or {})
            except FetchError as error:
                attempts.append(_failed_attempt(number, None, error, started))
                last: FetchError = error
            else:
                elapsed = _elapsed_ms(started)
                error = classify_status(response.status_code, url)
                if error is None:
                    return self._success(url, response, number, elapsed, attempts)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                attempts.append(_failed_attempt(number, response.status_code, error, started))
                last = error
            if not last.transient or number == first_attempt + max_attempts - 1:
                break
            self._sleep(backoff_delay(number - first_attempt + 1, self.settings, retry_after))
        return FetchResult(url=url, outcome="failed", error=last, attempts=attempts)

    def _success(
        self, url: str, response: _Response, number: int, elapsed: int, attempts: list[Attempt]
    ) -> FetchResult:
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if response.status_code == 304:
            attempts.append(
                Attempt(number, 304, "not_modified", None, None, etag, last_modified, None, None, elapsed)
            )
            return FetchResult(
                url=url, outcome="not_modified", final_url=response.final_url,
                etag=etag, last_modified=last_modified, attempts=attempts,
            )
        data = response.data or b""
        digest = hashlib.sha256(data).hexdigest()
        attempts.append(
            Attempt(number, response.status_code, "downloaded", None, None, etag, last_modified,
                    digest, len(data), elapsed)
        )
        return FetchResult(
            url=url, outcome="downloaded", final_url=response.final_url, data=data, sha256=digest,
            content_type=response.headers.get("content-type"), etag=etag, last_modified=last_modified,
            attempts=attempts,
        )

    def _get(self, url: str, headers: Mapping[str, str]) -> _Response:
        """One GET, streamed so the size limit holds without buffering an oversized body."""
        limit = self.settings.max_download_bytes
        received = 0
        expected: int | None = None
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as response:
                final_url = str(response.url)
                if response.status_code >= 300:
                    return _Response(response.status_code, final_url, response.headers, None)
                expected = _content_length(response.headers)
                if expected is not None and expected > limit:
                    raise FetchError(
                        Reason.FILE_TOO_LARGE,
                        f"{url} is {expected} bytes, over the {limit}-byte limit",
                        size=expected, limit=limit,
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    received = response.num_bytes_downloaded
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(
                            Reason.FILE_TOO_LARGE,
                            f"{url} sent more than the {limit}-byte limit",
                            size=size, limit=limit,
                        )
                    chunks.append(chunk)
                received = response.num_bytes_downloaded
                if expected is not None and received != expected:
                    raise _incomplete(url, received, expected)
                return _Response(response.status_code, final_url, response.headers, b"".join(chunks))
        except httpx.TooManyRedirects as exc:
            raise FetchError(
                Reason.TOO_MANY_REDIRECTS,
                f"more than {self.settings.http_max_redirects} redirects from {url}",
            ) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(
                Reason.FETCH_TIMEOUT,
                f"no answer from {url} within {self.settings.http_timeout_s:g}s ({type(exc).__name__})",
                transient=True,
            ) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if expected is not None and received < expected:
                raise _incomplete(url, received, expected) from exc
            raise FetchError(
                Reason.CONNECTION_ERROR, f"connection to {url} broke: {exc}", transient=True
            ) from exc
        except httpx.TransportError as exc:
            raise FetchError(
                Reason.CONNECTION_ERROR, f"cannot connect to {url}: {exc}", transient=True
            ) from exc


def decode_html(data: bytes, content_type: str | None) -> str:
    """Listing pages are UTF-8 or GB18030 (a superset of GBK/GB2312); try the declared one first."""
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
    for encoding in filter(None, (declared, "utf-8", "gb18030")):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _incomplete(url: str, received: int, expected: int) -> FetchError:
    return FetchError(
        Reason.INCOMPLETE_DOWNLOAD,
        f"{url} ended after {received} of {expected} bytes",
        transient=True, received=received, expected=expected,
    )


def _content_length(headers: Mapping[str, str]) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _failed_attempt(number: int, status: int | None, error: FetchError, started: float) -> Attempt:
    return Attempt(
        number, status, "failed", error.reason.value, error.message, None, None, None, None,
        _elapsed_ms(started),
    )
