"""The dbt project as Dagster assets: staging models and marts, dbt tests as asset checks.

Groups follow the dbt folders (staging, marts); the landing sources map onto the Python
assets that write them, so the lineage reads raw → staging → marts.
"""

import functools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.keys import RAW_DOCUMENTS, SCRAPED_FILES, landing_key
from orchestration.defs.project import DBT_PROJECT_DIR, dbt_cli, dbt_project
from orchestration.defs.resources import Warehouse
from orchestration.memory import release_memory
from orchestration.warehouse import warehouse_lock

__all__ = ["DBT_ASSETS_NAME", "BudgetDbtTranslator", "dbt_defs", "prune_dbt_targets"]

DBT_ASSETS_NAME = "budget_dbt_models"
# Landing tables written by the raw-documents asset; every other landing table is the parse's.
RAW_SOURCE_TABLES = {"raw_files"}
# dbt invocation folders kept under dbt_project/target/ (the newest; for debugging a run)
KEEP_DBT_INVOCATIONS = 10


class BudgetDbtTranslator(DagsterDbtTranslator):
    """Keys by model name; groups by dbt folder; landing sources onto the Python assets."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            name = dbt_resource_props["name"]
            if dbt_resource_props.get("source_name") == "scrape":
                return SCRAPED_FILES  # the scrapers' fetch manifest
            return RAW_DOCUMENTS if name in RAW_SOURCE_TABLES else landing_key(name)
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        folder = fqn[1] if len(fqn) > 2 else "marts"
        return "marts" if folder == "marts" else "staging"


def dbt_defs() -> dg.Definitions:
    """The dbt models as assets and the dbt CLI resource, from the project's current manifest."""
    manifest = Path(dbt_project().manifest_path)
    return _dbt_defs_for(manifest, manifest.stat().st_mtime_ns)


@functools.cache
def _dbt_defs_for(manifest: Path, modified_ns: int) -> dg.Definitions:
    """Built once per manifest version (a run in the same process reuses them)."""

    @dbt_assets(manifest=manifest, dagster_dbt_translator=BudgetDbtTranslator(), name=DBT_ASSETS_NAME)
    def budget_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
        # dbt reads the warehouse path from its profile, which reads BUDGET_WAREHOUSE.
        os.environ["BUDGET_WAREHOUSE"] = str(warehouse.file)
        # dbt writes the warehouse: hold the same lock as every other writer (re-entrant for `budget run`)
        with warehouse_lock(warehouse.file, log=context.log.info):
            release_memory()  # this process waits while dbt works: the run's peak is here
            yield from dbt.cli(["build"], context=context).stream()
            prune_dbt_targets(DBT_PROJECT_DIR / "target")

    return dg.Definitions(assets=[budget_dbt_models], resources={"dbt": dbt_cli()})


def prune_dbt_targets(target: Path, keep: int = KEEP_DBT_INVOCATIONS) -> list[Path]:
    """Delete all but the newest ``keep`` invocation folders dagster-dbt left in ``target``.

    Each build writes ``target/budget_dbt_models-<run>-<hash>/`` (manifest, compiled SQL, run
    results: ~9 MB); a scheduled refresh would otherwise fill the disk (1.5 GB after a day of
    development here)."""
    runs = sorted(
        (p for p in target.glob(f"{DBT_ASSETS_NAME}-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return runs[keep:]
