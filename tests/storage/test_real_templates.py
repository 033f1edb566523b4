"""Storing what real templates print (issue 9): table units, ``extra`` columns, ``other`` tables,
document scope, narrative-only files and their companions — on SQLite and PostgreSQL.

Every case writes through the real repository and reads the rows (or the export, or the
``latest_document_versions`` view) back; the migration case upgrades a 0002 database that
already holds data and checks that nothing changes meaning.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pyarrow.parquet as pq
from sqlalchemy import select, text

from budget_etl.document import ExtractedDocument, ExtractedTable, NarrativeBlock
from storage.engine import make_engine
from storage.export import export_table, to_csv, to_parquet
from storage.migrate import upgrade
from storage.models import (
    Document,
    DocumentCompanion,
    DocumentTable,
    ExpenditureByFunction,
    NarrativeFigure,
    OtherTableRow,
)
from storage.repository import Repository
from tasks.validate.reconcile.narrative import stated_figures
from tests.storage.samples import fake_sha, make_document

RESERVE = "单位预留机动经费"


def real_template_document(label: str = "real-a", **kwargs: object) -> ExtractedDocument:
    """The sample document as a real template prints it: tables in 元, an extra column, an other table."""
    doc = make_document(label, **kwargs)  # type: ignore[arg-type]
    doc.document.scope = "department"
    doc.document.unit = "元"
    spending = doc.table("expenditure_by_function")
    assert spending is not None
    spending.unit = "元"
    for record in spending.records:
        record["extra"] = {RESERVE: Decimal("12.50")}
    procurement = doc.table("government_procurement")
    assert procurement is not None
    procurement.empty_note = "本部门无政府采购预算，本表为空表"
    doc.tables.append(
        ExtractedTable(
            "other",
            "机关运行经费预算表",
            [13],
            [{"cells": ["项目", "金额"]}, {"cells": ["机关运行经费", "3500.00"]}, {"cells": ["合计", None]}],
            unit="万元",
        )
    )
    return doc


def export_rows(repository: Repository, table: str) -> list[dict[str, str]]:
    exported = to_csv(export_table(repository.engine, table)).decode("utf-8")
    return list(csv.DictReader(io.StringIO(exported)))


def test_table_unit_empty_note_scope_extra_and_other_rows_are_stored(repository: Repository) -> None:
    doc = real_template_document()
    repository.accept_document(doc, [], report_uri=None)
    with repository.engine.connect() as conn:
        tables = {t.type: t for t in conn.execute(select(DocumentTable)).all()}
        spending = conn.execute(select(ExpenditureByFunction).order_by(ExpenditureByFunction.row_index)).all()
        other = conn.execute(select(OtherTableRow).order_by(OtherTableRow.row_index)).all()
        document = conn.execute(select(Document)).one()
    assert tables["expenditure_by_function"].unit == "元"
    assert tables["government_procurement"].empty_note == "本部门无政府采购预算，本表为空表"
    assert tables["other"].unit == "万元" and tables["other"].title == "机关运行经费预算表"
    assert document.scope == "department" and document.narrative_only is False
    assert [row.extra for row in spending] == [{RESERVE: "12.50"}] * len(spending)
    assert all(row.unmapped is None for row in spending)  # ``extra`` is not spilled into unmapped
    assert [row.cells for row in other] == [["项目", "金额"], ["机关运行经费", "3500.00"], ["合计", None]]
    assert [row.page for row in other] == [13, 13, 13]


def test_exports_carry_the_table_unit_scope_and_extra_as_a_json_string(repository: Repository) -> None:
    repository.accept_document(real_template_document(), [], report_uri=None)
    rows = export_rows(repository, "expenditure_by_function")
    assert {r["unit"] for r in rows} == {"元"}
    assert {r["scope"] for r in rows} == {"department"}
    assert [json.loads(r["extra"]) for r in rows] == [{RESERVE: "12.50"}] * len(rows)
    other = export_rows(repository, "other")
    assert [json.loads(r["cells"]) for r in other][1] == ["机关运行经费", "3500.00"]
    assert {r["unit"] for r in other} == {"万元"}
    table = pq.read_table(io.BytesIO(to_parquet(export_table(repository.engine, "expenditure_by_function"))))
    assert str(table.schema.field("extra").type) == "string"
    assert json.loads(table.column("extra")[0].as_py()) == {RESERVE: "12.50"}


def test_a_unit_budget_is_not_a_new_version_of_the_department_budget(repository: Repository) -> None:
    department = real_template_document("dept")
    unit = real_template_document("unit")
    unit.document.scope = "unit"
    repository.accept_document(department, [], report_uri=None)
    repository.accept_document(unit, [], report_uri=None)
    with repository.engine.connect() as conn:
        scopes = sorted(conn.execute(select(Document.scope)).scalars())
        latest = conn.execute(text("SELECT scope, version_no FROM latest_document_versions")).all()
    assert scopes == ["department", "unit"]
    assert sorted(tuple(r) for r in latest) == [("department", 1), ("unit", 1)]


def narrative_only_document(label: str = "explanation") -> ExtractedDocument:
    doc = make_document(label)
    doc.tables = []
    doc.document.narrative_only = True
    doc.narrative = [
        NarrativeBlock(2, "2031年预算收入1200.50万元，其中一般公共预算拨款收入1200.50万元。"),
        NarrativeBlock(3, "“三公”经费预算安排45,000元，其中公务接待费0.5万元。"),
    ]
    return doc


def test_a_narrative_only_file_is_stored_with_its_figures(repository: Repository) -> None:
    repository.accept_document(narrative_only_document(), [], report_uri=None)
    with repository.engine.connect() as conn:
        document = conn.execute(select(Document)).one()
        figures = conn.execute(select(NarrativeFigure).order_by(NarrativeFigure.position)).all()
        tables = conn.execute(select(DocumentTable)).all()
    assert document.narrative_only is True and tables == []
    stated = {(f.label, f.value, f.unit, f.value_wan, f.page) for f in figures}
    assert ("预算收入", Decimal("1200.5000"), "万元", Decimal("1200.5000"), 2) in stated
    assert ("一般公共预算收入", Decimal("1200.5000"), "万元", Decimal("1200.5000"), 2) in stated
    assert ("“三公”经费", Decimal("45000.0000"), "元", Decimal("4.5000"), 3) in stated
    assert ("公务接待费", Decimal("0.5000"), "万元", Decimal("0.5000"), 3) in stated


def test_explanation_and_tables_filed_apart_are_linked_both_ways(repository: Repository) -> None:
    repository.accept_document(narrative_only_document(), [], report_uri=None)
    repository.accept_document(make_document("tables"), [], report_uri=None)  # same department and year
    repository.accept_document(make_document("other", department="别的局"), [], report_uri=None)
    with repository.engine.connect() as conn:
        ids = dict(
            conn.execute(select(Document.department_name, Document.id).where(~Document.narrative_only)).all()
        )
        explanation = conn.execute(select(Document.id).where(Document.narrative_only)).scalar_one()
        links = sorted(
            tuple(r)
            for r in conn.execute(select(DocumentCompanion.document_id, DocumentCompanion.companion_id))
        )
        view = dict(
            conn.execute(
                text("SELECT document_id, companion_document_id FROM latest_document_versions")
            ).all()
        )
    tables = ids["示例县测试局"]
    assert links == sorted([(explanation, tables), (tables, explanation)])
    assert view == {explanation: tables, tables: explanation, ids["别的局"]: None}


def test_halves_whose_department_names_are_printed_differently_are_linked(repository: Repository) -> None:
    """js-swb-2017: the explanation prints 江苏省委办公厅, its tables 中国共产党江苏省委员会办公厅."""
    explanation = narrative_only_document()
    explanation.document.department_name = "江苏省委办公厅"
    repository.accept_document(explanation, [], report_uri=None)
    # the CPPCC committee (委员会) is not the party committee (省委)
    cppcc = make_document("cppcc", department="中国人民政治协商会议江苏省委员会办公厅")
    repository.accept_document(cppcc, [], report_uri=None)
    tables = make_document("tables", department="中国共产党江苏省委员会办公厅")
    repository.accept_document(tables, [], report_uri=None)
    with repository.engine.connect() as conn:
        ids = dict(conn.execute(select(Document.department_name, Document.id)).all())
        links = sorted(
            tuple(r)
            for r in conn.execute(select(DocumentCompanion.document_id, DocumentCompanion.companion_id))
        )
    explanation_id, tables_id = ids["江苏省委办公厅"], ids["中国共产党江苏省委员会办公厅"]
    assert links == sorted([(explanation_id, tables_id), (tables_id, explanation_id)])


def test_a_republished_explanation_is_a_new_version_of_the_same_narrative_document(
    repository: Repository,
) -> None:
    repository.accept_document(narrative_only_document("first"), [], report_uri=None)
    again = narrative_only_document("second")
    again.narrative[0].text = "2031年预算收入1300.00万元。"
    repository.accept_document(again, [], report_uri=None)
    with repository.engine.connect() as conn:
        latest = conn.execute(text("SELECT version_no, narrative_only FROM latest_document_versions")).all()
        figures = conn.execute(
            select(NarrativeFigure.version_id, NarrativeFigure.value).where(
                NarrativeFigure.label == "预算收入"
            )
        ).all()
    assert [(r[0], bool(r[1])) for r in latest] == [(2, True)]
    assert sorted(value for _, value in figures) == [Decimal("1200.5000"), Decimal("1300.0000")]


def test_upgrading_a_0002_database_with_data_keeps_every_value(blank_db_url: str) -> None:
    """0002 kept unmapped keys in ``extra``; after 0003 they are in ``unmapped`` and ``extra`` is free."""
    upgrade(blank_db_url, "0002")
    engine = make_engine(blank_db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, natural_key, kind, department_name, budget_year, created_at) "
                "VALUES (1, :key, 'budget_disclosure', '甲局', 2030, CURRENT_TIMESTAMP)"
            ),
            {"key": fake_sha("key")},
        )
        conn.execute(
            text(
                "INSERT INTO document_versions (id, document_id, sha256, version_no, state, page_count, "
                "unit, created_at, updated_at) VALUES (1, 1, :sha, 1, 'accepted', 9, '万元', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"sha": fake_sha("file")},
        )
        conn.execute(
            text(
                "INSERT INTO document_tables (id, version_id, position, type, title, pages, record_count) "
                "VALUES (1, 1, 0, 'fixed_assets', '部门固定资产占用情况表', '[4]', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO fixed_assets (id, version_id, table_id, row_index, item, value, extra) "
                "VALUES (1, 1, 1, 0, '车辆', 12.5, :extra)"
            ),
            {"extra": json.dumps({"quantity": "若干"}, ensure_ascii=False)},
        )
    upgrade(blank_db_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT item, value, extra, unmapped FROM fixed_assets")).one()
        document = conn.execute(text("SELECT scope, narrative_only FROM documents")).one()
        table = conn.execute(text("SELECT unit, empty_note FROM document_tables")).one()
        view = conn.execute(
            text(
                "SELECT department_name, unit, scope, narrative_only, companion_document_id "
                "FROM latest_document_versions"
            )
        ).one()
    engine.dispose()
    unmapped = row.unmapped if isinstance(row.unmapped, dict) else json.loads(row.unmapped)
    assert (row.item, Decimal(str(row.value)), row.extra) == ("车辆", Decimal("12.5"), None)
    assert unmapped == {"quantity": "若干"}
    assert (document.scope, bool(document.narrative_only)) == (None, False)
    assert tuple(table) == (None, None)
    assert (view[0], view[1], view[2], bool(view[3]), view[4]) == ("甲局", "万元", None, False, None)


def test_the_stated_figures_are_exported_with_their_companion(repository: Repository) -> None:
    explanation = narrative_only_document()
    tables = make_document("tables")
    repository.accept_document(explanation, [], report_uri=None)
    repository.accept_document(tables, [], report_uri=None)
    rows = export_rows(repository, "narrative_figures")
    stated = {(r["label"], r["value"], r["unit"], r["value_wan"]) for r in rows}
    assert ("“三公”经费", "45000.00", "元", "4.50") in stated
    assert {r["sha256"] for r in rows} == {explanation.document.sha256}
    assert {r["companion_sha256"] for r in rows} == {tables.document.sha256}
    assert {r["narrative_only"] for r in rows} == {"True"}
    table = pq.read_table(io.BytesIO(to_parquet(export_table(repository.engine, "narrative_figures"))))
    assert str(table.schema.field("value_wan").type) == "decimal128(18, 4)"
    assert table.num_rows == len(rows) == len(stated_figures(explanation))


def test_downgrading_0003_folds_unmapped_back_into_extra(blank_db_url: str) -> None:
    """Nothing stored under 0003 is lost by going back to 0002 (printed extras and spill-over merge)."""
    from alembic import command

    from storage.migrate import alembic_config

    upgrade(blank_db_url)
    engine = make_engine(blank_db_url)
    repository = Repository(engine, actor="test-suite")
    doc = real_template_document()
    doc.tables[1].records[0]["remark"] = "新增字段"  # no column: kept in unmapped
    repository.accept_document(doc, [], report_uri=None)
    with engine.connect() as conn:
        config = alembic_config(blank_db_url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
        conn.commit()
        row = conn.execute(text("SELECT extra FROM expenditure_by_function WHERE row_index = 0")).one()
        latest = conn.execute(text("SELECT department_name FROM latest_document_versions")).all()
    engine.dispose()
    extra = row.extra if isinstance(row.extra, dict) else json.loads(row.extra)
    assert extra == {RESERVE: "12.50", "remark": "新增字段"}
    assert [r[0] for r in latest] == ["示例县测试局"]
