"""Writing one document version: the body of the one transaction that stores a document.

Why separate from ``Repository``: this is the part that must be all-or-nothing and fast, and it
has no policy of its own (the repository decides *when* a version is written and in what state).
Everything here runs inside the caller's session; nothing commits.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from budget_etl.departments import same_department
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from budget_etl.errors import Reason, StoreError
from budget_etl.findings import Finding
from storage.models import (
    FORM_INDICATORS,
    RECORD_MODELS,
    Document,
    DocumentCompanion,
    DocumentTable,
    DocumentVersion,
    FindingRow,
    NarrativeFigure,
    RecordBase,
    Source,
)
from storage.records import indicator_values, jsonable, lineage_values, record_values


def require_sha256(value: str | None) -> str:
    """A version is identified by its file's hash; without one "exactly once" cannot hold."""
    if not value or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise StoreError(
            Reason.STORE_FAILED, f"the document has no valid sha256 ({value!r}); it cannot be stored once"
        )
    return value


def natural_key(meta: DocumentMeta, publisher_id: int | None) -> str:
    """The logical document: same publisher, kind, department and year → same document.

    A document whose department cannot be read is its own document (keyed by its hash), so two
    unreadable-department files never merge into one. The key is the sha256 of the parts: fixed
    length, so any department name fits the unique index (the parts have their own columns).
    A 单位预算 (scope ``unit``) and a narrative-only file are documents of their own (the parts
    are appended only for them, so every key written before scope existed is unchanged).
    """
    return hashlib.sha256(key_parts(meta, publisher_id).encode("utf-8")).hexdigest()


def key_parts(meta: DocumentMeta, publisher_id: int | None, *, narrative_only: bool | None = None) -> str:
    """The text ``natural_key`` hashes; ``narrative_only`` overrides the meta's (companion lookup)."""
    department = meta.department_name or (f"code:{meta.department_code}" if meta.department_code else None)
    department = department or f"sha256:{meta.sha256}"
    year = "" if meta.budget_year is None else str(meta.budget_year)
    parts = f"{publisher_id or ''}|{meta.kind}|{department}|{year}"
    if meta.scope == "unit":
        parts += "|unit"
    if meta.narrative_only if narrative_only is None else narrative_only:
        parts += "|narrative"
    return parts


def _bulk_insert(model: type[Any]) -> Any:
    """A Core multi-row INSERT … RETURNING id (ids in input order).

    Core, not the ORM's bulk path: the ORM splits a batch wherever rows differ in which values
    are None, which turns one statement into hundreds. RETURNING makes SQLAlchemy send the rows
    as multi-row VALUES batches on both SQLite and PostgreSQL.
    """
    table = model.__table__
    return table.insert().returning(table.c.id, sort_by_parameter_order=True)


def write_version(
    session: Session,
    doc: ExtractedDocument,
    version: DocumentVersion | None,
    *,
    state: str,
    report_uri: str | None,
) -> DocumentVersion:
    """Create the version (or clear and refill an ``in_review`` one) with all its records."""
    meta = doc.document
    if version is None:
        document = document_for(session, meta)
        last = session.scalar(
            select(func.max(DocumentVersion.version_no)).where(DocumentVersion.document_id == document.id)
        )
        version = DocumentVersion(
            document_id=document.id,
            sha256=meta.sha256,
            version_no=(last or 0) + 1,
            state=state,
            source_url=meta.source_url,
            page_count=meta.page_count,
            unit=meta.unit,
            report_uri=report_uri,
            reader=meta.reader,
        )
        session.add(version)
        session.flush()  # claims the sha256 now: a concurrent writer of the same file fails here
    else:
        clear_version(session, version.id)
        version.state = state
        version.page_count = meta.page_count
        version.unit = meta.unit
        version.reader = meta.reader
        version.source_url = meta.source_url or version.source_url
        version.report_uri = report_uri or version.report_uri
    add_tables(session, version.id, doc.tables)
    add_narrative_figures(session, version.id, doc)
    session.flush()
    return version


def document_for(session: Session, meta: DocumentMeta) -> Document:
    """The logical document (publisher, kind, department, year) of a version, created on first sight."""
    publisher_id = None
    if meta.source_url:
        publisher_id = session.scalar(select(Source.publisher_id).where(Source.url == meta.source_url))
    key = natural_key(meta, publisher_id)
    document = session.scalar(select(Document).where(Document.natural_key == key))
    if document is not None:
        # serialise version numbering per document (PostgreSQL; SQLite's BEGIN IMMEDIATE already does)
        session.execute(select(Document.id).where(Document.id == document.id).with_for_update())
    else:
        document = Document(
            natural_key=key,
            publisher_id=publisher_id,
            kind=meta.kind,
            department_code=meta.department_code,
            department_name=meta.department_name,
            budget_year=meta.budget_year,
            scope=meta.scope,
            narrative_only=bool(meta.narrative_only),
        )
        session.add(document)
        session.flush()
        link_companion(session, document, meta, publisher_id)
    return document


def link_companion(
    session: Session, document: Document, meta: DocumentMeta, publisher_id: int | None
) -> None:
    """Link a new logical document with its other half (explanation ↔ tables), if already stored.

    The other half has the same publisher, kind, year and scope, the opposite ``narrative_only``,
    and the same department: a name that reduces to the same key (``budget_etl.departments``;
    某省委办公厅 = 中国共产党某省委员会办公厅), or the same code when a name is missing. A
    department that could not be read has no other half (its key is its hash).
    """
    if not (meta.department_name or meta.department_code) or meta.budget_year is None:
        return
    publisher = Document.publisher_id
    same_publisher = publisher.is_(None) if publisher_id is None else publisher == publisher_id
    candidates = session.execute(
        select(Document.id, Document.department_code, Document.department_name).where(
            Document.id != document.id,
            same_publisher,
            Document.kind == meta.kind,
            Document.budget_year == meta.budget_year,
            Document.scope.is_(None) if meta.scope is None else Document.scope == meta.scope,
            Document.narrative_only == (not meta.narrative_only),
        ).order_by(Document.id)
    ).all()
    others = [row.id for row in candidates if _same_department(row, meta)]
    if len(others) != 1:  # none, or several halves that the names cannot tell apart: link nothing
        return
    session.add_all(
        [
            DocumentCompanion(document_id=document.id, companion_id=others[0]),
            DocumentCompanion(document_id=others[0], companion_id=document.id),
        ]
    )
    session.flush()


def _same_department(row: Any, meta: DocumentMeta) -> bool:
    """By name when both print one (as the natural key does), else by code."""
    if row.department_name and meta.department_name:
        return same_department(row.department_name, meta.department_name)
    return bool(meta.department_code) and row.department_code == meta.department_code


def add_narrative_figures(session: Session, version_id: int, doc: ExtractedDocument) -> None:
    """The figures the 情况说明 states, as stated and in 万元 (a narrative-only file's only data)."""
    from tasks.validate.reconcile.narrative import stated_figures

    rows = [
        {
            "version_id": version_id,
            "position": position,
            "figure": figure.check,
            "label": figure.label,
            "value": figure.value,
            "unit": figure.unit,
            "value_wan": figure.value_wan,
            "page": figure.page,
        }
        for position, figure in enumerate(stated_figures(doc))
    ]
    if rows:
        session.execute(NarrativeFigure.__table__.insert(), rows)


def clear_version(session: Session, version_id: int) -> None:
    """Remove an unaccepted version's content before it is written again (children first)."""
    for indicator_model, _ in FORM_INDICATORS.values():
        session.execute(delete(indicator_model).where(indicator_model.version_id == version_id))
    for model in RECORD_MODELS.values():
        session.execute(delete(model).where(model.version_id == version_id))
    session.execute(delete(DocumentTable).where(DocumentTable.version_id == version_id))
    session.execute(delete(NarrativeFigure).where(NarrativeFigure.version_id == version_id))
    session.execute(delete(FindingRow).where(FindingRow.version_id == version_id))


def add_tables(session: Session, version_id: int, tables: list[ExtractedTable]) -> None:
    """All tables, records and indicators of a version in a handful of multi-row INSERTs.

    One statement per record type rather than per table keeps a document's write to a few
    round trips, which is what matters on a networked PostgreSQL.
    """
    unknown = sorted({t.type for t in tables} - set(RECORD_MODELS))
    if unknown:
        raise StoreError(Reason.STORE_FAILED, f"no storage for table type(s): {', '.join(unknown)}")
    if not tables:
        return
    table_ids = session.scalars(
        _bulk_insert(DocumentTable),
        [
            {
                "version_id": version_id,
                "position": position,
                "type": table.type,
                "title": table.title,
                "pages": list(table.pages),
                "record_count": len(table.records),
                "unit": table.unit,
                "empty_note": table.empty_note,
            }
            for position, table in enumerate(tables)
        ],
    ).all()
    rows: dict[type[RecordBase], list[dict[str, Any]]] = {}
    forms: dict[str, list[dict[str, Any]]] = {}  # 绩效 forms: their indicators go in after them
    for table_id, table in zip(table_ids, tables, strict=True):
        model = RECORD_MODELS[table.type]
        for index, record in enumerate(table.records):
            values = {
                **record_values(model, record, skip=("indicators",)),
                **lineage_values(record, table.pages),
                "version_id": version_id,
                "table_id": table_id,
                "row_index": index,
            }
            if table.type in FORM_INDICATORS:
                forms.setdefault(table.type, []).append(record)
            rows.setdefault(model, []).append(values)
    for model, values in rows.items():
        if model.__tablename__ not in forms:
            session.execute(_bulk_insert(model), values)
    for slug, records in forms.items():
        model = RECORD_MODELS[slug]
        add_forms(session, version_id, slug, rows[model], records)


def add_forms(
    session: Session, version_id: int, slug: str, values: list[dict[str, Any]], records: list[dict[str, Any]]
) -> None:
    """绩效 forms (projects or department-wide) in one INSERT … RETURNING (ids in input order),
    then all their indicators."""
    form_ids = session.scalars(_bulk_insert(RECORD_MODELS[slug]), values).all()
    indicator_model, parent = FORM_INDICATORS[slug]
    indicators = [
        {
            **indicator_values(indicator, indicator_model),
            parent: form_id,
            "version_id": version_id,
            "position": position,
        }
        for form_id, record in zip(form_ids, records, strict=True)
        for position, indicator in enumerate(record.get("indicators") or [])
    ]
    if indicators:
        session.execute(_bulk_insert(indicator_model), indicators)


def add_findings(
    session: Session,
    findings: list[Finding],
    *,
    version_id: int | None = None,
    review_item_id: int | None = None,
    attempt: int | None = None,
) -> None:
    """Findings as rows: warnings of an accepted version, or the evidence of one review attempt."""
    for position, finding in enumerate(findings):
        session.add(
            FindingRow(
                version_id=version_id,
                review_item_id=review_item_id,
                attempt=attempt,
                position=position,
                check=finding.check,
                severity=finding.severity.value,
                message=finding.message,
                table_type=finding.table,
                line_no=finding.line_no,
                project_code=finding.project_code,
                field=finding.field,
                expected=jsonable(finding.expected),
                actual=jsonable(finding.actual),
                pages=list(finding.pages) or None,
            )
        )
