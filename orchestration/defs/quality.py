"""Reported data-quality checks: DOMAIN.md's identities per document, stored for BI, and the HTML report.

``landing/check_results`` evaluates every identity on the landing tables (the publisher's
arithmetic: a broken identity is reported with both figures, never blocks); dbt turns it into
``fact_check_result``; ``quality_report`` renders ``<warehouse dir>/quality_report.html`` from it.
One WARN asset check per identity says in the run which documents break it.
"""

import time
from collections import Counter

import dagster as dg

from orchestration.defs.parse import landing_key
from orchestration.defs.resources import Warehouse
from orchestration.quality.identities import CHECKS

CHECK_RESULTS_KEY = landing_key("check_results")
# Findings listed in the metadata of one WARN check (the mart and the report hold them all).
METADATA_FINDINGS = 50


@dg.asset(
    key=CHECK_RESULTS_KEY,
    group_name="staging",
    deps=[landing_key(t) for t in ("documents", "tables", "cells", "narrative")],
    kinds={"python", "duckdb"},
    description="Outcome of every reported identity check per document (pass, fail, not_applicable, "
    "insufficient_data) with both figures, difference, rounding allowance and pages, in landing.check_results.",
)
def check_results(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from orchestration.quality.figures import load_documents
    from orchestration.quality.identities import evaluate_all
    from orchestration.quality.store import write_results

    started = time.perf_counter()
    with warehouse.connect() as con:
        docs = load_documents(con)
        results = evaluate_all(docs)
        write_results(con, results)
    seconds = time.perf_counter() - started
    outcomes = Counter(r.outcome for r in results)
    names = {d.sha256: d.source_file for d in docs}
    failed = [r for r in results if r.outcome == "fail"]
    context.log.info(
        f"{len(results)} check results on {len(docs)} documents in {seconds:.2f}s: {dict(outcomes)}"
    )
    return dg.MaterializeResult(
        metadata={
            "documents": len(docs),
            "results": len(results),
            **{
                f"outcome_{k}": outcomes.get(k, 0)
                for k in ("pass", "fail", "not_applicable", "insufficient_data")
            },
            "seconds": round(seconds, 3),
            "findings": dg.MetadataValue.md(
                "| document | check | table | row | column | A | B | difference | where |\n|---|---|---|---|---|---|---|---|---|\n"
                + "\n".join(
                    f"| {names[r.sha256]} | {r.check} | {r.table_no or ''} | {r.subject or ''} | {r.column or ''} | "
                    f"{r.figure_a} | {r.figure_b} | {r.difference} | {','.join(map(str, r.pages or r.lines))} |"
                    for r in failed
                )
                if failed
                else "none"
            ),
        }
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=check.name, asset=CHECK_RESULTS_KEY, blocking=False, description=check.description
        )
        for check in CHECKS
    ],
    can_subset=True,
)
def reported_identities(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    """One WARN result per identity: failed when some document's printed figures break it."""
    with warehouse.connect(read_only=True) as con:
        rows = con.execute(
            """
            select r.check_name, r.outcome, d.source_file, r.table_no, r.subject, r.column_label,
                   cast(r.figure_a as varchar), cast(r.figure_b as varchar), cast(r.difference as varchar),
                   coalesce(r.pages, r.lines)
            from landing.check_results r left join landing.documents d using (sha256)
            order by d.source_file, r.seq
            """
        ).fetchall()
    selected = {key.name for key in context.selected_asset_check_keys}
    for check in (c for c in CHECKS if c.name in selected):
        mine = [r for r in rows if r[0] == check.name]
        outcomes = Counter(r[1] for r in mine)
        failed = [r for r in mine if r[1] == "fail"]
        documents = sorted({r[2] for r in failed})
        yield dg.AssetCheckResult(
            asset_key=CHECK_RESULTS_KEY,
            check_name=check.name,
            passed=not failed,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{len(failed)} publisher inconsistencies in {len(documents)} documents"
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
                        for _, _, f, t, s, c, a, b, d, w in failed[:METADATA_FINDINGS]
                    ]
                ),
            },
        )


@dg.asset(
    group_name="marts",
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
    findings = sum(d.counts["fail"] for d in data.documents)
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
