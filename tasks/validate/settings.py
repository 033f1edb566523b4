"""Tunables of the quality checks, read from the environment with the ``BUDGET_ETL_VALIDATE_`` prefix.

Checks compare money exactly in hundredths; the tolerance only absorbs printed rounding. The
indicator vocabulary lives here (not in the checks) because templates differ between provinces.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ValidateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BUDGET_ETL_VALIDATE_", extra="ignore", frozen=True)

    amount_tolerance: Decimal = Field(
        default=Decimal("0.005"),
        ge=0,
        le=Decimal("0.05"),
        description="Largest difference between two amounts still read as equal (printed rounding).",
    )
    required_level1: tuple[str, ...] = Field(
        default=("产出指标", "效益指标", "满意度指标"),
        description="The 一级指标 every 绩效目标表 must contain.",
    )
    cost_markers: tuple[str, ...] = Field(
        default=("成本",),
        description="Text in 一级/二级指标 marking a cost indicator (its 万元 target is capped by budget)",
    )
    per_unit_markers: tuple[str, ...] = Field(
        default=("标准", "额度", "人均", "每", "单价"),
        description="Text in 三级指标/描述 marking a per-unit figure, which the budget does not cap.",
    )
    final_plan_percent: Decimal = Field(
        default=Decimal(100), description="What 资金支出计划 at 12月底 should reach, in percent."
    )
    run_expectations: bool = Field(default=True, description="Run the Great Expectations suites.")


@lru_cache(maxsize=1)
def get_validate_settings() -> ValidateSettings:
    """The process-wide validation settings; tests build their own instead."""
    return ValidateSettings()
