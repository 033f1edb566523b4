"""Reading figures out of the 情况说明: robust to spacing, commas and Chinese punctuation, never fooled
by year-on-year changes or by a project's name that ends in one of the labels."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.validate.reconcile.narrative import NARRATIVE_FIGURES, find_figure

FIGURES = {f.what: f.pattern for f in NARRATIVE_FIGURES}


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("预算收入", "2025年预算收入 3502.60 万元，其中：一般公共预算收入 3502.60 万元", "3502.60"),
        ("预算收入", "其中：一般公共预算收入 10.00 万元。本年预算收入为 12.00 万元", "12.00"),
        ("基本支出", "其中基本支出2091.75万元，包括人员经费", "2091.75"),
        ("基本支出", "基本支出增加129.81万元。其中基本支出 2 091 . 75 万 元", "2091.75"),
        ("人员经费", "包括人员经费1956.06万元和日常公用经费135.69万元", "1956.06"),
        ("公用经费", "包括人员经费1956.06万元和日常公用经费135.69万元", "135.69"),
        ("项目支出", "项目支出表按经济分类编制。项目支出14,408.74万元，主要为", "14408.74"),
        ("机关运行经费", "人力资源服务产业园运行经费103万元。我部门机关运行经费共计安排135.69万元", "135.69"),
        ("机关运行经费", "2025年，我部门运行经费共计安排67.7万元", "67.7"),
        ("“三公”经费", "财政拨款“三公”经费预算安排6.3万元，其中因公出国（境）费0万元", "6.3"),
        ("因公出国（境）费", "其中因公出国（境）费0万元；公务用车购置及运维费6.3万元", "0"),
        ("公务用车购置及运行维护费", "公务用车购置及运维费6.3万元（其中：公务用车购置费为0万元", "6.3"),
        ("公务用车购置费", "公务用车购置及运维费6.3万元（其中：公务用车购置费为0万元", "0"),
        (
            "公务用车运行维护费",
            "公务用车购置及运维费6.3万元（其中：公务用车购置费为0万元，公务用车运维费6.3万元)",
            "6.3",
        ),
        ("公务接待费", "公务接待费0.00万元。与2024年相比增加0.00万元", "0.00"),
        ("支出预算", "2024年支出预算16500.49万元，其中基本支出", "16500.49"),
        ("因公出国（境）费", "“三公”经费预算支出中，因公出国（境）费支出199.25万元，占", "199.25"),
        ("基本支出", "此外，基本支出预算数为9312.9万元。与上年相比增加1435.14万元", "9312.9"),
        ("基本支出", "增加基本支出844.15万元。其中：基本支出7666.68万元", "7666.68"),
        ("预算收入", "2025年预算收入12,345,678.90元", "12345678.90"),  # in the unit it is stated in
    ],
)
def test_figure_is_read_after_its_label(label: str, text: str, expected: str) -> None:
    assert find_figure(text, FIGURES[label]) == Decimal(expected)


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("基本支出", "基本支出增加129.81万元，主要为正常晋级"),
        ("项目支出", "项目支出减少468.41万元，主要为我部门本年度缩减专项公用经费导致"),
        ("“三公”经费", "不提高“三公”经费支出，保持了原有的支出水平"),
        ("预算收入", "其中：一般公共预算收入16500.49万元，基金预算收入0.00万元"),
    ],
)
def test_changes_and_sub_items_are_not_the_figure(label: str, text: str) -> None:
    assert find_figure(text, FIGURES[label]) is None


def spaced(digits: str, gaps: list[str]) -> str:
    return "".join(d + (gaps[i % len(gaps)] if i < len(digits) - 1 else "") for i, d in enumerate(digits))


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    gaps=st.lists(st.sampled_from(["", " ", ",", "，"]), min_size=1, max_size=4),
    connector=st.sampled_from(["", "为", "共计", "安排", " "]),
)
def test_any_printed_amount_reads_back_exactly(amount: Decimal, gaps: list[str], connector: str) -> None:
    whole, _, cents = f"{amount:.2f}".partition(".")
    printed = f"{spaced(whole, gaps)} . {cents}" if "," not in gaps else f"{spaced(whole, gaps)}.{cents}"
    text = f"2025年，我部门人员经费{connector}{printed} 万元，较上年增加1.00万元"
    assert find_figure(text, FIGURES["人员经费"]) == amount


def test_a_sentence_cut_by_a_page_footer_is_read_across_the_break(golden) -> None:
    from budget_etl.document import NarrativeBlock
    from tasks.validate.reconcile.narrative import narrative_text

    doc = golden("004")
    doc.narrative = [
        NarrativeBlock(14, "其中因公出国（境）费0.00万元；公务接待费1.50 - 13 -"),
        NarrativeBlock(15, "万元。与上年相比增加0.00万元"),
    ]
    assert find_figure(narrative_text(doc), FIGURES["公务接待费"]) == Decimal("1.50")
    assert find_figure(narrative_text(doc), FIGURES["因公出国（境）费"]) == Decimal("0.00")
