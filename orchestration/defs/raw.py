"""Raw documents: a manifest of every file in the raw folder (path, sha256, size, format).

``raw_documents`` calls ``ingest.raw_folder_to_manifest`` and turns its ``RawListing`` into
metadata. Scanning the same folder twice changes nothing: a (sha256, path) already listed keeps
its first ``seen_at``; files that left the folder leave the manifest. Raw files are never moved
or deleted, whether they parse or not.
"""

import dagster as dg

from orchestration.defs.keys import SCRAPED_FILES
from orchestration.defs.resources import RawStore, Warehouse
from orchestration.ingest import RawFolderMissing, raw_folder_to_manifest

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
    try:
        listing = raw_folder_to_manifest(root, warehouse.file, warehouse.connect, log=context.log.info)
    except RawFolderMissing as err:
        raise dg.Failure(str(err)) from err
    files = listing.files
    context.log.info(
        f"{len(files)} raw files in {root}: {listing.by_format}; {listing.new} new, {listing.gone} gone"
    )
    return dg.MaterializeResult(
        metadata={
            "raw_dir": dg.MetadataValue.path(str(root)),
            "files": len(files),
            "distinct_sha256": listing.distinct_sha256,
            "new_files": listing.new,
            "changed_files": listing.changed,
            "files_gone": listing.gone,
            **{f"files_{fmt}": n for fmt, n in sorted(listing.by_format.items())},
            "manifest": dg.MetadataValue.md(
                "| path | format | bytes | sha256 |\n|---|---|---|---|\n"
                + "\n".join(
                    f"| {f.path} | {f.format} | {f.size_bytes} | `{f.sha256[:12]}` |" for f in files[:50]
                )
            ),
        }
    )


defs = dg.Definitions(assets=[raw_documents])
