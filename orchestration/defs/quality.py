"""Reported data-quality checks: DOMAIN.md's identities per document, stored for BI, and the HTML report.

``landing/check_results`` evaluates every identity on the landing tables (the publisher's
arithmetic: a broken identity is reported with both figures, never blocks) for the documents
parsed since their last check, a batch at a time (``quality.check_results_table``); dbt turns it into
``fact_check_result``; ``quality_report`` renders ``<warehouse dir>/quality_report.html`` from it.
One WARN asset check per identity, on ``fact_check_result``, says in the run which disclosures break
it: it reads the file selected for each disclosure only, so a finding counts once, not once per file.
"""

import dagster as dg

from orchestration.defs.keys import landing_key
from orchestration.defs.resources import Warehouse
from orchestration.quality.identities import CHECKS

CHECK_RESULTS_KEY = landing_key("check_results")
FACT_CHECK_RESULT_KEY = dg.AssetKey("fact_check_result")
# Findings listed in the metadata of one WARN check (the mart and the report hold them all).
METADATA_FINDINGS = 50
# Findings listed in the metadata of the check_results materialization.
METADATA_ROWS = 200


@dg.asset(
    key=CHECK_RESULTS_KEY,
    group_name="landing",
    deps=[landing_key(t) for t in ("documents", "tables", "cells", "narrative", "projects")],
    kinds={"python", "duckdb"},
    description="Outcome of every reported identity check per document (pass, fail, not_applicable, "
    "insufficient_data) with both figures, difference, rounding allowance and pages, in landing.check_results.",
)
def check_results(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from orchestration.quality.check_results_table import CHECKS_VERSION, landing_to_check_results

    run = landing_to_check_results(
        warehouse.file, warehouse.connect, log=context.log.info, listed_fails=METADATA_ROWS
    )
    outcomes, this_run = run.outcomes, run.this_run
    context.log.info(
        f"checked {run.checked} new or changed documents ({sum(this_run.values())} results: {dict(this_run)}), "
        f"removed {run.removed} results of documents gone, in {run.seconds:.2f}s; "
        f"{sum(outcomes.values())} results on {run.documents} documents in all"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(outcomes.values()),
            "documents": run.documents,
            "documents_checked_this_run": run.checked,
            "results": sum(outcomes.values()),
            "results_this_run": sum(this_run.values()),
            "results_removed": run.removed,
            **{
                f"outcome_{k}": outcomes.get(k, 0)
                for k in ("pass", "fail", "not_applicable", "insufficient_data")
            },
            "checks_version": CHECKS_VERSION,
            "seconds": round(run.seconds, 3),
            "findings": dg.MetadataValue.md(
                "| document | check | table | row | column | A | B | difference | where |\n|---|---|---|---|---|---|---|---|---|\n"
                + "\n".join(
                    f"| {f} | {c} | {t or ''} | {s or ''} | {col or ''} | {a} | {b} | {d} | {w or ''} |"
                    for f, c, t, s, col, a, b, d, w in run.failed
                )
                + (
                    f"\n\n(first {METADATA_ROWS} of {outcomes['fail']}; all in fact_check_result)"
                    if outcomes.get("fail", 0) > METADATA_ROWS
                    else ""
                )
                if run.failed
                else "none"
            ),
        }
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=check.name, asset=FACT_CHECK_RESULT_KEY, blocking=False, description=check.description
        )
        for check in CHECKS
    ],
    can_subset=True,
)
def reported_identities(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    """One WARN result per identity: failed when some disclosure's printed figures break it."""
    from orchestration.quality.report import CheckFindings, findings_per_check

    with warehouse.connect(read_only=True) as con:
        found = findings_per_check(con)  # the file chosen for each disclosure: a finding once, not per file
    selected = {key.name for key in context.selected_asset_check_keys}
    for check in (c for c in CHECKS if c.name in selected):
        findings = found.get(check.name, CheckFindings())
        outcomes, failed, documents = findings.outcomes, findings.failed, findings.documents
        yield dg.AssetCheckResult(
            asset_key=FACT_CHECK_RESULT_KEY,
            check_name=check.name,
            passed=not failed,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{len(failed)} publisher inconsistencies in {len(documents)} disclosures"
            if failed
            else f"holds wherever it could be compared ({outcomes.get('pass', 0)} comparisons)",
            metadata={
                **{
                    f"outcome_{k}": outcomes.get(k, 0)
                    for k in ("pass", "fail", "not_applicable", "insufficient_data")
                },
                "documents_with_findings": dg.MetadataValue.json(documents),
                "findings": dg.MetadataValue.json(
                    [
                        {
                            "document": f,
                            "table": t,
                            "row": s,
                            "column": c,
                            "figure_a": a,
                            "figure_b": b,
                            "difference": d,
                            "where": w,
                        }
                        for f, t, s, c, a, b, d, w in failed[:METADATA_FINDINGS]
                    ]
                ),
            },
        )


@dg.asset(
    group_name="quality",
    deps=[dg.AssetKey("fact_check_result")],
    kinds={"html"},
    description="The data-quality report, <warehouse dir>/quality_report.html: findings per document with both "
    "figures, difference and pages; counts per check; quarantined files with their reasons.",
)
def quality_report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from orchestration.quality.report import REPORT_NAME, write_report

    path = warehouse.file.parent / REPORT_NAME
    with warehouse.connect(read_only=True) as con:
        data = write_report(con, path)
    findings = data.total_fails
    context.log.info(
        f"quality report written to {path}: {findings} findings, {len(data.quarantine)} quarantined"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "documents": len(data.documents),
            "findings": findings,
            "quarantined": len(data.quarantine),
        }
    )


defs = dg.Definitions(assets=[check_results, quality_report], asset_checks=[reported_identities])
