"""Scale-out, first step: the main job under the multiprocess executor on a persistent instance
builds the same marts as the in-process run (docs/scale-out.md)."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from bench.scale_out import run_multiprocess
from tests.conftest import EMBEDDED_RAW, marts, without

pytestmark = pytest.mark.long_running

# when each run wrote its rows: the only columns of the marts that differ between two runs
RUN_TIME_COLUMNS = {"parsed_at", "fetched_at", "version_at"}


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
    assert without(marts(multi), RUN_TIME_COLUMNS) == without(marts(embedded_warehouse), RUN_TIME_COLUMNS)
    # the run is recorded in the persistent instance, where a daemon / webserver reads it
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(result.run_id) is not None
