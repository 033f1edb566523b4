"""Discovery's reading of one HTML page: its links, and which of them are documents by their path.

Listing pages are hand-made HTML from many content-management systems, so this reads every
``<a href>`` (and every ``<iframe src>`` / ``<frame src>``, where article bodies often live) with
the standard-library parser (tolerant of broken markup) and resolves relative links against the
page URL. :func:`discover_links` keeps those whose path ends in a document extension; how a
whole site is walked (pages, articles, attachments served without an extension) is
``tasks.fetch.crawl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from tasks.fetch.sources import is_http_url

#: extension → format; every one is fetched and handed to the extractor, which picks its reader by
#: the bytes (``tasks.extract.readers``), so a link's extension is only a hint for the reviewer
DOCUMENT_EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".doc": "doc",
    ".docx": "docx",
    ".xls": "xls",
    ".xlsx": "xlsx",
}


#: formats the extractor has a reader for (PDF text layer / OCR, and the Office originals)
READABLE_FORMATS = frozenset(DOCUMENT_EXTENSIONS.values())


@dataclass(frozen=True)
class DiscoveredLink:
    url: str
    format: str  # one of DOCUMENT_EXTENSIONS' values, or "unknown" (decided by the response's bytes)
    text: str  # the link text, for the reviewer
    found_on: str | None = None  # the page the link was on (None: configured directly)

    @property
    def supported(self) -> bool:
        """A reader exists for the format its path names (``doc`` needs LibreOffice at extraction;
        ``unknown`` is decided by the response's bytes, so it is not claimed here)."""
        return self.format in READABLE_FORMATS


@dataclass(frozen=True)
class PageLink:
    """One link on a page: an anchor's or a frame's target, absolute, with its text."""

    url: str
    text: str
    tag: str  # "a" | "iframe" | "frame"


class _AnchorCollector(HTMLParser):
    """Collects (href, text) of every anchor, plus the page's <base href> if any."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.frames: list[str] = []
        self.base: str | None = None
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"].strip()
        elif tag in ("iframe", "frame") and values.get("src", "").strip():
            self.frames.append(values["src"].strip())
        elif tag == "a":
            self._flush()
            self._href = values.get("href", "").strip() or None
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._flush()

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        if self._href is not None:
            self.anchors.append((self._href, " ".join("".join(self._text).split())))
        self._href = None
        self._text = []


def classify_link(url: str) -> str | None:
    """The document format a URL points at, by its path's extension (None: not a document)."""
    path = unquote(urlsplit(url).path).lower()
    for extension, fmt in DOCUMENT_EXTENSIONS.items():
        if path.endswith(extension):
            return fmt
    return None


def normalise_url(url: str) -> str:
    """Drop the fragment so one document linked twice (``a.pdf#page=2``) is fetched once."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def discover_links(html: str, page_url: str) -> list[DiscoveredLink]:
    """Document links on a listing page, absolute, de-duplicated, in page order."""
    parser = _AnchorCollector()
    parser.feed(html)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: dict[str, DiscoveredLink] = {}
    for href, text in parser.anchors:
        if href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = normalise_url(urljoin(base, href))
        if not is_http_url(url):
            continue
        fmt = classify_link(url)
        if fmt is not None and url not in found:
            found[url] = DiscoveredLink(url=url, format=fmt, text=text)
    return list(found.values())


def page_links(html: str, page_url: str) -> list[PageLink]:
    """Every link of a page (anchors, then frames), absolute, first occurrence kept."""
    parser = _AnchorCollector()
    parser.feed(html)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: dict[str, PageLink] = {}
    targets = [(href, text, "a") for href, text in parser.anchors]
    targets += [(src, "", "iframe") for src in parser.frames]
    for href, text, tag in targets:
        if href.startswith("#"):
            continue  # a place on this same page
        # javascript:/mailto: links are kept as written, so a dry run can say why they were left
        url = normalise_url(urljoin(base, href)) if is_http_url(urljoin(base, href)) else href
        if url not in found:
            found[url] = PageLink(url=url, text=text, tag=tag)
    return list(found.values())
