"""Walking a publisher's site: listing → (下一页 pages) → article → attachment, bounded per run.

Real 预决算公开 columns rarely link PDFs directly: they list article pages, paginate
(``index_1.html``, ``?page=2``, ``下一页``), put the attachments on the article (sometimes in an
iframe) and serve them from ``download.jsp?id=…``. This module decides, link by link, what to
do — take it as an attachment, read it as a page of the same column, read it as an article or a
frame, or leave it — and says *why* for every link, so ``budget-etl sources check`` can show a
person the whole walk before anything is downloaded. The words that decide (预算 / 绩效 / 决算 /
公开, 下一页, download URLs) are the ``links`` vocabulary, not code.

Every page request passes the publisher's host policy (issue 11), robots.txt (Allow/Disallow
and Crawl-delay) and the per-host throttle; a run reads at most ``max_pages`` pages per listing
and follows links at most ``discovery_max_depth`` deep. What the bounds cut off is reported.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from budget_etl.errors import FetchError, Reason
from budget_etl.settings import Settings
from budget_etl.vocabulary import load
from tasks.fetch.attachment import extension_format, url_filename
from tasks.fetch.discover import PageLink, page_links
from tasks.fetch.policy import HostPolicy
from tasks.fetch.robots import Robots
from tasks.fetch.sources import Listing, is_http_url

Role = Literal["listing", "page", "article", "frame"]
Action = Literal["attachment", "page", "article", "frame", "left"]


@dataclass(frozen=True)
class PageResult:
    """A page as read: its HTML (and where it ended up), or why it could not be read."""

    url: str
    html: str | None = None
    final_url: str | None = None
    error: FetchError | None = None
    #: the response was a document, not a page (a link that looked like an article was a file)
    document_format: str | None = None


class PageSource(Protocol):
    """How pages are read: plain HTTP (``HttpPages``) or a headless browser (``BrowserPages``)."""

    def get(self, url: str) -> PageResult: ...


@dataclass(frozen=True)
class LinkDecision:
    """What discovery did with one link, and why: the line ``sources check`` prints."""

    url: str
    found_on: str
    text: str
    action: Action
    why: str

    @property
    def taken(self) -> bool:
        return self.action != "left"

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "found_on": self.found_on, "text": self.text, "action": self.action,
                "taken": self.taken, "why": self.why}


@dataclass(frozen=True)
class FoundAttachment:
    url: str
    found_on: str
    text: str
    format: str  # by extension, or "unknown": decided by the response's bytes at fetch time


@dataclass
class SiteWalk:
    """One listing walked: the attachments found, every link's decision, pages read, failures."""

    listing: str
    attachments: list[FoundAttachment] = field(default_factory=list)
    decisions: list[LinkDecision] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    failures: list[tuple[str, FetchError]] = field(default_factory=list)
    #: what the run's bounds left unread (pages beyond max_pages or max depth), said not dropped
    limits: list[str] = field(default_factory=list)
    #: how each host's robots.txt was read (for ``sources check``)
    robots: list[str] = field(default_factory=list)


@cache
def _vocabulary() -> dict:
    return load("links")


def _matches(patterns: list[str] | tuple[str, ...], text: str) -> str | None:
    for pattern in patterns:
        if re.search(pattern, text, re.IGNORECASE):
            return pattern
    return None


def attachment_reason(link: PageLink) -> tuple[str, str] | None:
    """(format, why) when the link is an attachment by its path, its text or a download URL."""
    path_name = url_filename(link.url)
    fmt = extension_format(path_name)
    if fmt:
        return fmt, f"file extension .{path_name.rsplit('.', 1)[1].lower()} in the path"  # type: ignore[union-attr]
    fmt = extension_format(link.text)
    if fmt:
        return fmt, f"the link text names a .{link.text.rsplit('.', 1)[1].strip().lower()} file"
    pattern = _matches(_vocabulary()["download_url"], unquote(link.url))
    if pattern:
        return "unknown", f"a download URL (matches {pattern!r}); the response decides the format"
    return None


def relevance(link: PageLink, listing: Listing) -> str | None:
    """Why a link is about budget documents (None: it is not), by the listing's patterns or the vocabulary."""
    subject = f"{link.text} {unquote(link.url)}"
    if listing.link_patterns:
        pattern = _matches(listing.link_patterns, subject)
        return f"matches the listing's pattern {pattern!r}" if pattern else None
    word = next((w for w in _vocabulary()["relevant"] if w in link.text), None)
    return f"the text mentions {word}" if word else None


def pagination_reason(link: PageLink, listing: Listing) -> str | None:
    """Why a link is another page of the same column (None: it is not)."""
    vocabulary = _vocabulary()
    if not _same_column(link.url, listing.url):
        return None
    text = link.text.strip()
    if _matches(vocabulary["next_page_text"], text):
        return f"a next-page link ({text})"
    pattern = _matches(vocabulary["page_url"], link.url)
    if pattern and (not text or re.fullmatch(vocabulary["page_number_text"], text) or link.tag != "a"):
        return f"a numbered page of the column (matches {pattern!r})"
    return None


def _same_column(url: str, listing_url: str) -> bool:
    """Same host and under the listing's folder: pages of *this* column, not a neighbour's."""
    here, there = urlsplit(url), urlsplit(listing_url)
    folder = there.path if there.path.endswith("/") else there.path.rsplit("/", 1)[0] + "/"
    return here.netloc == there.netloc and (here.path.startswith(folder) or here.path == there.path)


def classify(
    link: PageLink, *, role: Role, depth: int, listing: Listing, max_depth: int
) -> tuple[Action, str]:
    """What to do with one link on a page of the given role, and why (pure: no I/O)."""
    if not is_http_url(link.url):
        return "left", "not an http(s) link (javascript:/mailto:)"
    if _matches(_vocabulary()["navigation_text"], link.text.strip()):
        return "left", f"page furniture ({link.text.strip()})"
    found = attachment_reason(link)
    if found is not None:
        why = found[1]
        if role in ("listing", "page") and listing.link_patterns and relevance(link, listing) is None:
            return "left", f"an attachment ({why}) not matching the listing's link_patterns"
        return "attachment", why
    if link.tag != "a":
        if depth + 1 > max_depth:
            return "left", f"a frame beyond the depth limit ({max_depth})"
        return "frame", "an embedded frame: read as part of its page"
    if role in ("listing", "page") and listing.pagination:
        why = pagination_reason(link, listing)
        if why is not None:
            return "page", why
    if role in ("listing", "page"):
        why = relevance(link, listing)
        if listing.follow != "article":
            return "left", "a page, not an attachment (this listing takes attachments only: follow: article)"
        if why is None:
            return "left", "a page whose text mentions neither 预算/决算/绩效/公开 nor the listing's patterns"
        if depth + 1 > max_depth:
            return "left", f"an article beyond the depth limit ({max_depth})"
        return "article", why
    return "left", "a page link on an article (only its attachments are taken)"


@dataclass
class Walker:
    """Walks listings with one page source, host policy and robots.txt; waits as robots.txt asks."""

    pages: PageSource
    policy: HostPolicy
    settings: Settings
    robots: Robots | None = None
    sleep: Callable[[float], None] = time.sleep
    #: host → when its last page was requested (shared by the walkers of one publisher)
    clock: dict[str, float] = field(default_factory=dict)
    #: URLs already queued or taken (shared by the walkers of one publisher: one page read once)
    seen: set[str] = field(default_factory=set)
    #: URLs refused (host policy, robots.txt) → why; reported once however often they are linked
    refused: dict[str, str] = field(default_factory=dict)

    def walk(self, listing: Listing) -> SiteWalk:
        walk = SiteWalk(listing=listing.url)
        budget = listing.max_pages or self.settings.discovery_max_pages
        # (url, role, depth, the page that linked it, its link text)
        queue: deque[tuple[str, Role, int, str, str]] = deque([(listing.url, "listing", 0, listing.url, "")])
        seen = self.seen  # pages queued and attachments taken, across the publisher's listings
        if listing.url in seen:
            why = "already reached from an earlier listing of this publisher: read (or bounded) there"
            walk.decisions.append(LinkDecision(listing.url, listing.url, "", "left", why))
            return walk
        seen.add(listing.url)
        while queue:
            url, role, depth, parent, parent_text = queue.popleft()
            if len(walk.pages) >= budget:
                walk.limits.append(f"{url} not read: the limit of {budget} page(s) per run is reached")
                continue
            page = self._read(url, walk)
            if page is None:
                continue
            if page.document_format is not None:  # the "page" was a file: the response decides
                walk.attachments.append(FoundAttachment(url, parent, parent_text, page.document_format))
                continue
            for link in page_links(page.html or "", page.final_url or url):
                action, why = classify(
                    link, role=role, depth=depth, listing=listing, max_depth=self.settings.discovery_max_depth
                )
                if action != "left" and link.url in self.refused:
                    why = f"linked again ({self.refused[link.url]})"
                    walk.decisions.append(LinkDecision(link.url, url, link.text, "left", why))
                    continue
                if action != "left" and link.url in seen:  # decided once, said each time
                    again = LinkDecision(link.url, url, link.text, action, f"linked again ({why})")
                    walk.decisions.append(again)
                    continue
                if action != "left":
                    refusal = self._refusal(link.url)
                    if refusal is not None:
                        walk.failures.append((link.url, refusal))
                        action, why = "left", f"{why}, but {refusal.reason.value}: {refusal.message}"
                        self.refused[link.url] = why
                walk.decisions.append(LinkDecision(link.url, url, link.text, action, why))
                if action == "attachment":
                    seen.add(link.url)
                    fmt = (attachment_reason(link) or ("unknown", ""))[0]
                    walk.attachments.append(FoundAttachment(link.url, url, link.text, fmt))
                elif action in ("page", "article", "frame"):
                    seen.add(link.url)
                    next_role: Role = "page" if action == "page" else action  # type: ignore[assignment]
                    next_depth = depth if action == "page" else depth + 1
                    if action == "frame" and role in ("listing", "page"):
                        next_role = "page"  # a listing's frame is more of the listing
                    queue.append((link.url, next_role, next_depth, url, link.text))
        walk.robots = self.describe_robots()
        return walk

    def describe_robots(self) -> list[str]:
        """One line per host whose robots.txt this walker has read."""
        if self.robots is None:
            return ["robots.txt not consulted (setting obey_robots_txt is off)"]
        return [rules.describe(self.robots.user_agent) for rules in self.robots.hosts.values()]

    def _refusal(self, url: str) -> FetchError | None:
        refusal = self.policy.refusal(url, resolve=False)
        if refusal is None and self.robots is not None:
            refusal = self.robots.refusal(url)
        return refusal

    def _read(self, url: str, walk: SiteWalk) -> PageResult | None:
        if url == walk.listing:  # links were checked when found; the configured listing is checked here
            refusal = self._refusal(url)
            if refusal is not None:
                walk.failures.append((url, refusal))
                return None
        self.wait_turn(url)
        page = self.pages.get(url)
        walk.pages.append(url)
        if page.error is not None or (page.html is None and page.document_format is None):
            error = page.error or FetchError(Reason.HTTP_ERROR, f"{url} returned no page")
            walk.failures.append((url, error))
            return None
        return page

    def wait_turn(self, url: str) -> None:
        """Sleep until the host's Crawl-delay (capped by settings) has passed since its last request."""
        if self.robots is None:
            return
        host = urlsplit(url).netloc
        delay = min(self.robots.crawl_delay(url), self.settings.discovery_max_crawl_delay_s)
        last = self.clock.get(host)
        now = time.monotonic()
        if last is not None and delay > 0 and now < last + delay:
            self.sleep(last + delay - now)
        self.clock[host] = time.monotonic()
