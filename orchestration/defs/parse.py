"""Parsed documents: every raw file parsed into the landing tables (cells traced to their page).

Only files whose sha256 has not been parsed by the current parser version are parsed again;
rows of files that left the raw folder are removed. Parsing runs on all cores; only this
process writes DuckDB.
"""


from pathlib import Path

import dagster as dg

from orchestration.defs.raw import raw_documents
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.ingest import RawFile, load_parses, parse_many
from orchestration.warehouse import DOCUMENT_TABLES, PARSER_VERSION, ensure_landing


LANDING_DESCRIPTIONS = {
    "documents": "One row per parsed file: department, district, town, level, kind, fiscal year, pages.",
    "tables": "The standard tables found in each document, with title, unit (printed or inferred) and pages.",
    "cells": "Every printed figure of the nine tables, traced to its page (or line of a text extraction).",
    "narrative": "Figures of the narrative (编制说明, 三公, 政府采购, 绩效目标), converted from 万元 to yuan.",
    "projects": "Projects (项目经费情况说明 / 绩效目标表) with their amounts.",
    "indicators": "Performance indicators of each project (一级/二级/三级, target value).",
    "quarantine": "Files that could not be parsed, with a one-line reason; the raw file stays in place.",
}


def landing_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", table])


@dg.multi_asset(
    name="parsed_documents",
    group_name="staging",
    specs=[
        dg.AssetSpec(landing_key(t), deps=[raw_documents], description=d, kinds={"python", "duckdb"})
        for t, d in LANDING_DESCRIPTIONS.items()
    ],
)
def parsed_documents(context: dg.AssetExecutionContext, raw_store: RawStore, warehouse: Warehouse):
    """Every raw disclosure parsed into the landing tables; unparseable files quarantined."""
    root = raw_store.root
    with warehouse.connect() as con:
        ensure_landing(con)
        raw = con.execute(
            "select sha256, min(path), any_value(size_bytes), any_value(format), any_value(modified_at) "
            "from landing.raw_files where format <> 'other' group by sha256 order by 2"
        ).fetchall()
        done = {
            row[0]
            for row in con.execute(
                "select sha256 from landing.documents where parser_version = ? "
                "union select sha256 from landing.quarantine where parser_version = ?",
                [PARSER_VERSION, PARSER_VERSION],
            ).fetchall()
        }
    files = [RawFile(sha, path, size, fmt, mtime) for sha, path, size, fmt, mtime in raw]
    todo = [f for f in files if f.sha256 not in done]
    context.log.info(f"{len(files)} documents in the raw folder, {len(todo)} to parse, {len(files) - len(todo)} unchanged")

    def progress(sha: str, rows: dict) -> None:
        q = rows.get("quarantine")
        name = next(f.path for f in todo if f.sha256 == sha)
        if q:
            context.log.warning(f"quarantined {name}: {q[0]['message']}")
        else:
            context.log.info(f"parsed {name}: {len(rows['cells'])} cells")

    results = parse_many(Path(root), todo, on_done=progress)
    present = {f.sha256 for f in files}
    with warehouse.connect() as con:
        load_parses(con, results)
        # files that left the raw folder leave the landing tables too
        for table in DOCUMENT_TABLES:
            con.execute(f"delete from landing.{table} where sha256 not in (select unnest(?::varchar[]))", [sorted(present)])
        counts = dict(
            con.execute(
                "select 'documents', count(*) from landing.documents union all "
                "select 'cells', count(*) from landing.cells union all "
                "select 'quarantined', count(*) from landing.quarantine"
            ).fetchall()
        )
        quarantine = con.execute("select source_file, message from landing.quarantine order by 1").fetchall()
    quarantined_now = sum(1 for r in results.values() if r.get("quarantine"))
    for table in LANDING_DESCRIPTIONS:
        if table != "documents":
            yield dg.MaterializeResult(asset_key=landing_key(table))
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
            "quarantine": dg.MetadataValue.md(
                "| file | reason |\n|---|---|\n" + "\n".join(f"| {f} | {m} |" for f, m in quarantine)
                if quarantine
                else "none"
            ),
            "parser_version": PARSER_VERSION,
        }
    )


defs = dg.Definitions(assets=[parsed_documents])
