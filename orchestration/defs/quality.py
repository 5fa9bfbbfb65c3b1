"""Reported data-quality checks: DOMAIN.md's identities per document, stored for BI, and the HTML report.

``landing/check_results`` evaluates every identity on the landing tables (the publisher's
arithmetic: a broken identity is reported with both figures, never blocks) for the documents
parsed since their last check, a batch at a time (``quality.check_results_table``); dbt turns it into
``fact_check_result``; ``quality_report`` renders ``<warehouse dir>/quality_report.html`` from it.
One WARN asset check per identity, on ``fact_check_result``, says in the run which disclosures break
it: it reads the file selected for each disclosure only, so a finding counts once, not once per file.
"""

import time
from collections import Counter

import dagster as dg

from orchestration.defs.keys import landing_key
from orchestration.defs.resources import Warehouse
from orchestration.quality.identities import CHECKS
from orchestration.warehouse import warehouse_lock

CHECK_RESULTS_KEY = landing_key("check_results")
FACT_CHECK_RESULT_KEY = dg.AssetKey("fact_check_result")
# Findings listed in the metadata of one WARN check (the mart and the report hold them all).
METADATA_FINDINGS = 50
# Findings listed in the metadata of the check_results materialization.
METADATA_ROWS = 200
# Documents evaluated (loaded, checked, written) at a time: bounds the memory of the step.
CHECK_BATCH_DOCUMENTS = 100


@dg.asset(
    key=CHECK_RESULTS_KEY,
    group_name="landing",
    deps=[landing_key(t) for t in ("documents", "tables", "cells", "narrative", "projects")],
    kinds={"python", "duckdb"},
    description="Outcome of every reported identity check per document (pass, fail, not_applicable, "
    "insufficient_data) with both figures, difference, rounding allowance and pages, in landing.check_results.",
)
def check_results(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from orchestration.quality.check_results_table import (
        CHECKS_VERSION,
        prune_results,
        stale_documents,
        write_results,
    )
    from orchestration.quality.figures import load_documents
    from orchestration.quality.identities import evaluate_all

    started = time.perf_counter()
    this_run: Counter = Counter()
    with warehouse_lock(warehouse.file, log=context.log.info), warehouse.connect() as con:
        stale = stale_documents(con)
        for i in range(0, len(stale), CHECK_BATCH_DOCUMENTS):
            batch = stale[i : i + CHECK_BATCH_DOCUMENTS]
            results = evaluate_all(load_documents(con, batch))
            write_results(con, batch, results)
            this_run.update(r.outcome for r in results)
        pruned = prune_results(con)
        outcomes = Counter(
            dict(con.execute("select outcome, count(*) from landing.check_results group by 1").fetchall())
        )
        (documents,) = con.execute("select count(distinct sha256) from landing.check_results").fetchone()
        failed = con.execute(
            f"""
            select d.source_file, r.check_name, r.table_no, r.subject, r.column_label,
                   cast(r.figure_a as varchar), cast(r.figure_b as varchar), cast(r.difference as varchar),
                   coalesce(r.pages, r.lines)
            from landing.check_results r join landing.documents d using (sha256)
            where r.outcome = 'fail' order by d.source_file, r.seq limit {METADATA_ROWS}
            """
        ).fetchall()
    seconds = time.perf_counter() - started
    context.log.info(
        f"checked {len(stale)} new or changed documents ({sum(this_run.values())} results: {dict(this_run)}), "
        f"removed {pruned} results of documents gone, in {seconds:.2f}s; "
        f"{sum(outcomes.values())} results on {documents} documents in all"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(outcomes.values()),
            "documents": documents,
            "documents_checked_this_run": len(stale),
            "results": sum(outcomes.values()),
            "results_this_run": sum(this_run.values()),
            "results_removed": pruned,
            **{
                f"outcome_{k}": outcomes.get(k, 0)
                for k in ("pass", "fail", "not_applicable", "insufficient_data")
            },
            "checks_version": CHECKS_VERSION,
            "seconds": round(seconds, 3),
            "findings": dg.MetadataValue.md(
                "| document | check | table | row | column | A | B | difference | where |\n|---|---|---|---|---|---|---|---|---|\n"
                + "\n".join(
                    f"| {f} | {c} | {t or ''} | {s or ''} | {col or ''} | {a} | {b} | {d} | {w or ''} |"
                    for f, c, t, s, col, a, b, d, w in failed
                )
                + (
                    f"\n\n(first {METADATA_ROWS} of {outcomes['fail']}; all in fact_check_result)"
                    if outcomes.get("fail", 0) > METADATA_ROWS
                    else ""
                )
                if failed
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
    selected_only = "where is_selected"  # the file chosen for each disclosure: a finding once, not per file
    with warehouse.connect(read_only=True) as con:
        counts: dict[str, Counter] = {}
        for name, outcome, n in con.execute(
            f"select check_name, outcome, count(*) from marts.fact_check_result {selected_only} group by 1, 2"
        ).fetchall():
            counts.setdefault(name, Counter())[outcome] = n
        # only the fails reach Python: counts come from SQL, however large the warehouse
        failures = con.execute(
            f"""
            select check_name, source_file, table_no, subject, column_label,
                   cast(figure_a_yuan as varchar), cast(figure_b_yuan as varchar),
                   cast(difference_yuan as varchar), coalesce(page_list, line_list)
            from marts.fact_check_result {selected_only} and outcome = 'fail'
            order by source_file, result_seq
            """
        ).fetchall()
    selected = {key.name for key in context.selected_asset_check_keys}
    for check in (c for c in CHECKS if c.name in selected):
        outcomes = counts.get(check.name, Counter())
        failed = [r[1:] for r in failures if r[0] == check.name]
        documents = sorted({r[0] for r in failed})
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
