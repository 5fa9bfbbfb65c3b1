"""Run the Great Expectations suites kept under ``expectations/`` on pandas DataFrames.

The GE file context (``expectations/gx``) holds the suites as JSON files, reviewed like
code; validation results and data docs go to its ignored ``uncommitted/`` folder.
``import great_expectations`` costs seconds, so the context is built once per process
and every suite of a run is validated through it.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any

from orchestration.settings import PROJECT_ROOT

__all__ = [
    "EXPECTATIONS_DIR",
    "ExpectationOutcome",
    "SuiteOutcome",
    "check_name",
    "context_load_seconds",
    "merge_outcomes",
    "validate",
]

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
# How many failing values to carry into check metadata.
SAMPLE_SIZE = 10
# How many failing rows (named by index columns) to keep per expectation.
MAX_ROWS = 200
DATASOURCE = "warehouse_frames"


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    sample: list[Any] = field(default_factory=list)
    # the failing rows, named by the suite's index columns (document, table, row …)
    rows: list[dict[str, Any]] = field(default_factory=list)
    # what the expectation asserts, in a word: its ``meta.check`` in the suite, else derived
    check: str = ""


@dataclass
class SuiteOutcome:
    suite: str
    rows: int
    success: bool
    expectations: list[ExpectationOutcome]

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: {len(self.expectations)} expectations passed on {self.rows} rows"
        parts = [
            f"{e.expectation}({e.column or ''}) {e.unexpected_count} unexpected, e.g. {e.sample[:3]}"
            for e in self.failures
        ]
        return (
            f"{self.suite}: {len(self.failures)} of {len(self.expectations)} failed on {self.rows} rows: "
            + "; ".join(parts)
        )


_LOAD_SECONDS: list[float] = []


def context_load_seconds() -> float | None:
    """Seconds this process spent importing GE and opening the file context (None before the first use)."""
    return _LOAD_SECONDS[0] if _LOAD_SECONDS else None


@functools.cache
def _context() -> Any:
    started = time.perf_counter()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="file", project_root_dir=str(EXPECTATIONS_DIR))
    # GE draws a progress bar per validation on stderr; the run log is the place for outcomes.
    # (Also committed in great_expectations.yml; setting it here only changes the loaded config.)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # The datasource and its assets are declared in the committed great_expectations.yml; they are
    # only added (and the file rewritten) the first time a new suite is used.
    try:
        source = context.data_sources.get(DATASOURCE)
    except (KeyError, LookupError, ValueError):
        source = context.data_sources.add_pandas(DATASOURCE)
    _LOAD_SECONDS.append(time.perf_counter() - started)
    return context, source


def validate(
    suite_name: str, frame: Any, index_columns: list[str] | None = None, max_rows: int | None = MAX_ROWS
) -> SuiteOutcome:
    """Validate ``frame`` (a pandas DataFrame) against the named suite.

    ``index_columns`` name the failing rows in the outcome (e.g. the document and table), so a
    blocking failure says which documents it stops; ``max_rows`` of them are kept per
    expectation (None: all, as the per-document gate needs).
    """
    context, source = _context()
    suite = context.suites.get(suite_name)
    try:
        asset = source.get_asset(suite_name)
    except LookupError:
        asset = source.add_dataframe_asset(suite_name)
    try:
        batch_definition = asset.get_batch_definition("whole")
    except (KeyError, LookupError):
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    if index_columns:
        result_format.update(
            result_format="COMPLETE",
            unexpected_index_column_names=index_columns,
            return_unexpected_index_query=False,
        )
    result = batch.validate(suite, result_format=result_format)
    outcomes = [
        ExpectationOutcome(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column")
            or ",".join(r.expectation_config.kwargs.get("column_list") or [])
            or None,
            success=bool(r.success),
            unexpected_count=r.result.get("unexpected_count"),
            sample=[_plain(v) for v in (r.result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]],
            rows=[_plain(v) for v in (r.result.get("unexpected_index_list") or [])[:max_rows]],
            check=check_name(
                r.expectation_config.type, r.expectation_config.kwargs, r.expectation_config.meta
            ),
        )
        for r in result.results
    ]
    return SuiteOutcome(
        suite=suite_name, rows=len(frame), success=bool(result.success), expectations=outcomes
    )


# Short names of expectation types, for a check named by its column (``code_format``).
_TYPE_WORDS = {
    "expect_column_values_to_not_be_null": "present",
    "expect_column_values_to_match_regex": "format",
    "expect_column_values_to_be_in_set": "in_set",
    "expect_column_values_to_be_between": "in_range",
    "expect_column_values_to_be_unique": "unique",
    "expect_compound_columns_to_be_unique": "unique",
}


def check_name(expectation: str, kwargs: dict[str, Any], meta: dict[str, Any] | None) -> str:
    """What an expectation asserts, in a word: its ``meta.check`` when the suite names it, the column
    of a derived boolean expected true (``amount_matches_printed``), else column + type
    (``code_format``, ``fiscal_year_in_range``)."""
    if meta and meta.get("check"):
        return str(meta["check"])
    column = kwargs.get("column") or "_".join(kwargs.get("column_list") or []) or "table"
    if expectation == "expect_column_values_to_be_in_set" and list(kwargs.get("value_set") or []) == [True]:
        return column
    return f"{column}_{_TYPE_WORDS.get(expectation, expectation.removeprefix('expect_'))}"


def merge_outcomes(outcomes: list[SuiteOutcome]) -> SuiteOutcome:
    """One outcome for a suite validated a batch at a time (the same suite, so the same
    expectations in the same order): unexpected counts add up, samples and rows are kept up to
    ``SAMPLE_SIZE`` and ``MAX_ROWS``."""
    if len(outcomes) == 1:
        return outcomes[0]
    first = outcomes[0]
    merged = []
    for i, e in enumerate(first.expectations):
        parts = [o.expectations[i] for o in outcomes]
        counts = [p.unexpected_count for p in parts if p.unexpected_count is not None]
        merged.append(
            ExpectationOutcome(
                expectation=e.expectation,
                column=e.column,
                success=all(p.success for p in parts),
                unexpected_count=sum(counts) if counts else None,
                sample=[v for p in parts for v in p.sample][:SAMPLE_SIZE],
                rows=[r for p in parts for r in p.rows][:MAX_ROWS],
                check=e.check,
            )
        )
    return SuiteOutcome(
        suite=first.suite,
        rows=sum(o.rows for o in outcomes),
        success=all(o.success for o in outcomes),
        expectations=merged,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars (frame values) to Python
    if isinstance(value, float) and math.isnan(value):
        return None  # pandas' stand-in for a missing value
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)
