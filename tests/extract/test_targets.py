"""The 指标值 grammar (tasks/extract/targets.py): what a printed target means, as a specification.

Generated targets are built from the vocabulary's own words (budget_etl/vocabulary/targets.yaml),
so every operator word, sign and qualifier the vocabulary lists is exercised; the expected
operator is stated by meaning here, not read back from the parser.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_etl.vocabulary import load
from tasks.extract.targets import BETWEEN, parse_target, tokenize

VOCAB = load("targets")
#: operator word/sign → meaning: every entry of the vocabulary, each with its own operator
PREFIXES = sorted((w, op) for op, words in {**VOCAB["prefix_operators"]}.items() for w in words) + sorted(
    (w, op) for op, words in VOCAB["symbol_operators"].items() for w in words
)
QUALIFIERS = sorted((w, op) for op, words in VOCAB["suffix_qualifiers"].items() for w in words)
FULL_WIDTH = {"%": "％", ">": "＞", "<": "＜", "=": "＝", "~": "～", "-": "－"}

units = st.sampled_from(
    [
        "%",
        "万元",
        "人",
        "个",
        "次",
        "人次",
        "平方米",
        "户",
        "元/人月",
        "万元/户",
        "次/季度",
        "天",
        "月底",
        "家庭户",
        "",
    ]
)
numbers = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
gaps = st.sampled_from(["", " ", "\u3000"])


def to_full_width(text: str) -> str:
    """The same text as a full-width typesetter prints it (１２３，４５６ ％ ＞)."""
    return "".join(
        chr(ord(ch) + 0xFEE0) if ch.isdigit() or ch in ",." else FULL_WIDTH.get(ch, ch) for ch in text
    )


def thousands(value: Decimal) -> str:
    whole, _, fraction = f"{value:f}".partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{fraction}" if fraction else grouped


@given(prefix=st.sampled_from(PREFIXES), value=numbers, unit=units, gap=gaps)
def test_operator_word_or_sign_number_unit(
    prefix: tuple[str, str], value: Decimal, unit: str, gap: str
) -> None:
    word, op = prefix
    parsed = parse_target(f"{word}{gap}{value}{gap}{unit}")
    assert (parsed.op, parsed.value, parsed.unit, parsed.max_value) == (op, value, unit or None, None)


@given(qualifier=st.sampled_from(QUALIFIERS), value=numbers, unit=units.filter(bool), gap=gaps)
def test_number_unit_and_suffix_qualifier(
    qualifier: tuple[str, str], value: Decimal, unit: str, gap: str
) -> None:
    word, op = qualifier
    parsed = parse_target(f"{value}{gap}{unit}{word}")
    assert (parsed.op, parsed.value, parsed.unit) == (op, value, unit)


@given(value=numbers, unit=units)
def test_bare_quantity_means_equal(value: Decimal, unit: str) -> None:
    assert tuple(parse_target(f"{value}{unit}")) == ("=", value, unit or None, None)


@given(
    low=numbers,
    width=numbers,
    unit=units,
    sep=st.sampled_from(["-", "～", "~", "至", "到", "—"]),
    both=st.booleans(),
    closer=st.sampled_from(["", "之间"]),
)
def test_range_is_between_with_target_max(
    low: Decimal, width: Decimal, unit: str, sep: str, both: bool, closer: str
) -> None:
    high = low + width
    first_unit = unit if both else ""
    parsed = parse_target(f"{low}{first_unit}{sep}{high}{unit}{closer}")
    assert tuple(parsed) == (BETWEEN, low, unit or None, high)


@given(prefix=st.sampled_from([p for p in PREFIXES if p[0].isascii()]), value=numbers, unit=units)
def test_full_width_digits_signs_and_thousands_separators(
    prefix: tuple[str, str], value: Decimal, unit: str
) -> None:
    printed = to_full_width(f"{prefix[0]}{thousands(value)}{unit}")
    assert tuple(parse_target(printed)) == (prefix[1], value, unit or None, None)


#: words with no quantity in them: the qualitative targets of real forms
_PROSE = st.text(
    alphabet="保障完成计划年度工作效益提升明显及时有效全面稳定群众满意规范运行的", min_size=1, max_size=30
)


@given(
    text=_PROSE,
    prefix=st.sampled_from(["", *[p[0] for p in PREFIXES]]),
    suffix=st.sampled_from(["", *[q[0] for q in QUALIFIERS]]),
)
def test_text_without_a_quantity_is_qualitative(text: str, prefix: str, suffix: str) -> None:
    assert parse_target(f"{prefix}{text}{suffix}") == (None, None, None, None)


@given(head=_PROSE, value=numbers, unit=units)
def test_words_before_the_quantity_make_it_qualitative(head: str, value: Decimal, unit: str) -> None:
    # 满意度≥95% / 比去年增加 20%: the subject is not a target operator; nothing is guessed
    assert parse_target(f"{head}{value}{unit}").value is None


@pytest.mark.parametrize(
    ("printed", "op", "value", "unit", "maximum"),
    [
        ("不低于95%", ">=", "95", "%", None),
        ("达到95%", ">=", "95", "%", None),
        ("大于等于95%", ">=", "95", "%", None),
        ("90%-100%", "between", "90", "%", "100"),
        ("90%～100%", "between", "90", "%", "100"),
        ("90%至100%", "between", "90", "%", "100"),
        ("≤500元/人月", "<=", "500", "元/人月", None),
        ("≤3万元/户", "<=", "3", "万元/户", None),
        ("≥1次/季度", ">=", "1", "次/季度", None),
        ("1，000人", "=", "1000", "人", None),
        ("95%以上", ">=", "95", "%", None),
        ("12月底前", "<=", "12", "月底", None),
        ("5个以内", "<=", "5", "个", None),
        ("12 月底之前", "<=", "12", "月底", None),
        ("≥95%。", ">=", "95", "%", None),
        ("达到95%以上", ">=", "95", "%", None),
        ("控制在5%以内", "<=", "5", "%", None),
        ("＞９０％", ">", "90", "%", None),
    ],
)
def test_issue_examples(printed: str, op: str, value: str, unit: str, maximum: str | None) -> None:
    expected = (op, Decimal(value), unit, None if maximum is None else Decimal(maximum))
    assert tuple(parse_target(printed)) == expected


@pytest.mark.parametrize(
    "printed",
    [
        "≤预算批复金额",
        "2024年底前完成",
        "每人每月最高不超过当地最低工资标准或每人每月500元",
        "≤5%以上",
        "100%-90%",
        "100%完成",
        "1万-2万元",
        "2025年12月",
        "优",
        "",
        "—",
    ],
)
def test_not_understood_is_qualitative(printed: str) -> None:
    """Contradictions, two quantities, trailing words, reversed ranges: four nulls, never a guess."""
    assert parse_target(printed) == (None, None, None, None)


def test_tokens_follow_the_vocabulary_longest_word_first() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("大于等于1，000人次以上")]
    assert kinds == [("prefix", "大于等于"), ("num", "1000"), ("text", "人次"), ("qualifier", "以上")]


def test_a_long_unit_part_is_not_a_unit() -> None:
    assert parse_target("5个工作日内完成").value is None
    assert parse_target("≤500元/人月", max_unit_chars=1).value is None
