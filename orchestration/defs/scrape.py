"""Scraping in Dagster: the ``scraped_files`` asset, the refresh schedules, the raw-folder sensor.

``scraped_files`` (group ``raw``) is partitioned by source name from ``sources.yml`` and
crawls one portal per run through ``orchestration.scraping.crawl_source``. Budgets appear
in Feb–Mar and corrections follow, so the refresh runs weekly from February to April and
monthly otherwise. The sensor starts a parsing run when the raw folder changes, whoever
put the files there (a scrape, or a person copying PDFs in).
"""

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import MAIN_SELECTION
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.scraping import CrawlReport, crawl_source, load_registry
from orchestration.scraping.manifest import MANIFEST_NAME
from orchestration.scraping.store import PART_SUFFIX

__all__ = ["build_scrape_defs", "defs", "raw_folder_fingerprint"]

TIMEZONE = "Asia/Shanghai"
WEEKLY_CRON = "0 3 * 2-4 1"  # Mondays 03:00, February to April: the budget season
MONTHLY_CRON = "0 3 1 1,5-12 *"  # the 1st at 03:00, the rest of the year: late corrections
SENSOR_INTERVAL_SECONDS = 120
LOG_EVERY_FILES = 10  # progress line in the run log every this many files
REFRESH_JOB = "scheduled_refresh"
PARSE_JOB = "parse_new_raw_files"


def raw_folder_fingerprint(root: Path) -> tuple[str, int]:
    """A digest of the sorted (path, size, mtime) set of raw files, and how many there are.

    Scraped files are named by their sha256, so their entry already is the sha; the
    manifest and half-written ``.part`` files are left out (they change without new content).
    """
    entries = []
    if root.exists():
        for path in root.rglob("*"):
            if not path.is_file() or path.name == MANIFEST_NAME or path.name.endswith(PART_SUFFIX):
                continue
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            stat = path.stat()
            entries.append(f"{path.relative_to(root).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}")
    entries.sort()
    return hashlib.sha256("\n".join(entries).encode("utf-8")).hexdigest(), len(entries)


def _metadata(report: CrawlReport) -> dict:
    return {
        "files_found": report.files_found,
        "files_fetched": report.files_fetched,
        "files_skipped": report.files_skipped,
        "files_rejected": report.files_rejected,
        "pages_rejected": report.pages_rejected,
        "listing_pages": report.listing_pages,
        "posts_matched": report.posts_matched,
        "requests": report.requests,
        "bytes_downloaded": report.bytes_downloaded,
        "elapsed_seconds": round(report.elapsed_seconds, 3),
        "rejections": dg.MetadataValue.json(dict(report.rejections)),
        "stopped_by": report.stopped_by or "",
        "crawl_id": report.crawl_id,
    }


def build_scrape_defs(registry_path: str | Path | None = None) -> dg.Definitions:
    """The scraping definitions for a registry file (the shipped ``sources.yml`` by default)."""
    sources = load_registry(registry_path)
    enabled = [name for name, source in sources.items() if source.enabled]
    partitions = dg.StaticPartitionsDefinition(list(sources))

    @dg.asset(
        name="scraped_files",
        group_name="raw",
        partitions_def=partitions,
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
        context.log.info(f"crawling {source.name} from {', '.join(source.start_urls)}")
        logged = {"files": 0}

        def progress(event: str, report: CrawlReport) -> None:
            done = report.files_fetched + report.files_skipped + report.files_rejected
            if event == "listing":
                context.log.info(f"listing page {report.listing_pages} read")
            elif event == "posts":
                context.log.info(f"{report.posts_matched} budget posts of {report.posts_seen} found")
            elif event == "file" and done - logged["files"] >= LOG_EVERY_FILES:
                logged["files"] = done
                context.log.info(
                    f"files {done}/{report.files_found}: fetched {report.files_fetched}, "
                    f"skipped {report.files_skipped}, rejected {report.files_rejected}"
                )

        report = crawl_source(source, raw_store.root, warehouse.file, progress=progress)
        context.log.info(f"crawl done: {json.dumps(report.summary(), ensure_ascii=False)}")
        if report.failed:
            raise dg.Failure(description=f"{source.name}: {report.failure}", metadata=_metadata(report))
        return dg.MaterializeResult(metadata=_metadata(report))

    refresh = dg.define_asset_job(
        REFRESH_JOB,
        selection=dg.AssetSelection.assets("scraped_files").downstream(),
        description="Scrape one source, then rebuild everything downstream of the scraped files.",
    )

    def _requests(context: dg.ScheduleEvaluationContext):
        if not enabled:
            yield dg.SkipReason("no source is enabled in sources.yml")
            return
        stamp = context.scheduled_execution_time.strftime("%Y%m%d%H%M")
        for name in enabled:
            yield dg.RunRequest(run_key=f"{name}-{stamp}", partition_key=name)

    weekly = dg.ScheduleDefinition(
        name="scrape_weekly_budget_season",
        cron_schedule=WEEKLY_CRON,
        execution_timezone=TIMEZONE,
        job=refresh,
        execution_fn=_requests,
        description="Feb–Apr, when budgets are posted: every Monday, one run per enabled source.",
    )
    monthly = dg.ScheduleDefinition(
        name="scrape_monthly_off_season",
        cron_schedule=MONTHLY_CRON,
        execution_timezone=TIMEZONE,
        job=refresh,
        execution_fn=_requests,
        description="May–Jan: on the 1st of each month, for late corrections.",
    )

    parse_job = dg.define_asset_job(
        PARSE_JOB,
        selection=MAIN_SELECTION,
        description="Parse the raw folder and rebuild everything downstream.",
    )

    @dg.sensor(job=parse_job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS)
    def new_raw_files_sensor(context: dg.SensorEvaluationContext, raw_store: RawStore):
        """Start a parsing run when the set of raw files (by path, size, mtime) changes."""
        digest, count = raw_folder_fingerprint(raw_store.root)
        if context.cursor == digest:
            return dg.SkipReason(f"raw folder unchanged ({count} files)")
        context.update_cursor(digest)
        if count == 0:
            return dg.SkipReason("raw folder is empty")
        return dg.RunRequest(run_key=digest, tags={"raw_files": str(count)})

    return dg.Definitions(
        assets=[scraped_files],
        jobs=[refresh, parse_job],
        schedules=[weekly, monthly],
        sensors=[new_raw_files_sensor],
    )


defs = build_scrape_defs()
