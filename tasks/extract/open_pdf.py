"""Open a file as a PDF, or say precisely why it cannot be read.

Every way a file can be unreadable ends here as an ``ExtractError`` with a reason code:
not a PDF at all (by content, see :mod:`sniff`), a recognised office format, an empty or
truncated file, a corrupt or encrypted PDF, too many pages. Exceptions from pdfminer never
escape: they become ``CORRUPT_PDF`` with the original message as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from io import BytesIO
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from budget_etl.errors import ExtractError, Reason
from tasks.extract.settings import ExtractSettings
from tasks.extract.sniff import sniff_format

_OFFICE = {"docx": "DOCX", "xlsx": "XLSX", "doc": "DOC", "xls": "XLS"}


def check_bytes(data: bytes, settings: ExtractSettings) -> None:
    """Reject, by content, anything that is not a complete PDF file."""
    check_size(len(data), settings)
    kind = sniff_format(data)
    if kind == "empty":
        raise ExtractError(Reason.EMPTY_FILE, "the file is empty", size=len(data))
    if kind in _OFFICE:
        raise ExtractError(
            Reason.UNSUPPORTED_FORMAT,
            f"the file is a {_OFFICE[kind]} document, not a PDF; only PDF is extracted",
            detected=kind,
        )
    if kind != "pdf":
        what = "an HTML page" if kind == "html" else "not a PDF (no %PDF- header)"
        raise ExtractError(Reason.NOT_PDF, f"the file is {what}", detected=kind, head=_head(data))
    if b"%%EOF" not in data[-settings.eof_window:]:
        raise ExtractError(
            Reason.TRUNCATED_PDF,
            "the PDF ends without its %%EOF trailer: the file is truncated",
            size=len(data),
        )


def check_size(size: int, settings: ExtractSettings) -> None:
    if size > settings.max_bytes:
        raise ExtractError(
            Reason.FILE_TOO_LARGE,
            f"the file has {size} bytes, more than the limit of {settings.max_bytes}",
            size=size, max_bytes=settings.max_bytes,
        )


@contextmanager
def open_pdf(data: bytes, settings: ExtractSettings) -> Iterator[Any]:
    """Open checked bytes with pdfplumber; password / syntax failures become ``ExtractError``."""
    check_bytes(data, settings)
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except PdfminerException as exc:
        raise classify_open_error(exc.args[0] if exc.args else exc, data) from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise classify_open_error(exc, data) from exc
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise ExtractError(Reason.CORRUPT_PDF, "the PDF cannot be parsed", error=_describe(exc)) from exc
    try:
        yield pdf
    finally:
        close_quietly(pdf)


def close_quietly(pdf: Any) -> None:
    """Closing a damaged PDF can raise again; that must not replace the reason already raised."""
    with suppress(Exception):  # the document's own error (or result) is what the caller needs
        pdf.close()


def count_pages(pdf: Any, settings: ExtractSettings) -> int:
    try:
        pages = len(pdf.pages)
    except PdfminerException as exc:
        raise ExtractError(Reason.CORRUPT_PDF, "the PDF page tree cannot be read",
                           error=_describe(exc.args[0] if exc.args else exc)) from exc
    except Exception as exc:
        raise ExtractError(
            Reason.CORRUPT_PDF, "the PDF page tree cannot be read", error=_describe(exc)
        ) from exc
    if pages == 0:
        raise ExtractError(Reason.CORRUPT_PDF, "the PDF has no pages")
    if pages > settings.max_pages:
        raise ExtractError(
            Reason.TOO_MANY_PAGES,
            f"the PDF has {pages} pages, more than the limit of {settings.max_pages}",
            page_count=pages, max_pages=settings.max_pages,
        )
    return pages


def classify_open_error(exc: BaseException, data: bytes | None = None) -> ExtractError:
    """Password problems are ``encrypted_pdf`` only when the /Encrypt dictionary is a real one.

    A garbage ``/Encrypt`` (not a dictionary, no /Filter, no /O and /U keys) makes pdfminer ask
    for a password too; that file is damaged, not protected.
    """
    passwordish = isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(exc).lower()
    if passwordish and (data is None or has_real_encrypt_dict(data)):
        return ExtractError(Reason.ENCRYPTED_PDF, "the PDF is encrypted and needs a password",
                            error=_describe(exc))
    if passwordish:
        return ExtractError(Reason.CORRUPT_PDF, "the PDF's /Encrypt dictionary is malformed",
                            error=_describe(exc))
    return ExtractError(Reason.CORRUPT_PDF, "the PDF cannot be parsed", error=_describe(exc))


def has_real_encrypt_dict(data: bytes) -> bool:
    """Whether the trailer's /Encrypt is a dictionary with a filter name (and, if Standard, /O and /U)."""
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        encryption = _TrailerOnly(PDFParser(BytesIO(data))).encryption
    except Exception:  # no readable trailer at all: damaged, not protected
        return False
    if encryption is None:
        return False
    encrypt = encryption[1]
    name = getattr(resolve1(encrypt.get("Filter")), "name", None)
    if not isinstance(name, str):
        return False
    return name != "Standard" or all(isinstance(resolve1(encrypt.get(k)), bytes) for k in ("O", "U"))


class _TrailerOnly(PDFDocument):
    """pdfminer's document reader stopped before it tries the password (the trailer is all we need)."""

    def _initialize_password(self, password: str = "") -> None:
        return None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _head(data: bytes) -> str:
    return data[:40].decode("latin-1", "replace")
