"""The plain data one document version carries between stages: metadata, typed tables, lineage.

``ExtractedDocument.to_json()`` is exactly the ``extract`` JSON of the data dictionary;
``from_json`` reads it back (goldens, stored documents, ``validate`` on a JSON file).
Amounts are ``Decimal`` in memory and JSON numbers on the wire.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from budget_etl.findings import Finding

Record = dict[str, Any]


@dataclass
class DocumentMeta:
    kind: str
    department_code: str | None
    department_name: str | None
    budget_year: int | None
    unit: str | None
    page_count: int
    sha256: str
    source_url: str | None = None
    #: ``department`` (部门预算, consolidated), ``unit`` (单位预算, one budget unit) or None
    scope: str | None = None
    #: True for a file that holds the explanation but none of the tables (published apart)
    narrative_only: bool = False
    #: which reader produced the document: pdf_text, pdf_ocr, xlsx, xls, docx, doc (issue 16)
    reader: str = "pdf_text"


@dataclass
class ExtractedTable:
    type: str
    title: str
    pages: list[int]
    records: list[Record] = field(default_factory=list)
    #: the unit this table prints (单位：元 / 万元 …); the document's default where it prints none
    unit: str | None = None
    #: the printed note of a table that is empty on purpose (空表列示 / 本表无数据 …)
    empty_note: str | None = None


@dataclass
class NarrativeBlock:
    """Running text outside the tables (情况说明 etc.), kept for narrative-vs-table checks."""

    page: int
    text: str


@dataclass
class ExtractedDocument:
    document: DocumentMeta
    tables: list[ExtractedTable] = field(default_factory=list)
    narrative: list[NarrativeBlock] = field(default_factory=list)
    #: what the extractor saw but could not understand as data (page and cell), never dropped
    findings: list[Finding] = field(default_factory=list)

    def tables_of(self, slug: str) -> list[ExtractedTable]:
        return [t for t in self.tables if t.type == slug]

    def table(self, slug: str) -> ExtractedTable | None:
        found = self.tables_of(slug)
        return found[0] if found else None

    def narrative_text(self) -> str:
        return "\n".join(b.text for b in self.narrative)

    def to_dict(self, *, include_narrative: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document": asdict(self.document),
            "tables": [asdict(t) for t in self.tables],
            "findings": [f.to_dict() for f in self.findings],
        }
        if out["document"].get("source_url") is None:
            out["document"].pop("source_url")
        if include_narrative:
            out["narrative"] = [asdict(b) for b in self.narrative]
        return _jsonable(out)

    def to_json(self, *, include_narrative: bool = False, indent: int | None = 2) -> str:
        payload = self.to_dict(include_narrative=include_narrative)
        return json.dumps(payload, ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedDocument:
        meta = dict(data["document"])
        meta.setdefault("source_url", None)
        return cls(
            document=DocumentMeta(**meta),
            tables=[
                ExtractedTable(
                    type=t["type"],
                    title=t["title"],
                    pages=list(t.get("pages", [])),
                    records=[_decimalize(r) for r in t.get("records", [])],
                    unit=t.get("unit"),
                    empty_note=t.get("empty_note"),
                )
                for t in data.get("tables", [])
            ],
            narrative=[NarrativeBlock(**b) for b in data.get("narrative", [])],
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
        )

    @classmethod
    def from_json(cls, text: str) -> ExtractedDocument:
        return cls.from_dict(json.loads(text, parse_float=Decimal))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        is_whole = isinstance(exponent, int) and exponent >= 0
        return int(value) if is_whole else float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _decimalize(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimalize(v) for v in value]
    return value
