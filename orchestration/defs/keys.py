"""Asset keys that several ``defs`` modules name, so none imports another for a key."""

import dagster as dg

__all__ = ["RAW_DOCUMENTS", "SCRAPED_FILES", "landing_key"]

RAW_DOCUMENTS = dg.AssetKey("raw_documents")
SCRAPED_FILES = dg.AssetKey("scraped_files")


def landing_key(table: str) -> dg.AssetKey:
    """The asset of one landing table (``landing/<table>``)."""
    return dg.AssetKey(["landing", table])
