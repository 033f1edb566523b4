"""Corrections as specified: applied on top of a reading, kept / retired / flagged explicitly on a
new reading, reflected in exports and in ``latest_document_versions`` (both backends)."""

from __future__ import annotations

import copy
from decimal import Decimal

from sqlalchemy import text

from budget_etl.findings import has_errors
from storage.corrections import STALE_CHECK, CellCorrection, apply_corrections
from storage.export import export_table
from storage.repository import Repository
from tasks.extract import extract_document
from tasks.validate import validate_document
from tests.web.conftest import Seeded, repository_of
from tests.web.pdfs import plan_pdf


def correction(old: object, new: object, row_key: dict | None = None) -> CellCorrection:
    return CellCorrection(
        id=1, table_position=0, table_type="project_performance", row_index=0,
        row_key=row_key or {"project_code": "90100126P00000000012X"}, field="plan_dec", old_value=old,
        new_value=new, actor="a", reason="r", status="active", status_reason=None, created_at="",
    )


def reading(plan_dec: str):
    return extract_document(plan_pdf("示例县测试局", plan_dec))


def test_a_reading_that_still_holds_the_old_value_gets_the_correction_again() -> None:
    doc = reading("8.00")
    corrected, [verdict] = apply_corrections(doc, [correction("8.00", "100")])
    assert verdict.status == "active" and verdict.finding is None
    assert corrected.tables[0].records[0]["plan_dec"] == Decimal("100")
    assert doc.tables[0].records[0]["plan_dec"] == Decimal("8.00")  # the reading itself is untouched
    assert not has_errors(validate_document(corrected)) and has_errors(validate_document(doc))


def test_a_reading_that_now_gives_the_corrected_value_retires_the_correction() -> None:
    corrected, [verdict] = apply_corrections(reading("100.00"), [correction("8.00", "100")])
    assert verdict.status == "superseded" and "extractor now reads" in verdict.why
    assert corrected.tables[0].records[0]["plan_dec"] == Decimal("100.00")


def test_a_reading_with_a_third_value_flags_the_correction_instead_of_applying_it() -> None:
    corrected, [verdict] = apply_corrections(reading("9.00"), [correction("8.00", "100")])
    assert verdict.status == "stale"
    assert verdict.finding is not None and verdict.finding.check == STALE_CHECK
    assert verdict.finding.severity.value == "error" and verdict.finding.field == "plan_dec"
    assert corrected.tables[0].records[0]["plan_dec"] == Decimal("9.00")


def test_a_row_that_is_not_the_same_row_any_more_is_flagged() -> None:
    other = correction("8.00", "100", row_key={"project_code": "00000000P00000000000A"})
    _, [verdict] = apply_corrections(reading("8.00"), [other])
    assert verdict.status == "stale" and "no such row" in verdict.why


def test_a_correction_revalidated_and_accepted_shows_in_exports_and_the_view(seeded: Seeded) -> None:
    """The flow's steps by their plain functions: correct → read again → apply → validate → accept."""
    repository = repository_of(seeded)
    item = repository.get_review(seeded.items["plan"])
    made = repository.correct_cell(item.item.id, table_position=0, row_index=0, field="plan_dec", old="8.00",
                                   new="100.00", reason="printed 100.00", actor="审核员 Zhao")
    assert Decimal(str(made.old_value)) == Decimal("8") and Decimal(str(made.new_value)) == Decimal("100")
    history = repository.get_review(item.item.id).history
    assert history[-1]["action"] == "correct" and history[-1]["actor"] == "审核员 Zhao"
    assert "8.00 → 100.00" in history[-1]["reason"]

    doc = extract_document(seeded.pdfs["plan"])
    active = repository.corrections(doc.document.sha256, active_only=True)
    corrected, verdicts = apply_corrections(doc, active)
    repository.record_correction_verdicts(verdicts)
    findings = validate_document(corrected)
    assert not has_errors(findings)
    repository.accept_document(corrected, findings, report_uri=None)
    assert repository.get_review(item.item.id).item.status == "resolved"

    table = export_table(repository.engine, "project_performance")
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    assert [(r["plan_dec"], r["corrected_fields"]) for r in rows] == [(Decimal("100.0000"), "plan_dec")]
    with repository.engine.connect() as conn:
        counted = conn.execute(text("SELECT corrected_values FROM latest_document_versions")).scalars().all()
        cells = conn.execute(text("SELECT field, actor FROM corrected_cells")).all()
    assert counted == [1] and [tuple(c) for c in cells] == [("plan_dec", "审核员 Zhao")]
    repository.engine.dispose()


def test_an_uncorrected_copy_keeps_blank_corrected_fields(seeded: Seeded) -> None:
    repository = repository_of(seeded)
    doc = copy.deepcopy(extract_document(plan_pdf("示例县测试三局", "100.00")))
    repository.accept_document(doc, validate_document(doc), report_uri=None)
    table = export_table(repository.engine, "project_performance")
    assert [row[-1] for row in table.rows] == [""]
    repository.engine.dispose()


def test_verdicts_on_a_new_reading_are_audited_state_changes(seeded: Seeded) -> None:
    repository = repository_of(seeded)
    item = seeded.items["plan"]
    made = repository.correct_cell(item, table_position=0, row_index=0, field="plan_dec", old="8.00",
                                   new="100", reason="printed 100", actor="A")
    fixed_reading = reading("100.00")  # as if the extractor had been fixed
    active = repository.corrections(made_sha(repository, item), active_only=True)
    _, verdicts = apply_corrections(fixed_reading, active)
    repository.record_correction_verdicts(verdicts)
    [after] = repository.corrections(made_sha(repository, item))
    assert after.id == made.id and after.status == "superseded"
    history = repository.get_review(item).history
    assert history[-1]["action"] == "correction_superseded" and "extractor now reads" in history[-1]["reason"]


def made_sha(repository: Repository, item: int) -> str:
    return repository.get_review(item).item.sha256 or ""


def test_the_cli_refuses_a_correction_from_a_stale_value(seeded: Seeded) -> None:
    from typer.testing import CliRunner

    from budget_etl.cli import app

    result = CliRunner().invoke(app, [
        "review", "correct", str(seeded.items["plan"]), "--table", "0", "--row", "0", "--field", "plan_dec",
        "--from", "7.00", "--to", "100", "--reason", "misread", "--actor", "cli-user",
        "--db", seeded.settings.resolved_database_url(), "--json"])
    assert result.exit_code == 2
    assert '"error": "correction_conflict"' in result.output and "now holds 8.00" in result.output


def test_review_show_lists_the_corrections(seeded: Seeded) -> None:
    import json

    from typer.testing import CliRunner

    from budget_etl.cli import app

    repository = repository_of(seeded)
    item = seeded.items["plan"]
    repository.correct_cell(item, table_position=0, row_index=0, field="plan_dec", old="8.00", new="100",
                            reason="printed 100", actor="审核员 Qian")
    db = seeded.settings.resolved_database_url()
    shown = CliRunner().invoke(app, ["review", "show", str(item), "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    [listed] = json.loads(shown.output)["corrections"]
    assert (listed["field"], listed["actor"], listed["status"]) == ("plan_dec", "审核员 Qian", "active")
    text = CliRunner().invoke(app, ["review", "show", str(item), "--db", db]).output
    assert "corrections:" in text and "plan_dec: 8.0000 → 100 by 审核员 Qian" in text
