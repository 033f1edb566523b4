"""Header text → canonical field, per table type (by what the header *says*, never by position).

Each rule is ``(field, pattern)``; the pattern is a regular expression matched against one
header label reduced by :func:`tasks.extract.text.label_key` (no spaces, brackets or quotes).
A column's labels are tried from the most specific (lowest header row) up, and within a
label the rules in order, so "小计" under "本年收入" and "合计" both find their field.
Two-sided tables (收支总表) also get a side from a 收入 / 支出 label above the column.
"""

from __future__ import annotations

import re

Rule = tuple[str, str]

_LINE_NO: Rule = ("line_no", r"^(序号|行次|编号)$")
_CODE: Rule = ("code", r"^(科目|功能科目|经济科目)?(编码|代码)$")
_NAME: Rule = ("name", r"^(科目|功能科目|经济科目)?名称$")
_TOTAL: Rule = ("total", r"^(合计|总计)$")
_BASIC_PROJECT: list[Rule] = [("basic", r"基本支出$"), ("project", r"项目支出$")]
_FUNDS: list[Rule] = [
    ("general_budget", r"一般公共预算"),
    ("government_fund", r"政府性基金"),
    ("state_capital", r"国有资本经营"),
]

COLUMN_RULES: dict[str, list[Rule]] = {
    "revenue_by_function": [
        _LINE_NO, _CODE, _NAME,
        ("current_year_subtotal", r"^(本年收入)?小计$"),
        ("fiscal_appropriation", r"财政拨款"),
        ("fiscal_special_account", r"财政专户"),
        ("business_income", r"^事业收入$"),
        ("operating_income", r"经营收入$"),
        ("superior_subsidy", r"上级补助"),
        ("subordinate_remittance", r"附属单位上缴"),
        ("other_income", r"^其他收入$"),
        ("prior_year_carryover", r"^上年结转"),
        _TOTAL,
    ],
    "expenditure_by_function": [
        _LINE_NO, _CODE, _NAME, *_BASIC_PROJECT,
        ("operating", r"经营支出$"),
        ("remittance_to_superior", r"上解上级"),
        ("subsidy_to_subordinate", r"对附属单位补助"),
        _TOTAL,
    ],
    "general_budget_expenditure": [_LINE_NO, _CODE, _NAME, *_BASIC_PROJECT, _TOTAL],
    "government_fund_expenditure": [_LINE_NO, _CODE, _NAME, *_BASIC_PROJECT, _TOTAL],
    "state_capital_expenditure": [_LINE_NO, _CODE, _NAME, *_BASIC_PROJECT, _TOTAL],
    "general_budget_basic_expenditure": [
        _LINE_NO, _CODE, _NAME,
        ("personnel", r"人员经费$"),
        ("public_funds", r"公用经费$"),
        _TOTAL,
    ],
    "three_public_expenditure": [_LINE_NO, ("item", r"^项目$"), *_FUNDS, _TOTAL],
    "revenue_expenditure_summary": [
        _LINE_NO, ("item", r"^项目$"), ("amount", r"^(预算数|金额|合计|预算金额)$"),
    ],
    "fiscal_appropriation_summary": [
        _LINE_NO, ("item", r"^项目$"), *_FUNDS, ("total", r"^(合计|金额|预算数|小计|总计)$"),
    ],
    "institutions": [
        ("unit_name", r"单位名称$"),
        ("nature", r"单位性质$"),
        ("rank", r"(单位)?规格$|级别$"),
        ("funding", r"经费(保障)?形式$|经费来源$"),
    ],
    "fixed_assets": [("item", r"^项目$"), ("quantity", r"^数量"), ("value", r"^(价值|金额)")],
    "government_procurement": [],
}

#: header labels that group columns; they make a row a header row but map to no field
GROUP_LABELS = re.compile(
    r"^(功能分类科目|支出功能分类科目|.*经济分类科目|本年收入|收入|支出|资金性质|一般公共预算基本支出|"
    r"项目|栏次|政府采购项目来源|采购物品名称)$"
)
SIDES = {"收入": "revenue", "支出": "expenditure"}


def field_for(labels: list[str], slug: str) -> str | None:
    """The field a column holds, from its header labels (top to bottom)."""
    rules = COLUMN_RULES.get(slug, [])
    for label in reversed(labels):
        for name, pattern in rules:
            if re.search(pattern, label):
                return name
    return None


def side_for(labels: list[str]) -> str | None:
    for label in labels:
        if label in SIDES:
            return SIDES[label]
    return None


def is_header_label(label: str, slug: str) -> bool:
    if not label:
        return False
    if GROUP_LABELS.match(label):
        return True
    return any(re.search(pattern, label) for _, pattern in COLUMN_RULES.get(slug, []))
