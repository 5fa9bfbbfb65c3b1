"""Parsed documents: every raw file parsed into the landing tables (cells traced to their page).

Each document is its own unit of work. Only files whose sha256 has not been parsed by the
current parser version are parsed (plus those quarantined for a reason worth retrying, see
``RETRIED_REASONS``); a file that cannot be parsed is quarantined with a one-line reason and
the others go on. One document (or a few) can be parsed again alone with the run config
``ops: {parsed_documents: {config: {sha256s: [...]}}}``. Every document's outcome is an
``AssetObservation`` on ``landing/documents`` (or ``landing/quarantine``) tagged with its
sha256, so the UI lists them one by one. Parsing runs on all cores; only this process writes
DuckDB, under the warehouse lock, a batch of whole documents per transaction, so a run
stopped midway keeps what it loaded and the next run parses only the rest.
"""

from typing import Any

import dagster as dg
from pydantic import Field

from orchestration.defs.keys import RAW_DOCUMENTS, landing_key
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.raw_to_landing import MIN_SHA_PREFIX, LandingRun, Log, UnknownDocument, raw_to_landing
from orchestration.warehouse import DOCUMENT_TABLE_DESCRIPTIONS, PARSER_VERSION

__all__ = ["ParseConfig", "defs", "parsed_documents"]

METADATA_ROWS = 200  # rows of the per-document table shown in the UI
TAG_SHA_CHARS = 16  # a document tag holds the sha256 prefix (the metadata holds it whole)


class ParseConfig(dg.Config):
    """Which documents to parse again whatever their state (default: only new or changed ones)."""

    sha256s: list[str] = Field(
        default=[],
        description=f"Documents to parse again: sha256s, or prefixes of ≥ {MIN_SHA_PREFIX} characters.",
    )
    reparse_all: bool = Field(default=False, description="Parse every document again.")


@dg.multi_asset(
    name="parsed_documents",
    group_name="landing",
    specs=[
        dg.AssetSpec(landing_key(t), deps=[RAW_DOCUMENTS], description=d, kinds={"python", "duckdb"})
        for t, d in DOCUMENT_TABLE_DESCRIPTIONS.items()
    ],
)
def parsed_documents(
    context: dg.AssetExecutionContext, config: ParseConfig, raw_store: RawStore, warehouse: Warehouse
):
    """Every raw disclosure parsed into the landing tables; unparseable files quarantined."""

    def observe(sha: str, source_file: str, outcome: dict[str, Any]) -> None:
        context.log_event(
            dg.AssetObservation(
                asset_key=landing_key("quarantine" if outcome["status"] == "quarantined" else "documents"),
                metadata={"sha256": sha, "source_file": source_file, **outcome},
                tags={"document": sha[:TAG_SHA_CHARS]},  # tag values are at most 63 characters
            )
        )

    try:
        run = raw_to_landing(
            raw_store.root,
            warehouse.file,
            warehouse.connect,
            sha256s=config.sha256s,
            reparse_all=config.reparse_all,
            log=Log(context.log.info, context.log.warning, context.log.error),
            on_document=observe,
        )
    except UnknownDocument as err:
        raise dg.Failure(str(err)) from err
    for table in DOCUMENT_TABLE_DESCRIPTIONS:
        if table not in ("documents", "quarantine"):
            yield dg.MaterializeResult(asset_key=landing_key(table), metadata=run.sizes[table])
    yield dg.MaterializeResult(
        asset_key=landing_key("quarantine"), metadata={**run.sizes["quarantine"], **quarantine_metadata(run)}
    )
    yield dg.MaterializeResult(
        asset_key=landing_key("documents"), metadata={**run.sizes["documents"], **documents_metadata(run)}
    )


def quarantine_metadata(run: LandingRun) -> dict[str, Any]:
    by_reason: dict[str, int] = {}
    for _, reason, _ in run.quarantine:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    return {
        "quarantined_total": len(run.quarantine),
        "quarantined_this_run": run.quarantined_now,
        **{f"reason_{reason}": n for reason, n in sorted(by_reason.items())},
        "quarantine": dg.MetadataValue.md(
            "| file | reason | message |\n|---|---|---|\n"
            + "\n".join(
                f"| {f} | {r} | {m.replace('|', '/')} |" for f, r, m in run.quarantine[:METADATA_ROWS]
            )
            if run.quarantine
            else "none"
        ),
    }


def documents_metadata(run: LandingRun) -> dict[str, Any]:
    names = {f.sha256: f.path for f in run.parsed}
    return {
        "documents_in_raw": len(run.files),
        "parsed_this_run": len(run.parsed),
        "unchanged_skipped": len(run.files) - len(run.parsed),
        "quarantined_this_run": run.quarantined_now,
        "cells_total": run.sizes["cells"]["dagster/row_count"],
        "quarantined_total": run.sizes["quarantine"]["dagster/row_count"],
        "this_run": dg.MetadataValue.md(
            "| file | sha256 | outcome |\n|---|---|---|\n"
            + "\n".join(
                f"| {names[sha]} | `{sha[:12]}` | {o['status']}"
                f"{': ' + o['reason'] if o.get('reason') else ''} |"
                for sha, o in sorted(run.outcomes.items(), key=lambda kv: names[kv[0]])[:METADATA_ROWS]
            )
            if run.outcomes
            else "nothing new to parse"
        ),
        "parser_version": PARSER_VERSION,
    }


defs = dg.Definitions(assets=[parsed_documents])
