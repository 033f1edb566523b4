"""OCR'd enumerated labels are repaired from their column's own numbering (fast: no OCR run).

What PP-OCR does to the 收支总表's item column of a scanned corpus page (004-a p.4): it drops
the 、 (``十卫生健康支出``), or the thin 一 before it (``、一般公共预算拨款收入``), or reads
``一一般公共服务支出``. The column's other labels say what each number must be.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tasks.extract.pages import Cell
from tasks.extract.readers.enumeration import numeral_text, numeral_value, repair_column


def repaired(texts: list[str]) -> list[str]:
    cells = [Cell(text=t, bbox=(0.0, 0.0, 1.0, 1.0)) for t in texts]
    repair_column(cells)
    return [c.text for c in cells]


def test_a_dropped_comma_or_numeral_is_restored_from_the_sequence() -> None:
    revenue = ["、一般公共预算拨款收入", "二、政府性基金预算拨款收入", "三、事业收入"]
    assert repaired(revenue)[0] == "一、一般公共预算拨款收入"
    assert repaired(["一一般公共服务支出", "二、外交支出", "三、国防支出"])[0] == "一、一般公共服务支出"
    column = ["九、社会保障和就业支出", "十卫生健康支出", "十一、节能环保支出", "十二、城乡社区支出",
              "十三农林水支出"]
    assert repaired(column)[1::3] == ["十、卫生健康支出", "十三、农林水支出"]


def test_labels_that_are_not_the_expected_number_are_left_alone() -> None:
    column = ["一、一般公共预算拨款收入", "二、事业收入", "本年收入合计", "上年结转", "收入总计"]
    assert repaired(column) == column  # unnumbered lines of a numbered column
    gap = ["一、甲", "二、乙", "其中：十分重要", "四、丁"]
    assert repaired(gap) == gap  # 十 is not the number between 二 and 四


def test_a_column_that_does_not_number_its_labels_is_untouched() -> None:
    column = ["十卫生健康支出", "行政运行", "一般行政管理事务"]
    assert repaired(column) == column
    assert repaired(["、甲", "二、乙"]) == ["、甲", "二、乙"]  # one numbered label is not a sequence


@given(st.integers(min_value=1, max_value=99))
def test_numerals_round_trip(value: int) -> None:
    assert numeral_value(numeral_text(value)) == value
