"""An exception inside Great Expectations is an error finding of its own kind, never a quiet warning.

A broken GX install (or a frame GX cannot evaluate) used to turn the row-sum checks into
warnings, so a document passed with its arithmetic unchecked. Here GX itself raises — real
suites on a frame without their columns — and every result must say the check did not run.
"""

from __future__ import annotations

import pandas as pd

from budget_etl.document import ExtractedTable
from budget_etl.findings import Severity
from tasks.validate.expectation_layer import (
    _RUNNER,
    EXPECTATION_COULD_NOT_RUN,
    findings_from_result,
    gx_exception,
)
from tasks.validate.frames import FrameRows


def test_a_crash_inside_gx_is_an_error_finding_of_its_own_kind() -> None:
    frame = pd.DataFrame({"not_a_budget_column": [1, 2]})
    table = ExtractedTable(type="expenditure_by_function", title="部门预算支出总表", pages=[3])
    rows = FrameRows(name="expenditure_by_function", frame=frame, tables=[table])

    results = _RUNNER.run("expenditure_by_function", frame)
    findings = [f for r in results for f in findings_from_result(rows, frame, r)]

    assert results and all(gx_exception(r) for r in results), "GX really raised"
    assert {f.check for f in findings} == {EXPECTATION_COULD_NOT_RUN}
    assert all(f.severity is Severity.ERROR and f.table == "expenditure_by_function" for f in findings)
