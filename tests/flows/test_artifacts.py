"""What the Prefect UI shows, built as plain text/tables (published by flows/artifacts.py)."""

from __future__ import annotations

from decimal import Decimal

from budget_etl.findings import Finding, Severity
from flows.artifacts import (
    NO_REVIEW_APP,
    artifact_key,
    closed_markdown,
    format_value,
    progress_text,
    queue_rows,
    retry_rows,
    review_key,
    review_markdown,
    summary_rows,
)
from flows.outcomes import DocumentOutcome, PublisherCounts
from storage.repository import ReviewSummary

IN_REVIEW = DocumentOutcome(
    status="in_review", source_url="http://127.0.0.1:8000/a.pdf", sha256="ab" * 32, stage="validate",
    reason="validation_errors", message="2 check(s) failed", review_item_id=7,
    report_uri="/data/reports/abab.html", raw_uri="/data/raw/ab/abab.bin", department_name="某局",
    budget_year=2025,
)


def test_a_review_report_says_why_shows_the_evidence_and_how_to_retry():
    findings = [
        Finding("hierarchy.sum", Severity.ERROR, "类 208 is 10 but its 款 add up to 9",
                table="expenditure_by_function", line_no=3, field="total", expected=Decimal("9"),
                actual=Decimal("10"), pages=[5, 6]),
        Finding("narrative.total", Severity.WARNING, "narrative says 11", pages=[2]),
    ]

    text = review_markdown(IN_REVIEW, findings, "http://review.example:8000/")

    assert "# In review: 某局 (2025)" in text
    assert "`validate`" in text and "`validation_errors`" in text and "#7" in text
    assert "| error | hierarchy.sum | expenditure_by_function | 3 | total | 9 | 10 | 5, 6 |" in text
    assert "| warning | narrative.total |" in text
    assert "[http://127.0.0.1:8000/a.pdf](http://127.0.0.1:8000/a.pdf)" in text
    assert "(http://review.example:8000/items/7)" in text
    assert "(http://review.example:8000/items/7/raw)" in text
    assert "(http://review.example:8000/items/7/report)" in text
    assert "/data/" not in text, "a worker-disk path is no link for an operator"
    assert "budget-etl review retry 7" in text and "item_ids: [7]" in text


def test_long_finding_lists_are_cut_with_a_pointer_to_the_html_report():
    findings = [Finding(f"check.{i}", Severity.ERROR, "m") for i in range(80)]

    text = review_markdown(IN_REVIEW, findings)

    assert text.count("| error |") == 50
    assert "… and 30 more in the validation report." in text


def test_summary_rows_have_the_issue_columns_and_a_total_for_several_publishers():
    rows = summary_rows([PublisherCounts("a", 3, 2, 1, 1, 1, 0), PublisherCounts("b", 1, 0, 0, 0, 0, 1)])

    columns = ["publisher", "discovered", "fetched", "unchanged", "accepted", "in_review", "failed"]
    assert list(rows[0]) == columns
    assert rows[-1] == {"publisher": "TOTAL", "discovered": 4, "fetched": 2, "unchanged": 1, "accepted": 1,
                        "in_review": 1, "failed": 1}
    assert len(summary_rows([PublisherCounts("only")])) == 1


def test_queue_rows_flatten_messages_for_the_table():
    item = ReviewSummary(1, "open", "fetch", "http_not_found", "HTTP 404\n  no document", 2, None,
                         "http://h/x.pdf", None, None, "2026-01-01T00:00:00", "2026-01-02T00:00:00")

    [row] = queue_rows([item])

    assert row["message"] == "HTTP 404 no document"
    assert (row["id"], row["reason"], row["attempts"]) == (1, "http_not_found", 2)


def test_without_a_review_app_the_report_says_so_instead_of_printing_worker_paths():
    text = review_markdown(IN_REVIEW, [])

    assert NO_REVIEW_APP in text
    assert "/data/" not in text


def test_finding_values_are_shown_as_values_not_python_reprs():
    finding = Finding("projects.plan_order", Severity.ERROR, "m", expected=[Decimal("2.50"), Decimal("3")],
                      actual={"合计": Decimal("1E+2")})

    text = review_markdown(IN_REVIEW, [finding])

    assert "| 2.50, 3 | 合计: 100 |" in text
    assert "Decimal(" not in text
    assert format_value(0.1) == "0.1" and format_value(None) == ""


def test_artifact_keys_are_per_review_item_and_lowercase_letters_digits_and_dashes():
    assert artifact_key("Review", "AB_12/x") == "review-ab-12-x"
    assert review_key(IN_REVIEW) == "review-item-7"
    not_queued = DocumentOutcome(status="failed", source_url="http://h/y.pdf")
    assert review_key(not_queued).startswith("review-url-")


def summary_of(item_id: int, status: str, attempts: int) -> ReviewSummary:
    return ReviewSummary(item_id, status, "validate", "validation_errors", "2 check(s) failed", attempts,
                         "ab" * 32, "http://h/a.pdf", "某局", 2025, "2026-01-01T00:00:00",
                         "2026-01-02T00:00:00")


def test_a_resolved_item_report_no_longer_asks_for_action():
    text = closed_markdown(summary_of(7, "resolved", 2), "http://review.example")

    assert text.startswith("# Resolved: 某局 (2025)")
    assert "**Attempts:** 2" in text and "Nothing to do." in text
    assert "(http://review.example/items/7)" in text
    assert "budget-etl review retry" not in text


def test_the_retry_summary_lists_each_item_with_its_new_state():
    accepted = DocumentOutcome(status="accepted", source_url="http://h/a.pdf")
    still = DocumentOutcome(status="in_review", source_url="http://h/b.pdf", stage="validate",
                            reason="validation_errors")
    rows = retry_rows([
        (summary_of(7, "open", 1), accepted, summary_of(7, "resolved", 2)),
        (summary_of(8, "open", 3), still, summary_of(8, "open", 4)),
    ])

    assert [(r["item"], r["outcome"], r["item_status"], r["attempts"]) for r in rows] == [
        (7, "accepted", "resolved", 2), (8, "in_review", "open", 4)]
    assert rows[1]["reason"] == "validate/validation_errors"


def test_progress_says_n_of_n_and_the_current_document():
    assert progress_text(3, 12, "http://h/c.pdf", working=True) == "3 of 12 documents done — now: http://h/c.pdf"
    assert progress_text(1, 1, None, working=False) == "1 of 1 document done"
