"""The per-document gate before dbt, and the blocking Great Expectations checks on the marts after it.

``landing/held_back`` evaluates the blocking checks of every parsed document (the landing GE
suites and "no parse problem", ``orchestration.quality.gate``) and writes the documents that fail
them to ``landing.held_back``: dbt keeps their rows out of the marts and builds the marts from
every other document. Its check ``document_gate`` (severity ERROR, not blocking) names the
held-back documents and why, so the run succeeds with a failed check; ``no_systemic_failure``
(blocking) stops the run before dbt when one check fails for most documents (our fault, not
theirs). The mart suites (grain, references) stay blocking: a failure there is systemic by nature.

GE's context is built once per process (``gx_runner`` caches it), so ``import great_expectations``
is paid once per run in the in-process executor. Which frame each mart suite validates, and the
validation ``BATCH_DOCUMENTS`` documents at a time (memory stays flat as the warehouse grows), are
in ``orchestration.quality.mart_suites``.
"""

import time

import dagster as dg

from orchestration.defs.keys import landing_key
from orchestration.defs.resources import Warehouse
from orchestration.quality.gate import GATE_CHECK, SYSTEMIC_CHECK
from orchestration.quality.mart_suites import MART_SUITES

HELD_BACK_KEY = landing_key("held_back")
# Held-back documents listed one by one in the metadata of the gate's check.
METADATA_DOCUMENTS = 100


def _gate_result(outcome, released: list[str]) -> dg.AssetCheckResult:
    """Failed (ERROR, not blocking) when documents are held back: which, and why."""
    held = outcome.held_back
    documents = [
        {
            "document": holds[0].source_file,
            "sha256": sha,
            "checks": [h.check for h in holds],
            "reasons": [h.message for h in holds],
            "pages": sorted({p for h in holds for p in h.pages}),
            "printed": [p for h in holds for p in h.printed],
        }
        for sha, holds in held.items()
    ]
    names = ", ".join(f"{d['document']} ({', '.join(d['checks'])})" for d in documents[:10])
    description = (
        f"{len(held)} of {outcome.evaluated} documents held back, kept out of the marts: {names}"
        + (" …" if len(held) > 10 else "")
        if held
        else f"all {outcome.evaluated} documents pass every blocking check"
    )
    return dg.AssetCheckResult(
        check_name=GATE_CHECK,
        passed=not held,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description + (f"; released: {', '.join(released)}" if released else ""),
        metadata={
            "documents_evaluated": outcome.evaluated,
            "documents_held_back": len(held),
            "held_back_by_check": dg.MetadataValue.json(dict(sorted(outcome.documents_by_check().items()))),
            "held_back_documents": dg.MetadataValue.json(documents[:METADATA_DOCUMENTS]),
            "released": dg.MetadataValue.json(released),
            "held_back": dg.MetadataValue.md(_held_back_table(held)),
        },
    )


def _held_back_table(held: dict) -> str:
    if not held:
        return "none"
    return "| document | check | failing | pages | reason |\n|---|---|---|---|---|\n" + "\n".join(
        f"| {h.source_file} | {h.check} | {h.rows} | {','.join(map(str, sorted(h.pages)))} "
        f"| {h.message.replace('|', '/')} |"
        for holds in list(held.values())[:METADATA_DOCUMENTS]
        for h in holds
    )


def _systemic_result(outcome) -> dg.AssetCheckResult:
    """Failed (blocking) when one check fails for most documents: the run stops before the marts."""
    from orchestration.quality.gate import SYSTEMIC_MIN_DOCUMENTS, SYSTEMIC_SHARE

    systemic = outcome.systemic()
    by_check = outcome.documents_by_check()
    worst = max(by_check.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    if systemic:
        description = "systemic failure, no mart rebuilt: " + "; ".join(s.message for s in systemic)
    else:
        description = "no blocking check fails for most documents" + (
            f" (most: {worst[0]}, {worst[1]} of {outcome.evaluated})" if worst else ""
        )
    return dg.AssetCheckResult(
        check_name=SYSTEMIC_CHECK,
        passed=not systemic,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "documents_evaluated": outcome.evaluated,
            "failing_documents_by_check": dg.MetadataValue.json(dict(sorted(by_check.items()))),
            "unattributed_failures": dg.MetadataValue.json(outcome.unattributed),
            "threshold": f"more than {SYSTEMIC_SHARE:.0%} of the documents and at least {SYSTEMIC_MIN_DOCUMENTS}",
        },
    )


@dg.asset(
    key=HELD_BACK_KEY,
    group_name="landing",
    deps=[landing_key(t) for t in ("documents", "tables", "cells", "parse_problems")],
    kinds={"python", "duckdb"},
    description="Documents held back from the marts, one row per document × blocking check it fails (the "
    "landing GE suites, parse problems), with the failing rows, pages and printed text; landing.held_back.",
    check_specs=[
        dg.AssetCheckSpec(
            GATE_CHECK,
            asset=HELD_BACK_KEY,
            blocking=False,
            description="Every document passes the blocking checks; the ones that do not are held back "
            "(named here with their reasons) and the marts are built from the others.",
        ),
        dg.AssetCheckSpec(
            SYSTEMIC_CHECK,
            asset=HELD_BACK_KEY,
            blocking=True,
            description="No blocking check fails for most documents (more than half and at least 3): "
            "that would be the parser's or the pipeline's fault, and stops the run before the marts.",
        ),
    ],
)
def held_back(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from orchestration.quality.gate import landing_to_held_back, summarise
    from orchestration.quality.gx_runner import context_load_seconds

    run = landing_to_held_back(warehouse.file, warehouse.connect, log=context.log.info)
    outcome, released = run.outcome, run.released
    for holds in outcome.held_back.values():
        context.log.warning(f"held back {holds[0].source_file}: " + "; ".join(h.message for h in holds))
    if released:
        context.log.info(f"released (they pass now): {', '.join(released)}")
    return dg.MaterializeResult(
        metadata={
            "documents_evaluated": outcome.evaluated,
            "documents_held_back": len(outcome.held_back),
            "by_check": summarise(outcome.holds) or "none",
            "released": len(released),
            "seconds": round(run.seconds, 3),
            "ge_context_load_seconds": round(context_load_seconds() or 0.0, 3),
        },
        check_results=[_gate_result(outcome, released), _systemic_result(outcome)],
    )


def _result(context, asset_key: dg.AssetKey, suite: str, outcome, seconds: float) -> dg.AssetCheckResult:
    from orchestration.quality.gx_runner import context_load_seconds

    (context.log.info if outcome.success else context.log.error)(outcome.summary())
    failing_files = sorted({str(row.get("source_file")) for f in outcome.failures for row in f.rows})
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=suite,
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary()
        + (f" — blocked documents: {', '.join(failing_files)}" if failing_files else ""),
        metadata={
            "rows": outcome.rows,
            "failed_expectations": len(outcome.failures),
            "blocked_documents": dg.MetadataValue.json(failing_files),
            "failures": dg.MetadataValue.json(
                [
                    {
                        "expectation": f.expectation,
                        "column": f.column,
                        "unexpected": f.unexpected_count,
                        "rows": f.rows[:20],
                        "sample": f.sample,
                    }
                    for f in outcome.failures
                ]
            ),
            "validation_seconds": round(seconds, 3),
            "ge_context_load_seconds": round(context_load_seconds() or 0.0, 3),
        },
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=suite, asset=dg.AssetKey(mart), blocking=True, description=f"GE suite `{suite}`"
        )
        for suite, (mart, _, _) in MART_SUITES.items()
    ],
    can_subset=True,
)
def mart_expectations(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    """The marts' grain and references beyond dbt's tests (one selected file per disclosure, facts from it)."""
    from orchestration.quality.mart_suites import validate_mart_suite

    selected = {key.name for key in context.selected_asset_check_keys}
    with warehouse.connect(read_only=True) as con:
        for suite, (mart, _, _) in MART_SUITES.items():
            if suite not in selected:
                continue
            started = time.perf_counter()
            outcome = validate_mart_suite(con, suite)
            yield _result(context, dg.AssetKey(mart), suite, outcome, time.perf_counter() - started)


defs = dg.Definitions(assets=[held_back], asset_checks=[mart_expectations])
