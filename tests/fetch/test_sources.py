"""The sources file is validated before anything is fetched; mistakes name the publisher."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_etl.contract import RECOGNISED_KINDS
from tasks.fetch.sources import SourcesFileError, load_sources, parse_sources

ROOT = Path(__file__).resolve().parents[2]

VALID = """
publishers:
  - name: dept-a
    region: 某省某县
    department: 某县财政局
    year: 2025
    kind: budget_disclosure
    listings: [http://127.0.0.1:8000/a/]
  - name: dept-b
    region: 某省某县
    department: 某县教育局
    year: 2025
    kind: performance_targets
    documents: [http://127.0.0.1:8000/b/x.pdf]
"""


def test_a_valid_file_parses_into_publishers_with_tags():
    sources = parse_sources(VALID)

    assert [p.name for p in sources.publishers] == ["dept-a", "dept-b"]
    assert sources.publishers[0].tag == "publisher:dept-a"
    assert sources.select(["dept-b"])[0].documents == ("http://127.0.0.1:8000/b/x.pdf",)


def test_every_kind_the_extractor_recognises_can_be_declared():
    """A publisher of 部门决算 is configured like any other (contract.RECOGNISED_KINDS)."""
    kinds = [parse_sources(VALID.replace("kind: budget_disclosure", f"kind: {kind}")).publishers[0].kind
             for kind in RECOGNISED_KINDS]

    assert kinds == list(RECOGNISED_KINDS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (VALID.replace("budget_disclosure", "budget"), "kind"),
        (VALID.replace("year: 2025\n    kind: perf", "year: 25\n    kind: perf"), "year"),
        (VALID.replace("documents: [http://127.0.0.1:8000/b/x.pdf]", "documents: []"), "neither"),
        (VALID.replace("name: dept-b", "name: dept-a"), "duplicate"),
        (VALID.replace("listings: [http", "listings: [ftp"), "not an http"),
        (VALID + "    colour: red\n", "colour"),
        ("publishers: [unclosed", "not valid YAML"),
    ],
)
def test_invalid_files_are_rejected_with_the_reason(text, message):
    with pytest.raises(SourcesFileError, match=message):
        parse_sources(text)


def test_selecting_an_unknown_publisher_is_an_error():
    with pytest.raises(SourcesFileError, match="nobody"):
        parse_sources(VALID).select(["nobody"])


def test_the_shipped_sources_files_are_valid():
    for name in ("sources.yaml", "sources.demo.yaml"):
        assert load_sources(ROOT / "deployments" / name).publishers
