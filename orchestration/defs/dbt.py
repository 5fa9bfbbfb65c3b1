"""The dbt project as Dagster assets: staging models and marts, dbt tests as asset checks.

Groups follow the dbt folders (staging; intermediate and marts in ``marts``); the landing sources map
onto the Python assets that write them, so the lineage reads raw → landing → staging → marts → quality.
"""

import functools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.dbt_test_descriptions import describe_dbt_test
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

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt takes a check's description from ``meta.description`` only: take the yml's
        ``description:`` (or one made from the test's kwargs) so no check reads "No description"."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return spec._replace(description=describe_dbt_test(manifest["nodes"][unique_id]))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """``staging`` for the staging folder; ``marts`` for the marts and the intermediate models that
        build them (``int_cell_inconsistencies`` reads ``fact_check_result``, so an intermediate group
        of its own would sit both before and after the marts: the groups read raw → landing → staging
        → marts → quality only this way)."""
        fqn = dbt_resource_props.get("fqn") or []
        folder = fqn[1] if len(fqn) > 2 else "marts"
        return "staging" if folder == "staging" else "marts"


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
