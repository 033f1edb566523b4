"""Fetch one document URL into the raw store: the plain function behind the ``fetch document`` task.

It composes the fetch pieces — conditional GET from the last good fetch, politeness, the HTTP
retry loop, content sniffing, the content-addressed raw store and the fetch log — and answers
one question for the flow: is there *new* work for this URL? A 304 or a file whose sha256 was
already processed means no; so a daily run over unchanged publishers downloads and processes
nothing. Failures come back as values with their reason code (the flow sends them to review).
"""

from __future__ import annotations

import dataclasses
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from budget_etl.errors import FetchError, Reason
from storage.raw_store import RawStore
from storage.repository import Repository
from tasks.fetch.attachment import file_name, guess
from tasks.fetch.discover import DiscoveredLink, classify_link
from tasks.fetch.fetcher import Attempt, Fetcher, FetchResult
from tasks.fetch.payload import check_payload
from tasks.fetch.policy import HostPolicy
from tasks.fetch.sources import Publisher

IntakeOutcome = Literal["new", "unchanged", "not_modified", "failed"]


class Throttle(Protocol):
    def slot(self, url: str) -> AbstractContextManager[None]: ...


@dataclass(frozen=True)
class FetchedDocument:
    """The flow-facing result of fetching one URL."""

    url: str
    outcome: IntakeOutcome
    sha256: str | None = None
    raw_uri: str | None = None
    size: int | None = None
    content_type: str | None = None
    error: FetchError | None = None

    @property
    def needs_processing(self) -> bool:
        return self.outcome == "new"


def fetch_into_store(
    url: str,
    *,
    fetcher: Fetcher,
    repository: Repository,
    raw_store: RawStore,
    throttle: Throttle | None = None,
    conditional: bool = True,
    first_attempt: int = 1,
) -> FetchedDocument:
    """Download ``url`` if it changed, keep the bytes by hash, log every attempt, say what is new."""
    headers = repository.conditional_headers(url) if conditional else {}
    with throttle.slot(url) if throttle is not None else nullcontext():
        result = fetcher.fetch(url, headers, first_attempt=first_attempt)
    problem = result.error
    if problem is None and result.data is not None:
        problem = check_payload(result.data, url)
        if problem is not None:
            result = mark_last_attempt_failed(result, problem)
    log_attempts(repository, url, result.attempts)
    if problem is not None:
        return FetchedDocument(url=url, outcome="failed", error=problem)
    if result.outcome == "not_modified" or result.data is None:
        return unprocessed_last_file(repository, url) or FetchedDocument(url=url, outcome="not_modified")
    stored = raw_store.put(result.data)
    repository.register_file(
        sha256=stored.sha256, url=url, size=stored.size, raw_uri=stored.uri,
        content_type=result.content_type, etag=result.etag, last_modified=result.last_modified,
    )
    record_lineage(repository, stored.sha256, url, result.content_disposition)
    outcome: IntakeOutcome = "new" if repository.document_state(stored.sha256) is None else "unchanged"
    return FetchedDocument(
        url=url, outcome=outcome, sha256=stored.sha256, raw_uri=stored.uri, size=stored.size,
        content_type=result.content_type,
    )


def record_lineage(repository: Repository, sha256: str, url: str, content_disposition: str | None) -> None:
    """This URL in the file's lineage, with its name, the link text discovery saw and their guesses."""
    found_on, text = repository.discovered_link(url) or (None, None)
    name = file_name(url, content_disposition)
    guessed = guess(text, name)
    repository.record_file_url(
        sha256=sha256, url=url, found_on=found_on, link_text=text, file_name=name,
        guessed_kind=guessed.kind, guessed_year=guessed.year,
    )


def unprocessed_last_file(repository: Repository, url: str) -> FetchedDocument | None:
    """After a 304: the file we already hold for ``url`` if it never finished processing.

    A run that downloaded a file and then died (database gone, worker killed) must not lose
    the document to the next run's 304; its stored bytes are processed instead.
    """
    last = repository.last_file(url)
    if last is None or repository.document_state(last[0]) is not None:
        return None
    sha256, raw_uri = last
    return FetchedDocument(url=url, outcome="new", sha256=sha256, raw_uri=raw_uri)


def mark_last_attempt_failed(result: FetchResult, problem: FetchError) -> FetchResult:
    """A 200 whose body is not a document is a failed fetch: its validators must not be reused."""
    last = result.attempts[-1]
    failed = dataclasses.replace(
        last, outcome="failed", reason=problem.reason.value, message=problem.message,
        etag=None, last_modified=None,
    )
    return dataclasses.replace(
        result, outcome="failed", data=None, error=problem, attempts=[*result.attempts[:-1], failed]
    )


def log_attempts(repository: Repository, url: str, attempts: list[Attempt]) -> None:
    for attempt in attempts:
        repository.log_fetch(
            url=url, attempt=attempt.attempt, status_code=attempt.status_code, outcome=attempt.outcome,
            reason=attempt.reason, message=attempt.message, etag=attempt.etag,
            last_modified=attempt.last_modified, sha256=attempt.sha256, size=attempt.size,
            elapsed_ms=attempt.elapsed_ms, final_url=attempt.final_url, redirects=attempt.redirects,
        )


@dataclass(frozen=True)
class ListingFailure:
    url: str
    error: FetchError


@dataclass(frozen=True)
class Discovery:
    """What a publisher offers this run: document URLs (with their format) and unreadable listings."""

    publisher: str
    documents: tuple[DiscoveredLink, ...]
    failures: tuple[ListingFailure, ...] = ()
    #: what this run's discovery bounds left unread (tasks.fetch.crawl), said rather than dropped
    limits: tuple[str, ...] = ()


def discover_publisher(
    publisher: Publisher, *, fetcher: Fetcher, repository: Repository, throttle: Throttle | None = None
) -> Discovery:
    """Record the publisher's sources and walk its listings for attachments (``tasks.fetch.site``)."""
    from tasks.fetch.site import walk_publisher

    found: dict[str, DiscoveredLink] = {}
    failures: list[ListingFailure] = []
    policy = publisher_policy(publisher, fetcher)
    for url in publisher.documents:
        _record_source(repository, publisher, url, listing=False)
        found.setdefault(url, DiscoveredLink(url=url, format=classify_link(url) or "pdf", text=""))
    for listing_url in publisher.listing_urls:
        _record_source(repository, publisher, listing_url, listing=True)
    walks = walk_publisher(
        publisher, fetcher=fetcher, policy=policy, throttle=throttle,
        log=lambda url, attempts: log_attempts(repository, url, attempts),
    )
    limits: list[str] = []
    for walk in walks:
        # unreadable pages, links off the publisher's hosts, robots.txt refusals: said, never fetched
        failures.extend(ListingFailure(url=url, error=error) for url, error in walk.failures)
        limits.extend(walk.limits)
        for link in walk.attachments:
            if link.url in found:
                continue
            _record_source(repository, publisher, link.url, listing=False)
            repository.record_discovered_link(
                publisher=publisher.name, url=link.url, found_on=link.found_on, text=link.text
            )
            found[link.url] = DiscoveredLink(
                url=link.url, format=link.format, text=link.text, found_on=link.found_on
            )
    return Discovery(
        publisher=publisher.name, documents=tuple(found.values()), failures=tuple(failures),
        limits=tuple(limits),
    )


def publisher_policy(publisher: Publisher, fetcher: Fetcher) -> HostPolicy:
    """The publisher's own hosts (of its configured URLs) plus any it lists as ``allowed_hosts``."""
    return HostPolicy.for_urls(
        [*publisher.documents, *publisher.listing_urls],
        extra_hosts=getattr(publisher, "allowed_hosts", ()),
        allow_private=fetcher.settings.http_allow_private_hosts,
    )


def _record_source(repository: Repository, publisher: Publisher, url: str, *, listing: bool) -> None:
    repository.upsert_source(
        publisher=publisher.name, region=publisher.region, department=publisher.department,
        year=publisher.year, kind=publisher.kind, url=url, listing=listing,
    )


#: bytes read to decide a local file's type before it is copied anywhere
HEAD_BYTES = 64 * 1024


def check_local_file(path: Path, *, max_bytes: int | None = None) -> int:
    """Size and type of a local file, decided before it is read whole or copied.

    A FIFO would block the read forever and ``/dev/zero`` never ends; a 600 MB file used to be
    copied into the raw store before it was refused. ``stat`` and the first bytes decide instead.
    """
    from tasks.extract.sniff import check_regular_file  # the extractor's stat-only check, shared

    size = check_regular_file(path, error=FetchError)
    if max_bytes is not None and size > max_bytes:
        raise FetchError(
            Reason.FILE_TOO_LARGE, f"{path} has {size} bytes, more than the limit of {max_bytes}",
            size=size, max_bytes=max_bytes,
        )
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return size  # office containers: the extractor reads the whole file and names the format
    problem = check_payload(head, str(path))
    if problem is not None:
        raise problem
    return size


def intake_file(
    path: Path, *, repository: Repository, raw_store: RawStore, max_bytes: int | None = None
) -> FetchedDocument:
    """A local file given on the command line, kept in the raw store like a downloaded one."""
    check_local_file(Path(path), max_bytes=max_bytes)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FetchError(Reason.CONNECTION_ERROR, f"cannot read {path}: {exc.strerror or exc}") from exc
    stored = raw_store.put(data)
    source = Path(path).resolve().as_uri()
    repository.register_file(
        sha256=stored.sha256, url=source, size=stored.size, raw_uri=stored.uri,
        content_type=None, etag=None, last_modified=None,
    )
    outcome: IntakeOutcome = "new" if repository.document_state(stored.sha256) is None else "unchanged"
    return FetchedDocument(
        url=source, outcome=outcome, sha256=stored.sha256, raw_uri=stored.uri, size=stored.size
    )
