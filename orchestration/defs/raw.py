"""Raw documents: a manifest of every file in the raw folder (path, sha256, size, format)."""


from datetime import datetime, timezone

import dagster as dg

from orchestration.defs.resources import RawStore, Warehouse
from orchestration.ingest import scan_raw
from orchestration.warehouse import ensure_landing


@dg.asset(
    group_name="raw",
    kinds={"python", "duckdb"},
    description="Manifest of the raw folder (BUDGET_RAW_DIR): one row per file with sha256, size and format, "
    "in landing.raw_files.",
)
def raw_documents(context: dg.AssetExecutionContext, raw_store: RawStore, warehouse: Warehouse) -> dg.MaterializeResult:
    root = raw_store.root
    if not root.is_dir():
        raise dg.Failure(f"raw folder {root} does not exist (set BUDGET_RAW_DIR)")
    files = scan_raw(root)
    seen_at = datetime.now(timezone.utc).replace(tzinfo=None)
    with warehouse.connect() as con:
        ensure_landing(con)
        con.execute("begin")
        con.execute("delete from landing.raw_files")
        con.executemany(
            "insert into landing.raw_files values (?, ?, ?, ?, ?, ?)",
            [(f.sha256, f.path, f.size_bytes, f.format, f.modified_at, seen_at) for f in files],
        )
        con.execute("commit")
    by_format: dict[str, int] = {}
    for f in files:
        by_format[f.format] = by_format.get(f.format, 0) + 1
    context.log.info(f"{len(files)} raw files in {root}: {by_format}")
    return dg.MaterializeResult(
        metadata={
            "raw_dir": dg.MetadataValue.path(str(root)),
            "files": len(files),
            "distinct_sha256": len({f.sha256 for f in files}),
            **{f"files_{fmt}": n for fmt, n in sorted(by_format.items())},
            "manifest": dg.MetadataValue.md(
                "| path | format | bytes | sha256 |\n|---|---|---|---|\n"
                + "\n".join(f"| {f.path} | {f.format} | {f.size_bytes} | `{f.sha256[:12]}` |" for f in files[:50])
            ),
        }
    )


defs = dg.Definitions(assets=[raw_documents])
