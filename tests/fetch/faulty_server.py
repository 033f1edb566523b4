"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, for the fetch fault matrix.

Each path plays a *script*: a list of behaviours, one per request, the last one repeating
(``[Status(500), Serve(pdf)]`` = "500 then success"). Tests can re-script a path mid-test
(the publisher "fixes" a document) and read how often each path was hit.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar


@dataclass(frozen=True)
class Serve:
    """200 with a body, ETag (content hash) and Last-Modified; honours conditional GET with 304."""

    body: bytes
    content_type: str = "application/pdf"
    conditional: bool = True


@dataclass(frozen=True)
class Status:
    code: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sleep:
    """Answer nothing for ``seconds`` (longer than the client's timeout), then close."""

    seconds: float


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (shorter than the client's timeout), then serve ``then``."""

    seconds: float
    then: Serve


@dataclass(frozen=True)
class Call:
    """Run ``action`` (e.g. take the database away) when the request arrives, then serve ``then``."""

    action: Callable[[], None]
    then: Serve


@dataclass(frozen=True)
class Reset:
    """Drop the connection with a TCP RST before any response."""


@dataclass(frozen=True)
class Truncate:
    """Promise ``len(body)`` bytes, send only ``keep`` of them, then close."""

    body: bytes
    keep: int


@dataclass(frozen=True)
class Redirect:
    location: str
    code: int = 302


@dataclass(frozen=True)
class Huge:
    """Claim (or just stream) ``size`` bytes of PDF-looking data."""

    size: int
    announce_length: bool = True


@dataclass(frozen=True)
class Trickle:
    """200 with an honest Content-Length, then the body ``chunk`` bytes every ``interval`` seconds."""

    body: bytes
    interval: float
    chunk: int = 1


@dataclass(frozen=True)
class SlowHeaders:
    """The status line, then the header block one byte every ``interval`` seconds (never a body)."""

    interval: float
    length: int = 10_000


Behaviour = Serve | Status | Sleep | Delay | Call | Reset | Truncate | Redirect | Huge | Trickle | SlowHeaders

LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


class FaultyServer:
    """``with FaultyServer() as server: server.script("/a.pdf", Status(500), Serve(data))``."""

    def __init__(self) -> None:
        self._scripts: dict[str, list[Behaviour]] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.request_headers: dict[str, list[dict[str, str]]] = defaultdict(list)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        handler = type("Handler", (_Handler,), {"server_state": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def script(self, path: str, *behaviours: Behaviour) -> str:
        """Set what ``path`` does from now on; returns its absolute URL."""
        with self._lock:
            self._scripts[path] = list(behaviours)
        return self.url(path)

    def next_behaviour(self, path: str, headers: dict[str, str]) -> Behaviour | None:
        with self._lock:
            self.hits[path] += 1
            self.request_headers[path].append(headers)
            script = self._scripts.get(path)
            if not script:
                return None
            return script.pop(0) if len(script) > 1 else script[0]

    def enter_request(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave_request(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def __enter__(self) -> FaultyServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_state: ClassVar[FaultyServer]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        return

    def do_GET(self) -> None:
        self.server_state.enter_request()
        try:
            self._answer()
        finally:
            self.server_state.leave_request()

    def do_POST(self) -> None:  # a scripted API endpoint (a busy Prefect API): the body is read, unused
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def _answer(self) -> None:
        path = self.path.split("?", 1)[0]
        behaviour = self.server_state.next_behaviour(path, {k.lower(): v for k, v in self.headers.items()})
        if behaviour is None:
            self._send(404, b"not found", "text/plain")
        elif isinstance(behaviour, Serve):
            self._serve(behaviour)
        elif isinstance(behaviour, Status):
            self._send(behaviour.code, behaviour.body, "text/html", behaviour.headers)
        elif isinstance(behaviour, Sleep):
            time.sleep(behaviour.seconds)
            self.close_connection = True
        elif isinstance(behaviour, Delay):
            time.sleep(behaviour.seconds)
            self._serve(behaviour.then)
        elif isinstance(behaviour, Call):
            behaviour.action()
            self._serve(behaviour.then)
        elif isinstance(behaviour, Reset):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif isinstance(behaviour, Truncate):
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(behaviour.body)))
            self.end_headers()
            self.wfile.write(behaviour.body[: behaviour.keep])
            self.wfile.flush()
            self.close_connection = True
        elif isinstance(behaviour, Redirect):
            self._send(behaviour.code, b"", "text/plain", {"Location": behaviour.location})
        elif isinstance(behaviour, Huge):
            self._huge(behaviour)
        elif isinstance(behaviour, Trickle | SlowHeaders):
            self._slowly(behaviour)

    def _slowly(self, behaviour: Trickle | SlowHeaders) -> None:
        """Stay just alive: a byte at a time, until the client hangs up (it should, on its deadline)."""
        try:
            if isinstance(behaviour, SlowHeaders):
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(behaviour.length):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(behaviour.interval)
            else:
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(behaviour.body)))
                self.end_headers()
                for at in range(0, len(behaviour.body), behaviour.chunk):
                    self.wfile.write(behaviour.body[at: at + behaviour.chunk])
                    self.wfile.flush()
                    time.sleep(behaviour.interval)
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True

    def _serve(self, behaviour: Serve) -> None:
        etag = '"' + hashlib.sha256(behaviour.body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if behaviour.conditional and self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, headers)
            return
        self._send(200, behaviour.body, behaviour.content_type, headers)

    def _huge(self, behaviour: Huge) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        if behaviour.announce_length:
            self.send_header("Content-Length", str(behaviour.size))
        self.end_headers()
        chunk = b"%PDF-1.7\n" + b"0" * 65527
        sent = 0
        try:
            while sent < behaviour.size:
                piece = chunk[: behaviour.size - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True

    def _send(
        self, code: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
