"""Row identities that span rows of the “三公”经费支出表.

(Identities inside one row — 合计 = 基本支出 + 项目支出, 合计 = 人员经费 + 公用经费, 本年收入小计 =
its sources … — are row sums and run as GX expectations; see ``expectations/suites``.)

三公: 小计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费; 公务用车 = 购置 + 运行维护;
因公出国 = its 其中 lines when they are filled; 合计 = 小计 when both are printed.
固定资产占用情况表: 资产总额 = the value of its numbered items (1、房屋 2、车辆 …; 其中 lines excluded).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from budget_etl.contract import FINAL_TABLE_TYPES, TABLE_TYPES
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from tasks.validate.amounts import is_number
from tasks.validate.lookup import clean_label, is_grand_total
from tasks.validate.reconcile.sums import compare_parent
from tasks.validate.settings import ValidateSettings

THREE_PUBLIC_SUBTOTAL = "identities.three_public_subtotal"
VEHICLE_SUBTOTAL = "identities.vehicle_subtotal"
ABROAD_SUBTOTAL = "identities.abroad_subtotal"
THREE_PUBLIC_TOTAL = "identities.three_public_total"
FIXED_ASSETS_TOTAL = "identities.fixed_assets_total"
FIXED_ASSETS_TOTAL_LABELS = frozenset({"资产总额", "合计", "总计"})
NUMBERED_ITEM = re.compile(r"^\s*\d+\s*[、.．]")

ROLE_NAMES = {
    "subtotal": "“三公”经费小计",
    "abroad": "因公出国（境）费",
    "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_running": "公务用车运行维护费",
    "reception": "公务接待费",
    "abroad_detail": "因公出国（境）费 其中 lines",
}


def three_public_role(record: Record) -> str | None:
    """What a 三公 row is, from its 项目 text (numbering, 其中 and spacing ignored)."""
    if is_grand_total(record):
        return "total"
    label = clean_label(record.get("item"))
    if label.startswith("三公经费"):  # “三公”经费 (合计/小计) heads its three items (before 三 reads as 三、)
        return "subtotal"
    label = label.removeprefix("其中：").removeprefix("其中:")
    label = clean_label(label)
    if "小计" in label:
        return "subtotal"
    if "出国" in label:
        return "abroad" if label.startswith("因公出国") else "abroad_detail"
    if "公务用车" in label:
        if "及" in label or "和" in label:
            return "vehicle"
        if "购置" in label:
            return "vehicle_purchase"
        if "运行" in label or "运维" in label:
            return "vehicle_running"
    # the 公务用车 lines' breakdown printed without the words 公务用车 (购置费 / 运行费 under it):
    # nothing else in a 三公 table is bought or run
    if label.startswith("购置"):
        return "vehicle_purchase"
    if label.startswith(("运行费", "运行维护", "运维")):
        return "vehicle_running"
    if "公务接待" in label:
        return "reception"
    return None


def rows_by_role(table: ExtractedTable) -> dict[str, list[Record]]:
    """Rows of a 三公 table by what they are, in table order (rows of no known role left out)."""
    roles: dict[str, list[Record]] = {}
    for record in table.records:
        role = three_public_role(record)
        if role is not None:
            roles.setdefault(role, []).append(record)
    return roles


def any_filled(records: list[Record], fields: tuple[str, ...]) -> bool:
    return any(is_number(r.get(f)) for r in records for f in fields)


#: the 三公 tables: the budget's and the 决算's (预算数 | 决算数 per item, the same lines)
THREE_PUBLIC_TABLES = ("three_public_expenditure", "three_public_final")


def three_public_tables(doc: ExtractedDocument) -> list[tuple[ExtractedTable, dict[str, list[Record]]]]:
    return [(t, rows_by_role(t)) for slug in THREE_PUBLIC_TABLES for t in doc.tables_of(slug) if t.records]


def check_three_public_subtotal(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, roles in three_public_tables(doc):
        parent = (roles.get("subtotal") or roles.get("total") or [None])[0]
        if parent is None:
            continue
        parts = [r for role in ("abroad", "vehicle", "reception") for r in roles.get(role, [])[:1]]
        name = ROLE_NAMES["subtotal"] if roles.get("subtotal") else "合计"
        findings += compare_parent(
            THREE_PUBLIC_SUBTOTAL,
            table,
            parent,
            name,
            parts,
            "因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
            settings,
        )
    return findings


def compare_detail_lines(
    doc: ExtractedDocument,
    settings: ValidateSettings,
    check: str,
    parent_role: str,
    parts_of: Callable[[dict[str, list[Record]]], list[Record]],
    parts_name: str,
) -> list[Finding]:
    """A 三公 line against its breakdown lines, only where the breakdown is filled in.

    Many templates print the 购置/运行维护 or 其中 lines blank; blank lines are not a claim of zero.
    """
    findings: list[Finding] = []
    for table, roles in three_public_tables(doc):
        parts = parts_of(roles)
        fields = (TABLE_TYPES.get(table.type) or FINAL_TABLE_TYPES[table.type]).amount_fields
        if not roles.get(parent_role) or not any_filled(parts, fields):
            continue
        findings += compare_parent(
            check, table, roles[parent_role][0], ROLE_NAMES[parent_role], parts, parts_name, settings
        )
    return findings


def check_vehicle_subtotal(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """公务用车购置及运行维护费 = 公务用车购置费 + 公务用车运行维护费."""
    return compare_detail_lines(
        doc,
        settings,
        VEHICLE_SUBTOTAL,
        "vehicle",
        lambda roles: roles.get("vehicle_purchase", [])[:1] + roles.get("vehicle_running", [])[:1],
        "公务用车购置费 + 公务用车运行维护费",
    )


def check_abroad_subtotal(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """因公出国（境）费 = its 其中 lines."""
    return compare_detail_lines(
        doc,
        settings,
        ABROAD_SUBTOTAL,
        "abroad",
        lambda roles: roles.get("abroad_detail", []),
        "its 其中 lines",
    )


def check_three_public_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table, roles in three_public_tables(doc):
        if not roles.get("total") or not roles.get("subtotal"):
            continue
        alone = compare_parent(
            THREE_PUBLIC_TOTAL,
            table,
            roles["total"][0],
            "合计",
            roles["subtotal"][:1],
            "the “三公”经费小计 line",
            settings,
        )
        # a “三公”经费、会议费、培训费 table totals the lines printed beside 三公 as well
        beside = [r for r in table.records if three_public_role(r) is None]
        with_beside = compare_parent(
            THREE_PUBLIC_TOTAL, table, roles["total"][0], "合计", roles["subtotal"][:1] + beside, "", settings
        )
        if not beside or with_beside:
            findings += alone
    return findings


def fixed_assets_total_row(table: ExtractedTable) -> Record | None:
    """The 资产总额 line of 固定资产占用情况表 (templates also print it as 合计 or 总计)."""
    return next((r for r in table.records if clean_label(r.get("item")) in FIXED_ASSETS_TOTAL_LABELS), None)


def check_fixed_assets_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in doc.tables_of("fixed_assets"):
        total = fixed_assets_total_row(table)
        items = [r for r in table.records if NUMBERED_ITEM.match(str(r.get("item") or ""))]
        if total is None or not items:
            continue
        findings += compare_parent(
            FIXED_ASSETS_TOTAL, table, total, "资产总额", items, f"the {len(items)} numbered items", settings
        )
    return findings
