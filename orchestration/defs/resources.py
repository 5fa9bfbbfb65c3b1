"""Resources: where the raw files are and which DuckDB file is the warehouse.

Both are configured from the environment (``BUDGET_RAW_DIR``, ``BUDGET_WAREHOUSE``) at
the edge, and can be swapped for temporary folders in tests.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import settings


class RawStore(dg.ConfigurableResource):
    """The folder of raw disclosures (embedded corpus, scraped files)."""

    path: str = Field(default="", description="Raw folder; empty means BUDGET_RAW_DIR or raw/.")

    @property
    def root(self) -> Path:
        return Path(self.path).resolve() if self.path else settings.raw_dir()


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file. Writes go through one connection at a time."""

    path: str = Field(
        default="", description="DuckDB file; empty means BUDGET_WAREHOUSE or warehouse/budget.duckdb."
    )

    @property
    def file(self) -> Path:
        return Path(self.path).resolve() if self.path else settings.warehouse_path()

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:  # noqa: F821
        import duckdb

        self.file.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(
            str(self.file), read_only=read_only, config={"memory_limit": settings.duckdb_memory_limit()}
        )
        try:
            yield con
        finally:
            con.close()


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Resources read from the environment: EnvVar when the variable is set, else the documented default."""
    return {
        "raw_store": RawStore(path=dg.EnvVar("BUDGET_RAW_DIR"))
        if os.environ.get("BUDGET_RAW_DIR")
        else RawStore(),
        "warehouse": Warehouse(path=dg.EnvVar("BUDGET_WAREHOUSE"))
        if os.environ.get("BUDGET_WAREHOUSE")
        else Warehouse(),
    }
