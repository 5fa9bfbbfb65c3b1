"""Jobs: the main job materializes everything that runs offline (not the scrapers)."""

import dagster as dg

__all__ = ["MAIN_SELECTION", "defs", "main_job"]

_FROM_RAW = dg.AssetSelection.assets("raw_documents").downstream()
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

defs = dg.Definitions(jobs=[main_job])
