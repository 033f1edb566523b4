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
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from budget_etl.errors import FetchError, Reason
from budget_etl.settings import Settings
from tasks.fetch.policy import AddressRefused, GuardedBackend, HostPolicy, deadline, refused

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
    #: where the attempt ended after redirects, and the URLs it was redirected from (in order)
    final_url: str | None = None
    redirects: tuple[str, ...] = ()


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
    #: the attachment's name often lives only here (download.jsp?id=…); see tasks.fetch.attachment
    content_disposition: str | None = None

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


@dataclass
class _Response:
    status_code: int
    final_url: str
    headers: Mapping[str, str]
    data: bytes | None
    redirects: tuple[str, ...] = ()


_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


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
        # redirects are followed here, hop by hop, so each hop passes the host policy first
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent},
            transport=guarded_transport(settings),
        )

    def policy_for(self, url: str) -> HostPolicy:
        """The default policy of a URL fetched on its own: its own origin only."""
        return HostPolicy.for_urls([url], allow_private=self.settings.http_allow_private_hosts)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        first_attempt: int = 1,
        policy: HostPolicy | None = None,
    ) -> FetchResult:
        """GET ``url`` (conditionally, with the given validators), retrying transient failures.

        The whole fetch — every attempt and back-off — ends by ``fetch_deadline_s``; one attempt
        by ``http_deadline_s``. A failure at the document deadline is no longer transient, so
        neither this loop nor a Prefect task retry spends another deadline on it.
        """
        policy = policy or self.policy_for(url)
        attempts: list[Attempt] = []
        max_attempts = self.settings.http_retries + 1
        document_deadline = time.monotonic() + self.settings.fetch_deadline_s
        for number in range(first_attempt, first_attempt + max_attempts):
            started = time.monotonic()
            retry_after: float | None = None
            request_deadline = min(started + self.settings.http_deadline_s, document_deadline)
            try:
                response = self._get(url, headers or {}, policy, request_deadline)
            except FetchError as error:
                attempts.append(_failed_attempt(number, None, error, started))
                last: FetchError = error
            else:
                elapsed = _elapsed_ms(started)
                error = classify_status(response.status_code, url)
                if error is None:
                    return self._success(url, response, number, elapsed, attempts)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                attempts.append(_failed_attempt(number, response.status_code, error, started, response))
                last = error
            if not last.transient or number == first_attempt + max_attempts - 1:
                break
            delay = backoff_delay(number - first_attempt + 1, self.settings, retry_after)
            if time.monotonic() + delay >= document_deadline:
                last = out_of_time(last, self.settings.fetch_deadline_s)
                break
            self._sleep(delay)
        return FetchResult(url=url, outcome="failed", error=last, attempts=attempts)

    def _success(
        self, url: str, response: _Response, number: int, elapsed: int, attempts: list[Attempt]
    ) -> FetchResult:
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        hops = {"final_url": response.final_url, "redirects": response.redirects}
        if response.status_code == 304:
            attempts.append(
                Attempt(number, 304, "not_modified", None, None, etag, last_modified, None, None, elapsed,
                        **hops)
            )
            return FetchResult(
                url=url, outcome="not_modified", final_url=response.final_url,
                etag=etag, last_modified=last_modified, attempts=attempts,
            )
        data = response.data or b""
        digest = hashlib.sha256(data).hexdigest()
        attempts.append(
            Attempt(number, response.status_code, "downloaded", None, None, etag, last_modified,
                    digest, len(data), elapsed, **hops)
        )
        return FetchResult(
            url=url, outcome="downloaded", final_url=response.final_url, data=data, sha256=digest,
            content_type=response.headers.get("content-type"), etag=etag, last_modified=last_modified,
            attempts=attempts, content_disposition=response.headers.get("content-disposition"),
        )

    def _get(
        self, url: str, headers: Mapping[str, str], policy: HostPolicy, request_deadline: float
    ) -> _Response:
        """One GET with its redirects: every hop checked by ``policy`` before it is requested."""
        chain: list[str] = []
        current = url
        for _hop in range(self.settings.http_max_redirects + 1):
            problem = policy.refusal(current)
            if problem is not None:
                problem.evidence["redirects"] = [*chain]
                raise problem
            try:
                with deadline(request_deadline):
                    response = self._get_one(current, headers, request_deadline)
            except FetchError as error:
                if chain:
                    error.evidence.setdefault("final_url", current)
                    error.evidence.setdefault("redirects", [*chain])
                raise
            location = response.headers.get("location")
            if response.status_code not in _REDIRECT_STATUS or not location:
                response.redirects = tuple(chain)
                return response
            chain.append(current)
            current = urljoin(current, location.strip())
        raise FetchError(
            Reason.TOO_MANY_REDIRECTS,
            f"more than {self.settings.http_max_redirects} redirects from {url}",
            redirects=chain,
        )

    def _get_one(self, url: str, headers: Mapping[str, str], request_deadline: float) -> _Response:
        """One request, streamed so the size limit, the deadline and the minimum rate hold."""
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
                body_started = time.monotonic()
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
                    self._check_pace(url, size, body_started, request_deadline)
                received = response.num_bytes_downloaded
                if expected is not None and received != expected:
                    raise _incomplete(url, received, expected)
                return _Response(response.status_code, final_url, response.headers, b"".join(chunks))
        except AddressRefused as exc:
            raise exc.error from exc
        except httpx.UnsupportedProtocol as exc:
            raise refused(url, f"unsupported scheme ({exc})") from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() >= request_deadline - 0.01:
                raise FetchError(
                    Reason.TOO_SLOW,
                    f"{url} did not finish within the {self.settings.http_deadline_s:g}s request deadline",
                    transient=True, deadline_s=self.settings.http_deadline_s, received=received,
                ) from exc
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
            if name_does_not_exist(exc):
                host = urlsplit(url).hostname
                raise FetchError(
                    Reason.HOST_NOT_FOUND, f"{host} does not exist (DNS): {url}", transient=False, host=host
                ) from exc
            raise FetchError(
                Reason.CONNECTION_ERROR, f"cannot connect to {url}: {exc}", transient=True
            ) from exc

    def _check_pace(self, url: str, size: int, body_started: float, request_deadline: float) -> None:
        """A body trickled below the minimum rate (after the grace period) is given up on."""
        now = time.monotonic()
        if now >= request_deadline:
            raise FetchError(
                Reason.TOO_SLOW,
                f"{url} did not finish within the {self.settings.http_deadline_s:g}s request deadline",
                transient=True, deadline_s=self.settings.http_deadline_s, received=size,
            )
        elapsed = now - body_started
        minimum = self.settings.http_min_rate_bytes_s
        if minimum > 0 and elapsed > self.settings.http_min_rate_grace_s and size / elapsed < minimum:
            raise FetchError(
                Reason.TOO_SLOW,
                f"{url} sends {size / elapsed:.0f} bytes/s, under the minimum of {minimum:g} bytes/s",
                transient=True, rate_bytes_s=round(size / elapsed, 1), received=size,
            )


def name_does_not_exist(exc: BaseException) -> bool:
    """A resolver answer that the name does not exist (``EAI_AGAIN``, a temporary failure, is not)."""
    permanent = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)}
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror) and current.errno in permanent:
            return True
        current = current.__cause__ or current.__context__
    return False


def guarded_transport(settings: Settings) -> httpx.HTTPTransport:
    """httpx's transport on the guarded backend: connected addresses checked, reads under the deadline."""
    transport = httpx.HTTPTransport()
    ssl_context = transport._pool._ssl_context  # keep httpx's certificate setup
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        network_backend=GuardedBackend(HostPolicy(allow_private=settings.http_allow_private_hosts)),
    )
    return transport


def out_of_time(error: FetchError, budget_s: float) -> FetchError:
    """The last error, made final: the document's fetch deadline leaves no time for another try."""
    final = FetchError(
        error.reason, f"{error.message} (gave up: the {budget_s:g}s fetch deadline leaves no time to retry)",
        transient=False, **error.evidence,
    )
    return final


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


def _failed_attempt(
    number: int, status: int | None, error: FetchError, started: float, response: _Response | None = None
) -> Attempt:
    final_url = response.final_url if response is not None else error.evidence.get("final_url")
    redirects = response.redirects if response is not None else error.evidence.get("redirects", ())
    return Attempt(
        number, status, "failed", error.reason.value, error.message, None, None, None, None,
        _elapsed_ms(started), final_url=final_url, redirects=tuple(redirects),
    )
