"""Resources: where the raw files are and which DuckDB file is the warehouse.

Both are configured from the environment (``BUDGET_RAW_DIR``, ``BUDGET_WAREHOUSE``) at
the edge, and can be swapped for temporary folders in tests.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import dagster as dg

from orchestration import settings


class RawStore(dg.ConfigurableResource):
    """The folder of raw disclosures (embedded corpus, scraped files)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path).resolve()


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file. Writes go through one connection at a time."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path).resolve()

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator["duckdb.DuckDBPyConnection"]:  # noqa: F821
        import duckdb

        self.file.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.file), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def default_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "raw_store": RawStore(path=dg.EnvVar("BUDGET_RAW_DIR").get_value(str(settings.DEFAULT_RAW_DIR))),
        "warehouse": Warehouse(
            path=dg.EnvVar("BUDGET_WAREHOUSE").get_value(str(settings.DEFAULT_WAREHOUSE))
        ),
    }
