"""Where a fetch may go: schemes, hosts and addresses — the SSRF guard of the whole fetch stage.

A publisher's server (or whoever controls its listing page) can send us anywhere: a redirect to
``127.0.0.1:<port>/admin``, to port 22, to ``file:///etc/passwd``, to the cloud metadata address.
Three rules hold for every URL we request — the first one, every redirect hop and every link a
listing page offers (discovery calls :meth:`HostPolicy.refusal` too):

1. only ``http`` and ``https``;
2. only the publisher's own host (the origin of the URL it was configured with: same host and
   port) plus hosts configured for it (``host`` = ports 80/443, ``host:port``, ``*.suffix``);
3. never a loopback, private, link-local, multicast or reserved address unless
   ``Settings.http_allow_private_hosts`` says so (the test servers live on 127.0.0.1).

Rule 3 is checked twice: on the resolved addresses before connecting, and on the address the
socket actually connected to (:class:`GuardedBackend`), so DNS rebinding between check and
connect does not get through. The backend also enforces the per-request deadline on every read,
which bounds slow headers that a per-read timeout never catches.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore

from budget_etl.errors import FetchError, Reason

SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class AddressRefused(Exception):
    """Raised inside the transport when a connection would reach a refused address.

    Deliberately not an httpcore/httpx exception, so it passes through httpx unchanged and the
    fetcher can tell a refusal (permanent) from a failed connection (transient).
    """

    def __init__(self, error: FetchError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class Origin:
    host: str
    port: int | None  # None: the default ports of http and https

    def admits(self, host: str, port: int) -> bool:
        if self.host.startswith("*."):
            matches = host == self.host[2:] or host.endswith(self.host[1:])
        else:
            matches = host == self.host
        return matches and (port in _DEFAULT_PORTS.values() if self.port is None else port == self.port)


@dataclass(frozen=True)
class HostPolicy:
    """The hosts one publisher's fetches may reach, and whether private addresses are allowed."""

    origins: tuple[Origin, ...] = ()
    allow_private: bool = False
    #: name → addresses, for tests and for pinning; empty: the system resolver
    resolver: Any = field(default=None, compare=False)

    @classmethod
    def for_urls(
        cls,
        urls: Iterable[str],
        *,
        extra_hosts: Iterable[str] = (),
        allow_private: bool = False,
        resolver: Any = None,
    ) -> HostPolicy:
        """The origins of the publisher's configured URLs plus its extra allowed hosts."""
        origins = [origin_of(u) for u in urls if urlsplit(u).scheme in SCHEMES]
        origins += [parse_host_entry(h) for h in extra_hosts]
        unique = tuple(dict.fromkeys(o for o in origins if o is not None))
        return cls(origins=unique, allow_private=allow_private, resolver=resolver)

    def refusal(self, url: str, *, resolve: bool = True) -> FetchError | None:
        """Why ``url`` must not be requested (a permanent ``redirect_refused``), or None."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            return refused(url, f"the scheme {scheme or '(none)'!r} is not http(s)")
        try:
            host, port = (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            return refused(url, "the port is not a number")
        if not host:
            return refused(url, "the URL has no host")
        if self.origins and not any(o.admits(host, port) for o in self.origins):
            allowed = ", ".join(o.host + (f":{o.port}" if o.port else "") for o in self.origins)
            return refused(url, f"{host}:{port} is not among the publisher's hosts ({allowed})")
        if resolve:
            return self.address_refusal(url, host, port)
        return None

    def address_refusal(self, url: str, host: str, port: int) -> FetchError | None:
        if self.allow_private:
            return None
        try:
            addresses = self._resolve(host, port)
        except OSError:
            return None  # unresolvable: the connection attempt says so with its own reason
        for address in addresses:
            problem = address_problem(address)
            if problem:
                return refused(url, f"{host} resolves to {address}, {problem}")
        return None

    def _resolve(self, host: str, port: int) -> list[str]:
        if self.resolver is not None:
            return list(self.resolver(host))
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def origin_of(url: str) -> Origin | None:
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    port = parts.port
    return Origin(parts.hostname.lower(), None if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else port)


def parse_host_entry(entry: str) -> Origin:
    """``example.gov.cn`` (ports 80/443), ``example.gov.cn:8080``, ``*.example.gov.cn``."""
    text = entry.strip().lower()
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        host, port = text, ""
    if not host:
        raise ValueError(f"not a host entry: {entry!r}")
    return Origin(host, int(port) if port else None)


def address_problem(address: str) -> str | None:
    """What is wrong with connecting to ``address`` from a crawler, or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped or ip
    for flag, name in (
        ("is_loopback", "a loopback address"), ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"), ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"), ("is_private", "a private address"),
    ):
        if getattr(ip, flag):
            return name
    return None


def refused(url: str, why: str) -> FetchError:
    return FetchError(Reason.REDIRECT_REFUSED, f"refused to fetch {url}: {why}", url=url, transient=False)


# ---- the transport: the connected address and the request deadline, enforced per socket -------

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("fetch_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Every socket read in this block gives up at monotonic time ``at`` (headers included)."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class DeadlineExceeded(httpcore.ReadTimeout):
    """The request's total deadline passed (a subclass, so httpx maps it to ``ReadTimeout``)."""


class _GuardedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _GuardedStream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _bounded(timeout: float | None) -> float | None:
    at = _DEADLINE.get()
    if at is None:
        return timeout
    remaining = at - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded("the request's total deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, refusing connections that landed on a refused address."""

    def __init__(self, policy: HostPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _bounded(timeout), local_address, socket_options)
        peer = stream.get_extra_info("server_addr")
        problem = None if self.policy.allow_private or not peer else address_problem(str(peer[0]))
        if problem:
            stream.close()
            raise AddressRefused(refused(f"{host}:{port}", f"the connection reached {peer[0]}, {problem}"))
        return _GuardedStream(stream)

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressRefused(refused("unix socket", "unix sockets are never fetched"))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
