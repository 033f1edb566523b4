"""Content sniffing at fetch time: is the body a document at all?

Publishers answer a missing attachment with a 200 and an HTML error page surprisingly often,
and Content-Type headers lie both ways, so the decision is made on the bytes. Anything that
looks like a document (PDF, or an office format the extractor will record as unsupported) goes
on to extraction; an HTML page or an empty body is a fetch failure.
"""

from __future__ import annotations

from budget_etl.errors import FetchError, Reason

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<title")


def sniff(data: bytes) -> str:
    """The format of a payload by content: the extractor's sniffer when present, a fallback otherwise."""
    try:
        from tasks.extract.sniff import sniff_format
    except ImportError:  # the extractor package is optional at fetch time
        return _fallback_sniff(data)
    return sniff_format(data)


def check_payload(data: bytes, url: str) -> FetchError | None:
    """Why this body is not a document (None: it is one, or an office file for extraction to record)."""
    fmt = sniff(data)
    if fmt == "empty":
        return FetchError(Reason.EMPTY_FILE, f"{url} returned an empty body")
    if fmt == "html" or (fmt == "unknown" and _looks_like_html(data)):
        return FetchError(
            Reason.NOT_PDF,
            f"{url} returned an HTML page instead of a document: {_snippet(data)!r}",
            format="html",
        )
    if fmt == "unknown":
        return FetchError(Reason.NOT_PDF, f"{url} returned bytes that are no known document format")
    return None


def _fallback_sniff(data: bytes) -> str:
    head = data[:1024].lstrip()
    if not data.strip():
        return "empty"
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if b"xl/" in data[:4096] else "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return "html" if _looks_like_html(data) else "unknown"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return any(marker in head for marker in _HTML_MARKERS)


def _snippet(data: bytes, limit: int = 120) -> str:
    text = data[:2048].decode("utf-8", errors="replace")
    return " ".join(text.split())[:limit]
