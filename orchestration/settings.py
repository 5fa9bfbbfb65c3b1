"""The two environment variables other tools and tests rely on, with their defaults.

``BUDGET_RAW_DIR``   folder of raw disclosures (default ``raw/`` in the project)
``BUDGET_WAREHOUSE`` DuckDB file of the warehouse (default ``warehouse/budget.duckdb``)

Plain module (no Dagster import) so the CLI, the parser and the scraper share it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "raw"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "budget.duckdb"


def raw_dir() -> Path:
    return Path(os.environ.get("BUDGET_RAW_DIR") or DEFAULT_RAW_DIR).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get("BUDGET_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()
