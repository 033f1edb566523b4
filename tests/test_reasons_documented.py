"""Every reason code a failure can carry is explained in the README's reason-code table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budget_etl.errors import Reason

README = Path(__file__).resolve().parents[1] / "README.md"


def documented_reasons() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Reason codes", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    return {code for row in rows for code in re.findall(r"`([a-z_]+)`", row.split("|")[2])}


@pytest.mark.parametrize("reason", list(Reason), ids=str)
def test_reason_is_in_the_readme_table(reason: Reason) -> None:
    assert reason.value in documented_reasons()


def test_the_table_names_no_reason_the_code_does_not_have() -> None:
    assert documented_reasons() <= {r.value for r in Reason}


def test_final_accounts_is_a_document_kind_not_a_failure() -> None:
    """A 部门决算 is read (kind ``final_accounts``, issue 15): no reason code ends it, none is documented."""
    assert "final_accounts" not in {r.value for r in Reason}
    assert "final_accounts" not in documented_reasons()
