"""Scale-out, first step: the main job under the multiprocess executor on a persistent instance
builds the same marts as the in-process run (docs/scale-out.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from bench.scale_out import run_multiprocess
from tests.conftest import EMBEDDED_RAW


def _marts(warehouse: Path) -> dict[str, list[tuple]]:
    """Every marts table's rows, sorted, without the columns that record when something ran."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        for table in tables:
            columns = [
                name
                for name, ctype, *_ in con.execute(f"describe marts.{table}").fetchall()
                if "TIMESTAMP" not in ctype and not name.endswith("_at") and "run_id" not in name
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f"select {select} from marts.{table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def test_multiprocess_executor_builds_the_same_marts(embedded_warehouse, tmp_path, monkeypatch):
    # the in-process run is the session's embedded_warehouse (conftest), shared with the pipeline tests
    raw = tmp_path / "raw"
    shutil.copytree(EMBEDDED_RAW, raw)
    for var in ("BUDGET_RAW_DIR", "BUDGET_WAREHOUSE", "DAGSTER_HOME"):
        monkeypatch.delenv(var, raising=False)  # run_multiprocess sets them; monkeypatch restores them
    home = tmp_path / "dagster_home"
    multi = tmp_path / "multiprocess.duckdb"

    result = run_multiprocess(raw, multi, home)

    assert result.failed_steps == []
    assert result.step_processes > 1  # each step ran in a process of its own
    assert _marts(multi) == _marts(embedded_warehouse)
    # the run is recorded in the persistent instance, where a daemon / webserver reads it
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(result.run_id) is not None
