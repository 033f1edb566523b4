"""A real ``prefect server start`` on 127.0.0.1 (UI included) for browser checks, and the browser.

The session's test harness (``tests/plugins/prefect.py``) serves the API only; a person's view is
the UI that ``prefect server start`` serves, so browser checks start that, on a free port, with its
own ``PREFECT_HOME``, and stop it afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

#: Debian's package (``make browser``); Playwright only drives it, never downloads its own
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False"}


def require_browser() -> None:
    """Skip LOUDLY without chromium or Playwright (fail in CI, where ``make test`` installs both)."""
    missing = []
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        missing.append(f"chromium ({CHROMIUM}; `make browser` installs it as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (dev extras)")
    if not missing:
        return
    reason = "BROWSER CHECK NOT RUN: missing " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(reason)
    warnings.warn(reason, stacklevel=2)
    print(f"\n*** {reason} ***", file=sys.stderr)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def prefect_server(home: Path, *, timeout_s: float = 120) -> Iterator[str]:
    """``prefect server start`` on a free 127.0.0.1 port; yields its base URL (UI at /, API at /api)."""
    port = free_port()
    env = {
        **os.environ, **QUIET, "PREFECT_HOME": str(home), "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port), "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (home / "server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"prefect server did not start: {tail}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def chromium_page(width: int = 1440, height: int = 1000) -> Iterator[object]:
    """A Playwright page in Debian's headless chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()
