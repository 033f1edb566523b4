"""The generator itself: goldens reproducible from the seeds, rendering deterministic, wrapping lossless."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures.generator.build import build_document
from tests.fixtures.generator.corpus import CORPUS_DIR, SEEDS_DIR
from tests.fixtures.generator.expected import expected_document
from tests.fixtures.generator.text import clean_text, parse_target
from tests.fixtures.generator.wrap import wrap_cell

SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))
FONTS = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
]


@pytest.mark.parametrize("seed_file", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_golden_is_reproduced_from_the_seed_text(seed_file: Path) -> None:
    doc = build_document(seed_file)
    committed = json.loads((CORPUS_DIR / f"{doc.seed}.expected.json").read_text(encoding="utf-8"))
    assert json.loads(expected_document(doc).to_json()) == committed


@pytest.mark.skipif(
    not all(f.exists() for f in FONTS),
    reason="re-rendering the committed corpus needs the Debian CJK fonts it was made with, not installed "
    "here (`make corpus-deps`); the suite itself needs none",
)
@pytest.mark.parametrize("stem", ["000-a", "004-b", "002-d"])
def test_rendering_is_deterministic_and_matches_the_committed_pdf(stem: str) -> None:
    from tests.fixtures.generator.render_reportlab import render_reportlab

    seed, variant = stem.split("-")
    doc = build_document(next(SEEDS_DIR.glob(f"{seed}_*.txt")))
    rendering = render_reportlab(doc, variant)
    committed = (CORPUS_DIR / f"{stem}.pdf").read_bytes()
    assert hashlib.sha256(rendering.pdf).hexdigest() == hashlib.sha256(committed).hexdigest()


def test_seed_rules_on_known_ambiguities() -> None:
    """The README's interpretation rules, checked on the seed rows that need them."""
    docs = {p.name[:3]: build_document(p) for p in SEED_FILES}
    projects = {
        (seed, t.seq): t.records[0]
        for seed, d in docs.items()
        for t in d.tables
        if t.slug == "project_performance"
    }
    # P1: a plan value belongs to the month label printed in its column (12 月底 wrapped below 10 月底)
    assert [projects["000", 11][f] for f in ("plan_mar", "plan_jun", "plan_oct", "plan_dec")] == [
        100,
        None,
        None,
        None,
    ]
    # J1: a row cut by a page break is one indicator ("…【2018】" + "21号")
    first = projects["004", 1]["indicators"]
    assert [i["basis"] for i in first].count("冀财规【2018】 21号") == 1
    assert len(first) == 7
    # J2: a fragment repeating the tail already printed is not doubled (…待遇 + 遇按时发放)
    levels = [i["level3"] for i in projects["002", 21]["indicators"]]
    assert "养老保险待遇按时发放" in levels
    # project codes keep no whitespace; level1 is carried down
    assert projects["000", 1]["project_code"] == "13020924P001296100013"
    assert all(i["level1"] for p in projects.values() for i in p["indicators"])


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)
_WORD = st.text(alphabet="0123456789.%ABCP【】（）≥≤", min_size=1, max_size=8)
_TEXT = st.lists(st.one_of(_CJK, _WORD, st.just(" ")), min_size=1, max_size=40).map("".join)


@given(text=_TEXT, width=st.integers(min_value=40, max_value=200))
def test_wrapped_cell_reads_back_as_the_same_value(text: str, width: int) -> None:
    """Joining the printed lines with a space and normalising gives back the cell value."""
    value = clean_text(text)
    measure = lambda s: 10.0 * len(s)  # noqa: E731
    try:
        lines = wrap_cell(value, width, measure)
    except ValueError:  # an unbreakable run wider than the cell: the renderer refuses, never guesses
        return
    assert clean_text(" ".join(lines)) == value
    assert all(measure(line) <= width for line in lines if len(line) > 1)


_OPS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "": "="}


@given(
    sign=st.sampled_from(sorted(_OPS)),
    number=st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(["%", "万元", "人", "个", "人次", "百分比", "天", ""]),
    gap=st.sampled_from(["", " "]),
)
def test_target_with_a_sign_a_number_and_a_short_unit_is_parsed(
    sign: str, number: object, unit: str, gap: str
) -> None:
    op, value, parsed_unit, maximum = parse_target(f"{sign}{number}{gap}{unit}")
    assert (op, value, parsed_unit, maximum) == (_OPS[sign], number, unit or None, None)


@given(head=_CJK, rest=_TEXT)
def test_target_starting_with_text_is_qualitative(head: str, rest: str) -> None:
    assert parse_target(f"{head}{rest}") == (None, None, None, None)


@pytest.mark.parametrize(
    ("target", "parsed"),
    [
        ("≥95%", (">=", "95", "%")),
        ("≤131.4 万元", ("<=", "131.4", "万元")),
        ("≤2500 万元", ("<=", "2500", "万元")),
        ("100%", ("=", "100", "%")),
        ("100 百分比", ("=", "100", "百分比")),
        ("保障当年完成年度工作计划", (None, None, None)),
        ("≤预算批复金额", (None, None, None)),
        ("12 月底之前", ("<=", "12", "月底")),
        ("95%以上", (">=", "95", "%")),
        ("不低于95%", (">=", "95", "%")),
        ("≤500元/人月", ("<=", "500", "元/人月")),
        ("2024年底前完成", (None, None, None)),
        ("每人5000元", (None, None, None)),
    ],
)
def test_target_parsing_rule(target: str, parsed: tuple[str | None, str | None, str | None]) -> None:
    op, value, unit, _ = parse_target(target)
    assert (op, None if value is None else str(value), unit) == parsed


def test_target_range_rule() -> None:
    assert parse_target("90%-100%") == ("between", Decimal(90), "%", Decimal(100))
    assert parse_target("90%～100%") == ("between", Decimal(90), "%", Decimal(100))
