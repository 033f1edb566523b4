"""A local publisher on 127.0.0.1 shaped like a real government site, for the discovery tests.

Routes are ``path?query`` → ``Page`` (status, headers, body) and can be changed while it runs (a
corrected re-upload). Every request is logged with its arrival time, so tests can say exactly
what was fetched, how often, and how far apart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def html(title: str, body: str, *, charset: str = "utf-8") -> Page:
    text = (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )
    return Page(text.encode(charset), content_type=f"text/html; charset={charset}")


def gbk_disposition(name: str) -> str:
    """``filename="…"`` with the name's raw GBK bytes, as many Chinese CMSs send it."""
    return 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"'


class SiteServer:
    def __init__(self, routes: dict[str, Page] | None = None) -> None:
        self.routes: dict[str, Page] = dict(routes or {})
        self.log: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"site": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def requested(self) -> list[str]:
        with self._lock:
            return [path for path, _ in self.log]

    def times(self) -> list[float]:
        with self._lock:
            return [at for _, at in self.log]

    def record(self, path: str) -> Page | None:
        with self._lock:
            self.log.append((path, time.monotonic()))
            return self.routes.get(path)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    site: ClassVar[SiteServer]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        page = self.site.record(self.path)
        if page is None:
            page = Page(b"<html><body>404 Not Found</body></html>", status=404)
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(page.body)
