"""Who may act in the review app: the operator's token, a signed session, CSRF, loopback rules.

* Reading needs nothing: the pages are for anyone who can reach the app (loopback by default).
* Every action (waive, retry, correct) needs the token the operator configured
  (``BUDGET_ETL_REVIEW_TOKEN``): a person signs in once with it and a name (the name goes into
  the audit log); a script sends ``Authorization: Bearer <token>`` and ``X-Review-Actor: <name>``.
* Without a configured token no action is possible, and the app refuses to listen on anything
  but a loopback address.
* Forms carry a CSRF token bound to the session (HMAC of the session under the operator's token),
  and the session cookie is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass

from budget_etl.errors import BudgetEtlError, Reason

SESSION_COOKIE = "budget_etl_review"
SESSION_SECONDS = 12 * 3600


class AccessDenied(BudgetEtlError):
    """A review action without the operator's token, a valid session or a matching CSRF token."""


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_serving(host: str, token: str | None) -> None:
    """Refuse to serve on a non-loopback address without a token: actions would be unprotected."""
    if not is_loopback(host) and not token:
        raise AccessDenied(
            Reason.ACCESS_DENIED,
            f"refusing to listen on {host} without BUDGET_ETL_REVIEW_TOKEN (set one, or serve on 127.0.0.1)",
        )


def _sign(token: str, message: str) -> str:
    return hmac.new(token.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Session:
    actor: str
    cookie: str

    @property
    def csrf_seed(self) -> str:
        return self.cookie


def issue_session(token: str, actor: str, *, now: float | None = None) -> str:
    """The cookie value for a signed-in person: name, expiry and their HMAC under the token."""
    expires = int((now or time.time()) + SESSION_SECONDS)
    name = base64.urlsafe_b64encode(actor.encode("utf-8")).decode("ascii")
    return f"{name}.{expires}.{_sign(token, f'session|{name}|{expires}')}"


def read_session(token: str | None, cookie: str | None, *, now: float | None = None) -> Session | None:
    """The session a cookie proves (None when absent, forged, expired or no token is configured)."""
    if not token or not cookie or cookie.count(".") != 2:
        return None
    name, expires, signature = cookie.split(".")
    if not hmac.compare_digest(signature, _sign(token, f"session|{name}|{expires}")):
        return None
    if not expires.isdigit() or int(expires) < (now or time.time()):
        return None
    try:
        actor = base64.urlsafe_b64decode(name.encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return Session(actor=actor, cookie=cookie)


def csrf_token(token: str, session: Session) -> str:
    return _sign(token, f"csrf|{session.csrf_seed}")


def token_matches(configured: str | None, given: str | None) -> bool:
    return bool(configured) and given is not None and hmac.compare_digest(configured, given)  # type: ignore[arg-type]


def clean_actor(name: str | None) -> str:
    """A person's name for the audit log: printable, trimmed, at most 100 characters."""
    text = "".join(ch for ch in (name or "") if ch.isprintable()).strip()
    if not text:
        raise AccessDenied(Reason.ACCESS_DENIED, "give your name: every action is audited with it")
    return text[:100]
