"""Blocking Great Expectations checks on the parsed landing tables.

One multi-check step validates every landing suite, so Great Expectations is imported once
per run; a failure blocks the dbt models downstream of the landing tables.
"""


import dagster as dg

from orchestration.defs.parse import landing_key
from orchestration.defs.resources import Warehouse

# suite name -> query producing the frame it validates. Amounts leave DuckDB as text so
# that no float ever holds a figure.
LANDING_SUITES = {
    "landing_cells": ("cells", """
        select sha256, table_no, section, code, name, column_label,
               cast(amount_yuan as varchar) as amount_yuan, printed, unit, page, line,
               coalesce(cast(page as varchar), 'line ' || cast(line as varchar)) as locator,
               coalesce(section, '') as section_key,
               coalesce(code, '') || '|' || coalesce(name, '') as row_key
        from landing.cells
    """),
    "landing_documents": ("documents", """
        select sha256, source_file, format, department, fiscal_year, level, kind from landing.documents
    """),
}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(name=suite, asset=landing_key(table), blocking=True, description=f"GE suite `{suite}`")
        for suite, (table, _) in LANDING_SUITES.items()
    ],
)
def landing_expectations(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    from orchestration.quality.gx_runner import validate

    with warehouse.connect(read_only=True) as con:
        frames = {suite: con.execute(query).df() for suite, (_, query) in LANDING_SUITES.items()}
    for suite, frame in frames.items():
        outcome = validate(suite, frame)
        (context.log.info if outcome.success else context.log.error)(outcome.summary())
        yield dg.AssetCheckResult(
            asset_key=landing_key(LANDING_SUITES[suite][0]),
            check_name=suite,
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=outcome.summary(),
            metadata={
                "rows": outcome.rows,
                "failed_expectations": len(outcome.failures),
                "failures": dg.MetadataValue.json(
                    [
                        {"expectation": f.expectation, "column": f.column, "unexpected": f.unexpected_count,
                         "sample": f.sample}
                        for f in outcome.failures
                    ]
                ),
            },
        )


defs = dg.Definitions(asset_checks=[landing_expectations])
