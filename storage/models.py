"""The storage schema (SQLAlchemy 2.0, typed): where accepted records live, traceable to their page.

Layout, from the outside in:

* ``publishers`` → ``sources`` (a URL we fetch) → ``fetch_log`` (one row per HTTP attempt);
* ``fetched_files``: each distinct file by sha256, with the location of its raw copy;
* ``documents`` (the logical document: publisher, department, year, kind) → ``document_versions``
  (one per file; a corrected re-publication is a new version) → ``document_tables`` → one table
  per record type of the data dictionary, named by its slug, with the dictionary's field names,
  amounts as ``Numeric`` and lineage (version, page, bbox);
* ``project_indicators`` under ``project_performance``, ``department_indicators`` under
  ``department_performance``;
* ``findings``, ``review_items`` and ``audit_log`` (every state change: who, when, why).

Uniqueness is enforced by the database, not by luck: ``fetched_files.sha256``,
``document_versions.sha256``, ``documents.natural_key``, ``sources.url`` and one *open*
review item per subject (a partial unique index).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from budget_etl.contract import OTHER_TABLE

# Text, not String(n), for every value that comes from a document or a server: an unexpected
# long value must not make a document fail on PostgreSQL that SQLite would have accepted.

#: Amounts as printed, in the document's unit. Four decimals so nothing printed is rounded away.
AMOUNT = Numeric(18, 4)
#: Percentages and parsed indicator values.
NUMBER = Numeric(18, 4)
#: JSON where Python None means SQL NULL (not the JSON text ``null``), so "absent" is queryable.
JSON_OR_NULL = JSON(none_as_null=True)

VERSION_STATES = ("in_review", "accepted", "waived")
#: version states whose records are visible in exports ("latest" = newest of these per document)
EXPORTABLE_STATES = ("accepted", "waived")
REVIEW_STATUSES = ("open", "resolved", "waived")
SIDES = ("revenue", "expenditure")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored in UTC so SQLite and PostgreSQL runs compare alike."""
    return datetime.now(UTC)


def _cascade(target: str) -> ForeignKey:
    """Children of a version go with it (only ``in_review`` versions are ever rewritten)."""
    return ForeignKey(target, ondelete="CASCADE")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dict[str, Any]: JSON_OR_NULL,
        list[int]: JSON_OR_NULL,
        Decimal: AMOUNT,
        datetime: DateTime(timezone=True),
    }


# --- sources and files -------------------------------------------------------------------


class Publisher(Base):
    __tablename__ = "publishers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    region: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publishers.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    department: Mapped[str | None] = mapped_column(String(300))
    budget_year: Mapped[int | None]
    kind: Mapped[str | None] = mapped_column(String(40))
    listing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    publisher: Mapped[Publisher] = relationship()


class FetchLog(Base):
    __tablename__ = "fetch_log"
    __table_args__ = (CheckConstraint(_in("outcome", ("downloaded", "not_modified", "failed")), "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), index=True)
    attempt: Mapped[int]
    status_code: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: where the attempt ended after redirects, and the JSON list of URLs it was redirected from
    final_url: Mapped[str | None] = mapped_column(String(2000))
    redirects: Mapped[str | None] = mapped_column(Text)


class FetchedFile(Base):
    __tablename__ = "fetched_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    size: Mapped[int] = mapped_column(Integer)
    raw_uri: Mapped[str] = mapped_column(String(2000))
    content_type: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiscoveredLink(Base):
    """A link discovery took (issue 17): the page it was on and its text, until it is fetched."""

    __tablename__ = "discovered_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    publisher: Mapped[str] = mapped_column(String(300))
    found_on: Mapped[str | None] = mapped_column(String(2000))
    link_text: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class FileUrl(Base):
    """Lineage: every URL a file (by sha256) was found under, with its name and link text there.

    The same bytes under two URLs are one ``fetched_files`` row with two of these; a corrected
    re-upload under the same URL is a new sha256 (a new version) with its own row. The kind and
    year are guesses from the file name and link text, made before extraction (which decides).
    """

    __tablename__ = "file_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    found_on: Mapped[str | None] = mapped_column(String(2000))
    link_text: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    guessed_kind: Mapped[str | None] = mapped_column(String(40))
    guessed_year: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("sha256", "url", name="uq_file_urls_sha256_url"),)


# --- documents and versions ------------------------------------------------------------------


class Document(Base):
    """The logical document: the same department/year/kind from the same publisher."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    natural_key: Mapped[str] = mapped_column(String(64), unique=True)
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("publishers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str | None] = mapped_column(Text)
    department_name: Mapped[str | None] = mapped_column(Text)
    budget_year: Mapped[int | None]
    #: ``department`` (部门预算) / ``unit`` (单位预算) / None (not stated); part of the natural key
    scope: Mapped[str | None] = mapped_column(String(20))
    #: True for the explanation published apart from its tables (its own logical document)
    narrative_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(back_populates="document")


class DocumentVersion(Base):
    """One file's reading of a document. Exports use the newest ``accepted``/``waived`` one."""

    __tablename__ = "document_versions"
    __table_args__ = (
        CheckConstraint(_in("state", VERSION_STATES), "state"),
        UniqueConstraint("document_id", "version_no", name="uq_document_versions_document_id_version_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    version_no: Mapped[int]
    state: Mapped[str] = mapped_column(String(20))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    page_count: Mapped[int]
    unit: Mapped[str | None] = mapped_column(Text)
    report_uri: Mapped[str | None] = mapped_column(String(2000))
    #: which reader produced the version: pdf_text, pdf_ocr, xlsx, xls, docx, doc (migration 0008)
    reader: Mapped[str] = mapped_column(String(20), default="pdf_text", server_default="pdf_text")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")


class DocumentTable(Base):
    """One printed table of a version (an empty printed table is kept, with no records)."""

    __tablename__ = "document_tables"
    __table_args__ = (
        UniqueConstraint("version_id", "position", name="uq_document_tables_version_id_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(_cascade("document_versions.id"), index=True)
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    pages: Mapped[list[int]]
    record_count: Mapped[int]
    #: the unit the table prints (单位：元 / 万元 …); amounts of its records are in it
    unit: Mapped[str | None] = mapped_column(Text)
    #: the printed note of a table empty on purpose (空表列示 …)
    empty_note: Mapped[str | None] = mapped_column(Text)


class DocumentCompanion(Base):
    """Two logical documents that are one publication: the explanation and its tables, filed apart.

    Stored both ways (a → b and b → a), so either side finds the other with one lookup.
    """

    __tablename__ = "document_companions"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    companion_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NarrativeFigure(Base):
    """A figure the 情况说明 states (预算收入, 基本支出, “三公”经费 …), as stated and in 万元."""

    __tablename__ = "narrative_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(_cascade("document_versions.id"), index=True)
    position: Mapped[int]
    #: the check slug the figure is compared under (``narrative.total_revenue`` …)
    figure: Mapped[str] = mapped_column(String(80))
    #: what the figure is, in the document's words (预算收入, 公务接待费 …)
    label: Mapped[str] = mapped_column(Text)
    value: Mapped[Decimal] = mapped_column(AMOUNT)
    unit: Mapped[str] = mapped_column(Text)
    value_wan: Mapped[Decimal] = mapped_column(AMOUNT)
    page: Mapped[int | None]


class RecordBase(Base):
    """Lineage every record carries: its version, table, order, page(s) and bbox on the first page."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(_cascade("document_versions.id"), index=True)
    table_id: Mapped[int] = mapped_column(_cascade("document_tables.id"), index=True)
    row_index: Mapped[int]
    page: Mapped[int | None]
    pages: Mapped[list[int] | None] = mapped_column(JSON_OR_NULL)
    bbox_x0: Mapped[float | None] = mapped_column(Float)
    bbox_top: Mapped[float | None] = mapped_column(Float)
    bbox_x1: Mapped[float | None] = mapped_column(Float)
    bbox_bottom: Mapped[float | None] = mapped_column(Float)
    #: read by OCR: the lowest recogniser confidence (0–1) of its cells; NULL for text / Office (0010)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    #: the record's ``extra``: printed columns the dictionary does not name (header → value)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON_OR_NULL)
    #: record keys the schema has no column for, or values that do not fit it (kept, never dropped)
    unmapped: Mapped[dict[str, Any] | None] = mapped_column(JSON_OR_NULL)


class _TwoSided:
    line_no: Mapped[int | None]
    side: Mapped[str] = mapped_column(String(20))
    item: Mapped[str | None] = mapped_column(Text)


class RevenueExpenditureSummary(_TwoSided, RecordBase):
    __tablename__ = "revenue_expenditure_summary"
    __table_args__ = (CheckConstraint(_in("side", SIDES), "side"),)

    amount: Mapped[Decimal | None]


class _Classified:
    line_no: Mapped[int | None]
    code: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal | None]


class RevenueByFunction(_Classified, RecordBase):
    __tablename__ = "revenue_by_function"

    current_year_subtotal: Mapped[Decimal | None]
    fiscal_appropriation: Mapped[Decimal | None]
    fiscal_special_account: Mapped[Decimal | None]
    business_income: Mapped[Decimal | None]
    operating_income: Mapped[Decimal | None]
    superior_subsidy: Mapped[Decimal | None]
    subordinate_remittance: Mapped[Decimal | None]
    other_income: Mapped[Decimal | None]
    prior_year_carryover: Mapped[Decimal | None]


class ExpenditureByFunction(_Classified, RecordBase):
    __tablename__ = "expenditure_by_function"

    basic: Mapped[Decimal | None]
    project: Mapped[Decimal | None]
    operating: Mapped[Decimal | None]
    remittance_to_superior: Mapped[Decimal | None]
    subsidy_to_subordinate: Mapped[Decimal | None]


class FiscalAppropriationSummary(_TwoSided, RecordBase):
    __tablename__ = "fiscal_appropriation_summary"
    __table_args__ = (CheckConstraint(_in("side", SIDES), "side"),)

    total: Mapped[Decimal | None]
    general_budget: Mapped[Decimal | None]
    government_fund: Mapped[Decimal | None]
    state_capital: Mapped[Decimal | None]


class _BasicProject:
    basic: Mapped[Decimal | None]
    project: Mapped[Decimal | None]


class GeneralBudgetExpenditure(_Classified, _BasicProject, RecordBase):
    __tablename__ = "general_budget_expenditure"


class GeneralBudgetBasicExpenditure(_Classified, RecordBase):
    __tablename__ = "general_budget_basic_expenditure"

    personnel: Mapped[Decimal | None]
    public_funds: Mapped[Decimal | None]


class GovernmentFundExpenditure(_Classified, _BasicProject, RecordBase):
    __tablename__ = "government_fund_expenditure"


class StateCapitalExpenditure(_Classified, _BasicProject, RecordBase):
    __tablename__ = "state_capital_expenditure"


class ThreePublicExpenditure(RecordBase):
    __tablename__ = "three_public_expenditure"

    line_no: Mapped[int | None]
    item: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal | None]
    general_budget: Mapped[Decimal | None]
    government_fund: Mapped[Decimal | None]
    state_capital: Mapped[Decimal | None]


class ProjectPerformance(RecordBase):
    __tablename__ = "project_performance"

    seq: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(Text)
    unit_name: Mapped[str | None] = mapped_column(Text)
    project_code: Mapped[str | None] = mapped_column(Text, index=True)
    project_name: Mapped[str | None] = mapped_column(Text)
    budget_total: Mapped[Decimal | None]
    fiscal_funds: Mapped[Decimal | None]
    other_funds: Mapped[Decimal | None]
    purpose: Mapped[str | None] = mapped_column(Text)
    plan_mar: Mapped[Decimal | None] = mapped_column(NUMBER)
    plan_jun: Mapped[Decimal | None] = mapped_column(NUMBER)
    plan_oct: Mapped[Decimal | None] = mapped_column(NUMBER)
    plan_dec: Mapped[Decimal | None] = mapped_column(NUMBER)
    goals: Mapped[str | None] = mapped_column(Text)


class _IndicatorFields:
    """The dictionary's indicator fields (``INDICATOR_FIELDS``) and the row's place in its form."""

    position: Mapped[int]
    level1: Mapped[str | None] = mapped_column(Text)
    level2: Mapped[str | None] = mapped_column(Text)
    level3: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    target_op: Mapped[str | None] = mapped_column(Text)
    target_value: Mapped[Decimal | None] = mapped_column(NUMBER)
    target_unit: Mapped[str | None] = mapped_column(Text)
    #: upper end of a ``between`` target (``90%-100%``: target_value 90, target_max 100)
    target_max: Mapped[Decimal | None] = mapped_column(NUMBER)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON_OR_NULL)
    unmapped: Mapped[dict[str, Any] | None] = mapped_column(JSON_OR_NULL)


class ProjectIndicator(_IndicatorFields, Base):
    __tablename__ = "project_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(_cascade("project_performance.id"), index=True)
    version_id: Mapped[int] = mapped_column(_cascade("document_versions.id"), index=True)


class DepartmentPerformance(RecordBase):
    """部门整体支出绩效目标表: the department's own goals and budget (no project fields)."""

    __tablename__ = "department_performance"

    title: Mapped[str | None] = mapped_column(Text)
    unit_name: Mapped[str | None] = mapped_column(Text)
    budget_total: Mapped[Decimal | None]
    fiscal_funds: Mapped[Decimal | None]
    other_funds: Mapped[Decimal | None]
    goals: Mapped[str | None] = mapped_column(Text)


class DepartmentIndicator(_IndicatorFields, Base):
    """One indicator row of a 部门整体支出绩效目标表."""

    __tablename__ = "department_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(_cascade("department_performance.id"), index=True)
    version_id: Mapped[int] = mapped_column(_cascade("document_versions.id"), index=True)


class Institution(RecordBase):
    __tablename__ = "institutions"

    unit_name: Mapped[str | None] = mapped_column(Text)
    nature: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[str | None] = mapped_column(Text)
    funding: Mapped[str | None] = mapped_column(Text)


class FixedAsset(RecordBase):
    __tablename__ = "fixed_assets"

    item: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal | None] = mapped_column(NUMBER)
    value: Mapped[Decimal | None]


class GovernmentProcurement(RecordBase):
    """No fixed columns in the dictionary yet: the whole record is kept (``unmapped``, ``extra``)."""

    __tablename__ = "government_procurement"


class OtherTableRow(RecordBase):
    """A row of a titled table of no known type (``type: "other"``): its cells as printed."""

    __tablename__ = "other_table_rows"

    cells: Mapped[list[Any] | None] = mapped_column(JSON_OR_NULL)


# --- 部门决算 final accounts (issue 15; migration 0007, repaired by 0011) --------------------------


class _FinalBalance:
    """A fund table's row (no 合计 column).

    年初结转和结余 + 本年收入 = 本年支出 + 结余分配 + 年末结转和结余.
    """

    line_no: Mapped[int | None]
    code: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    opening_balance: Mapped[Decimal | None]
    current_revenue: Mapped[Decimal | None]
    current_expenditure: Mapped[Decimal | None]
    balance_allocation: Mapped[Decimal | None]
    closing_balance: Mapped[Decimal | None]


class RevenueExpenditureFinal(_TwoSided, RecordBase):
    """收入支出决算总表."""

    __tablename__ = "revenue_expenditure_final"
    __table_args__ = (CheckConstraint(_in("side", SIDES), "side"),)

    amount: Mapped[Decimal | None]


class RevenueFinal(_Classified, RecordBase):
    """收入决算表."""

    __tablename__ = "revenue_final"

    fiscal_appropriation: Mapped[Decimal | None]
    superior_subsidy: Mapped[Decimal | None]
    business_income: Mapped[Decimal | None]
    operating_income: Mapped[Decimal | None]
    subordinate_remittance: Mapped[Decimal | None]
    other_income: Mapped[Decimal | None]


class ExpenditureFinal(_Classified, _BasicProject, RecordBase):
    """支出决算表."""

    __tablename__ = "expenditure_final"

    remittance_to_superior: Mapped[Decimal | None]
    operating: Mapped[Decimal | None]
    subsidy_to_subordinate: Mapped[Decimal | None]


class FiscalAppropriationFinal(_TwoSided, RecordBase):
    """财政拨款收入支出决算总表."""

    __tablename__ = "fiscal_appropriation_final"
    __table_args__ = (CheckConstraint(_in("side", SIDES), "side"),)

    total: Mapped[Decimal | None]
    general_budget: Mapped[Decimal | None]
    government_fund: Mapped[Decimal | None]
    state_capital: Mapped[Decimal | None]


class GeneralBudgetExpenditureFinal(_Classified, _BasicProject, RecordBase):
    """一般公共预算财政拨款支出决算表 (``budget_amount``: the 预算数 the budget-vs-final view compares)."""

    __tablename__ = "general_budget_expenditure_final"

    budget_amount: Mapped[Decimal | None]


class GeneralBudgetBasicExpenditureFinal(_Classified, RecordBase):
    """一般公共预算财政拨款基本支出决算表."""

    __tablename__ = "general_budget_basic_expenditure_final"

    personnel: Mapped[Decimal | None]
    public_funds: Mapped[Decimal | None]


class GovernmentFundFinal(_FinalBalance, _BasicProject, RecordBase):
    """政府性基金预算财政拨款收入支出决算表."""

    __tablename__ = "government_fund_final"


class StateCapitalFinal(_FinalBalance, _BasicProject, RecordBase):
    """国有资本经营预算财政拨款收入支出决算表."""

    __tablename__ = "state_capital_final"


class ThreePublicFinal(RecordBase):
    """财政拨款“三公”经费支出决算表: 预算数 and 决算数 per item."""

    __tablename__ = "three_public_final"

    line_no: Mapped[int | None]
    item: Mapped[str | None] = mapped_column(Text)
    budget_amount: Mapped[Decimal | None]
    final_amount: Mapped[Decimal | None]


#: 决算 table slug (``budget_etl.contract.FINAL_TABLE_TYPES``) → its record model
FINAL_RECORD_MODELS: dict[str, type[RecordBase]] = {
    m.__tablename__: m
    for m in (
        RevenueExpenditureFinal,
        RevenueFinal,
        ExpenditureFinal,
        FiscalAppropriationFinal,
        GeneralBudgetExpenditureFinal,
        GeneralBudgetBasicExpenditureFinal,
        GovernmentFundFinal,
        StateCapitalFinal,
        ThreePublicFinal,
    )
}


#: table slug (the data dictionary's ``type``) → its record model
RECORD_MODELS: dict[str, type[RecordBase]] = {
    m.__tablename__: m
    for m in (
        RevenueExpenditureSummary,
        RevenueByFunction,
        ExpenditureByFunction,
        FiscalAppropriationSummary,
        GeneralBudgetExpenditure,
        GeneralBudgetBasicExpenditure,
        GovernmentFundExpenditure,
        StateCapitalExpenditure,
        ThreePublicExpenditure,
        ProjectPerformance,
        DepartmentPerformance,
        Institution,
        FixedAsset,
        GovernmentProcurement,
    )
}
RECORD_MODELS[OTHER_TABLE] = OtherTableRow
RECORD_MODELS.update(FINAL_RECORD_MODELS)

#: 绩效 form table type → (its indicator model, the indicator's column pointing at the form)
FORM_INDICATORS: dict[str, tuple[type[Base], str]] = {
    "project_performance": (ProjectIndicator, "project_id"),
    "department_performance": (DepartmentIndicator, "department_id"),
}


# --- findings, review queue, audit -------------------------------------------------------------


class ReviewItem(Base):
    """A document that failed a stage and waits for a person. Never deleted.

    ``subject`` is the file's sha256, or ``url:<source_url>`` when the fetch itself failed; at
    most one item per subject is ``open`` (partial unique index).
    """

    __tablename__ = "review_items"
    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), "status"),
        Index(
            "uq_review_items_open_subject",
            "subject",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(2100), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    raw_uri: Mapped[str | None] = mapped_column(String(2000))
    report_uri: Mapped[str | None] = mapped_column(String(2000))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FindingRow(Base):
    """A stored ``budget_etl.findings.Finding``: warnings of accepted versions, errors of review items."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int | None] = mapped_column(_cascade("document_versions.id"), index=True)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"), index=True)
    #: which attempt of the review item found it (evidence of earlier attempts is kept)
    attempt: Mapped[int | None]
    position: Mapped[int]
    check: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    table_type: Mapped[str | None] = mapped_column(String(60))
    line_no: Mapped[int | None]
    project_code: Mapped[str | None] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(String(80))
    expected: Mapped[Any | None] = mapped_column(JSON_OR_NULL)
    actual: Mapped[Any | None] = mapped_column(JSON_OR_NULL)
    pages: Mapped[list[int] | None] = mapped_column(JSON_OR_NULL)


class AuditEntry(Base):
    """Every state change: which entity, from what to what, who did it, when, and why."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
