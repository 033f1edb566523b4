"""Layer 2: run each table type's GX suite on its frame and turn failed expectations into Findings.

GX is good at value sets, regexes, row counts, uniqueness, column-pair comparisons and row sums;
amounts reach it as integer hundredths so its exact sums are exact for money too. The GX context
costs about a second to build, so ``ExpectationRunner`` builds it once per process and reuses it.
"""

from __future__ import annotations

import logging
import threading
from decimal import Decimal
from typing import Any

import pandas as pd

from budget_etl.document import ExtractedDocument, Record
from budget_etl.findings import Finding, Severity
from expectations import build_suite, load_suite_json, suite_names
from tasks.validate.amounts import format_amount
from tasks.validate.evidence import finding_at
from tasks.validate.frames import (
    INDICATORS,
    FrameRows,
    add_extra_parts,
    derive_unprinted_subtotals,
    schema_frames,
    to_expectation_frame,
)
from tasks.validate.labels import field_label

HUNDRED = Decimal(100)
#: the finding of an expectation GX could not evaluate (an exception inside GX, not a data problem)
EXPECTATION_COULD_NOT_RUN = "expectations.could_not_run"


def row_label(record: Record) -> str:
    """How an analyst names the row: code + name, the item, or the project."""
    if record.get("project_name") or record.get("project_code"):
        return str(record.get("project_name") or record.get("project_code"))
    parts = [str(record[k]) for k in ("code", "name", "item") if record.get(k)]
    return " ".join(parts) or "row"


def cents_to_amount(value: Any) -> Decimal:
    return Decimal(int(value)) / HUNDRED


class ExpectationRunner:
    """One ephemeral GX context (no network, no files, no progress bars) reused for every document."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batch_definition: Any = None

    def _batches(self) -> Any:
        if self._batch_definition is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            logging.getLogger("great_expectations").setLevel(logging.ERROR)
            # in memory, no Data Docs site (GX's default writes a temp dir per process), no progress bars
            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                progress_bars=ProgressBarsConfig(globally=False),
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            asset = context.data_sources.add_pandas("budget_etl").add_dataframe_asset("table")
            self._batch_definition = asset.add_batch_definition_whole_dataframe("whole_table")
        return self._batch_definition

    def prepare(self) -> None:
        """Build the context and batch definition if this process has none yet."""
        with self._lock:
            self._batches()

    def run(self, name: str, frame: pd.DataFrame) -> list[Any]:
        """The failed expectation results of suite ``name`` on ``frame``."""
        with self._lock:
            batch = self._batches().get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(build_suite(name), result_format={"result_format": "COMPLETE"})
        return [r for r in result.results if not r.success]


_RUNNER = ExpectationRunner()


def prepare_expectations() -> None:
    """Build this process's GX context now (~5 s: the import and the context), not at the first document.

    A process-pool worker calls it as it starts (``flows.fanout``), while the batch is still
    discovering and fetching, so no document waits for it.
    """
    _RUNNER.prepare()


def findings_from_result(rows: FrameRows, frame: pd.DataFrame, result: Any) -> list[Finding]:
    config = result.expectation_config
    meta = config.meta or {}
    check = meta.get("check", f"expectations.{config.type}")
    severity = Severity(meta.get("severity", "error"))
    field = meta.get("field")
    message = meta.get("message", config.type)
    indexes = (result.result or {}).get("unexpected_index_list")
    crash = gx_exception(result)
    if crash is not None:
        table = rows.tables[0]
        text = (
            f"expectation {config.type} could not run: {crash}; "
            "its check did not happen, so the table is not known to pass it"
        )
        # an error of its own kind: a broken GX install must not silently switch the row-sum checks off
        return [finding_at(EXPECTATION_COULD_NOT_RUN, text, table=table, severity=Severity.ERROR)]
    if not indexes:
        observed = (result.result or {}).get("observed_value")
        return [finding_at(check, message, table=rows.tables[0], severity=severity, actual=observed)]
    findings = []
    for index in indexes:
        table, record = rows.origins[int(index)]
        expected, actual = evidence_of(config, frame.loc[index], field, record)
        shown_field = field
        indicator = rows.indicator_index[int(index)]
        if indicator is not None and field is not None:
            shown_field = f"indicators[{indicator}].{field}"
        text = f"{row_label(record)}: {message}"
        if config.type == "expect_multicolumn_sum_to_equal":
            text += f" — printed {format_amount(actual)}, the parts add up to {format_amount(expected)}"
        elif actual is not None:
            text += f" — {field_label(shown_field)} is {actual}"
        findings.append(
            finding_at(
                check,
                text,
                table=table,
                record=record,
                field=shown_field,
                expected=expected,
                actual=actual,
                severity=severity,
            )
        )
    return findings


def gx_exception(result: Any) -> str | None:
    """The message of an exception GX caught while evaluating ``result``, or None.

    GX 1.x reports it flat (``{"raised_exception": True, ...}``) or, per metric, nested under
    metric ids; both must count, or a crash inside GX reads as an ordinary failed check.
    """
    info = result.exception_info or {}
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for entry in candidates:
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "an exception inside Great Expectations")[:300]
    return None


def evidence_of(config: Any, row: pd.Series, field: str | None, record: Record) -> tuple[Any, Any]:
    """Expected and actual values for one failing row, in the document's unit."""
    if config.type == "expect_multicolumn_sum_to_equal" and field:
        parts = [c for c in config.kwargs["column_list"] if not c.startswith("neg_")]
        expected = sum((cents_to_amount(row[c]) for c in parts if not pd.isna(row[c])), Decimal(0))
        return expected, cents_to_amount(row[field]) if not pd.isna(row[field]) else Decimal(0)
    if config.type == "expect_column_pair_values_a_to_be_greater_than_b" and field:
        return f"<= {record.get(config.kwargs['column_A'])}", record.get(field)
    if field is not None:
        return None, row.get(field)
    return None, None


def row_identities(name: str) -> list[list[str]]:
    """The column lists of the suite's row identities (parts and ``neg_<total>`` summing to zero)."""
    return [
        list(e["kwargs"]["column_list"])
        for e in load_suite_json(name)["expectations"]
        if e["type"] == "expect_multicolumn_sum_to_equal"
    ]


def check_expectations(doc: ExtractedDocument) -> list[Finding]:
    """Run the suite of every table type present in ``doc`` that has one."""
    available = set(suite_names())
    findings: list[Finding] = []
    for rows in schema_frames(doc):
        name = rows.name
        if name not in available or rows.frame.empty:
            continue
        identities = row_identities(name)
        frame = to_expectation_frame(rows)
        frame = add_extra_parts(derive_unprinted_subtotals(frame, rows, identities), rows, identities)
        for result in _RUNNER.run(name, frame):
            findings.extend(findings_from_result(rows, frame, result))
    return findings


__all__ = ["INDICATORS", "ExpectationRunner", "check_expectations", "prepare_expectations"]
