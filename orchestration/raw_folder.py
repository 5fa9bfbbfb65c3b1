"""The raw folder: which of its files are disclosures, walked in one place with one rule.

Plain module (no Dagster import). The scan into ``landing.raw_files`` (``ingest``), the sensor
that starts a run when the folder changes and the run's input fingerprint (``pipeline``) all
walk the folder here, so they agree on what counts as a document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "IGNORED_NAMES",
    "PARTIAL_DOWNLOAD_SUFFIX",
    "SCRAPE_MANIFEST_NAME",
    "RawEntry",
    "raw_entries",
    "raw_folder_fingerprint",
]

# The scraper's fetch log (``<raw>/scraped/manifest.jsonl``) and its half-written downloads.
SCRAPE_MANIFEST_NAME = "manifest.jsonl"
PARTIAL_DOWNLOAD_SUFFIX = ".part"
# Files in the raw folder that are bookkeeping, not disclosures.
IGNORED_NAMES = frozenset({"README.md", SCRAPE_MANIFEST_NAME, "manifest.csv", ".gitkeep"})


@dataclass(frozen=True)
class RawEntry:
    path: Path  # absolute
    relative: str  # relative to the raw folder, POSIX separators
    size_bytes: int
    modified_ns: int
    modified_seconds: float  # ``st_mtime``, as a timestamp is made from it


def is_disclosure(relative: Path) -> bool:
    """A file the parser should see: not hidden (nor inside a hidden folder), not bookkeeping,
    not a half-written download."""
    return not (
        relative.name in IGNORED_NAMES
        or relative.name.endswith(PARTIAL_DOWNLOAD_SUFFIX)
        or any(part.startswith(".") for part in relative.parts)
    )


def raw_entries(root: Path) -> Iterator[RawEntry]:
    """Every disclosure file under ``root`` (recursively), sorted by path; nothing if it does not exist."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and is_disclosure(relative):
            stat = path.stat()
            yield RawEntry(path, relative.as_posix(), stat.st_size, stat.st_mtime_ns, stat.st_mtime)


def raw_folder_fingerprint(root: Path) -> tuple[str, int]:
    """A digest of the (path, size, mtime) of every disclosure file, and how many there are.

    Scraped files are named by their sha256, so their entry already is the sha."""
    entries = [f"{e.relative}\t{e.size_bytes}\t{e.modified_ns}" for e in raw_entries(root)]
    return hashlib.sha256("\n".join(entries).encode("utf-8")).hexdigest(), len(entries)
