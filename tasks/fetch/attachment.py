"""What an attachment is, from its response and its link: file name, format, kind and year guesses.

Publishers serve attachments from ``download.jsp?id=…`` or ``/attach/…?fileId=…``: the URL says
nothing, the name is only in ``Content-Disposition`` — as RFC 5987 ``filename*=UTF-8''…``, as
raw GBK bytes in ``filename="…"`` (httpx hands those over as Latin-1 text), or percent-encoded —
and the format is only in the bytes. So the format comes from the body (``payload.sniff``), the
name from the header (or the URL path), and the kind and year are *guesses* from the name and the
link text, recorded with the file for the reviewer; extraction has the last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from budget_etl.vocabulary import load

_EXTENDED = re.compile(r"""filename\*\s*=\s*([^';\s]*)'[^']*'([^;\s]+)""", re.IGNORECASE)
_QUOTED = re.compile(r'''(?<![\w*])filename\s*=\s*"((?:[^"\\]|\\.)*)"''', re.IGNORECASE)
_TOKEN = re.compile(r"""(?<![\w*])filename\s*=\s*([^;"\s][^;]*)""", re.IGNORECASE)


@dataclass(frozen=True)
class Guess:
    """Kind and budget year as a link text or file name suggests them (None: it does not say)."""

    kind: str | None
    year: int | None


#: extensions of server scripts: ``download.jsp`` in a URL names the program, not the file
_SCRIPT_EXTENSIONS = frozenset({"jsp", "asp", "aspx", "php", "do", "action", "cgi", "html", "htm", "shtml"})


def _cjk_share(text: str) -> int:
    """How many characters are CJK ideographs or CJK punctuation / full-width forms."""
    return sum(
        "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" for c in text
    )


def decode_name_bytes(raw: bytes) -> str | None:
    """Bytes of a file name in UTF-8 or GBK, told apart by which reading is Chinese.

    Almost any bytes decode as GB18030, and short GBK names are often valid UTF-8 by accident
    (``一`` = ``d2 bb`` = Cyrillic ``һ``), so "it decodes" is not enough: valid UTF-8 wins when it
    is ASCII or has CJK in it, else a GB18030 reading that has CJK in it, else whatever decodes.
    """
    readings: dict[str, str] = {}
    for encoding in ("utf-8", "gb18030"):
        try:
            readings[encoding] = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    utf8, gbk = readings.get("utf-8"), readings.get("gb18030")
    if utf8 is not None and (utf8.isascii() or _cjk_share(utf8)):
        return utf8
    if gbk is not None and _cjk_share(gbk):
        return gbk
    return utf8 or gbk


def recover_text(value: str) -> str:
    """Header text as the server meant it: raw UTF-8/GBK bytes that arrived decoded as Latin-1."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value  # already real Unicode
    return decode_name_bytes(raw) or value


def _percent_decoded(text: str, charset: str = "utf-8") -> str:
    if "%" not in text:
        return text
    raw = unquote_to_bytes(text)
    if charset and charset not in ("utf-8", "utf8"):
        try:
            return raw.decode(charset)  # RFC 5987 names its charset (gbk, gb2312, iso-8859-1 …)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_name_bytes(raw) or text


def disposition_filename(header: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives (RFC 5987 first), decoded; None if none."""
    if not header:
        return None
    extended = _EXTENDED.search(header)
    if extended:
        name = _percent_decoded(extended.group(2), extended.group(1).lower() or "utf-8")
    else:
        plain = _QUOTED.search(header) or _TOKEN.search(header)
        if not plain:
            return None
        # strip only ASCII blanks before decoding: a GBK lead byte 0xA0 reads as NBSP in Latin-1
        name = _percent_decoded(recover_text(plain.group(1).replace('\\"', '"').strip(" \t")))
    name = PurePosixPath(name.replace("\\", "/")).name.strip()  # never a path: "../../x.pdf" → "x.pdf"
    return name or None


def url_filename(url: str) -> str | None:
    """The last path segment of a URL when it looks like a file name (has an extension)."""
    segment = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    if "." not in segment.strip("."):
        return None
    return None if segment.rsplit(".", 1)[1].lower() in _SCRIPT_EXTENSIONS else segment


def file_name(url: str, content_disposition: str | None) -> str | None:
    """The name a downloaded file goes by: the header's, else the URL's."""
    return disposition_filename(content_disposition) or url_filename(url)


@cache
def _vocabulary() -> dict:
    return load("links")


def extension_format(name: str | None) -> str | None:
    """The document format a file name's extension names (None: none, or not a document)."""
    if not name or "." not in name:
        return None
    extension = name.rsplit(".", 1)[1].strip().lower()
    return _vocabulary()["document_extensions"].get(extension)


def guess(*texts: str | None) -> Guess:
    """Kind and year from link texts and file names, the first text that says wins for each."""
    vocabulary = _vocabulary()
    kind = year = None
    for text in filter(None, texts):
        if kind is None:
            kind = next(
                (entry["kind"] for entry in vocabulary["kinds"] if any(p in text for p in entry["patterns"])),
                None,
            )
        if year is None:
            match = re.search(vocabulary["year"], text)
            year = int(match.group(1)) if match else None
    return Guess(kind=kind, year=year)
