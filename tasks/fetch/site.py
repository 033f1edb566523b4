"""Discovery of one publisher's site: its listings walked with the right page source, robots.txt
and host policy — the one entry point shared by the ``ingest`` flow and ``budget-etl sources check``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from budget_etl.settings import Settings
from tasks.fetch.browser import BrowserPages
from tasks.fetch.crawl import PageSource, SiteWalk, Walker
from tasks.fetch.fetcher import Attempt, Fetcher
from tasks.fetch.pages import HttpPages, Throttle
from tasks.fetch.policy import HostPolicy
from tasks.fetch.politeness import ask_for_delay, host_of
from tasks.fetch.robots import Robots
from tasks.fetch.sources import Publisher


def walk_publisher(
    publisher: Publisher,
    *,
    fetcher: Fetcher,
    policy: HostPolicy,
    throttle: Throttle | None = None,
    log: Callable[[str, list[Attempt]], None] | None = None,
    settings: Settings | None = None,
) -> list[SiteWalk]:
    """Walk every listing of ``publisher`` (HTTP or browser, as each listing says), in order.

    robots.txt is read once per host through the same fetcher; one Crawl-delay clock per host
    and one set of seen URLs span all the publisher's listings, whichever page source reads them
    (two columns listing the same article read it once).
    """
    settings = settings or fetcher.settings
    http = HttpPages(fetcher, policy, throttle, log)
    robots = Robots(http.fetch, settings.user_agent) if settings.obey_robots_txt else None
    walks: list[SiteWalk] = []
    clock: dict[str, float] = {}
    seen: set[str] = set()
    refused: dict[str, str] = {}
    with ExitStack() as stack:
        browser: BrowserPages | None = None
        for listing in publisher.listings:
            pages: PageSource = http
            if listing.render == "browser":
                if browser is None:
                    browser = BrowserPages(
                        policy, settings.user_agent, timeout_s=settings.http_deadline_s,
                        executable=settings.browser_executable,
                    )
                    stack.callback(browser.close)
                pages = browser
            walker = Walker(pages, policy, settings, robots, clock=clock, seen=seen, refused=refused)
            walks.append(walker.walk(listing))
    if robots is not None:  # the attachment fetches that follow keep to each host's Crawl-delay too
        for where, rules in robots.hosts.items():
            delay = min(rules.crawl_delay(settings.user_agent), settings.discovery_max_crawl_delay_s)
            ask_for_delay(host_of(where), delay)
    return walks
