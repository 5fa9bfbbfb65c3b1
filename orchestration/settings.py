"""The two environment variables other tools and tests rely on, with their defaults.

``BUDGET_RAW_DIR``   folder of raw disclosures (default ``raw/`` in the project)
``BUDGET_WAREHOUSE`` DuckDB file of the warehouse (default ``warehouse/budget.duckdb``)
``BUDGET_DUCKDB_MEMORY_LIMIT`` DuckDB's ``memory_limit`` in the pipeline's own process (default
                   ``128MB``; its queries are scans, batch inserts and per-batch frames)
``BUDGET_DBT_MEMORY_LIMIT`` the same for dbt's process (default ``512MB``, read by
                   ``dbt_project/profiles.yml``; the marts' joins and window functions need room).
                   DuckDB otherwise caches up to 80 % of RAM per process; with a limit it spills
                   larger work to ``<warehouse>.tmp/``. 128MB was measured too little for dbt at
                   1,000 documents (an out-of-memory error in a test on int_cells).

Plain module (no Dagster import) so the CLI, the parser and the scraper share it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "raw"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "budget.duckdb"
DUCKDB_MEMORY_LIMIT_ENV = "BUDGET_DUCKDB_MEMORY_LIMIT"
# Keeps a 1,000-document run (main process + dbt + parse workers) under 1 GiB; see docs/benchmarks.md.
DEFAULT_DUCKDB_MEMORY_LIMIT = "128MB"


def raw_dir() -> Path:
    return Path(os.environ.get("BUDGET_RAW_DIR") or DEFAULT_RAW_DIR).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get("BUDGET_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()


def duckdb_memory_limit() -> str:
    return os.environ.get(DUCKDB_MEMORY_LIMIT_ENV) or DEFAULT_DUCKDB_MEMORY_LIMIT
