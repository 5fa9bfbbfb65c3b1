"""Scale-out, first step: the main job under the multiprocess executor on a persistent instance
builds the same marts as the in-process run (docs/scale-out.md).

The runner is started as its own process (``python -m bench.scale_out``), as a deployed run worker is:
its step processes fork from a server that preloads the definitions, and that server, started once per
process, keeps the environment of its start (a test worker has started one for the parser already).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import dagster as dg
import pytest

from tests.conftest import EMBEDDED_RAW, REPO, marts, without

pytestmark = pytest.mark.long_running

# when each run wrote its rows: the only columns of the marts that differ between two runs
RUN_TIME_COLUMNS = {"parsed_at", "fetched_at", "version_at"}
RUN_TIMEOUT_SECONDS = 900  # one run on a loaded 2-core machine


def test_multiprocess_executor_builds_the_same_marts(embedded_warehouse, tmp_path):
    # the in-process run is the session's embedded_warehouse (conftest), shared with the pipeline tests
    raw = tmp_path / "raw"
    shutil.copytree(EMBEDDED_RAW, raw)
    home = tmp_path / "dagster_home"
    multi = tmp_path / "multiprocess.duckdb"
    environment = {k: v for k, v in os.environ.items() if k not in ("BUDGET_RAW_DIR", "BUDGET_WAREHOUSE")}

    done = subprocess.run(
        [sys.executable, "-m", "bench.scale_out", str(raw), str(multi), str(home), "--json"],
        cwd=REPO,
        env=environment,
        check=False,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])

    assert result["success"] and result["failed_steps"] == []
    assert result["step_processes"] > 1  # each step ran in a process of its own
    assert without(marts(multi), RUN_TIME_COLUMNS) == without(marts(embedded_warehouse), RUN_TIME_COLUMNS)
    # the run is recorded in the persistent instance, where a daemon / webserver reads it
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(result["run_id"]) is not None


def test_a_forkserver_started_earlier_in_the_process_is_noticed():
    """Steps forked from a server started before the run would read that moment's environment: the
    runner notices the server and spawns its steps instead (bench.scale_out.run_multiprocess)."""
    program = (
        "import multiprocessing as mp\n"
        "from bench.scale_out import forkserver_started\n"
        "before = forkserver_started()\n"
        "mp.get_context('forkserver').Process(target=print).start()\n"
        "print(before, forkserver_started())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[-2:] == ["False", "True"]
