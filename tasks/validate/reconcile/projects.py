"""Each 绩效目标表 on its own: funding split, spending plan, required indicators, cost targets.

- 其中：财政资金 + 其他资金 = 预算数;
- 资金支出计划（%） is cumulative, so it never decreases from 3月底 to 12月底, and reaches 100 at
  12月底 (a warning: a plan may deliberately carry money over);
- 资金支出计划 cells that add up to (or end at) the project's 预算数 hold amounts in 万元, not
  percentages — a warning that tells the reviewer why the plan checks above fired;
- the 一级指标 产出指标 / 效益指标 / 满意度指标 are all present;
- a cost indicator's 万元 target is not above the project's own budget: an error when the target
  promises to spend more than the budget (=, >=, >, or a ``between`` range whose lower end is
  above it), a warning when it only caps spending above it (<=, <, or a range whose upper end
  ``target_max`` is above it); per-unit standards (人均, 每…, 贷款额度) are not capped by the
  project budget;
- an indicator is not listed twice (same 一级/二级/三级 and description; a warning).
Funding split, required indicators, cost targets and duplicates apply to the department-wide
form (``department_performance``) too; the spending-plan checks only to projects.
(Percentages outside 0–100 are the schema's finding; duplicate project codes the GX suite's.)
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budget_etl.contract import PERFORMANCE_TABLES, PLAN_FIELDS
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding, Severity
from tasks.validate.amounts import (
    amounts_agree,
    format_amount,
    in_wan,
    is_number,
    sum_amounts,
    table_unit,
    to_amount,
)
from tasks.validate.evidence import finding_at
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.lookup import clean_label
from tasks.validate.settings import ValidateSettings

FUNDING_SPLIT = "projects.funding_split"
PLAN_ORDER = "projects.plan_order"
PLAN_COMPLETE = "projects.plan_complete"
PLAN_IN_AMOUNTS = "projects.plan_in_amounts"
REQUIRED_INDICATORS = "projects.required_indicators"
COST_TARGET = "projects.cost_target"
DUPLICATE_INDICATOR = "projects.duplicate_indicator"
CAPS = ("<=", "<")  # a cap above the budget is loose, not contradictory


def projects(doc: ExtractedDocument) -> Iterator[tuple[ExtractedTable, Record]]:
    for table in doc.tables_of("project_performance"):
        for record in table.records:
            yield table, record


def forms(doc: ExtractedDocument) -> Iterator[tuple[ExtractedTable, Record]]:
    """Every 绩效 form: the projects' and the department-wide one."""
    for table in doc.tables:
        if table.type in PERFORMANCE_TABLES:
            for record in table.records:
                yield table, record


def name_of(record: Record) -> str:
    return str(record.get("project_name") or record.get("title") or record.get("project_code") or "project")


def check_funding_split(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in forms(doc):
        if not (is_number(record.get("fiscal_funds")) or is_number(record.get("other_funds"))):
            continue
        parts = sum_amounts([record.get("fiscal_funds"), record.get("other_funds")])
        if amounts_agree(record.get("budget_total"), parts, settings.amount_tolerance):
            continue
        findings.append(
            finding_at(
                FUNDING_SPLIT,
                f"{name_of(record)}: 预算数 is {format_amount(record.get('budget_total'))} but "
                "财政资金 + 其他资金 "
                f"= {format_amount(parts)}",
                table=table,
                record=record,
                field="budget_total",
                expected=parts,
                actual=record.get("budget_total"),
            )
        )
    return findings


def check_plan_order(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in projects(doc):
        previous: tuple[str, object] | None = None
        for field in PLAN_FIELDS:
            value = record.get(field)
            if not is_number(value):
                continue
            if previous is not None and to_amount(value) < to_amount(previous[1]):
                findings.append(
                    finding_at(
                        PLAN_ORDER,
                        f"{name_of(record)}: the spending plan goes down from {previous[1]} % "
                        f"({FIELD_LABELS[previous[0]]}) to {value} % ({FIELD_LABELS[field]}); "
                        "a cumulative plan "
                        "cannot decrease",
                        table=table,
                        record=record,
                        field=field,
                        expected=f">= {previous[1]}",
                        actual=value,
                    )
                )
            previous = (field, value)
    return findings


def check_plan_complete(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in projects(doc):
        value = record.get("plan_dec")
        if not is_number(value) or to_amount(value) == settings.final_plan_percent:
            continue
        findings.append(
            finding_at(
                PLAN_COMPLETE,
                f"{name_of(record)}: the spending plan reaches {value} % at 12月底, not "
                f"{settings.final_plan_percent} %",
                table=table,
                record=record,
                field="plan_dec",
                expected=settings.final_plan_percent,
                actual=value,
                severity=Severity.WARNING,
            )
        )
    return findings


def plan_values(record: Record) -> list[tuple[str, object]]:
    return [(f, record.get(f)) for f in PLAN_FIELDS if is_number(record.get(f))]


def check_plan_in_amounts(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in projects(doc):
        budget = record.get("budget_total")
        values = plan_values(record)
        if not values or not is_number(budget) or to_amount(budget) == settings.final_plan_percent:
            continue
        total = sum_amounts(v for _, v in values)
        last = to_amount(values[-1][1])
        adds_up = len(values) > 1 and amounts_agree(total, budget, settings.amount_tolerance)
        ends_at = amounts_agree(last, budget, settings.amount_tolerance)
        if not (adds_up or ends_at):
            continue
        if adds_up:
            shown = " + ".join(str(v) for _, v in values) + f" = {format_amount(total)}"
        else:
            shown = " → ".join(str(v) for _, v in values)
        how = "add up to" if adds_up else "end at"
        findings.append(
            finding_at(
                PLAN_IN_AMOUNTS,
                f"{name_of(record)}: the 资金支出计划（%） cells ({shown}) {how} the 预算数 "
                f"{format_amount(budget)} 万元 — they hold amounts, not percentages",
                table=table,
                record=record,
                field=values[-1][0],
                expected="percent of the budget",
                actual=[v for _, v in values],
                severity=Severity.WARNING,
            )
        )
    return findings


def check_required_indicators(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in forms(doc):
        present = {clean_label(i.get("level1")) for i in record.get("indicators") or []}
        missing = [level for level in settings.required_level1 if level not in present]
        if not missing:
            continue
        findings.append(
            finding_at(
                REQUIRED_INDICATORS,
                f"{name_of(record)}: the 绩效目标表 has no {' / '.join(missing)}",
                table=table,
                record=record,
                field="indicators",
                expected=list(settings.required_level1),
                actual=sorted(p for p in present if p),
            )
        )
    return findings


def is_total_cost_indicator(indicator: Record, settings: ValidateSettings) -> bool:
    """A cost indicator about the project's total (not a per-unit standard such as 人均/每人)."""
    levels = f"{indicator.get('level1') or ''}{indicator.get('level2') or ''}"
    if not any(marker in levels for marker in settings.cost_markers):
        return False
    wording = (
        f"{indicator.get('level3') or ''}{indicator.get('description') or ''}{indicator.get('target') or ''}"
    )
    return not any(marker in wording for marker in settings.per_unit_markers)


def check_cost_target(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in forms(doc):
        if not is_number(record.get("budget_total")):
            continue
        budget = in_wan(record.get("budget_total"), table_unit(table, doc))  # targets are printed in 万元
        for i, indicator in enumerate(record.get("indicators") or []):
            if indicator.get("target_unit") != "万元" or not is_number(indicator.get("target_value")):
                continue
            if not is_total_cost_indicator(indicator, settings):
                continue
            severity = cost_target_severity(indicator, budget + settings.amount_tolerance)
            if severity is None:
                continue
            ranged_cap = indicator.get("target_op") == "between" and severity is Severity.WARNING
            blamed = "target_max" if ranged_cap else "target_value"
            findings.append(
                finding_at(
                    COST_TARGET,
                    f"{name_of(record)}: cost target {indicator.get('level3') or ''} "
                    f"{indicator.get('target')} is "
                    f"above the project's 预算数 {format_amount(budget)} 万元",
                    table=table,
                    record=record,
                    field=f"indicators[{i}].{blamed}",
                    expected=f"<= {format_amount(budget)}",
                    actual=indicator[blamed],
                    severity=severity,
                )
            )
    return findings


def cost_target_severity(indicator: Record, limit: Decimal) -> Severity | None:
    """How a 万元 cost target relates to the budget: promises more (error), caps above (warning), fine.

    A ``between`` range promises at least ``target_value`` and at most ``target_max``: its lower
    end above the budget is a promise the budget cannot keep; only its upper end above it is a
    loose cap.
    """
    value = to_amount(indicator["target_value"])
    if indicator.get("target_op") == "between":
        upper = indicator.get("target_max")
        if value > limit:
            return Severity.ERROR
        return Severity.WARNING if is_number(upper) and to_amount(upper) > limit else None
    if value <= limit:
        return None
    return Severity.WARNING if indicator.get("target_op") in CAPS else Severity.ERROR


def check_duplicate_indicator(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, record in forms(doc):
        seen: set[tuple[str, ...]] = set()
        for i, indicator in enumerate(record.get("indicators") or []):
            key = tuple(clean_label(indicator.get(k)) for k in ("level1", "level2", "level3", "description"))
            if key in seen:
                findings.append(
                    finding_at(
                        DUPLICATE_INDICATOR,
                        f"{name_of(record)}: indicator {key[2] or key[3]} is listed twice",
                        table=table,
                        record=record,
                        field=f"indicators[{i}]",
                        actual=indicator.get("target"),
                        severity=Severity.WARNING,
                    )
                )
            seen.add(key)
    return findings
