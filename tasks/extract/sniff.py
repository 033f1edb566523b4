"""Say what a file is from its first bytes — never from its name or a Content-Type header.

Servers mislabel files (an HTML error page served as ``.pdf``, a DOCX named ``.pdf``); the
fetch stage and the extractor both decide by content so a mislabelled file fails with the
right reason instead of a parser traceback.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from io import BytesIO
from pathlib import Path

from budget_etl.errors import BudgetEtlError, ExtractError, Reason

FORMATS = ("pdf", "docx", "xlsx", "doc", "xls", "html", "empty", "unknown")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html|<!--)", re.I)
#: a PDF header may follow a little junk; readers accept it within the first KiB
_PDF_WINDOW = 1024


def sniff_format(data: bytes) -> str:
    """Return one of :data:`FORMATS` for ``data``."""
    if not data or not data.strip():
        return "empty"
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    if _HTML_START.match(data[:_PDF_WINDOW].lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "unknown"


def _sniff_zip(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return "unknown"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "unknown"


def _sniff_ole(data: bytes) -> str:
    """Word and Excel 97-2003 share the OLE container; their stream names tell them apart."""
    head = data[: 1 << 20]
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return "unknown"


def check_regular_file(path: Path, error: type[BudgetEtlError] = ExtractError) -> int:
    """The size of ``path`` if it is a regular file; a FIFO, device or directory is refused up front.

    Opening a FIFO blocks until a writer comes, and ``/dev/zero`` reads forever: both must be
    refused from ``stat`` alone, before anything is opened or read.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise error(Reason.FILE_NOT_FOUND, f"{path} does not exist", path=str(path)) from exc
    except OSError as exc:
        raise error(Reason.NOT_PDF, f"cannot read {path}: {exc.strerror or exc}", path=str(path)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise error(
            Reason.SPECIAL_FILE, f"{path} is {_kind_of(info.st_mode)}, not a regular file",
            path=str(path), kind=_kind_of(info.st_mode),
        )
    if not os.access(path, os.R_OK):
        raise error(Reason.NOT_PDF, f"cannot read {path}: permission denied", path=str(path))
    return info.st_size


def _kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"
