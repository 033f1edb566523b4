"""Hostile and damaged PDFs: bounded memory and time, the right reason, never a silent loss.

Each case is built at test time (tests/extract/hostile.py) and extracted the way the pipeline
does it — in a child process under a memory and time budget (``extract_guarded``). Every case
asserts its reason code, the peak memory the child measured and the wall time; the budgets
here are test-sized (256 MiB, a few seconds) so the whole file runs in well under a minute.
"""

from __future__ import annotations

import io
import signal
import time
from functools import cache

import pikepdf
import pytest

from budget_etl.document import ExtractedDocument
from budget_etl.errors import ExtractError, Reason
from budget_etl.findings import has_errors
from tasks.extract import integrity
from tasks.extract.guarded import extract_guarded
from tasks.extract.sandbox import Limits, run_limited
from tasks.validate.task import validate_tables
from tests.extract import hostile, pdfs

LIMITS = Limits(memory_mb=256, timeout_s=4.0)
#: slack on top of the deadline for killing and reaping the child
REAP_S = 1.5
#: what a small document may cost in the child (the interpreter + pdfplumber are ~50 MiB)
SMALL_DOC_MB = 150


def failure(data: bytes, limits: Limits = LIMITS) -> tuple[ExtractError, float]:
    started = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        extract_guarded(data, limits=limits)
    return caught.value, time.monotonic() - started


@cache
def two_table_document() -> bytes:
    """A small budget document with a table on each page (so losing a page loses rows)."""
    story = pdfs.Story().line("2026 年部门预算信息公开", 16).space(10)
    story.line("部门预算收入总表", 14).line("901 示例县测试局").line("预算年度：2026").line("单位：万元")
    story.table(pdfs.REVENUE_HEADER + pdfs.revenue_rows(6), pdfs.REVENUE_SPANS, pdfs.REVENUE_WIDTHS)
    story.page_break()
    story.line("部门预算收入总表", 14).line("902 示例县测试二局").line("预算年度：2026").line("单位：万元")
    story.table(pdfs.REVENUE_HEADER + pdfs.revenue_rows(5), pdfs.REVENUE_SPANS, pdfs.REVENUE_WIDTHS)
    return story.render()


def volume(doc: ExtractedDocument) -> tuple[int, int, int]:
    """Pages, tables and records read: what a damaged copy must not lose without saying so."""
    return doc.document.page_count, len(doc.tables), sum(len(t.records) for t in doc.tables)


@cache
def reference_volume() -> tuple[int, int, int]:
    doc, _ = extract_guarded(two_table_document(), limits=LIMITS)
    return volume(doc)


def lost_something(doc: ExtractedDocument) -> bool:
    return any(now < before for now, before in zip(volume(doc), reference_volume(), strict=True))


# ---- memory: tiny files that inflate to gigabytes -------------------------------------------


@pytest.mark.parametrize(
    "build",
    [hostile.deflate_bomb, hostile.cmap_bomb, hostile.glyph_flood],
    ids=["double-deflate bomb", "4G ToUnicode range", "million glyphs"],
)
def test_inflation_bombs_end_as_resource_limit_within_the_budget(build) -> None:
    data = build()
    assert len(data) < 16_000, "the attack is a small file"

    error, wall = failure(data)

    assert error.reason is Reason.RESOURCE_LIMIT
    peak = error.evidence.get("peak_rss_mb")
    assert peak is None or peak <= LIMITS.memory_mb, f"the child stayed under its budget ({peak} MiB)"
    assert wall < LIMITS.timeout_s + REAP_S


def test_the_worker_lives_on_after_a_bomb_and_extracts_the_next_document() -> None:
    failure(hostile.deflate_bomb())

    doc, usage = extract_guarded(two_table_document(), limits=LIMITS)

    assert volume(doc) == reference_volume() and reference_volume()[2] >= 10
    assert usage.peak_rss_mb < SMALL_DOC_MB


# ---- time: work that grows faster than the file ----------------------------------------------


@pytest.mark.parametrize(
    "build", [hostile.dense_rulings, hostile.xobject_fanout], ids=["50k rectangles", "XObject fan-out"]
)
def test_time_bombs_are_stopped_at_the_deadline(build) -> None:
    limits = Limits(memory_mb=2048, timeout_s=2.0)  # room for OCR's native libraries: time is tested

    error, wall = failure(build(), limits)

    assert error.reason is Reason.RESOURCE_LIMIT
    assert limits.timeout_s <= wall < limits.timeout_s + REAP_S


@pytest.mark.slow
def test_a_legitimate_999_page_file_is_bounded_by_the_deadline_too() -> None:
    limits = Limits(memory_mb=1024, timeout_s=3.0)

    error, wall = failure(hostile.many_pages(), limits)

    assert error.reason is Reason.RESOURCE_LIMIT
    assert wall < limits.timeout_s + REAP_S


# ---- structure: damage says corrupt_pdf, never "scanned" or "needs a password" --------------


def test_a_page_tree_cycle_is_a_corrupt_pdf_not_a_scanned_one() -> None:
    error, wall = failure(hostile.parent_cycle())

    assert error.reason is Reason.CORRUPT_PDF
    assert error.evidence["damage"][0]["check"] == integrity.PAGE_TREE_CYCLE
    assert error.evidence["peak_rss_mb"] < SMALL_DOC_MB and wall < 5


def test_a_garbage_encrypt_entry_is_a_corrupt_pdf_not_a_password_problem() -> None:
    error, _ = failure(hostile.garbage_encrypt())

    assert error.reason is Reason.CORRUPT_PDF
    assert "Encrypt" in error.message


def test_a_real_password_is_still_an_encrypted_pdf() -> None:
    error, _ = failure(pdfs.encrypted_pdf())

    assert error.reason is Reason.ENCRYPTED_PDF


def test_the_clean_document_has_no_integrity_findings() -> None:
    doc, _ = extract_guarded(two_table_document(), limits=LIMITS)

    assert [f for f in doc.findings if f.check in integrity.INTEGRITY_CHECKS] == []


def test_a_deleted_page_object_is_never_accepted_silently() -> None:
    damaged = hostile.delete_page(two_table_document(), 1)

    doc, usage = extract_guarded(damaged, limits=LIMITS)
    findings = validate_tables.fn(doc)

    missing = [f for f in findings if f.check == integrity.PAGE_MISSING]
    assert missing and missing[0].pages == [2], "the finding names the lost page"
    assert has_errors(findings), "an error finding sends the document to review"
    assert usage.peak_rss_mb < SMALL_DOC_MB


def test_a_duplicated_page_entry_is_an_error_finding() -> None:
    doc, _ = extract_guarded(hostile.duplicate_page(two_table_document(), 0), limits=LIMITS)

    checks = {f.check for f in doc.findings}
    assert integrity.PAGE_DUPLICATED in checks


def test_a_damaged_content_stream_is_an_error_finding_not_a_quiet_salvage() -> None:
    pdf = pikepdf.open(io.BytesIO(two_table_document()))
    contents = pdf.pages[1].obj.Contents
    raw = bytearray(contents.read_raw_bytes())
    raw[len(raw) // 2:] = b"\x00" * (len(raw) - len(raw) // 2)  # the second half of the page is lost
    contents.write(bytes(raw), filter=contents.Filter)
    damaged = hostile.save(pdf)

    try:
        doc, _ = extract_guarded(damaged, limits=LIMITS)
    except ExtractError as error:  # failing outright is as good as a finding
        assert error.reason is not Reason.UNEXPECTED_ERROR
        return
    assert integrity.DAMAGED_STREAM in {f.check for f in doc.findings}


@pytest.mark.parametrize("seed", range(12))
def test_byte_flips_are_clean_errors_or_honest_successes(seed: int) -> None:
    original = two_table_document()
    mutant = hostile.flip_bytes(original, seed, flips=3)

    started = time.monotonic()
    try:
        doc, usage = extract_guarded(mutant, limits=LIMITS)
    except ExtractError as error:
        assert error.reason is not Reason.UNEXPECTED_ERROR, error.evidence
        assert time.monotonic() - started < LIMITS.timeout_s + REAP_S
        return
    assert not lost_something(doc) or has_errors(doc.findings), "a mutant that lost rows must say so"
    assert usage.peak_rss_mb < SMALL_DOC_MB


def test_cid_garbage_in_a_title_is_an_error_finding() -> None:
    from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable

    doc = ExtractedDocument(
        document=DocumentMeta("budget_disclosure", "901", "(cid:12)(cid:40)局", 2026, "万元", 3, "0" * 64),
        tables=[ExtractedTable(type="revenue_by_function", title="(cid:3)(cid:9)收入总表", pages=[2])],
    )

    found = integrity.cid_findings(doc)

    assert [f.check for f in found] == [integrity.CID_IN_TEXT]
    assert found[0].pages == [2]


def test_toc_entries_without_an_extracted_table_are_error_findings() -> None:
    toc = "目 录\n一、部门预算收入总表 …………… 3\n二、部门预算支出总表 …………… 4\n三、名词解释\n"

    entries = integrity.toc_entries(toc)
    found = integrity.toc_findings(entries, ["2026年部门预算收入总表"])

    assert entries == ["部门预算收入总表", "部门预算支出总表"]
    assert [f.expected for f in found] == [["部门预算支出总表"]]


def test_a_section_heading_over_numbered_tables_is_not_a_toc_table() -> None:
    toc = "目录\n五、部门预算表 ……\n1. 2026年部门收入预算总表 ……\n2. 2026年部门支出预算总表 ……\n"

    assert integrity.toc_entries(toc) == ["2026年部门收入预算总表", "2026年部门支出预算总表"]


def test_tables_without_department_or_year_are_an_error_finding() -> None:
    from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable

    doc = ExtractedDocument(
        document=DocumentMeta("budget_disclosure", None, None, None, "万元", 3, "0" * 64),
        tables=[ExtractedTable(type="revenue_by_function", title="部门预算收入总表", pages=[2])],
    )

    found = integrity.identity_findings(doc)

    assert [f.check for f in found] == [integrity.IDENTITY_MISSING]
    assert found[0].field == "department,budget year"


@pytest.mark.parametrize(
    ("signum", "reason"),
    [(signal.SIGSEGV, Reason.RESOURCE_LIMIT), (signal.SIGKILL, Reason.RESOURCE_LIMIT),
     (signal.SIGTERM, Reason.UNEXPECTED_ERROR)],
)
def test_a_child_killed_by_a_signal_is_a_clear_reason_and_the_caller_lives(signum, reason) -> None:
    with pytest.raises(ExtractError) as caught:
        run_limited(hostile.die_by_signal, signum, limits=LIMITS)

    assert caught.value.reason is reason
    assert caught.value.evidence["exitcode"] == -signum
