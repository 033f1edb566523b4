"""A self-contained HTML report for one document: every finding beside the row it concerns.

A reviewer opens it offline (inline CSS, no scripts, no external assets — unlike GX Data Docs,
which load theirs from a CDN). Per table: the rows as extracted, the offending cells
highlighted, each row's findings in the last column with check, expected vs actual and pages.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from html import escape
from typing import Any

from budget_etl.contract import FINAL_TABLE_TYPES, TABLE_TYPES
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding, Severity
from tasks.validate.amounts import to_amount
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.lookup import clean_label

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.error td{background:#fff0f0}tr.warning td{background:#fffbe6}
td.bad{outline:2px solid #c00;background:#ffd6d6!important;font-weight:bold}
td.warn{outline:2px solid #d90;background:#fff0b3!important}
.sev-error{color:#b00;font-weight:bold}.sev-warning{color:#a60;font-weight:bold}
.finding{margin:0 0 .3em 0}.check{font-family:monospace;font-size:.9em;color:#555}
.summary span{margin-right:1.5em}.ok{color:#070}
summary{cursor:pointer}summary h2{display:inline-block;border:0}
"""


def esc(value: Any) -> str:
    """Every interpolated value goes through here: a JSON file can put markup (or a non-string)
    anywhere — titles, page lists, ``page_count`` — and the report must show it, not run it."""
    return escape("" if value is None else str(value), quote=True)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # a record's ``extra``: printed header → value
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):  # an ``other`` table's printed cells
            return " | ".join(cell_text(v) for v in value)
        return f"{len(value)} items"
    return str(value)


def render_finding(finding: Finding) -> str:
    parts = [
        f'<span class="sev-{esc(finding.severity.value)}">{esc(finding.severity.value)}</span>',
        f'<span class="check">{esc(finding.check)}</span>',
        esc(finding.message),
    ]
    if finding.expected is not None or finding.actual is not None:
        parts.append(
            f"(expected {esc(cell_text(finding.expected))}, found {esc(cell_text(finding.actual))})"
        )
    if finding.field:
        parts.append(f"[field {esc(finding.field)}]")
    if finding.pages:
        parts.append(f"[page {esc(', '.join(str(p) for p in finding.pages))}]")
    return f'<div class="finding">{" ".join(parts)}</div>'


def hashable(value: Any) -> Any:
    """A cell usable as a dict key (an sNaN Decimal or a list from a broken extract is not)."""
    return value if value is None or isinstance(value, (int, str)) else repr(value)


def row_key(record: Record) -> tuple[Any, Any]:
    return hashable(record.get("line_no")), hashable(record.get("project_code"))


def finding_key(finding: Finding) -> tuple[Any, Any]:
    return hashable(finding.line_no), hashable(finding.project_code)


def columns_of(table: ExtractedTable) -> list[str]:
    spec = TABLE_TYPES.get(table.type)
    if spec and spec.fields:
        has_extra = any(r.get("extra") for r in table.records)
        return [*spec.fields, "extra"] if has_extra else list(spec.fields)
    keys: dict[str, None] = {}
    for record in table.records:
        keys.update(dict.fromkeys(k for k in record if k not in ("pages", "bbox", "ocr_confidence")))
    return list(keys)


def same_value(a: Any, b: Any) -> bool:
    try:
        return to_amount(a) == to_amount(b) and (a is None) == (b is None)
    except (TypeError, ValueError):
        return a == b


def belongs_to(finding: Finding, record: Record, siblings: list[Record]) -> bool:
    """Whether a finding on a shared line concerns this record: the one whose cell holds its actual value.

    Findings carry the line, not the side: the side whose cell holds the finding's actual value, or,
    when both do, the one the message starts with; failing both, each side shows it.
    """
    if len(siblings) < 2 or not finding.field or finding.field not in record:
        return True
    holders = [r for r in siblings if same_value(r.get(finding.field), finding.actual)] or siblings
    if len(holders) > 1:  # same figure on both sides: the message names the line it is about
        named = [
            r for r in holders if (label := clean_label(r.get("item"))) and finding.message.startswith(label)
        ]
        holders = named or holders
    return any(r is record for r in holders)


def ocr_note(record: Record) -> str:
    """A row read by OCR shows its lowest cell confidence beside its page (a check on it may be a misread)."""
    confidence = record.get("ocr_confidence")
    if not isinstance(confidence, int | float | Decimal) or isinstance(confidence, bool):
        return ""
    return f'<br><small class="ocr">OCR {float(confidence):.2f}</small>'


def count_text(findings: list[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    return f"{errors} errors, {len(findings) - errors} warnings"


def render_table(table: ExtractedTable, findings: list[Finding], anchor: str) -> str:
    """The table as a collapsible section: open when it has findings, folded away when clean."""
    columns = columns_of(table)
    by_row: dict[tuple[Any, Any], list[Finding]] = defaultdict(list)
    table_level: list[Finding] = []
    row_keys = {row_key(r) for r in table.records}
    for finding in findings:
        key = finding_key(finding)
        (by_row[key] if key in row_keys and key != (None, None) else table_level).append(finding)
    spec = TABLE_TYPES.get(table.type) or FINAL_TABLE_TYPES.get(table.type)  # budget or 决算
    amount_fields = set(spec.amount_fields) if spec is not None else set()
    head = "".join(
        f"<th>{esc(FIELD_LABELS.get(c, c))}<br><small>{esc(c)}</small></th>" for c in columns
    )
    status = count_text(findings) if findings else "no findings"
    out = [
        f'<details id="{anchor}"{" open" if findings else ""}><summary>'
        f"<h2>{esc(table.title)} <small>({esc(table.type)}, "
        f"page {esc(', '.join(map(str, table.pages)))}"
        f"{'; 单位：' + esc(table.unit) if table.unit else ''}) — {status}</small></h2></summary>",
        *(render_finding(f) for f in table_level),
    ]
    if not table.records:
        note = f": {esc(table.empty_note)}" if table.empty_note else ", no note printed"
        out.append(f"<p>(empty table{note})</p></details>")
        return "\n".join(out)
    out.append(f"<table><tr>{head}<th>page</th><th>findings</th></tr>")
    sharing = defaultdict(list)  # a two-sided table prints a 收入 and a 支出 record on one line
    for record in table.records:
        sharing[row_key(record)].append(record)
    for record in table.records:
        row_findings = [
            f for f in by_row.get(row_key(record), []) if belongs_to(f, record, sharing[row_key(record)])
        ]
        bad_fields = {
            (f.field or "").split(".")[0].split("[")[0]: f.severity for f in row_findings if f.field
        }
        row_class = ""
        if row_findings:
            row_class = "error" if any(f.severity is Severity.ERROR for f in row_findings) else "warning"
        cells = []
        for column in columns:
            classes = ["num"] if column in amount_fields else []
            if column in bad_fields:
                classes.append("bad" if bad_fields[column] is Severity.ERROR else "warn")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{cls}>{esc(cell_text(record.get(column)))}</td>")
        pages = record.get("pages") or table.pages
        cells.append(f"<td>{esc(', '.join(map(str, pages)))}{ocr_note(record)}</td>")
        cells.append(f"<td>{''.join(render_finding(f) for f in row_findings)}</td>")
        out.append(f'<tr class="{row_class}">{"".join(cells)}</tr>')
    out.append("</table></details>")
    return "\n".join(out)


def place_findings(doc: ExtractedDocument, by_table: dict[str | None, list[Finding]]) -> list[list[Finding]]:
    """Per table (by position), the findings shown with it.

    A finding goes to the table of its type holding its row; one whose row is in none of them (a
    table-wide finding, or a row the report cannot find) goes to the first table of that type.
    """
    placed: list[list[Finding]] = [[] for _ in doc.tables]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, table in enumerate(doc.tables):
        positions[table.type].append(i)
    for slug, indexes in positions.items():
        keys = [{row_key(r) for r in doc.tables[i].records} for i in indexes]
        for finding in by_table.get(slug, []):
            key = finding_key(finding)
            home = next((i for i, k in zip(indexes, keys, strict=True) if key in k), indexes[0])
            placed[home].append(finding)
    return placed


def render_html_report(doc: ExtractedDocument, findings: list[Finding]) -> str:
    """One self-contained HTML page: summary, document-level findings, then every table with its findings."""
    meta = doc.document
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    title = f"{meta.department_name or 'document'} {meta.budget_year or ''} — validation report"
    by_table: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_table[finding.table].append(finding)
    present = {t.type for t in doc.tables}
    document_level = by_table.get(None, []) + [
        f for slug, fs in by_table.items() if slug is not None and slug not in present for f in fs
    ]
    verdict = (
        '<span class="ok">no errors</span>'
        if errors == 0
        else f'<span class="sev-error">{errors} errors</span>'
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        '<p class="summary">'
        f"<span>kind: {esc(meta.kind)}</span><span>unit: {esc(meta.unit or '')}</span>"
        f"<span>reader: {esc(meta.reader or '')}</span>"
        f"<span>pages: {esc(meta.page_count)}</span><span>sha256: {esc(str(meta.sha256)[:16])}…</span>"
        f"<span>{verdict}, {warnings} warnings</span></p>",
    ]
    if document_level:
        out.append("<h2>Document</h2>")
        out.extend(render_finding(f) for f in document_level)
    placed = place_findings(doc, by_table)
    index = [
        f'<li><a href="#t{i}">{esc(table.title)}</a>: {count_text(placed[i])}</li>'
        for i, table in enumerate(doc.tables)
        if placed[i]
    ]
    if index:
        out.append("<h2>Tables with findings</h2><ul>" + "".join(index) + "</ul>")
    for i, table in enumerate(doc.tables):
        out.append(render_table(table, placed[i], f"t{i}"))
    out.append("</body></html>")
    return "\n".join(out)
