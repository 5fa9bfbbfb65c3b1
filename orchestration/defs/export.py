"""The marts as Parquet files, one per mart, for BI tools that read files rather than DuckDB.

``marts_parquet`` (group ``marts``) runs after every dbt mart and copies each table of the
``marts`` schema to ``<warehouse dir>/parquet/<mart>.parquet`` with DuckDB's ``COPY ... TO``
(amounts stay DECIMAL(18,2)). Each file is written beside its final name and renamed, so a
reader never sees half a file; files of marts that no longer exist are removed.
"""

import json
from pathlib import Path

import dagster as dg

from orchestration.defs.project import dbt_project
from orchestration.defs.resources import Warehouse
from orchestration.warehouse import MARTS_SCHEMA, mart_tables, warehouse_lock

__all__ = ["PARQUET_DIR_NAME", "export_defs", "export_marts", "mart_model_names"]

PARQUET_DIR_NAME = "parquet"  # next to the warehouse file
MARTS_FOLDER = "marts"  # dbt models under models/marts/ are the marts
PARTIAL_SUFFIX = ".partial"


def mart_model_names(manifest_path: str | Path) -> list[str]:
    """Names of the dbt models in the marts folder (their Dagster asset keys), from the dbt manifest."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and len(node["fqn"]) > 2 and node["fqn"][1] == MARTS_FOLDER
    )


def export_marts(con, folder: Path) -> dict[str, int]:
    """Copy every table of the marts schema to ``folder/<table>.parquet``; returns rows per mart."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = mart_tables(con)
    rows: dict[str, int] = {}
    for table in tables:
        target = folder / f"{table}.parquet"
        partial = folder / f"{table}.parquet{PARTIAL_SUFFIX}"
        # table names come from the catalog, not from documents; the path is ours
        con.execute(
            f"copy (select * from {MARTS_SCHEMA}.\"{table}\") to '{partial.as_posix()}' (format parquet)"
        )
        partial.replace(target)
        rows[table] = con.execute(f'select count(*) from {MARTS_SCHEMA}."{table}"').fetchone()[0]
    for stale in folder.glob("*.parquet"):
        if stale.stem not in rows:
            stale.unlink()
    return rows


def export_defs() -> dg.Definitions:
    """The export asset, after every mart the dbt manifest lists."""

    @dg.asset(
        group_name="marts",
        deps=[dg.AssetKey(name) for name in mart_model_names(dbt_project().manifest_path)],
        kinds={"duckdb", "parquet"},
        description="Every mart as a Parquet file: <warehouse dir>/parquet/<mart>.parquet (DECIMAL amounts kept).",
    )
    def marts_parquet(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        folder = warehouse.file.parent / PARQUET_DIR_NAME
        # the lock keeps a concurrent run from rebuilding the marts while they are copied
        with warehouse_lock(warehouse.file, log=context.log.info), warehouse.connect(read_only=True) as con:
            rows = export_marts(con, folder)
        context.log.info(f"{len(rows)} marts exported to {folder}")
        return dg.MaterializeResult(
            metadata={
                "folder": dg.MetadataValue.path(str(folder)),
                "marts": len(rows),
                "rows": dg.MetadataValue.json(rows),
            }
        )

    return dg.Definitions(assets=[marts_parquet])
