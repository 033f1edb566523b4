"""Words a budget analyst reads: the printed Chinese header of each field, for messages and reports."""

from __future__ import annotations

FIELD_LABELS: dict[str, str] = {
    "line_no": "序号",
    "code": "科目编码",
    "name": "科目名称",
    "item": "项目",
    "side": "收入/支出栏",
    "amount": "预算数",
    "total": "合计",
    "current_year_subtotal": "本年收入小计",
    "fiscal_appropriation": "财政拨款收入",
    "fiscal_special_account": "财政专户收入",
    "business_income": "事业收入",
    "operating_income": "经营收入",
    "superior_subsidy": "上级补助收入",
    "subordinate_remittance": "附属单位上缴收入",
    "other_income": "其他收入",
    "prior_year_carryover": "上年结转",
    "basic": "基本支出",
    "project": "项目支出",
    "operating": "经营支出",
    "remittance_to_superior": "上解上级支出",
    "subsidy_to_subordinate": "对附属单位补助支出",
    "personnel": "人员经费",
    "public_funds": "公用经费",
    "general_budget": "一般公共预算财政拨款",
    "government_fund": "政府性基金预算拨款",
    "state_capital": "国有资本经营预算拨款",
    "seq": "序号",
    "title": "标题",
    "project_code": "项目编码",
    "project_name": "项目名称",
    "budget_total": "预算数",
    "fiscal_funds": "财政资金",
    "other_funds": "其他资金",
    "plan_mar": "资金支出计划 3月底（%）",
    "plan_jun": "资金支出计划 6月底（%）",
    "plan_oct": "资金支出计划 10月底（%）",
    "plan_dec": "资金支出计划 12月底（%）",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "target": "指标值",
    "target_op": "指标值（比较符）",
    "target_value": "指标值（数值）",
    "target_unit": "指标值（单位）",
    "unit_name": "单位名称",
    # 部门决算 final accounts (issue 15)
    "opening_balance": "年初结转和结余",
    "current_revenue": "本年收入",
    "current_expenditure": "本年支出",
    "balance_allocation": "结余分配",
    "closing_balance": "年末结转和结余",
    "budget_amount": "预算数",
    "final_amount": "决算数",
    "quantity": "数量",
    "value": "价值",
}


def field_label(field: str | None) -> str:
    if field is None:
        return ""
    base = field.split(".")[-1]
    return f"{FIELD_LABELS.get(base, base)} ({field})"
