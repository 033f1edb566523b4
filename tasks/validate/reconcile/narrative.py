"""Figures stated in the 情况说明 must equal the tables'.

The narrative is free text ("2026年预算收入 1200.50 万元", "人员经费980.20万元和日常公用经费75.30万元",
"“三公”经费预算安排4.5万元，其中因公出国（境）费0万元…"). Each figure is read with a pattern that
needs the number right after its label (optionally after 为/共计/安排), so comparisons with last
year ("基本支出增加12.34万元") are never mistaken for the figure itself. A figure the text does not
state, or a table the document lacks, is simply not compared. The text states each figure with
its unit (万元, 元, 亿元 …) and each table has its own: both are converted before comparing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding, Severity
from tasks.validate.amounts import (
    DEFAULT_UNIT,
    ZERO,
    agree_across,
    convert,
    format_amount,
    table_unit,
    to_amount,
)
from tasks.validate.evidence import finding_at
from tasks.validate.lookup import clean_label, first_table, grand_total_row, prints_column
from tasks.validate.reconcile.identities import fixed_assets_total_row, rows_by_role
from tasks.validate.reconcile.two_sided import sides_of
from tasks.validate.settings import ValidateSettings

NUMBER = r"(\d(?:[\d,，\s]*\d)?(?:\s*[.．]\s*\d+)?)"
# between a label and its figure: 预算 / 支出 / 预算数 (因公出国（境）费支出199.25万元, 基本支出预算数为…)
CONNECT = (
    r"\s*(?:预算)?\s*(?:支出)?\s*(?:预算)?\s*(?:数)?"
    r"\s*(?:为|是|共|共计|合计|总计|安排|共计安排|安排了)?\s*"
)
UNIT = r"\s*(亿|百万|万|千)?\s*元"  # the prefix group names the unit: 万 → 万元, none → 元


#: a label right after a word of change is the change, not the figure (增加基本支出844.15万元)
NOT_AFTER_CHANGE = r"(?<!增加)(?<!减少)(?<!增长)(?<!下降)(?<!调增)(?<!调减)"


def figure_pattern(label: str) -> re.Pattern[str]:
    return re.compile(NOT_AFTER_CHANGE + label + CONNECT + NUMBER + UNIT)


# a printed page number closing a page's text ("- 13 -", "第 3 页", "第3页 共12页") cuts a sentence that
# runs on to the next page ("公务接待费1.20 - 13 -" + "万元。"), so it is dropped before reading figures
PAGE_FOOTER = re.compile(
    r"\s*(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$"
)


def narrative_text(doc: ExtractedDocument) -> str:
    """The running text of the document, page footers removed so sentences continue across pages."""
    return "\n".join(PAGE_FOOTER.sub("", block.text) for block in doc.narrative)


def parse_number(text: str) -> Decimal:
    return Decimal(re.sub(r"[\s,，]", "", text).replace("．", "."))


def stated_unit(prefix: str | None) -> str:
    """The unit a figure is stated in, from the character before 元 (``万`` → ``万元``)."""
    return f"{prefix or ''}元"


def find_stated(text: str, pattern: re.Pattern[str]) -> tuple[Decimal, str] | None:
    """The first figure the pattern finds in ``text`` with its unit, or None when not stated."""
    match = pattern.search(text)
    return (parse_number(match.group(1)), stated_unit(match.group(2))) if match else None


def find_figure(text: str, pattern: re.Pattern[str]) -> Decimal | None:
    """The first figure the pattern finds in ``text`` (in the unit it is stated in), or None."""
    stated = find_stated(text, pattern)
    return stated[0] if stated else None


@dataclass(frozen=True)
class TableFigure:
    """Where the narrative's figure lives in the tables: a table, a row picker and a field."""

    slug: str
    pick: Callable[[ExtractedTable], Record | None]
    field: str


def summary_line(side_name: str, which: str) -> Callable[[ExtractedTable], Record | None]:
    def pick(table: ExtractedTable) -> Record | None:
        return getattr(sides_of(table)[side_name], which)

    return pick


def revenue_item(*words: str) -> Callable[[ExtractedTable], Record | None]:
    """The first 收入 item of 收支总表 (before 本年收入合计) whose label contains one of ``words``."""

    def pick(table: ExtractedTable) -> Record | None:
        items = sides_of(table)["revenue"].items
        return next((r for r in items if any(w in clean_label(r.get("item")) for w in words)), None)

    return pick


def three_public(role: str) -> Callable[[ExtractedTable], Record | None]:
    """The first 三公 row of ``role`` (a table printing no 小计 line states it as 合计)."""

    def pick(table: ExtractedTable) -> Record | None:
        roles = rows_by_role(table)
        rows = roles.get(role) or (roles.get("total", []) if role == "subtotal" else [])
        return rows[0] if rows else None

    return pick


@dataclass(frozen=True)
class NarrativeFigure:
    check: str
    what: str
    pattern: re.Pattern[str]
    sources: tuple[TableFigure, ...]  # first available wins
    severity: Severity = Severity.ERROR
    empty_table_is_zero: bool = False  # a 空表列示 table states zero for every figure


QUOTE = r"[“”\"']?"
NARRATIVE_FIGURES: tuple[NarrativeFigure, ...] = (
    NarrativeFigure(
        "narrative.total_revenue",
        "预算收入",
        figure_pattern(r"(?<![共金营位])预算收入"),
        (
            TableFigure("revenue_by_function", grand_total_row, "total"),
            TableFigure("revenue_expenditure_summary", summary_line("revenue", "grand_total"), "amount"),
        ),
    ),
    *(
        NarrativeFigure(
            "narrative.revenue_sources",
            what,
            figure_pattern(label),
            (TableFigure("revenue_expenditure_summary", picker, "amount"),),
        )
        for what, label, picker in (
            ("一般公共预算收入", r"一般公共预算(?:拨款)?收入", revenue_item("一般公共预算")),
            ("政府性基金预算收入", r"基金预算(?:拨款)?收入", revenue_item("政府性基金")),
            ("国有资本经营预算收入", r"国有资本经营预算(?:拨款)?收入", revenue_item("国有资本经营")),
            ("财政专户管理资金收入", r"财政专户(?:核拨|管理资金)?收入", revenue_item("财政专户")),
            ("单位资金收入", r"单位资金收入", revenue_item("单位资金")),
            ("上年结转结余", r"上年结转(?:结余)?", summary_line("revenue", "carryover")),
        )
    ),
    NarrativeFigure(
        "narrative.total_expenditure",
        "支出预算",
        figure_pattern(r"支出预算"),
        (
            TableFigure("expenditure_by_function", grand_total_row, "total"),
            TableFigure("revenue_expenditure_summary", summary_line("expenditure", "subtotal"), "amount"),
        ),
    ),
    NarrativeFigure(
        "narrative.basic_expenditure",
        "基本支出",
        figure_pattern(r"基本支出"),
        (TableFigure("expenditure_by_function", grand_total_row, "basic"),),
    ),
    NarrativeFigure(
        "narrative.project_expenditure",
        "项目支出",
        figure_pattern(r"项目支出"),
        (TableFigure("expenditure_by_function", grand_total_row, "project"),),
    ),
    NarrativeFigure(
        "narrative.personnel",
        "人员经费",
        figure_pattern(r"人员经费"),
        (TableFigure("general_budget_basic_expenditure", grand_total_row, "personnel"),),
    ),
    NarrativeFigure(
        "narrative.public_funds",
        "公用经费",
        figure_pattern(r"公用经费"),
        (TableFigure("general_budget_basic_expenditure", grand_total_row, "public_funds"),),
    ),
    NarrativeFigure(
        # 机关运行经费 is 公用经费 of the administrative units only: a difference is suspicious, not proof
        "narrative.operating_costs",
        "机关运行经费",
        figure_pattern(r"(?:机关|部门)运行经费"),
        (TableFigure("general_budget_basic_expenditure", grand_total_row, "public_funds"),),
        severity=Severity.WARNING,
    ),
    NarrativeFigure(
        "narrative.fixed_assets",
        "固定资产",
        figure_pattern(r"固定资产(?:金额|总额|原值)"),
        (TableFigure("fixed_assets", fixed_assets_total_row, "value"),),
    ),
    *(
        NarrativeFigure(
            "narrative.three_public",
            what,
            figure_pattern(label),
            (TableFigure("three_public_expenditure", three_public(role), "total"),),
            empty_table_is_zero=True,
        )
        for what, label, role in (
            ("“三公”经费", r"三公" + QUOTE + r"\s*经费", "subtotal"),
            ("因公出国（境）费", r"因公出国\s*[（(]\s*境\s*[）)]\s*费", "abroad"),
            ("公务用车购置及运行维护费", r"公务用车购置\s*[及和]\s*运(?:行维护|维)费", "vehicle"),
            ("公务用车购置费", r"公务用车购置费", "vehicle_purchase"),
            ("公务用车运行维护费", r"公务用车运(?:行维护|维)费", "vehicle_running"),
            ("公务接待费", r"公务接待费", "reception"),
        )
    ),
)


def table_value(
    doc: ExtractedDocument, figure: NarrativeFigure
) -> tuple[ExtractedTable, Record | None, str, Decimal] | None:
    """The tables' value for the figure: (table, row, field, value), or None when no table states it."""
    for source in figure.sources:
        table = first_table(doc, source.slug)
        if table is None or (table.records and not prints_column(table, source.field)):
            continue  # absent, or a template without that column (人员经费 only as 301/303 rows)
        if not table.records:
            if figure.empty_table_is_zero:
                return table, None, source.field, ZERO
            continue
        row = source.pick(table)
        if row is not None:
            return table, row, source.field, to_amount(row.get(source.field))
        if figure.empty_table_is_zero:
            return table, None, source.field, ZERO
    return None


def narrative_page(doc: ExtractedDocument, figure: NarrativeFigure) -> list[int]:
    return [b.page for b in doc.narrative if figure.pattern.search(b.text)][:1]


def statements(doc: ExtractedDocument) -> Iterator[tuple[NarrativeFigure, Decimal, str]]:
    """Each figure of ``NARRATIVE_FIGURES`` the narrative states: (figure, value as stated, unit)."""
    text = narrative_text(doc)
    if not text.strip():
        return
    for figure in NARRATIVE_FIGURES:
        found = find_stated(text, figure.pattern)
        if found is not None:
            yield figure, *found


def check_narrative(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """Compare every figure the narrative states with the tables (one finding per disagreement)."""
    findings: list[Finding] = []
    for figure, stated, unit in statements(doc):
        located = table_value(doc, figure)
        if located is None:
            continue
        table, row, field, printed = located
        printed_unit = table_unit(table, doc)
        if agree_across(stated, unit, printed, printed_unit, settings.amount_tolerance):
            continue
        value = convert(printed, printed_unit, unit)
        shown = "" if printed_unit == unit else f" ({format_amount(printed)} {printed_unit})"
        finding = finding_at(
            figure.check,
            f"the 情况说明 states {figure.what} {format_amount(stated)} {unit} but {table.title} shows "
            f"{format_amount(value)} {unit}{shown}",
            table=table,
            record=row,
            field=field,
            expected=stated,
            actual=value,
            severity=figure.severity,
        )
        finding.pages = sorted(set(finding.pages) | set(narrative_page(doc, figure)))
        findings.append(finding)
    return findings


PROJECT_LIST = "narrative.project_list"
PROJECT_AMOUNT = "narrative.project_amount"
# "项目支出300.00万元，主要为A 120.50万元，B 80万元，…。": the projects the text names
PROJECT_LIST_PATTERN = re.compile(
    r"项目支出"
    + CONNECT
    + NUMBER
    + UNIT
    + r"\s*[，,：:]?\s*(?:主要(?:为|是|包括|用于)|包括|其中)[：:]?([^。]*)"
)
MENTION = re.compile(r"([^，,、；;：:]+?)\s*" + NUMBER + UNIT)


def project_mentions(text: str) -> list[tuple[str, Decimal]]:
    """(name, amount in 万元) for each project the 项目支出 sentence lists with a figure."""
    match = PROJECT_LIST_PATTERN.search(text)
    if match is None:
        return []
    return [
        (clean_label(name), convert(parse_number(amount), stated_unit(prefix), DEFAULT_UNIT))
        for name, amount, prefix in MENTION.findall(match.group(3))
    ]


def check_project_list(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """The projects the narrative lists: together not above 项目支出; each as budgeted in its 绩效目标表.

    "主要为" lists the main projects, so a list that falls short of 项目支出 is normal; one that
    exceeds it contradicts the tables. A listed project is compared with the 绩效目标表 of the same
    name (all of them, when several tables share a name).
    """
    mentions = project_mentions(narrative_text(doc))
    if not mentions:
        return []
    findings: list[Finding] = []
    spending = first_table(doc, "expenditure_by_function")
    total_row = grand_total_row(spending)
    listed = sum((amount for _, amount in mentions), ZERO)
    if spending is not None and total_row is not None:
        planned = convert(total_row.get("project"), table_unit(spending, doc), DEFAULT_UNIT)
        if listed > planned + settings.amount_tolerance:
            findings.append(
                finding_at(
                    PROJECT_LIST,
                    f"the 情况说明 lists {len(mentions)} projects totalling {format_amount(listed)} 万元, "
                    f"more than the 项目支出 {format_amount(planned)} of {spending.title}",
                    table=spending,
                    record=total_row,
                    field="project",
                    expected=planned,
                    actual=listed,
                )
            )
    by_name: dict[str, list[tuple[ExtractedTable, Record]]] = {}
    for table in doc.tables_of("project_performance"):
        for record in table.records:
            by_name.setdefault(clean_label(record.get("project_name")), []).append((table, record))
    for name, amount in mentions:
        tables = by_name.get(name)
        if not tables:
            continue
        budget = sum(
            (convert(r.get("budget_total"), table_unit(t, doc), DEFAULT_UNIT) for t, r in tables), ZERO
        )
        if agree_across(amount, DEFAULT_UNIT, budget, DEFAULT_UNIT, settings.amount_tolerance):
            continue
        table, record = tables[0]
        findings.append(
            finding_at(
                PROJECT_AMOUNT,
                f"the 情况说明 gives {name} {format_amount(amount)} 万元 but its 绩效目标表 budgets "
                f"{format_amount(budget)}",
                table=table,
                record=record,
                field="budget_total",
                expected=amount,
                actual=budget,
            )
        )
    return findings


@dataclass(frozen=True)
class StatedFigure:
    """A figure the 情况说明 states: kept with the document even when no table states it."""

    check: str
    label: str
    value: Decimal
    unit: str
    value_wan: Decimal
    page: int | None


def stated_figures(doc: ExtractedDocument) -> list[StatedFigure]:
    """Every figure of ``NARRATIVE_FIGURES`` the narrative states, as stated and in 万元.

    A narrative-only file has no tables to compare with; these are its data (stored with it).
    """
    return [
        StatedFigure(
            figure.check,
            figure.what,
            value,
            unit,
            convert(value, unit, DEFAULT_UNIT),
            next(iter(narrative_page(doc, figure)), None),
        )
        for figure, value, unit in statements(doc)
    ]
