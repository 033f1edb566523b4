"""Structural integrity of a PDF: what pdfminer quietly skips, said out loud as error findings.

pdfminer is lenient by design: a page-tree entry pointing at a deleted object is skipped, a
damaged deflate stream is "salvaged" into whatever prefix inflates, an unparsable object is
logged and ignored. For a budget document that leniency means missing tables or projects with
exit code 0. This module re-reads the file's structure — the page tree against the xref, every
indirect object, every deflate stream — and compares it with what the extractor returned, so a
damaged document goes to review with the object numbers and pages as evidence instead of being
accepted with holes. (cid:N) glyphs in titles/metadata and table-of-contents entries that no
extracted table answers are reported the same way.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from io import BytesIO
from typing import Any

from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding, Severity

PAGE_MISSING = "extract.integrity.page_missing"
PAGE_TREE_CYCLE = "extract.integrity.page_tree_cycle"
PAGE_DUPLICATED = "extract.integrity.page_duplicated"
PAGE_COUNT_MISMATCH = "extract.integrity.page_count_mismatch"
UNREADABLE_OBJECT = "extract.integrity.unreadable_object"
DAMAGED_STREAM = "extract.integrity.damaged_stream"
CID_IN_TEXT = "extract.integrity.cid_in_text"
TOC_ENTRY_NOT_FOUND = "extract.integrity.toc_entry_not_found"
IDENTITY_MISSING = "extract.integrity.identity_missing"
INTEGRITY_CHECKS = (
    PAGE_MISSING, PAGE_TREE_CYCLE, PAGE_DUPLICATED, PAGE_COUNT_MISMATCH, UNREADABLE_OBJECT,
    DAMAGED_STREAM, CID_IN_TEXT, TOC_ENTRY_NOT_FOUND, IDENTITY_MISSING,
)

_CID = re.compile(r"\(cid:\d+\)")
#: deepest page tree walked (real files nest 2–4 levels; deeper is a cycle or an attack)
MAX_TREE_DEPTH = 64
#: at most this many objects / inflated bytes are checked (the sandbox bounds the rest)
MAX_OBJECTS = 200_000
MAX_INFLATED_BYTES = 1 << 30
_CHUNK = 1 << 20
#: evidence lists are cut to this length
_EVIDENCE = 20


@dataclass
class PageTree:
    """What walking ``/Root /Pages`` found."""

    declared: int | None = None  # the root's /Count
    leaves: list[int] = field(default_factory=list)  # object ids of the page objects, in order
    missing: list[tuple[int, int | None]] = field(default_factory=list)  # (page position, objid)
    cycles: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)


def check_integrity(
    data: bytes, doc: ExtractedDocument, *, toc_text: str | None = None, toc_page: int | None = None
) -> list[Finding]:
    """Every structural problem of ``data`` and every sign of loss in ``doc``, as error findings."""
    findings: list[Finding] = []
    pdf = _parse(data)
    if pdf is not None:
        tree = walk_page_tree(pdf)
        findings += page_tree_findings(tree, read=doc.document.page_count)
        findings += object_findings(pdf)
    findings += cid_findings(doc)
    findings += identity_findings(doc)
    if toc_text and doc.tables and not doc.document.narrative_only:
        pages = [toc_page] if toc_page else []
        findings += toc_findings(toc_entries(toc_text), [t.title for t in doc.tables], pages=pages)
    return findings


def _parse(data: bytes) -> Any:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        return PDFDocument(PDFParser(BytesIO(data)))
    except Exception:  # the extractor already read it; a second parser failing adds nothing
        return None


def walk_page_tree(pdf: Any) -> PageTree:
    """Walk the page tree by hand, keeping what pdfminer's own walk skips (missing, cyclic kids)."""
    from pdfminer.pdftypes import PDFObjRef

    tree = PageTree()
    root_ref = pdf.catalog.get("Pages")
    root = _resolve(root_ref)
    if isinstance(root, dict):
        count = _resolve(root.get("Count"))
        tree.declared = count if isinstance(count, int) else None
    seen: set[int] = set()

    def visit(ref: Any, path: tuple[int, ...]) -> None:
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        if objid is not None:
            if objid in path:
                tree.cycles.append(objid)
                return
            if objid in seen:
                tree.duplicates.append(objid)
                return
            seen.add(objid)
        node = _resolve(ref)
        if not isinstance(node, dict):
            tree.missing.append((len(tree.leaves) + len(tree.missing) + 1, objid))
            return
        kids = _resolve(node.get("Kids"))
        if _name(node.get("Type")) == "Pages" or (kids is not None and _name(node.get("Type")) != "Page"):
            if len(path) >= MAX_TREE_DEPTH or not isinstance(kids, list):
                tree.missing.append((len(tree.leaves) + len(tree.missing) + 1, objid))
                return
            for kid in kids:
                visit(kid, (*path, objid) if objid is not None else path)
        else:
            tree.leaves.append(objid if objid is not None else -1)

    if root_ref is not None:
        visit(root_ref, ())
    return tree


def page_tree_findings(tree: PageTree, *, read: int) -> list[Finding]:
    findings = []
    if tree.missing:
        findings.append(_error(
            PAGE_MISSING,
            f"{len(tree.missing)} page(s) of the page tree point at objects that are missing or "
            "unreadable; their content was skipped",
            expected=[f"page {pos}: object {objid}" for pos, objid in tree.missing[:_EVIDENCE]],
            pages=[pos for pos, _ in tree.missing[:_EVIDENCE]],
        ))
    if tree.cycles:
        findings.append(_error(
            PAGE_TREE_CYCLE, "the page tree refers back to itself (a /Parent–/Kids cycle)",
            actual=[f"object {o}" for o in tree.cycles[:_EVIDENCE]],
        ))
    if tree.duplicates:
        findings.append(_error(
            PAGE_DUPLICATED, "the page tree lists the same page object more than once",
            actual=[f"object {o}" for o in tree.duplicates[:_EVIDENCE]],
        ))
    found = len(tree.leaves)
    counts = {"declared (/Count)": tree.declared, "in the page tree": found, "read": read}
    known = {v for v in counts.values() if v is not None}
    if len(known) > 1:
        findings.append(_error(
            PAGE_COUNT_MISMATCH,
            "the page counts disagree: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v is not None),
            expected=tree.declared, actual=read,
        ))
    return findings


def object_findings(pdf: Any) -> list[Finding]:
    """Objects the xref lists that do not parse, and deflate streams that do not inflate."""
    unreadable: list[str] = []
    damaged: list[str] = []
    inflated = 0
    for objid in _objids(pdf):
        try:
            obj = pdf.getobj(objid)
        except Exception as exc:  # pdfminer raises many unrelated types for a broken object
            unreadable.append(f"object {objid}: {type(exc).__name__}")
            continue
        if inflated >= MAX_INFLATED_BYTES:
            continue
        try:
            payload = _deflated_payload(obj)
        except Exception as exc:  # the ASCII layer itself does not decode
            damaged.append(f"object {objid}: {type(exc).__name__}")
            continue
        if payload is not None:
            problem, size = _inflate_problem(payload)
            inflated += size
            if problem:
                damaged.append(f"object {objid}: {problem}")
    findings = []
    if unreadable:
        findings.append(_error(
            UNREADABLE_OBJECT,
            f"{len(unreadable)} object(s) listed in the cross-reference table cannot be read",
            actual=unreadable[:_EVIDENCE],
        ))
    if damaged:
        findings.append(_error(
            DAMAGED_STREAM,
            f"{len(damaged)} compressed stream(s) are damaged; pdfminer reads only what inflates, "
            "so text or rulings may be missing",
            actual=damaged[:_EVIDENCE],
        ))
    return findings


def _objids(pdf: Any) -> Iterator[int]:
    seen: set[int] = set()
    for xref in pdf.xrefs:
        try:
            ids = list(xref.get_objids())
        except Exception:
            continue
        for objid in ids:
            if objid not in seen and len(seen) < MAX_OBJECTS:
                seen.add(objid)
                yield objid


def _deflated_payload(obj: Any) -> bytes | None:
    """The deflate data of a stream (after any ASCII85/ASCIIHex layer), or None if it has none."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import PDFStream

    if not isinstance(obj, PDFStream) or obj.decipher is not None or obj.rawdata is None:
        return None
    data = obj.rawdata
    for name, _params in obj.get_filters():
        kind = _name(name)
        if kind in {"FlateDecode", "Fl"}:
            return data
        if kind in {"ASCII85Decode", "A85"}:
            data = ascii85decode(data)
        elif kind in {"ASCIIHexDecode", "AHx"}:
            data = asciihexdecode(data)
        else:
            return None
    return None


def _inflate_problem(raw: bytes) -> tuple[str | None, int]:
    """Inflate in bounded chunks (output discarded): the zlib error, or None; and the bytes inflated."""
    inflater = zlib.decompressobj()
    size = 0
    data = raw
    try:
        while data and not inflater.eof:
            size += len(inflater.decompress(data, _CHUNK))
            data = inflater.unconsumed_tail
            if size > MAX_INFLATED_BYTES:
                return None, size
        if not inflater.eof:
            size += len(inflater.flush())
            return ("the compressed data ends early" if raw.strip() else "the stream is empty"), size
    except zlib.error as exc:
        return f"zlib: {exc}", size
    return None, size


def cid_findings(doc: ExtractedDocument) -> list[Finding]:
    """``(cid:N)`` in a table title or the document's names: an unreadable heading, not data."""
    places = [(f"table title {t.title!r}", t.pages) for t in doc.tables if _CID.search(t.title or "")]
    meta = doc.document
    for name in ("department_name", "department_code", "unit"):
        value = getattr(meta, name, None)
        if isinstance(value, str) and _CID.search(value):
            places.append((f"document.{name} {value!r}", []))
    if not places:
        return []
    return [_error(
        CID_IN_TEXT,
        "unmapped glyphs like (cid:123) in " + "; ".join(p for p, _ in places[:5]),
        actual=[p for p, _ in places[:_EVIDENCE]],
        pages=sorted({page for _, pages in places for page in pages})[:_EVIDENCE],
    )]


def identity_findings(doc: ExtractedDocument) -> list[Finding]:
    """Tables read but no department or no budget year: nobody could find (or trust) these rows.

    A damaged first page (or a font without its map) loses exactly these; stored without them
    the document is unqueryable, so a person names them in review instead.
    """
    meta = doc.document
    if not doc.tables:
        return []
    missing = [name for name, value in (
        ("department", meta.department_name or meta.department_code), ("budget year", meta.budget_year),
    ) if not value]
    if not missing:
        return []
    return [_error(
        IDENTITY_MISSING, f"the document's {' and '.join(missing)} could not be read",
        field=",".join(missing),
    )]


_TOC_MARK = re.compile(r"目\s*录")
_LEADERS = re.compile(r"[.…·．。\-—_\s]{3,}\s*\d*\s*$|\s+\d+\s*$")
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+\s*[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*"
)
_PAGE_NUMBER = re.compile(r"\d+\s*$")
_NOISE = re.compile(r"[\s\d年度（）()“”\"'、.．，,:：]+")


def toc_entries(text: str) -> list[str]:
    """The table titles a printed 目录 lists (lines ending in 表, a wrapped ``表`` re-joined)."""
    match = _TOC_MARK.search(text)
    if match is None:
        return []
    lines = [line.strip() for line in text[match.end():].splitlines() if line.strip()]
    joined: list[str] = []
    for line in lines:
        if joined and len(line) <= 2 and line.endswith("表"):
            joined[-1] += line
        else:
            joined.append(line)
    entries: list[tuple[str, str, bool]] = []  # (numbering style, title, has a page locator)
    for line in joined:
        bare = _LEADERS.sub("", line)
        located = bool(_PAGE_NUMBER.search(line))
        numbering = _NUMBERING.match(bare)
        style = "none" if numbering is None else ("arabic" if re.search(r"\d", numbering.group()) else "cjk")
        title = _NUMBERING.sub("", bare).strip()
        if title.endswith("表") and not title.startswith("第") and 4 <= len(title) <= 60:
            entries.append((style, title, located))
        elif entries and entries[-1][0] == "cjk":
            entries[-1] = ("done", *entries[-1][1:])  # a heading followed by prose: a table entry after all
    located_share = sum(e[2] for e in entries) / len(entries) if entries else 0
    kept = [
        title for i, (style, title, located) in enumerate(entries)
        # 五、部门预算表 followed by 1. … 2. …: a section heading over the tables, not a table
        if not (style == "cjk" and i + 1 < len(entries) and entries[i + 1][0] == "arabic")
        # most entries point at a page and this one does not: a heading over them
        and not (located_share >= 0.5 and not located)
    ]
    return list(dict.fromkeys(kept))


def toc_findings(
    entries: Iterable[str], titles: Iterable[str], *, similarity: float = 0.9, pages: list[int] | None = None
) -> list[Finding]:
    """Each 目录 table entry no extracted table title resembles → one error finding (on the 目录 page)."""
    cores = [_core(t) for t in titles]
    missing = [e for e in entries if not any(_similar(_core(e), c, similarity) for c in cores)]
    if not missing:
        return []
    return [_error(
        TOC_ENTRY_NOT_FOUND,
        f"the table of contents lists {len(missing)} table(s) that were not extracted: "
        + "、".join(missing[:5]),
        expected=missing[:_EVIDENCE], pages=list(pages or []),
    )]


def _core(title: str) -> str:
    return _NOISE.sub("", title)


def _similar(a: str, b: str, threshold: float) -> bool:
    if not a or not b:
        return False
    return a in b or b in a or SequenceMatcher(None, a, b).ratio() >= threshold


def _resolve(value: Any) -> Any:
    from pdfminer.pdftypes import resolve1

    try:
        return resolve1(value)
    except Exception:
        return None


def _name(value: Any) -> str | None:
    value = _resolve(value)
    name = getattr(value, "name", value)
    if isinstance(name, bytes):
        return name.decode("latin-1")
    return name if isinstance(name, str) else None


def _error(check: str, message: str, **evidence: Any) -> Finding:
    return Finding(check=check, severity=Severity.ERROR, message=message, **evidence)


def merge_findings(doc: ExtractedDocument, findings: list[Finding]) -> list[Finding]:
    """Validation findings plus the document's own integrity errors (once each), for the review decision."""
    present = {(f.check, f.message) for f in findings}
    own = [f for f in doc.findings if f.check in INTEGRITY_CHECKS and (f.check, f.message) not in present]
    return [*own, *findings]
