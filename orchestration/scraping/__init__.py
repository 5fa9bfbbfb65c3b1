"""Disclosure-portal scraper: a plain library, no Dagster import.

``load_registry()`` reads ``sources.yml``; ``crawl_source(source, raw_dir, warehouse_path)``
crawls one portal politely into the content-addressed store ``<raw>/scraped/<sha256>.<ext>``
and appends every fetch to ``<raw>/scraped/manifest.jsonl`` (mirrored to the warehouse
table ``raw_scrape_manifest``); ``check_source(source)`` finds the same listing pages,
posts and attachments without downloading a file. See ``docs/scraping.md``.
"""

from __future__ import annotations

from .content_store import SCRAPED_DIR, ContentStore
from .crawler import CrawlReport, crawl_source, is_budget_title
from .fetcher import USER_AGENT, Fetcher, FetchRejected
from .manifest import MANIFEST_NAME, TABLE, ManifestFile, ManifestRow, sync_warehouse
from .pages import extract_links
from .registry import REGISTRY_PATH, Limits, RegistryError, Source, load_registry
from .source_check import CheckReport, check_source

__all__ = [
    "MANIFEST_NAME",
    "REGISTRY_PATH",
    "SCRAPED_DIR",
    "TABLE",
    "USER_AGENT",
    "CheckReport",
    "ContentStore",
    "CrawlReport",
    "FetchRejected",
    "Fetcher",
    "Limits",
    "ManifestFile",
    "ManifestRow",
    "RegistryError",
    "Source",
    "check_source",
    "crawl_source",
    "extract_links",
    "is_budget_title",
    "load_registry",
    "sync_warehouse",
]
