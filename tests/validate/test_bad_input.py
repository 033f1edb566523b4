"""Bad data is reported, never raised: whatever an extractor hands over, every layer finishes.

A layer that crashed would turn into a ``<layer>.crashed`` finding (the document goes to review
with that reason); these properties say that does not happen on malformed records either.
"""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from budget_etl.contract import TABLE_TYPES
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable, NarrativeBlock
from tasks.validate import render_html_report, validate_document

cells = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=True, allow_infinity=False),
    st.integers(min_value=-10, max_value=10**6),
    st.text(max_size=8),
    st.sampled_from(
        ["合计", "208", "20801", "2080101", "revenue", "expenditure", "本年收入合计", "收入总计"]
    ),
)
indicator = st.fixed_dictionaries(
    {}, optional={k: cells for k in ("level1", "target_op", "target_value", "target_unit")}
)


def record_for(slug: str) -> st.SearchStrategy[dict]:
    fields = [f for f in TABLE_TYPES[slug].fields if f != "indicators"]
    optional = {f: cells for f in fields}
    if slug == "project_performance":
        optional["indicators"] = st.lists(indicator, max_size=3)
    return st.fixed_dictionaries({}, optional=optional)


tables = st.sampled_from(sorted(TABLE_TYPES)).flatmap(
    lambda slug: st.builds(
        ExtractedTable,
        type=st.just(slug),
        title=st.just(TABLE_TYPES[slug].title),
        pages=st.lists(st.integers(1, 40), max_size=2),
        records=st.lists(record_for(slug), max_size=6),
    )
)


# no shrinking phase: each example runs all three layers, and CI time must stay bounded even on failure
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tables=st.lists(tables, max_size=5), narrative=st.text(max_size=80))
def test_any_malformed_document_is_validated_without_crashing(tables: list, narrative: str) -> None:
    meta = DocumentMeta("budget_disclosure", None, None, None, None, 1, "0" * 64)
    doc = ExtractedDocument(meta, tables, [NarrativeBlock(1, "预算收入" + narrative + "万元")])
    findings = validate_document(doc)
    assert not [f for f in findings if f.check.endswith(".crashed")]
    assert render_html_report(doc, findings).endswith("</html>")
    json.dumps([f.to_dict() for f in findings])  # what the CLI prints and the database stores


def test_unreadable_amount_is_one_dtype_finding_not_a_crash() -> None:
    meta = DocumentMeta("performance_targets", None, None, None, None, 1, "0" * 64)
    record = {"line_no": 1, "item": "资产总额", "quantity": "约5400", "value": Decimal(1)}
    doc = ExtractedDocument(meta, [ExtractedTable("fixed_assets", "部门固定资产占用情况表", [9], [record])])
    [finding] = validate_document(doc)
    assert (finding.check, finding.field, finding.actual, finding.pages) == (
        "schema.dtype",
        "quantity",
        "约5400",
        [9],
    )
