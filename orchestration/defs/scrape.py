"""Scraping in Dagster: the ``scraped_files`` asset and the refresh schedules.

``scraped_files`` (group ``raw``) is partitioned by source name from ``sources.yml`` and
crawls one portal per run through ``orchestration.scraping.crawl_source``. Budgets appear
in Feb–Mar and corrections follow, so the refresh runs weekly from February to April and
monthly otherwise. The sensor that starts the main job when the raw folder changes lives
beside that job (``defs/jobs.py``).
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from orchestration.defs.keys import SCRAPED_FILES
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.scraping import Source, crawl_source, load_registry
from orchestration.scraping.progress import LogProgress

if TYPE_CHECKING:  # what define_asset_job returns; dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

__all__ = ["build_scrape_defs"]

TIMEZONE = "Asia/Shanghai"
WEEKLY_CRON = "0 3 * 2-4 1"  # Mondays 03:00, February to April: the budget season
MONTHLY_CRON = "0 3 1 1,5-12 *"  # the 1st at 03:00, the rest of the year: late corrections
REFRESH_JOB = "scheduled_refresh"


def _scraped_files_asset(sources: dict[str, Source]) -> dg.AssetsDefinition:
    @dg.asset(
        name="scraped_files",
        group_name="raw",
        partitions_def=dg.StaticPartitionsDefinition(list(sources)),
        kinds={"python"},
        description="Budget attachments crawled from one disclosure portal into <raw>/scraped/<sha256>.<ext>, "
        "with every fetch in <raw>/scraped/manifest.jsonl and the warehouse table raw_scrape_manifest.",
    )
    def scraped_files(
        context: dg.AssetExecutionContext, raw_store: RawStore, warehouse: Warehouse
    ) -> dg.MaterializeResult:
        source = sources[context.partition_key]
        if not source.enabled:
            context.log.warning(f"source {source.name} is disabled in sources.yml; crawling it as asked")
        report = crawl_source(source, raw_store.root, warehouse.file, progress=LogProgress(context.log.info))
        context.log.info(f"crawl done: {json.dumps(report.summary(), ensure_ascii=False)}")
        if report.failed:
            raise dg.Failure(description=f"{source.name}: {report.failure}", metadata=report.metadata())
        return dg.MaterializeResult(metadata=report.metadata())

    return scraped_files


def _refresh_schedules(enabled: list[str], refresh: "UnresolvedAssetJobDefinition") -> list:
    def requests(context: dg.ScheduleEvaluationContext):
        if not enabled:
            yield dg.SkipReason("no source is enabled in sources.yml")
            return
        stamp = context.scheduled_execution_time.strftime("%Y%m%d%H%M")
        for name in enabled:
            yield dg.RunRequest(run_key=f"{name}-{stamp}", partition_key=name)

    seasons = (
        ("scrape_weekly_budget_season", WEEKLY_CRON, "Feb–Apr, when budgets are posted: every Monday"),
        (
            "scrape_monthly_off_season",
            MONTHLY_CRON,
            "May–Jan: on the 1st of each month, for late corrections",
        ),
    )
    return [
        dg.ScheduleDefinition(
            name=name,
            cron_schedule=cron,
            execution_timezone=TIMEZONE,
            job=refresh,
            execution_fn=requests,
            description=f"{when}, one run per enabled source.",
        )
        for name, cron, when in seasons
    ]


def build_scrape_defs(registry_path: str | Path | None = None) -> dg.Definitions:
    """The scraping definitions for a registry file (the shipped ``sources.yml`` by default)."""
    sources = load_registry(registry_path)
    refresh = dg.define_asset_job(
        REFRESH_JOB,
        selection=dg.AssetSelection.assets(SCRAPED_FILES).downstream(),
        description="Scrape one source, then rebuild everything downstream of the scraped files.",
    )
    return dg.Definitions(
        assets=[_scraped_files_asset(sources)],
        jobs=[refresh],
        schedules=_refresh_schedules([name for name, s in sources.items() if s.enabled], refresh),
    )
