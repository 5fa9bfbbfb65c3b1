"""Jobs: the main job materializes everything that runs offline (not the scrapers)."""

from __future__ import annotations

import dagster as dg

# Everything downstream of the raw folder: parsing, dbt models and every check on them.
MAIN_SELECTION = dg.AssetSelection.assets("raw_documents").downstream()

main_job = dg.define_asset_job(
    name="main",
    selection=MAIN_SELECTION,
    description="Process the raw folder: raw manifest → parse → dbt staging and marts, with every check.",
)

defs = dg.Definitions(jobs=[main_job])
