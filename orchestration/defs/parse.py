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

import time
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from orchestration.defs.keys import RAW_DOCUMENTS, landing_key
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.ingest import RawFile, load_parses, parse_many, quarantine_row, up_to_date
from orchestration.warehouse import DOCUMENT_TABLES, PARSER_VERSION, ensure_landing, warehouse_lock

__all__ = ["LANDING_DESCRIPTIONS", "ParseConfig", "defs", "parsed_documents"]

LANDING_DESCRIPTIONS = {
    "documents": "One row per parsed file: department, district, town, level, kind, fiscal year, pages.",
    "tables": "The standard tables found in each document, with title, unit (printed or inferred) and pages.",
    "cells": "Every printed figure of the nine tables, traced to its page (or line of a text extraction).",
    "narrative": "Figures of the narrative (编制说明, 三公, 政府采购, 绩效目标), converted from 万元 to yuan.",
    "projects": "Projects (项目经费情况说明 / 绩效目标表) with their amounts.",
    "indicators": "Performance indicators of each project (一级/二级/三级, target value).",
    "quarantine": "Files that could not be parsed, with a one-line reason; the raw file stays in place.",
}
# Parsed documents are written in batches: whichever comes first.
FLUSH_EVERY_DOCUMENTS = 8
FLUSH_EVERY_SECONDS = 30.0
MIN_SHA_PREFIX = 8  # a sha256 given in the run config may be shortened to this many characters
METADATA_ROWS = 200  # rows of the per-document table shown in the UI
TAG_SHA_CHARS = 16  # a document tag holds the sha256 prefix (the metadata holds it whole)


class ParseConfig(dg.Config):
    """Which documents to parse again whatever their state (default: only new or changed ones)."""

    sha256s: list[str] = Field(
        default=[],
        description=f"Documents to parse again: sha256s, or prefixes of ≥ {MIN_SHA_PREFIX} characters.",
    )
    reparse_all: bool = Field(default=False, description="Parse every document again.")


def _resolve(wanted: list[str], files: list[RawFile]) -> set[str]:
    """sha256s (or unique prefixes) named in the run config → full sha256s; unknown ones fail the run."""
    chosen: set[str] = set()
    for prefix in wanted:
        prefix = prefix.strip().lower()
        matches = {f.sha256 for f in files if f.sha256.startswith(prefix)}
        if len(prefix) < MIN_SHA_PREFIX or len(matches) != 1:
            raise dg.Failure(
                f"sha256s: {prefix!r} names {len(matches)} documents of the raw folder; give a sha256 "
                f"(or a unique prefix of ≥ {MIN_SHA_PREFIX} characters) of a file listed by raw_documents"
            )
        chosen |= matches
    return chosen


def _outcome(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    if rows.get("quarantine"):
        q = rows["quarantine"][0]
        return {"status": "quarantined", "reason": q["reason"], "message": q["message"]}
    return {"status": "parsed", "cells": len(rows.get("cells", [])), "tables": len(rows.get("tables", []))}


class _Loader:
    """Buffers parsed documents and writes them in batches, each document whole or not at all."""

    def __init__(self, context: dg.AssetExecutionContext, warehouse: Warehouse):
        self.context = context
        self.warehouse = warehouse
        self.pending: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.last_flush = time.monotonic()
        self.loaded = 0

    def add(self, sha: str, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.pending[sha] = rows
        if (
            len(self.pending) >= FLUSH_EVERY_DOCUMENTS
            or time.monotonic() - self.last_flush >= FLUSH_EVERY_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, {}
        with self.warehouse.connect() as con:
            try:
                load_parses(con, batch)
            except Exception as err:  # noqa: BLE001 — one document's rows DuckDB refuses: load the others alone
                self.context.log.warning(
                    f"batch load failed ({type(err).__name__}: {err}); loading one by one"
                )
                for sha, rows in batch.items():
                    try:
                        load_parses(con, {sha: rows})
                    except Exception as one_err:  # noqa: BLE001 — quarantined below
                        source_file = (rows.get("documents") or rows.get("quarantine") or [{}])[0].get(
                            "source_file", sha
                        )
                        message = f"rows refused by the warehouse: {type(one_err).__name__}: {one_err}"
                        self.context.log.error(f"{source_file}: {message}")
                        load_parses(
                            con,
                            {sha: {"quarantine": [quarantine_row(sha, source_file, "load_error", message)]}},
                        )
        self.loaded += len(batch)
        self.last_flush = time.monotonic()
        self.context.log.info(f"landing: wrote {len(batch)} documents ({self.loaded} this run)")


@dg.multi_asset(
    name="parsed_documents",
    group_name="staging",
    specs=[
        dg.AssetSpec(landing_key(t), deps=[RAW_DOCUMENTS], description=d, kinds={"python", "duckdb"})
        for t, d in LANDING_DESCRIPTIONS.items()
    ],
)
def parsed_documents(
    context: dg.AssetExecutionContext, config: ParseConfig, raw_store: RawStore, warehouse: Warehouse
):
    """Every raw disclosure parsed into the landing tables; unparseable files quarantined."""
    root = raw_store.root
    with warehouse_lock(warehouse.file, log=context.log.info):
        with warehouse.connect() as con:
            ensure_landing(con)
            raw = con.execute(
                "select sha256, min(path), any_value(size_bytes), any_value(format), max(modified_at) "
                "from landing.raw_files group by sha256 order by 2"
            ).fetchall()
            done = up_to_date(con)
        files = [RawFile(sha, path, size, fmt, mtime) for sha, path, size, fmt, mtime in raw]
        forced = {f.sha256 for f in files} if config.reparse_all else _resolve(config.sha256s, files)
        todo = [f for f in files if f.sha256 not in done or f.sha256 in forced]
        context.log.info(
            f"{len(files)} documents in the raw folder: {len(todo)} to parse "
            f"({len(forced)} asked for again), {len(files) - len(todo)} unchanged"
        )
        names = {f.sha256: f.path for f in todo}
        outcomes: dict[str, dict[str, Any]] = {}
        loader = _Loader(context, warehouse)

        def progress(sha: str, rows: dict) -> None:
            outcome = outcomes[sha] = _outcome(rows)
            q = rows.get("quarantine")
            if q:
                context.log.warning(f"quarantined {names[sha]}: {q[0]['reason']}: {q[0]['message']}")
                if q[0].get("traceback"):
                    context.log.error(q[0]["traceback"])
            else:
                context.log.info(f"parsed {names[sha]}: {len(rows['cells'])} cells")
            context.log_event(
                dg.AssetObservation(
                    asset_key=landing_key("quarantine" if q else "documents"),
                    metadata={"sha256": sha, "source_file": names[sha], **outcome},
                    tags={"document": sha[:TAG_SHA_CHARS]},  # tag values are at most 63 characters
                )
            )
            loader.add(sha, rows)

        parse_many(Path(root), todo, on_done=progress)
        loader.flush()
        present = sorted({f.sha256 for f in files})
        with warehouse.connect() as con:
            # files that left the raw folder leave the landing tables too
            con.execute("begin")
            for table in DOCUMENT_TABLES:
                con.execute(
                    f"delete from landing.{table} where sha256 not in (select unnest(?::varchar[]))",
                    [present],
                )
            con.execute("commit")
            counts = dict(
                con.execute(
                    "select 'documents', count(*) from landing.documents union all "
                    "select 'cells', count(*) from landing.cells union all "
                    "select 'quarantined', count(*) from landing.quarantine"
                ).fetchall()
            )
            quarantine = con.execute(
                "select source_file, reason, message from landing.quarantine order by 1"
            ).fetchall()
    quarantined_now = sum(1 for o in outcomes.values() if o["status"] == "quarantined")
    by_reason: dict[str, int] = {}
    for _, reason, _ in quarantine:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    for table in LANDING_DESCRIPTIONS:
        if table not in ("documents", "quarantine"):
            yield dg.MaterializeResult(asset_key=landing_key(table))
    yield dg.MaterializeResult(
        asset_key=landing_key("quarantine"),
        metadata={
            "quarantined_total": len(quarantine),
            "quarantined_this_run": quarantined_now,
            **{f"reason_{reason}": n for reason, n in sorted(by_reason.items())},
            "quarantine": dg.MetadataValue.md(
                "| file | reason | message |\n|---|---|---|\n"
                + "\n".join(
                    f"| {f} | {r} | {m.replace('|', '/')} |" for f, r, m in quarantine[:METADATA_ROWS]
                )
                if quarantine
                else "none"
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=landing_key("documents"),
        metadata={
            "documents_in_raw": len(files),
            "parsed_this_run": len(todo),
            "unchanged_skipped": len(files) - len(todo),
            "quarantined_this_run": quarantined_now,
            "documents_total": counts.get("documents", 0),
            "cells_total": counts.get("cells", 0),
            "quarantined_total": counts.get("quarantined", 0),
            "this_run": dg.MetadataValue.md(
                "| file | sha256 | outcome |\n|---|---|---|\n"
                + "\n".join(
                    f"| {names[sha]} | `{sha[:12]}` | {o['status']}"
                    f"{': ' + o['reason'] if o.get('reason') else ''} |"
                    for sha, o in sorted(outcomes.items(), key=lambda kv: names[kv[0]])[:METADATA_ROWS]
                )
                if outcomes
                else "nothing new to parse"
            ),
            "parser_version": PARSER_VERSION,
        },
    )


defs = dg.Definitions(assets=[parsed_documents])
