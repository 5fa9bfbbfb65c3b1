"""The blocking Great Expectations suites on the marts: which frame each suite validates, and how.

Plain module (no Dagster import); the ``mart_expectations`` checks call ``validate_mart_suite``. A
suite's frame is a query (validated ``BATCH_DOCUMENTS`` documents at a time, so memory stays flat as
the warehouse grows) or a frame builder of ``structure`` (one row per mart × document: small).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orchestration.quality import structure
from orchestration.quality.gate import BATCH_DOCUMENTS
from orchestration.warehouse import documents_in

__all__ = ["MART_SUITES", "mart_frame", "validate_in_batches", "validate_mart_suite"]

# (connection, a batch of document sha256s, whether it is the first batch) -> the frame to validate
FrameBuilder = Callable[[Any, list[str], bool], Any]

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
        select document_sha256, source_file, disclosure_key, status,
               count(*) filter (where is_selected) over (partition by disclosure_key)
                 = least(1, count(*) filter (where status = 'loaded') over (partition by disclosure_key))
                 as one_selected_when_loaded,
               not (is_selected and status <> 'loaded') as held_back_not_selected
        from marts.dim_document
    """,
        ["source_file", "disclosure_key"],
    ),
    "mart_fact_check_result": (
        "fact_check_result",
        """
        select r.check_result_id, r.document_sha256, r.source_file, r.check_name, r.outcome,
               d.document_sha256 is not null as document_known,
               -- a comparison (terms summed on the B side) carries both figures, the difference and the
               -- allowance; a layout finding (structure_findings: nothing summed) carries no figure B
               r.outcome not in ('pass', 'fail')
                 or (r.term_count = 0 and r.figure_b_yuan is null and r.difference_yuan is null)
                 or (r.figure_a_yuan is not null and r.figure_b_yuan is not null
                     and r.difference_yuan = r.figure_a_yuan - r.figure_b_yuan and r.allowance_yuan >= 0)
                 as figures_complete,
               r.outcome <> 'fail' or r.term_count = 0 or abs(r.difference_yuan) > r.allowance_yuan
                 as fail_exceeds_allowance
        from marts.fact_check_result r left join marts.dim_document d using (document_sha256)
    """,
        ["source_file", "check_name"],
    ),
    # every mart with a document_sha256 column (today's and tomorrow's) references dim_document
    "mart_document_references": ("dim_document", "mart_references_frame", ["mart", "source_file"]),
}


def validate_mart_suite(con: Any, suite: str) -> Any:
    """The ``gx_runner.SuiteOutcome`` of ``suite`` on its mart."""
    from orchestration.quality.gx_runner import validate

    _, query, index = MART_SUITES[suite]
    if query.isidentifier():  # a frame builder of one row per mart × document: small
        return validate(suite, getattr(structure, query)(con), index)
    documents = [
        sha
        for (sha,) in con.execute(
            f"select distinct document_sha256 from ({query}) q where document_sha256 is not null order by 1"
        ).fetchall()
    ]
    return validate_in_batches(con, suite, mart_frame(query), documents, index)


def validate_in_batches(
    con: Any, suite: str, build: FrameBuilder, documents: list[str], index: list[str]
) -> Any:
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


def mart_frame(query: str) -> FrameBuilder:
    """A builder of the rows of ``query`` that belong to a batch of documents (the first batch
    also takes rows without a document, so that none escapes)."""

    def build(con: Any, sha256s: list[str], first: bool) -> Any:
        where, params = documents_in("q.document_sha256", sha256s)
        orphans = " or q.document_sha256 is null" if first else ""
        return con.execute(f"select * from ({query}) q where {where}{orphans}", params).df()

    return build
