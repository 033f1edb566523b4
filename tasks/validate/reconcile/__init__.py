"""Layer 3: the budget's own arithmetic, one named check per function, all registered in ``CHECKS``.

Families, one module each: ``hierarchy`` (类 = Σ款, 款 = Σ项, 合计 = Σ类), ``identities`` (三公
subtotals), ``two_sided`` (收支总表 / 财政拨款收支总表 balance), ``cross_table`` (the same figure in two
tables), ``narrative`` (情况说明 vs tables), ``projects`` (绩效目标表), ``completeness``, ``units``
(every table's unit convertible), ``extraction`` (the extractor's own findings, as errors) and
``document_checks`` (what a reviewer reads beside the arithmetic: placeholders, years, words of change).
A check reads the document and returns findings; it never raises on bad data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from budget_etl.contract import EXTRACT_CHECKS
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from tasks.validate.reconcile import (
    completeness,
    cross_table,
    document_checks,
    extraction,
    final_accounts,
    final_cross_table,
    hierarchy,
    identities,
    narrative,
    projects,
    two_sided,
    units,
)
from tasks.validate.settings import ValidateSettings

CheckFunction = Callable[[ExtractedDocument, ValidateSettings], list[Finding]]


@dataclass(frozen=True)
class ReconciliationCheck:
    """A registered check: the slug(s) its findings carry and the function that runs it."""

    slugs: tuple[str, ...]
    run: CheckFunction


CHECKS: tuple[ReconciliationCheck, ...] = (
    ReconciliationCheck((hierarchy.SUM_OF_CHILDREN,), hierarchy.check_sum_of_children),
    ReconciliationCheck((hierarchy.GRAND_TOTAL,), hierarchy.check_grand_total),
    ReconciliationCheck((identities.THREE_PUBLIC_SUBTOTAL,), identities.check_three_public_subtotal),
    ReconciliationCheck((identities.VEHICLE_SUBTOTAL,), identities.check_vehicle_subtotal),
    ReconciliationCheck((identities.ABROAD_SUBTOTAL,), identities.check_abroad_subtotal),
    ReconciliationCheck((identities.THREE_PUBLIC_TOTAL,), identities.check_three_public_total),
    ReconciliationCheck((identities.FIXED_ASSETS_TOTAL,), identities.check_fixed_assets_total),
    ReconciliationCheck((two_sided.ITEMS_SUM,), two_sided.check_items_sum),
    ReconciliationCheck((two_sided.BALANCE,), two_sided.check_balance),
    ReconciliationCheck((two_sided.GRAND_TOTAL,), two_sided.check_grand_total),
    ReconciliationCheck((cross_table.CLASS_TOTALS,), cross_table.check_class_totals),
    ReconciliationCheck((cross_table.REVENUE_TOTAL,), cross_table.check_revenue_total),
    ReconciliationCheck((cross_table.EXPENDITURE_TOTAL,), cross_table.check_expenditure_total),
    ReconciliationCheck((cross_table.FISCAL_APPROPRIATION,), cross_table.check_fiscal_appropriation),
    ReconciliationCheck((cross_table.FISCAL_REVENUE,), cross_table.check_fiscal_revenue),
    ReconciliationCheck((cross_table.BASIC_EXPENDITURE,), cross_table.check_basic_expenditure),
    ReconciliationCheck((cross_table.PROJECT_BUDGETS,), cross_table.check_project_budgets),
    ReconciliationCheck(
        tuple(dict.fromkeys(f.check for f in narrative.NARRATIVE_FIGURES)), narrative.check_narrative
    ),
    ReconciliationCheck((narrative.PROJECT_LIST, narrative.PROJECT_AMOUNT), narrative.check_project_list),
    ReconciliationCheck((projects.FUNDING_SPLIT,), projects.check_funding_split),
    ReconciliationCheck((projects.PLAN_ORDER,), projects.check_plan_order),
    ReconciliationCheck((projects.PLAN_COMPLETE,), projects.check_plan_complete),
    ReconciliationCheck((projects.PLAN_IN_AMOUNTS,), projects.check_plan_in_amounts),
    ReconciliationCheck((projects.REQUIRED_INDICATORS,), projects.check_required_indicators),
    ReconciliationCheck((projects.COST_TARGET,), projects.check_cost_target),
    ReconciliationCheck((projects.DUPLICATE_INDICATOR,), projects.check_duplicate_indicator),
    ReconciliationCheck((completeness.STANDARD_TABLES_CHECK,), completeness.check_standard_tables),
    ReconciliationCheck((units.NOT_UNDERSTOOD,), units.check_units),
    ReconciliationCheck(EXTRACT_CHECKS, extraction.check_extraction_findings),
    ReconciliationCheck((document_checks.PLACEHOLDER,), document_checks.check_placeholders),
    ReconciliationCheck((document_checks.HEADING_YEAR,), document_checks.check_heading_years),
    ReconciliationCheck((document_checks.AS_OF_YEAR,), document_checks.check_as_of_years),
    ReconciliationCheck((document_checks.CHANGE_DIRECTION,), document_checks.check_change_direction),
    ReconciliationCheck((document_checks.CHANGE_PERCENT,), document_checks.check_change_percent),
    ReconciliationCheck((document_checks.COMPARISON_WORD,), document_checks.check_comparison_words),
    ReconciliationCheck((document_checks.COMPLETION_PERCENT,), document_checks.check_completion_percent),
    ReconciliationCheck((document_checks.UNDECIDED_WORDING,), document_checks.check_undecided_wording),
    ReconciliationCheck((document_checks.LISTED_TABLE_MISSING,), document_checks.check_listed_tables),
    ReconciliationCheck((document_checks.NOTE_ON_FILLED_TABLE,), document_checks.check_note_on_filled_table),
    ReconciliationCheck((document_checks.BLANK_FIGURE,), document_checks.check_blank_figures),
    ReconciliationCheck((final_accounts.ITEMS_SUM,), final_accounts.check_items_sum),
    ReconciliationCheck((final_accounts.SIDE_TOTAL,), final_accounts.check_side_total),
    ReconciliationCheck((final_accounts.BALANCE,), final_accounts.check_balance),
    ReconciliationCheck((final_accounts.ROW_BALANCE,), final_accounts.check_row_balance),
    ReconciliationCheck(
        (hierarchy.SUM_OF_CHILDREN, hierarchy.GRAND_TOTAL), final_accounts.check_final_hierarchy
    ),
    ReconciliationCheck(final_cross_table.identity_slugs(), final_cross_table.check_final_cross_tables),
    ReconciliationCheck((completeness.STANDARD_TABLES_CHECK,), completeness.check_final_tables),
)


def reconcile(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """Run every registered check and collect all findings."""
    return [finding for check in CHECKS for finding in check.run(doc, settings)]


__all__ = ["CHECKS", "ReconciliationCheck", "reconcile"]
