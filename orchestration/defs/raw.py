"""Raw documents: a manifest of every file in the raw folder (path, sha256, size, format).

Scanning the same folder twice changes nothing: a (sha256, path) already listed keeps its
first ``seen_at``; files that left the folder leave the manifest. Raw files are never moved
or deleted, whether they parse or not.
"""

from datetime import UTC, datetime

import dagster as dg

from orchestration.defs.keys import SCRAPED_FILES
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.ingest import scan_raw
from orchestration.warehouse import ensure_landing, warehouse_lock

__all__ = ["defs", "raw_documents"]


@dg.asset(
    group_name="raw",
    # files the scrapers fetched land in the raw folder; the main job itself never scrapes
    deps=[SCRAPED_FILES],
    kinds={"python", "duckdb"},
    description="Manifest of the raw folder (BUDGET_RAW_DIR): one row per file with sha256, size and format, "
    "in landing.raw_files.",
)
def raw_documents(
    context: dg.AssetExecutionContext, raw_store: RawStore, warehouse: Warehouse
) -> dg.MaterializeResult:
    root = raw_store.root
    if not root.is_dir():
        raise dg.Failure(f"raw folder {root} does not exist (set BUDGET_RAW_DIR)")
    files = scan_raw(root)
    seen_at = datetime.now(UTC).replace(tzinfo=None)
    with warehouse_lock(warehouse.file, log=context.log.info), warehouse.connect() as con:
        ensure_landing(con)
        known = {
            (sha, path) for sha, path in con.execute("select sha256, path from landing.raw_files").fetchall()
        }
        current = {(f.sha256, f.path) for f in files}
        con.execute("begin")
        if known - current:
            con.executemany(
                "delete from landing.raw_files where sha256 = ? and path = ?",
                [list(k) for k in sorted(known - current)],
            )
        # a file seen before keeps its first seen_at; its size, format and mtime are refreshed
        if files:
            con.executemany(
                "insert into landing.raw_files values (?, ?, ?, ?, ?, ?) on conflict (sha256, path) do update set "
                "size_bytes = excluded.size_bytes, format = excluded.format, modified_at = excluded.modified_at",
                [(f.sha256, f.path, f.size_bytes, f.format, f.modified_at, seen_at) for f in files],
            )
        con.execute("commit")
    new, gone = len(current - known), len(known - current)
    # a path listed before with other bytes: new and gone in the manifest, one changed file to a person
    changed = len({path for _, path in current - known} & {path for _, path in known - current})
    by_format: dict[str, int] = {}
    for f in files:
        by_format[f.format] = by_format.get(f.format, 0) + 1
    context.log.info(f"{len(files)} raw files in {root}: {by_format}; {new} new, {gone} gone")
    return dg.MaterializeResult(
        metadata={
            "raw_dir": dg.MetadataValue.path(str(root)),
            "files": len(files),
            "distinct_sha256": len({f.sha256 for f in files}),
            "new_files": new,
            "changed_files": changed,
            "files_gone": gone,
            **{f"files_{fmt}": n for fmt, n in sorted(by_format.items())},
            "manifest": dg.MetadataValue.md(
                "| path | format | bytes | sha256 |\n|---|---|---|---|\n"
                + "\n".join(
                    f"| {f.path} | {f.format} | {f.size_bytes} | `{f.sha256[:12]}` |" for f in files[:50]
                )
            ),
        }
    )


defs = dg.Definitions(assets=[raw_documents])
