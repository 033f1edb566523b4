"""The scorer is itself specified: it must be able to fail."""

from __future__ import annotations

import copy

from tests.extract.scoring import score_extract

EXPECTED = {
    "document": {"kind": "budget_disclosure", "department_code": "901", "department_name": "某局",
                 "budget_year": 2025, "unit": "万元", "page_count": 0, "sha256": ""},
    "tables": [
        {"type": "expenditure_by_function", "title": "部门预算支出总表", "pages": [],
         "records": [{"line_no": 1, "code": None, "name": "合计", "total": 1234.5}]},
        {"type": "project_performance", "title": "2025 年某项目绩效目标表", "pages": [],
         "records": [{"seq": 1, "indicators": [{"level1": "产出指标", "target_value": 95}]}]},
    ],
}


def test_identical_output_scores_every_leaf() -> None:
    score = score_extract(copy.deepcopy(EXPECTED), EXPECTED)
    assert score.ratio == 1.0
    # 5 document fields (page_count/sha256 empty → skipped) + 2 titles + 4 + 3 record leaves
    assert score.total == 5 + 2 + 4 + 3


def test_text_ignores_whitespace_but_not_characters() -> None:
    actual = copy.deepcopy(EXPECTED)
    actual["tables"][1]["title"] = "2025年 某项目 绩效目标表"
    assert score_extract(actual, EXPECTED).ratio == 1.0
    actual["tables"][1]["title"] = "2025年某项目绩效目标"
    assert score_extract(actual, EXPECTED).ratio < 1.0


def test_numbers_match_within_half_a_cent_only() -> None:
    actual = copy.deepcopy(EXPECTED)
    actual["tables"][0]["records"][0]["total"] = 1234.504
    assert score_extract(actual, EXPECTED).ratio == 1.0
    actual["tables"][0]["records"][0]["total"] = 1234.51
    score = score_extract(actual, EXPECTED)
    assert score.matched == score.total - 1
    assert "total" in score.mismatches[0]


def test_null_only_equals_null() -> None:
    actual = copy.deepcopy(EXPECTED)
    actual["tables"][0]["records"][0]["code"] = ""
    assert score_extract(actual, EXPECTED).ratio < 1.0
    actual["tables"][0]["records"][0]["code"] = None
    actual["tables"][0]["records"][0]["total"] = None
    assert score_extract(actual, EXPECTED).ratio < 1.0


def test_a_missing_table_costs_all_its_leaves() -> None:
    actual = copy.deepcopy(EXPECTED)
    del actual["tables"][1]
    score = score_extract(actual, EXPECTED)
    assert score.total - score.matched == 4  # title, seq, level1, target_value
    assert any("project_performance" in m for m in score.mismatches)


def test_extra_records_and_tables_are_misses() -> None:
    actual = copy.deepcopy(EXPECTED)
    actual["tables"][0]["records"].append({"line_no": 2})
    actual["tables"].append(copy.deepcopy(actual["tables"][0]))
    score = score_extract(actual, EXPECTED)
    assert score.matched == score.total - 2


def test_filled_page_facts_are_compared() -> None:
    expected = copy.deepcopy(EXPECTED)
    expected["document"]["page_count"] = 12
    expected["tables"][0]["pages"] = [5, 6]
    actual = copy.deepcopy(expected)
    assert score_extract(actual, expected).ratio == 1.0
    actual["tables"][0]["pages"] = [5]
    actual["document"]["page_count"] = 11
    assert score_extract(actual, expected).matched == score_extract(expected, expected).matched - 2


def test_table_unit_and_empty_note_count_only_where_the_golden_states_them() -> None:
    expected = copy.deepcopy(EXPECTED)
    expected["tables"][0]["unit"] = "元"
    expected["tables"].append({"type": "government_fund_expenditure", "title": "政府性基金预算支出表",
                               "pages": [], "unit": "元", "empty_note": "本表无数据", "records": []})
    actual = copy.deepcopy(expected)
    assert score_extract(actual, expected).ratio == 1.0
    actual["tables"][0]["unit"] = "万元"
    actual["tables"][2]["empty_note"] = None
    score = score_extract(actual, expected)
    assert score.total - score.matched == 2
    assert any(".unit" in m for m in score.mismatches) and any("empty_note" in m for m in score.mismatches)
    # an older golden without the keys is not penalised by an output that has them
    with_unit = copy.deepcopy(EXPECTED)
    with_unit["tables"][0]["unit"] = "万元"
    assert score_extract(with_unit, EXPECTED).ratio == 1.0


def test_keys_outside_document_and_tables_are_not_scored() -> None:
    expected = {**copy.deepcopy(EXPECTED), "_notes": ["read by eye"]}
    assert score_extract(copy.deepcopy(EXPECTED), expected).ratio == 1.0
