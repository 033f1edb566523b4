"""What the Prefect UI shows, built as plain text/tables (published by flows/artifacts.py)."""

from __future__ import annotations

from decimal import Decimal

from budget_etl.findings import Finding, Severity
from flows.artifacts import artifact_key, queue_rows, review_key, review_markdown, summary_rows
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

    text = review_markdown(IN_REVIEW, findings)

    assert "# In review: 某局 (2025)" in text
    assert "`validate`" in text and "`validation_errors`" in text and "#7" in text
    assert "| error | hierarchy.sum | expenditure_by_function | 3 | total | 9 | 10 | 5, 6 |" in text
    assert "| warning | narrative.total |" in text
    assert "[http://127.0.0.1:8000/a.pdf](http://127.0.0.1:8000/a.pdf)" in text
    assert "/data/reports/abab.html" in text and "/data/raw/ab/abab.bin" in text
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


def test_artifact_keys_are_lowercase_letters_digits_and_dashes():
    assert artifact_key("Review", "AB_12/x") == "review-ab-12-x"
    assert review_key(IN_REVIEW) == "review-abababababababab"
    assert review_key(DocumentOutcome(status="failed", source_url="http://h/y.pdf")).startswith("review-url-")
