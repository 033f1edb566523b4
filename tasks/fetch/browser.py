"""Reading a JavaScript-rendered listing with a headless browser, behind the ``PageSource`` interface.

Provincial 预决算公开 platforms build their lists in the browser, so the HTML the server sends has
no links at all. For a listing marked ``render: browser`` the page is opened in Debian's Chromium
(``/usr/bin/chromium``, driven by Playwright — never a downloaded browser build), the scripts run
until the network is idle, and the rendered DOM is read like any other page. Every request the
page makes passes the publisher's host policy (a script cannot send the browser elsewhere).
Without Playwright or Chromium the listing is *reported* (``browser_unavailable``), never
skipped silently; attachments found on it are still downloaded by the ordinary fetcher.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budget_etl.errors import FetchError, Reason
from tasks.fetch.crawl import PageResult
from tasks.fetch.policy import HostPolicy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
)


def chromium_path(configured: Path | None = None) -> Path | None:
    """The Chromium executable to drive: the configured one, else Debian's (None: none here)."""
    if configured is not None:
        return Path(configured) if Path(configured).exists() else None
    found = shutil.which("chromium")
    return CHROMIUM if CHROMIUM.exists() else (Path(found) if found else None)


def browser_problem(configured: Path | None = None) -> str | None:
    """Why pages cannot be rendered here (None: they can)."""
    missing = []
    if chromium_path(configured) is None:
        missing.append(f"Chromium ({configured or CHROMIUM}; `make browser` or `apt-get install chromium`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -c constraints.txt playwright)")
    return " and ".join(missing) or None


@dataclass
class BrowserPages:
    """Rendered pages from one headless Chromium, started on first use; ``close`` ends it."""

    policy: HostPolicy
    user_agent: str
    timeout_s: float = 30.0
    executable: Path | None = None
    _session: Any = field(default=None, repr=False)
    _browser: Any = field(default=None, repr=False)

    def get(self, url: str) -> PageResult:
        problem = browser_problem(self.executable)
        if problem is not None:
            return PageResult(url=url, error=FetchError(
                Reason.BROWSER_UNAVAILABLE, f"{url} needs a browser (render: browser); missing {problem}",
            ))
        refusal = self.policy.refusal(url)
        if refusal is not None:
            return PageResult(url=url, error=refusal)
        try:
            return self._render(url)
        except Exception as exc:  # a browser crash or timeout is this page's failure, not the run's
            message = " ".join(str(exc).split())[:300]
            return PageResult(url=url, error=FetchError(
                Reason.FETCH_TIMEOUT if "Timeout" in type(exc).__name__ else Reason.CONNECTION_ERROR,
                f"the browser could not render {url}: {message}", transient=True,
            ))

    def _render(self, url: str) -> PageResult:
        browser = self._start()
        context = browser.new_context(user_agent=self.user_agent, service_workers="block")
        try:
            context.route("**/*", self._guard)
            page = context.new_page()
            page.goto(url, wait_until="networkidle", timeout=self.timeout_s * 1000)
            return PageResult(url=url, final_url=page.url, html=page.content())
        finally:
            context.close()

    def _guard(self, route: Any) -> None:
        """Every request the page makes (scripts, XHR, frames) stays on the publisher's hosts."""
        if self.policy.refusal(route.request.url) is not None:
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _start(self) -> Any:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._session = sync_playwright().start()
            self._browser = self._session.chromium.launch(
                executable_path=str(chromium_path(self.executable)), args=list(CHROMIUM_ARGS)
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._session is not None:
            self._session.stop()
            self._session = None
