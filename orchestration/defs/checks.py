"""Blocking Great Expectations checks: on the landing tables (our parse) and on the marts (their grain).

Two multi-check steps, one before dbt (landing) and one after (marts), share one GE context per
process (``gx_runner`` caches it), so ``import great_expectations`` is paid once per run in the
in-process executor. Each suite is validated ``BATCH_DOCUMENTS`` documents at a time and the
outcomes merged, so memory stays flat as the warehouse grows. A landing failure blocks every dbt model downstream of the landing tables;
the check metadata names the documents, tables and rows that failed.
"""

import time

import dagster as dg

from orchestration.defs.keys import landing_key
from orchestration.defs.resources import Warehouse
from orchestration.warehouse import documents_in

# suite name -> (landing table the check is on, index columns naming a failing row)
LANDING_SUITES = {
    "landing_cells": ("cells", ["source_file", "table_no", "code", "name", "column_label", "locator"]),
    "landing_tables": ("tables", ["source_file", "table_no"]),
    "landing_documents": ("documents", ["source_file"]),
}
DOCUMENTS_QUERY = """
    select sha256, source_file, format, reader, department, fiscal_year, level, kind from landing.documents
"""
# Documents whose rows one validation reads: bounds the memory of the checks, whatever the warehouse.
BATCH_DOCUMENTS = 200

# suite name -> (mart, query producing the frame or the name of a frame builder in
# orchestration.quality.structure, index columns). Amounts leave DuckDB as text.
# Add a mart here with its suite JSON in expectations/gx/expectations/ (see docs/quality.md).
MART_SUITES = {
    "mart_fact_expense": (
        "fact_expense",
        """
        select f.expense_fact_id, f.document_sha256, d.source_file, f.table_no, f.subject_code, f.column_label,
               cast(f.amount_yuan as varchar) as amount_yuan,
               coalesce(d.is_selected, false) as document_selected
        from marts.fact_expense f left join marts.dim_document d using (document_sha256)
    """,
        ["source_file", "table_no", "subject_code", "column_label"],
    ),
    "mart_dim_document": (
        "dim_document",
        """
        select document_sha256, source_file, disclosure_key,
               count(*) filter (where is_selected) over (partition by disclosure_key) as selected_in_disclosure
        from marts.dim_document
    """,
        ["source_file", "disclosure_key"],
    ),
    "mart_fact_check_result": (
        "fact_check_result",
        """
        select r.check_result_id, r.document_sha256, r.source_file, r.check_name, r.outcome,
               d.document_sha256 is not null as document_known,
               r.outcome not in ('pass', 'fail')
                 or (r.figure_a_yuan is not null and r.figure_b_yuan is not null
                     and r.difference_yuan = r.figure_a_yuan - r.figure_b_yuan and r.allowance_yuan >= 0)
                 as figures_complete,
               r.outcome <> 'fail' or abs(r.difference_yuan) > r.allowance_yuan as fail_exceeds_allowance
        from marts.fact_check_result r left join marts.dim_document d using (document_sha256)
    """,
        ["source_file", "check_name"],
    ),
    # every mart with a document_sha256 column (today's and tomorrow's) references dim_document
    "mart_document_references": ("dim_document", "mart_references_frame", ["mart", "source_file"]),
}


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


def _validate_in_batches(con, suite: str, build, documents: list[str], index: list[str]):
    """Validate ``suite`` on the frame ``build(con, batch, first)`` of each batch of
    ``BATCH_DOCUMENTS`` documents and merge the outcomes: memory follows the batch, not the
    warehouse. Every expectation across rows is keyed by the document (a compound key starting
    with the sha256, or a column unique per document), so batches by document change nothing."""
    from orchestration.quality.gx_runner import merge_outcomes, validate

    batches = [documents[i : i + BATCH_DOCUMENTS] for i in range(0, len(documents), BATCH_DOCUMENTS)]
    outcomes = []
    for i, batch in enumerate(batches or [[]]):
        frame = build(con, batch, i == 0)
        outcomes.append(validate(suite, frame, index))
        del frame
    return merge_outcomes(outcomes)


def _landing_documents(con) -> list[str]:
    return [
        sha
        for (sha,) in con.execute(
            "select sha256 from landing.documents union select sha256 from landing.tables "
            "union select sha256 from landing.cells order by 1"
        ).fetchall()
    ]


def _documents_frame(con, sha256s: list[str], first: bool = True):
    """The documents mart rows of a batch. Every row has a document, so ``first`` (which lets
    a mart builder take rows without one) is accepted and unused: one builder signature."""
    where, params = documents_in("sha256", sha256s)
    return con.execute(f"{DOCUMENTS_QUERY} where {where}", params).df()


def _mart_frame(query: str):
    """A builder of the rows of ``query`` that belong to a batch of documents (the first batch
    also takes rows without a document, so that none escapes)."""

    def build(con, sha256s: list[str], first: bool):
        where, params = documents_in("q.document_sha256", sha256s)
        orphans = " or q.document_sha256 is null" if first else ""
        return con.execute(f"select * from ({query}) q where {where}{orphans}", params).df()

    return build


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=suite, asset=landing_key(table), blocking=True, description=f"GE suite `{suite}`"
        )
        for suite, (table, _) in LANDING_SUITES.items()
    ],
    can_subset=True,
)
def landing_expectations(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    """Our parse: every cell re-reads to its amount, codes and rows are complete, nine tables with units."""
    from orchestration.quality.structure import cells_frame, tables_frame

    builders = {
        "landing_cells": lambda con, shas, first: cells_frame(con, shas),
        "landing_tables": lambda con, shas, first: tables_frame(con, shas),
        "landing_documents": _documents_frame,
    }
    selected = {key.name for key in context.selected_asset_check_keys}
    with warehouse.connect(read_only=True) as con:
        documents = _landing_documents(con)
        for suite, build in builders.items():
            if suite not in selected:
                continue
            started = time.perf_counter()
            outcome = _validate_in_batches(con, suite, build, documents, LANDING_SUITES[suite][1])
            yield _result(
                context, landing_key(LANDING_SUITES[suite][0]), suite, outcome, time.perf_counter() - started
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
    from orchestration.quality import structure
    from orchestration.quality.gx_runner import validate

    selected = {key.name for key in context.selected_asset_check_keys}
    with warehouse.connect(read_only=True) as con:
        for suite, (mart, query, index) in MART_SUITES.items():
            if suite not in selected:
                continue
            started = time.perf_counter()
            if query.isidentifier():  # a frame builder of one row per mart × document: small
                outcome = validate(suite, getattr(structure, query)(con), index)
            else:
                documents = [
                    sha
                    for (sha,) in con.execute(
                        f"select distinct document_sha256 from ({query}) q "
                        "where document_sha256 is not null order by 1"
                    ).fetchall()
                ]
                outcome = _validate_in_batches(con, suite, _mart_frame(query), documents, index)
            yield _result(context, dg.AssetKey(mart), suite, outcome, time.perf_counter() - started)


defs = dg.Definitions(asset_checks=[landing_expectations, mart_expectations])
