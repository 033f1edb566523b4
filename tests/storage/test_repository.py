"""Specification of the Repository: one copy per file, all-or-nothing writes, a review queue with history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from budget_etl.errors import Reason, ReviewError, Stage, StoreError
from storage.models import (
    RECORD_MODELS,
    AuditEntry,
    DocumentTable,
    DocumentVersion,
    ExpenditureByFunction,
    FindingRow,
    ProjectIndicator,
    ProjectPerformance,
    RevenueExpenditureSummary,
)
from storage.repository import Repository
from tests.storage.samples import error, fake_sha, make_document, record_count, review_for_errors, warning


def count(repository: Repository, model: type) -> int:
    with repository.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def all_record_rows(repository: Repository) -> int:
    return sum(count(repository, m) for m in RECORD_MODELS.values()) + count(repository, ProjectIndicator)


class TestAcceptDocument:
    def test_writes_every_record_with_lineage_and_exact_amounts(self, repository: Repository) -> None:
        doc = make_document(total="1200.50")
        version_id = repository.accept_document(doc, [warning()], report_uri="file:///r.html")

        assert all_record_rows(repository) == record_count(doc)
        with repository.engine.connect() as conn:
            row = conn.execute(
                select(ExpenditureByFunction).where(ExpenditureByFunction.code == "2080101")
            ).one()
            summary = conn.execute(
                select(RevenueExpenditureSummary).order_by(RevenueExpenditureSummary.row_index)
            ).all()
        assert row.version_id == version_id
        assert row.total == Decimal("720.30")  # 60% of 1200.50, stored exactly
        assert (row.page, row.bbox_x0, row.bbox_top, row.bbox_x1, row.bbox_bottom) == (
            6,
            30.0,
            80.0,
            560.0,
            95.25,
        )
        assert [(r.side, r.amount) for r in summary] == [
            ("revenue", Decimal("1200.50")),
            ("expenditure", Decimal("1200.50")),
            ("revenue", None),
        ]
        assert summary[2].page == 3  # a one-page table lends its page to a record without one

    def test_keeps_empty_printed_tables_and_warnings(self, repository: Repository) -> None:
        doc = make_document()
        version_id = repository.accept_document(doc, [warning()], report_uri=None)
        with repository.engine.connect() as conn:
            types = conn.scalars(
                select(DocumentTable.type)
                .where(DocumentTable.version_id == version_id)
                .order_by(DocumentTable.position)
            ).all()
            findings = conn.execute(select(FindingRow.severity, FindingRow.version_id)).all()
        assert types == [t.type for t in doc.tables]
        assert "government_procurement" in types
        assert findings == [("warning", version_id)]
        assert repository.document_state(doc.document.sha256) == "accepted"

    def test_project_indicators_belong_to_their_project(self, repository: Repository) -> None:
        repository.accept_document(make_document(), [], report_uri=None)
        with repository.engine.connect() as conn:
            project = conn.execute(select(ProjectPerformance)).one()
            indicators = conn.execute(select(ProjectIndicator).order_by(ProjectIndicator.position)).all()
        assert project.project_code == "99000000P00000000001"
        assert project.plan_mar == Decimal("25")
        assert [(i.project_id, i.target_op, i.target_value, i.target_unit) for i in indicators] == [
            (project.id, ">=", Decimal("95"), "%"),
            (project.id, None, None, None),
        ]

    def test_same_file_twice_leaves_one_copy(self, repository: Repository) -> None:
        doc = make_document()
        first = repository.accept_document(doc, [], report_uri=None)
        second = repository.accept_document(doc, [], report_uri=None)
        assert first == second
        assert count(repository, DocumentVersion) == 1
        assert all_record_rows(repository) == record_count(doc)

    def test_corrected_republication_is_a_new_version_of_the_same_document(
        self, repository: Repository
    ) -> None:
        repository.accept_document(make_document(total="100.00"), [], report_uri=None)
        repository.accept_document(make_document(total="110.00"), [], report_uri=None)
        with repository.engine.connect() as conn:
            versions = conn.execute(
                select(DocumentVersion.document_id, DocumentVersion.version_no).order_by(DocumentVersion.id)
            ).all()
        assert [v.version_no for v in versions] == [1, 2]
        assert versions[0].document_id == versions[1].document_id

    def test_a_violated_constraint_halfway_writes_nothing_and_is_a_clear_error(
        self, repository: Repository
    ) -> None:
        doc = make_document()
        # the second table is fine; the fault sits in the last record of the first one
        doc.tables[0].records[-1]["side"] = "sideways"
        with pytest.raises(StoreError) as raised:
            repository.accept_document(doc, [warning()], report_uri=None)
        assert raised.value.reason is Reason.STORE_FAILED
        assert "constraint" in raised.value.message
        assert count(repository, DocumentVersion) == 0
        assert all_record_rows(repository) == 0
        assert count(repository, FindingRow) == 0

        doc.tables[0].records[-1]["side"] = "revenue"  # fixed → the same file stores cleanly
        repository.accept_document(doc, [], report_uri=None)
        assert all_record_rows(repository) == record_count(doc)

    def test_values_that_do_not_fit_a_column_are_kept_not_dropped(self, repository: Repository) -> None:
        doc = make_document()
        doc.tables[4].records[0]["quantity"] = "若干"
        doc.tables[4].records[0]["remark"] = "新增字段"
        repository.accept_document(doc, [], report_uri=None)
        from storage.models import FixedAsset

        with repository.engine.connect() as conn:
            row = conn.execute(select(FixedAsset)).one()
        assert row.quantity is None
        assert row.unmapped == {"quantity": "若干", "remark": "新增字段"}
        assert row.extra is None


class TestReviewQueue:
    def test_failure_opens_one_item_and_repeats_count_attempts(self, repository: Repository) -> None:
        sha = fake_sha("broken")
        first = repository.send_to_review(
            sha256=sha,
            source_url="http://127.0.0.1/x.pdf",
            stage=Stage.EXTRACT,
            reason="corrupt_pdf",
            message="xref table is damaged",
            findings=[],
            report_uri=None,
        )
        again = repository.send_to_review(
            sha256=sha,
            source_url="http://127.0.0.1/x.pdf",
            stage=Stage.EXTRACT,
            reason="corrupt_pdf",
            message="still damaged",
            findings=[],
            report_uri=None,
        )
        assert first == again
        [item] = repository.list_reviews(status="open")
        assert (item.attempts, item.stage, item.reason, item.message) == (
            2,
            "extract",
            "corrupt_pdf",
            "still damaged",
        )
        assert repository.document_state(sha) == "in_review"
        actions = [h["action"] for h in repository.get_review(first).history]
        assert actions == ["open", "attempt_failed"]

    def test_validation_failure_stores_records_out_of_exports_with_findings(
        self, repository: Repository
    ) -> None:
        doc = make_document()
        item_id = review_for_errors(repository, doc, findings=[error(), warning()], report_uri="file:///report.html")
        detail = repository.get_review(item_id)
        assert detail.version_state == "in_review"
        assert detail.report_uri == "file:///report.html"
        assert [f["severity"] for f in detail.findings] == ["error", "warning"]
        assert detail.findings[0]["expected"] == "10.00" and detail.findings[0]["pages"] == [5]
        assert all_record_rows(repository) == record_count(doc)
        assert repository.document_state(doc.document.sha256) == "in_review"

    def test_retry_that_passes_resolves_the_item_and_accepts_the_same_version(
        self, repository: Repository
    ) -> None:
        doc = make_document()
        item_id = review_for_errors(repository, doc)
        sha, _raw_uri, _url = repository.retry_source(item_id)
        assert sha == doc.document.sha256
        version_id = repository.accept_document(doc, [warning()], report_uri=None)

        detail = repository.get_review(item_id)
        assert detail.item.status == "resolved"
        assert detail.version_id == version_id and detail.version_state == "accepted"
        assert [h["action"] for h in detail.history] == ["open", "retry_requested", "resolve"]
        assert count(repository, DocumentVersion) == 1
        assert all_record_rows(repository) == record_count(doc)  # rewritten, not duplicated
        assert repository.list_reviews(status="open") == []

    def test_waive_makes_the_version_exportable_and_records_who_and_why(self, repository: Repository) -> None:
        doc = make_document()
        item_id = review_for_errors(repository, doc)
        detail = repository.waive_review(
            item_id, reason="printed total is wrong in the source", actor="analyst"
        )
        assert detail.item.status == "waived" and detail.version_state == "waived"
        assert repository.document_state(doc.document.sha256) == "waived"
        with repository.engine.connect() as conn:
            audit = conn.execute(
                select(AuditEntry.entity, AuditEntry.action, AuditEntry.actor, AuditEntry.reason)
                .where(AuditEntry.action == "waive")
                .order_by(AuditEntry.id)
            ).all()
        assert audit == [
            ("review_item", "waive", "analyst", "printed total is wrong in the source"),
            ("document_version", "waive", "analyst", "printed total is wrong in the source"),
        ]

    def test_unknown_ids_and_wrong_states_are_clear_errors(self, repository: Repository) -> None:
        for call in (
            lambda: repository.get_review(999),
            lambda: repository.waive_review(999, reason="x", actor="a"),
            lambda: repository.retry_source(999),
        ):
            with pytest.raises(ReviewError) as raised:
                call()
            assert raised.value.reason is Reason.UNKNOWN_REVIEW_ITEM
        item_id = repository.send_to_review(
            sha256=fake_sha("z"),
            source_url=None,
            stage=Stage.EXTRACT,
            reason="not_pdf",
            message="html page",
            findings=[],
            report_uri=None,
        )
        with pytest.raises(ReviewError, match="needs a reason"):
            repository.waive_review(item_id, reason="  ", actor="a")
        repository.waive_review(item_id, reason="not a budget file", actor="a")
        for call in (
            lambda: repository.waive_review(item_id, reason="again", actor="a"),
            lambda: repository.retry_source(item_id),
        ):
            with pytest.raises(ReviewError) as raised:
                call()
            assert raised.value.reason is Reason.INVALID_STATE

    def test_fetch_failure_is_keyed_by_url_and_resolved_when_the_document_arrives(
        self, repository: Repository
    ) -> None:
        url = "http://127.0.0.1:1/budget.pdf"
        item_id = repository.send_to_review(
            sha256=None,
            source_url=url,
            stage=Stage.FETCH,
            reason="http_error",
            message="HTTP 503",
            findings=[],
            report_uri=None,
        )
        assert repository.retry_source(item_id) == (None, None, url)
        repository.accept_document(make_document(source_url=url), [], report_uri=None)
        assert repository.get_review(item_id).item.status == "resolved"

    def test_items_are_never_deleted_and_a_new_failure_after_resolution_opens_a_new_item(
        self, repository: Repository
    ) -> None:
        doc = make_document()
        args = dict(
            sha256=doc.document.sha256,
            source_url=None,
            stage=Stage.VALIDATE,
            reason="validation_errors",
            message="1 error",
            findings=[error()],
            report_uri=None,
        )
        first = repository.send_to_review(**args)  # type: ignore[arg-type]
        repository.accept_document(doc, [], report_uri=None)
        second = repository.send_to_review(**args)  # type: ignore[arg-type]
        assert second != first
        assert [(i.id, i.status) for i in repository.list_reviews()] == [
            (first, "resolved"),
            (second, "open"),
        ]
        assert repository.document_state(doc.document.sha256) == "accepted"  # the accepted version stays


class TestSourcesAndFiles:
    def test_register_file_is_idempotent(self, repository: Repository) -> None:
        sha = fake_sha("file")
        kwargs = dict(
            sha256=sha,
            url="http://h/a.pdf",
            size=10,
            raw_uri="/raw/x",
            content_type="application/pdf",
            etag='"e1"',
            last_modified=None,
        )
        assert repository.register_file(**kwargs) == repository.register_file(**kwargs)  # type: ignore[arg-type]
        assert repository.last_file("http://h/a.pdf") == (sha, "/raw/x")

    def test_conditional_headers_come_from_the_last_good_fetch(self, repository: Repository) -> None:
        url = "http://h/a.pdf"
        assert repository.conditional_headers(url) == {}
        base = dict(url=url, status_code=200, reason=None, message=None, sha256=None, size=None, elapsed_ms=5)
        repository.log_fetch(
            attempt=1,
            outcome="downloaded",
            etag='"v1"',
            last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
            **base,
        )  # type: ignore[arg-type]
        repository.log_fetch(attempt=1, outcome="failed", etag='"bad"', last_modified=None, **base)  # type: ignore[arg-type]
        assert repository.conditional_headers(url) == {
            "If-None-Match": '"v1"',
            "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT",
        }
        with pytest.raises(ValueError):
            repository.log_fetch(attempt=1, outcome="maybe", etag=None, last_modified=None, **base)  # type: ignore[arg-type]

    def test_upsert_source_updates_in_place(self, repository: Repository) -> None:
        common = dict(publisher="示例县财政局", region="示例县", url="http://h/list", listing=True)
        first = repository.upsert_source(department=None, year=2031, kind=None, **common)  # type: ignore[arg-type]
        again = repository.upsert_source(department="示例局", year=2032, kind="budget_disclosure", **common)  # type: ignore[arg-type]
        assert first == again

    def test_status_counts(self, repository: Repository) -> None:
        repository.accept_document(make_document("a"), [], report_uri=None)
        repository.send_to_review(
            sha256=fake_sha("b"),
            source_url=None,
            stage=Stage.EXTRACT,
            reason="corrupt_pdf",
            message="bad",
            findings=[],
            report_uri=None,
        )
        counts = repository.status_counts()
        assert counts["versions"] == {"accepted": 1, "in_review": 0, "waived": 0}
        assert counts["review_items"] == {"open": 1, "resolved": 0, "waived": 0}
        assert counts["documents"]["logical"] == 1
        assert counts["documents"]["exportable"] == 1


def test_a_table_type_without_storage_is_refused_before_anything_is_written(repository: Repository) -> None:
    from budget_etl.document import ExtractedTable

    doc = make_document()
    doc.tables.append(ExtractedTable("budget_rumours", "传闻表", [12], [{"item": "x"}]))
    with pytest.raises(StoreError, match="budget_rumours"):
        repository.accept_document(doc, [], report_uri=None)
    assert count(repository, DocumentVersion) == 0


def test_a_document_without_a_file_hash_is_refused(repository: Repository) -> None:
    doc = make_document()
    doc.document.sha256 = ""
    with pytest.raises(StoreError, match="sha256"):
        repository.accept_document(doc, [], report_uri=None)


def test_unexpectedly_long_document_values_store_on_every_backend(repository: Repository) -> None:
    """Text columns: a garbled 300-character code must not fail on PostgreSQL but pass on SQLite."""
    doc = make_document(department="局" * 1500)
    doc.document.unit = "单位：万元（" + "注" * 100 + "）"
    doc.tables[1].records[2]["code"] = "2080101" * 40
    doc.tables[2].records[0]["indicators"][0]["target_unit"] = "人次" * 50
    repository.accept_document(doc, [], report_uri=None)
    with repository.engine.connect() as conn:
        code = conn.scalar(select(ExpenditureByFunction.code).where(ExpenditureByFunction.row_index == 2))
    assert code == "2080101" * 40


def test_every_version_state_change_has_an_audit_row(repository: Repository) -> None:
    doc = make_document()
    item_id = review_for_errors(repository, doc)
    review_for_errors(repository, doc, message="still 1 error")
    repository.accept_document(doc, [], report_uri=None)
    with repository.engine.connect() as conn:
        trail = conn.execute(
            select(AuditEntry.entity, AuditEntry.action, AuditEntry.from_state, AuditEntry.to_state).order_by(
                AuditEntry.id
            )
        ).all()
    assert [tuple(row) for row in trail] == [
        ("document_version", "hold_for_review", None, "in_review"),
        ("review_item", "open", None, "open"),
        ("document_version", "rewrite_for_review", "in_review", "in_review"),
        ("review_item", "attempt_failed", "open", "open"),
        ("document_version", "accept", "in_review", "accepted"),
        ("review_item", "resolve", "open", "resolved"),
    ]
    assert repository.get_review(item_id).item.attempts == 3, "two failed attempts and the passing one"
