"""robots.txt: may this crawler fetch a URL, and how long must it wait between requests to a host.

The rules are read with the standard library's ``urllib.robotparser`` but fetched through the
project's own :class:`~tasks.fetch.fetcher.Fetcher`, so the robots.txt request obeys the same host
policy, deadlines and fetch log as every other request (``RobotFileParser.read`` would open its
own unguarded connection). What a missing or broken robots.txt means follows RFC 9309: a 4xx
(no file) allows everything; a 5xx or no answer at all means the site cannot say, so nothing is
fetched from it this run — and that is reported, never silent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from budget_etl.errors import FetchError, Reason
from tasks.fetch.fetcher import FetchResult, decode_html

#: a robots.txt larger than this is read up to here (RFC 9309 asks for at least 500 KiB)
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass
class HostRules:
    """One host's robots.txt as this crawler reads it."""

    robots_url: str
    parser: RobotFileParser | None  # None: no robots.txt (everything allowed)
    unreachable: FetchError | None = None  # robots.txt could not be read: nothing is allowed
    text: str = ""

    def refusal(self, url: str, user_agent: str) -> FetchError | None:
        """Why robots.txt forbids ``url`` (``robots_disallowed``), or None."""
        if self.unreachable is not None:
            return FetchError(
                Reason.ROBOTS_DISALLOWED,
                f"{url} not fetched: {self.robots_url} could not be read "
                f"({self.unreachable.reason.value}: {self.unreachable.message}), so its rules are unknown",
                robots_url=self.robots_url,
            )
        if self.parser is not None and not self.parser.can_fetch(user_agent, url):
            return FetchError(
                Reason.ROBOTS_DISALLOWED, f"{self.robots_url} disallows {url} for crawlers",
                robots_url=self.robots_url,
            )
        return None

    def describe(self, user_agent: str) -> str:
        """One line for ``sources check``: how this host's robots.txt was read."""
        if self.unreachable is not None:
            return f"{self.robots_url}: unreadable ({self.unreachable.reason.value}): nothing fetched from it"
        if self.parser is None:
            return f"{self.robots_url}: none (4xx): everything allowed, no Crawl-delay"
        delay = self.crawl_delay(user_agent)
        return f"{self.robots_url}: rules read" + (f"; Crawl-delay {delay:g} s" if delay else "")

    def crawl_delay(self, user_agent: str) -> float:
        """Seconds between requests the site asks for (0: it asks for none)."""
        if self.parser is None:
            return 0.0
        delay = crawl_delay_of(self.text, user_agent)  # robotparser reads whole seconds only
        if delay is None:
            rate = self.parser.request_rate(user_agent)
            return rate.seconds / rate.requests if rate and rate.requests else 0.0
        return delay


def crawl_delay_of(text: str, user_agent: str) -> float | None:
    """``Crawl-delay`` (seconds, fractions allowed) of the group for ``user_agent``, else of ``*``."""
    token = user_agent.split("/", 1)[0].lower()
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
            continue
        in_rules = True
        if key == "crawl-delay":
            try:
                seconds = max(0.0, float(value))
            except ValueError:
                continue
            for agent in agents:
                delays.setdefault(agent, seconds)
    own = next((d for agent, d in delays.items() if agent != "*" and agent in token), None)
    return own if own is not None else delays.get("*")


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def rules_from(result: FetchResult, url: str) -> HostRules:
    """A host's rules from the fetch of its robots.txt (RFC 9309's reading of each outcome)."""
    if result.data is not None:
        parser = RobotFileParser(url)
        text = decode_html(result.data[:MAX_ROBOTS_BYTES], result.content_type)
        parser.parse(text.splitlines())
        return HostRules(url, parser, text=text)
    status = (result.error.evidence.get("status") if result.error else None) or 0
    if 400 <= status < 500:
        return HostRules(url, None)
    return HostRules(url, None, unreachable=result.error)


@dataclass
class Robots:
    """robots.txt per host for one discovery run, each read once (``fetch`` is the project's fetch)."""

    fetch: Callable[[str], FetchResult]
    user_agent: str
    hosts: dict[str, HostRules] = field(default_factory=dict)

    def rules(self, url: str) -> HostRules:
        where = robots_url(url)
        if where not in self.hosts:
            self.hosts[where] = rules_from(self.fetch(where), where)
        return self.hosts[where]

    def refusal(self, url: str) -> FetchError | None:
        return self.rules(url).refusal(url, self.user_agent)

    def crawl_delay(self, url: str) -> float:
        return self.rules(url).crawl_delay(self.user_agent)
