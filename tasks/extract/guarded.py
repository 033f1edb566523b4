"""Extraction as the pipeline runs it: under a resource budget, with the integrity checks attached.

``extract_document`` is the pure extractor; this is what the Prefect task and the ``extract``
command call. It runs the extractor in a limited child (:mod:`sandbox`), then compares the
result with the file's structure (:mod:`integrity`) and attaches what is missing as error
findings, so a damaged file goes to review instead of being stored with holes. A document that
fails as "no text" or "no tables" *because* its page tree is broken fails as ``corrupt_pdf``.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from budget_etl.document import ExtractedDocument
from budget_etl.errors import ExtractError, Reason
from tasks.extract.integrity import check_integrity, page_tree_findings, walk_page_tree
from tasks.extract.open_pdf import check_size
from tasks.extract.sandbox import Limits, Usage, run_limited
from tasks.extract.settings import ExtractSettings
from tasks.extract.sniff import check_regular_file

#: how many leading pages are searched for a printed table of contents (目录)
TOC_PAGES = 4
#: reasons that a broken page tree explains better than the document's content does
_EXPLAINED_BY_DAMAGE = {Reason.NO_TEXT_LAYER, Reason.NO_BUDGET_TABLES, Reason.CORRUPT_PDF}


def extract_checked(
    data: bytes, source_url: str | None = None, settings: ExtractSettings | None = None
) -> ExtractedDocument:
    """Extract ``data`` in this process and attach the integrity findings (the sandbox's payload)."""
    from tasks.extract.extractor import extract_document

    settings = settings or ExtractSettings.from_app_settings()
    try:
        doc = extract_document(data, source_url=source_url, settings=settings)
    except ExtractError as exc:
        raise explain_by_damage(exc, data) from exc
    page, text = toc_page(data)
    doc.findings.extend(check_integrity(data, doc, toc_text=text, toc_page=page))
    return doc


def extract_guarded(
    source: Path | bytes,
    *,
    source_url: str | None = None,
    settings: ExtractSettings | None = None,
    limits: Limits | None = None,
) -> tuple[ExtractedDocument, Usage]:
    """Extract under ``limits`` (default: the settings' budget); over budget → ``resource_limit``."""
    settings = settings or ExtractSettings.from_app_settings()
    data = read_source(source, settings)
    limits = limits or Limits(memory_mb=settings.memory_mb, timeout_s=settings.timeout_s)
    return run_limited(extract_checked, data, source_url, settings, limits=limits)


def read_source(source: Path | bytes, settings: ExtractSettings) -> bytes:
    """The file's bytes, refusing special files and oversized files before reading anything."""
    if isinstance(source, bytes):
        return source
    size = check_regular_file(Path(source))
    check_size(size, settings)
    return Path(source).read_bytes()


def explain_by_damage(error: ExtractError, data: bytes) -> ExtractError:
    """``no_text_layer`` from a file whose page tree is broken is really ``corrupt_pdf``."""
    if error.reason not in _EXPLAINED_BY_DAMAGE:
        return error
    from tasks.extract.integrity import _parse

    pdf = _parse(data)
    if pdf is None:
        return error
    tree = walk_page_tree(pdf)
    damage = page_tree_findings(tree, read=len(tree.leaves))
    if not damage:
        return error
    return ExtractError(
        Reason.CORRUPT_PDF,
        f"the PDF's page tree is damaged ({damage[0].message}); the document could not be read",
        damage=[f.to_dict() for f in damage], was=error.reason.value,
    )


def toc_page(data: bytes, pages: int = TOC_PAGES) -> tuple[int | None, str | None]:
    """The number and text of the first page (of the leading few) that prints 目录, or (None, None)."""
    import pdfplumber

    from tasks.extract.integrity import _TOC_MARK

    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages[:pages], start=1):
                text = page.extract_text() or ""
                if _TOC_MARK.search(text):
                    return number, text
    except Exception:  # the extractor read this file; a TOC we cannot read is not a finding
        return None, None
    return None, None
