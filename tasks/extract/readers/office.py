"""Office originals: which Office format a file is, and reading it into pages.

.docx and .xlsx / .xls are read directly; a legacy .doc (or any other Office format) is
converted to .docx by a headless LibreOffice when one is installed, else it fails with
``unsupported_format`` saying what would read it. Zip containers are checked for their
uncompressed size before anything is unpacked (a zip bomb is refused, not read).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from budget_etl.errors import ExtractError, Reason
from tasks.extract.pages import PageContent
from tasks.extract.settings import ExtractSettings
from tasks.extract.sniff import sniff_format

OFFICE_FORMATS = ("docx", "xlsx", "xls", "doc")
#: unpacked, an Office zip may be at most this many times the byte limit for a file
_UNPACK_FACTOR = 20
_CONVERT_TIMEOUT_S = 120


def office_format(data: bytes) -> str | None:
    kind = sniff_format(data)
    return kind if kind in OFFICE_FORMATS else None


def read_office(data: bytes, kind: str, settings: ExtractSettings) -> tuple[str, list[PageContent]]:
    """(reader name, pages) of an Office file; a file that cannot be read raises ``ExtractError``."""
    if kind in ("docx", "xlsx"):
        check_unpacked_size(data, settings)
    try:
        if kind == "docx":
            from tasks.extract.readers.docx import read_docx_pages

            return "docx", read_docx_pages(data)
        if kind == "xlsx":
            from tasks.extract.readers.xlsx import read_xlsx_pages

            return "xlsx", read_xlsx_pages(data)
        if kind == "xls":
            return "xls", _read_xls(data)
    except ExtractError:
        raise
    except Exception as exc:  # a damaged zip / XML / OLE stream
        raise ExtractError(
            Reason.UNSUPPORTED_FORMAT,
            f"the {kind.upper()} file cannot be read: it is damaged",
            detected=kind, error=f"{type(exc).__name__}: {exc}"[:500],
        ) from exc
    return "doc", _read_doc(data)


def check_unpacked_size(data: bytes, settings: ExtractSettings) -> None:
    try:
        total = sum(i.file_size for i in zipfile.ZipFile(BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ExtractError(Reason.UNSUPPORTED_FORMAT, "the Office file's zip container is damaged",
                           error=str(exc)[:300]) from exc
    if total > settings.max_bytes * _UNPACK_FACTOR:
        raise ExtractError(
            Reason.FILE_TOO_LARGE, f"the Office file unpacks to {total} bytes, more than "
            f"{_UNPACK_FACTOR}× the limit of {settings.max_bytes}", size=total, max_bytes=settings.max_bytes,
        )


def _read_xls(data: bytes) -> list[PageContent]:
    try:
        from tasks.extract.readers.xls import read_xls_pages
    except ImportError as exc:  # xlrd absent: say what would read it
        converted = convert_with_libreoffice(data, "xls", "xlsx")
        if converted is None:
            raise ExtractError(
                Reason.UNSUPPORTED_FORMAT, "the file is an Excel 97-2003 .xls workbook; reading it needs "
                "xlrd (pip install xlrd) or a headless LibreOffice (soffice) to convert it",
                detected="xls",
            ) from exc
        from tasks.extract.readers.xlsx import read_xlsx_pages

        return read_xlsx_pages(converted)
    return read_xls_pages(data)


def _read_doc(data: bytes) -> list[PageContent]:
    converted = convert_with_libreoffice(data, "doc", "docx")
    if converted is None:
        raise ExtractError(
            Reason.UNSUPPORTED_FORMAT, "the file is a Word 97-2003 .doc document; reading it needs a "
            "headless LibreOffice (soffice --headless --convert-to docx), which is not installed",
            detected="doc",
        )
    from tasks.extract.readers.docx import read_docx_pages

    return read_docx_pages(converted)


def convert_with_libreoffice(data: bytes, suffix: str, target: str) -> bytes | None:
    """``soffice --headless --convert-to`` in a private profile; None when LibreOffice is absent."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="budget-etl-convert-") as tmp:
        src = Path(tmp) / f"in.{suffix}"
        src.write_bytes(data)
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                 target, "--outdir", tmp, str(src)],
                check=True, capture_output=True, timeout=_CONVERT_TIMEOUT_S,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise ExtractError(Reason.UNSUPPORTED_FORMAT, f"LibreOffice could not convert the .{suffix} file",
                               detected=suffix, error=str(exc)[:300]) from exc
        out = Path(tmp) / f"in.{target}"
        if not out.exists():
            raise ExtractError(Reason.UNSUPPORTED_FORMAT, f"LibreOffice produced no .{target} from the file",
                               detected=suffix)
        return out.read_bytes()
