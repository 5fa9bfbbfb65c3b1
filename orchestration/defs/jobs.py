"""Jobs: the main job materializes everything that runs offline (not the scrapers); a sensor
starts it when the raw folder changes, whoever put the files there (a scrape, or a person
copying PDFs in)."""

import dagster as dg

from orchestration.defs.keys import RAW_DOCUMENTS
from orchestration.defs.resources import RawStore
from orchestration.raw_folder import raw_folder_fingerprint

__all__ = ["MAIN_SELECTION", "defs", "main_job", "new_raw_files_sensor"]

SENSOR_INTERVAL_SECONDS = 120

_FROM_RAW = dg.AssetSelection.assets(RAW_DOCUMENTS).downstream()
# Everything downstream of the raw folder, plus the models those read from other sources (e.g.
# stg_scrape_manifest over the scraper's table, an empty relation before the first scrape), but
# never the scraping itself: it needs the network and is partitioned by source.
MAIN_SELECTION = (_FROM_RAW | _FROM_RAW.upstream().materializable()) - (
    dg.AssetSelection.key_substring("scraped")
)

main_job = dg.define_asset_job(
    name="main",
    selection=MAIN_SELECTION,
    description="Process the raw folder: raw manifest → parse → dbt staging and marts, with every check.",
)


@dg.sensor(job=main_job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS)
def new_raw_files_sensor(context: dg.SensorEvaluationContext, raw_store: RawStore):
    """Start the main job when the set of raw files (by path, size, mtime) changes."""
    digest, count = raw_folder_fingerprint(raw_store.root)
    if context.cursor == digest:
        return dg.SkipReason(f"raw folder unchanged ({count} files)")
    context.update_cursor(digest)
    if count == 0:
        return dg.SkipReason("raw folder is empty")
    return dg.RunRequest(run_key=digest, tags={"raw_files": str(count)})


defs = dg.Definitions(jobs=[main_job], sensors=[new_raw_files_sensor])
