"""Whole runs of the main job on a folder mixing good and bad files: killed, raced, repeated.

One story on one warehouse, told by one test (a few minutes: three dbt builds):

1. ``budget run`` (a real subprocess) starts; a second ``budget run`` told not to wait
   (``BUDGET_LOCK_TIMEOUT=0``) is refused with a clear message; a third one waits. The first is
   killed (whole process group) right after it wrote its first batch of documents; the third
   then takes over and finishes. The marts must equal those of the good documents alone.
2. The main job again, with a copy of a known file added under another name: nothing changes.
3. The main job again, with a corrected file for one disclosure and one document asked for
   again by sha256: the correction supersedes the old file in the marts, the old file stays in
   the raw folder and dim_document, only the asked-for document is parsed again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import EMBEDDED_RAW, marts, without
from tests.fuzz.bad_files import EXPECTED_REASONS, write_bad_files
from tests.warehouse_builds import run_pipeline

pytestmark = pytest.mark.long_running

REPO = Path(__file__).resolve().parent.parent
STEP_TIMEOUT_SECONDS = 900  # one `budget run` on a loaded 2-core machine
POLL_SECONDS = 0.5
# Columns stamped with the time of a run, not derived from the documents: left out when
# comparing marts of two different warehouses.
RUN_TIME_COLUMNS = {"parsed_at", "checked_at"}
# Within one warehouse nothing in the marts may change from run to run (the checks' run time stays
# in landing.check_results, out of the marts).
RESTAMPED_EVERY_RUN: set[str] = set()
CORRECTED = "corrections/qingpu_liantang_2024_corrected.pdf"


def rows_of(snapshot: dict, table: str, **where: str) -> list[list[str]]:
    columns = snapshot[table]["columns"]
    return [r for r in snapshot[table]["rows"] if all(r[columns.index(c)] == v for c, v in where.items())]


def column(snapshot: dict, table: str, name: str) -> int:
    return snapshot[table]["columns"].index(name)


def landing(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _budget_run(raw: Path, warehouse: Path, log: Path, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "BUDGET_RAW_DIR": str(raw), "BUDGET_WAREHOUSE": str(warehouse), **env}
    environment.pop("DAGSTER_HOME", None)
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "run", "--verbose"],  # the Dagster log too
            cwd=REPO,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills its workers and dbt too
        )


def _wait_for(log: Path, text: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
    while text not in log.read_text(errors="replace"):
        assert process.poll() is None, f"process ended before {text!r}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {text!r} in {log}"
        time.sleep(POLL_SECONDS)


def _story(root: Path) -> dict:
    raw, warehouse, logs = root / "raw", root / "budget.duckdb", root / "logs"
    shutil.copytree(EMBEDDED_RAW, raw)  # copytree keeps mtimes
    write_bad_files(raw / "incoming")
    logs.mkdir()
    facts: dict = {}

    # 1. killed, refused, waiting
    first = _budget_run(raw, warehouse, logs / "first.log")
    _wait_for(logs / "first.log", "raw files in", first)  # it holds the lock from the start
    refused = _budget_run(raw, warehouse, logs / "refused.log", BUDGET_LOCK_TIMEOUT="0")
    waiting = _budget_run(raw, warehouse, logs / "waiting.log")
    facts["refused_exit"] = refused.wait(timeout=STEP_TIMEOUT_SECONDS)
    _wait_for(logs / "waiting.log", "waiting for the warehouse lock", waiting)
    _wait_for(logs / "first.log", "landing: wrote", first)
    os.killpg(first.pid, signal.SIGKILL)
    facts["first_exit"] = first.wait(timeout=60)
    facts["waiting_exit"] = waiting.wait(timeout=STEP_TIMEOUT_SECONDS)
    facts["first_pid"] = first.pid
    for name in ("first", "refused", "waiting"):
        facts[f"{name}_log"] = (logs / f"{name}.log").read_text(errors="replace")
    facts["marts_1"] = marts(warehouse)
    facts["parsed_at_1"] = dict(
        landing(warehouse, "select sha256, cast(parsed_at as varchar) from landing.documents")
    )

    # 2. the same folder again, plus a copy of a known file under another name
    known = raw / "pdf" / "minhang_district_2024.pdf"
    copy = raw / "scraped" / "copy_of_minhang_district_2024.pdf"
    copy.parent.mkdir()
    shutil.copy2(known, copy)
    outcome = run_pipeline(raw, warehouse)
    facts["run_2"] = {"success": outcome.success, "summary": outcome.summary()}
    facts["marts_2"] = marts(warehouse)
    facts["parsed_at_2"] = dict(
        landing(warehouse, "select sha256, cast(parsed_at as varchar) from landing.documents")
    )

    # 3. a corrected file for one disclosure (new bytes, newer file), and one document asked for again
    import pikepdf

    corrected = raw / CORRECTED
    corrected.parent.mkdir()
    with pikepdf.open(raw / "pdf" / "qingpu_liantang_2024.pdf") as pdf:
        pdf.docinfo["/Subject"] = "corrected edition"
        pdf.save(corrected)
    later = (raw / "pdf" / "qingpu_liantang_2024.pdf").stat().st_mtime + 86400
    os.utime(corrected, (later, later))
    retried = landing(
        warehouse, "select sha256 from landing.documents where source_file = 'text/minhang_district_2024.txt'"
    )[0][0]
    facts["retried_sha256"] = retried
    from orchestration.defs.resources import RawStore, Warehouse
    from orchestration.pipeline import run_main_job

    outcome = run_main_job(
        resources={"raw_store": RawStore(path=str(raw)), "warehouse": Warehouse(path=str(warehouse))},
        sha256s=[retried[:12]],
    )
    facts["run_3"] = {"success": outcome.success, "summary": outcome.summary()}
    facts["marts_3"] = marts(warehouse)
    facts["parsed_at_3"] = dict(
        landing(warehouse, "select sha256, cast(parsed_at as varchar) from landing.documents")
    )
    facts["quarantine"] = landing(
        warehouse, "select source_file, reason, message from landing.quarantine order by 1"
    )
    facts["documents"] = landing(warehouse, "select sha256, source_file from landing.documents order by 2")
    facts["duplicates"] = landing(
        warehouse,
        "select (select count(*) - count(distinct (sha256, seq)) from landing.cells) "
        "+ (select count(*) - count(distinct sha256) from landing.documents)",
    )[0][0]
    facts["raw_files_left"] = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    return facts


def test_killed_raced_repeated_and_corrected_runs_lose_nothing_and_double_nothing(
    tmp_path, embedded_warehouse
):
    """The whole story in one test, so that under pytest-xdist one worker tells it while the other
    runs everything else; each step's checks are the functions below."""
    story = _story(tmp_path)
    check_a_second_run_refused_at_once_says_who_holds_the_warehouse(story)
    check_a_waiting_run_takes_over_from_a_killed_one_and_converges(story, embedded_warehouse)
    check_bad_files_are_quarantined_with_a_reason_and_stay_in_place(story)
    check_running_again_and_reingesting_a_known_file_change_nothing(story)
    check_a_corrected_file_supersedes_the_old_one_and_one_document_is_retried_alone(story)


def check_a_second_run_refused_at_once_says_who_holds_the_warehouse(story: dict) -> None:
    assert story["refused_exit"] == 1
    line = next(line for line in story["refused_log"].splitlines() if line.startswith("run not started:"))
    assert f"is being written by pid {story['first_pid']} since " in line
    assert "BUDGET_LOCK_TIMEOUT" in line


def check_a_waiting_run_takes_over_from_a_killed_one_and_converges(
    story: dict, embedded_warehouse: Path
) -> None:
    assert story["first_exit"] == -signal.SIGKILL
    assert "landing: wrote" in story["first_log"] and "dbt build" not in story["first_log"]
    assert story["waiting_exit"] == 0, story["waiting_log"][-3000:]
    # the killed run left whole documents behind; the waiting run parsed only the rest
    assert " 0 unchanged" not in story["waiting_log"] and " unchanged" in story["waiting_log"]
    # nothing lost, nothing doubled: the marts of the good documents alone
    assert without(story["marts_1"], RUN_TIME_COLUMNS) == without(marts(embedded_warehouse), RUN_TIME_COLUMNS)
    assert story["duplicates"] == 0


def check_bad_files_are_quarantined_with_a_reason_and_stay_in_place(story: dict) -> None:
    quarantine = {f: (r, m) for f, r, m in story["quarantine"]}
    assert {f: r for f, (r, _) in quarantine.items()} == {
        f"incoming/{n}": r for n, r in EXPECTED_REASONS.items()
    }
    assert quarantine["incoming/image_only.pdf"][1] == (
        "scanned pages read by OCR: none of the nine budget tables found"
    )
    assert all(f"incoming/{n}" in story["raw_files_left"] for n in EXPECTED_REASONS)
    summary = story["waiting_log"]
    assert (
        "quarantined: 8 file(s) (damaged 1, empty_file 1, encrypted 1, missing_tables 1, no_text_layer 1, "
        "not_a_budget 2, not_pdf 1)" in summary
    )
    assert "    incoming/encrypted.pdf: encrypted: encrypted PDF (password required)\n" in summary


def check_running_again_and_reingesting_a_known_file_change_nothing(story: dict) -> None:
    assert story["run_2"]["success"], story["run_2"]["summary"]
    # every column, parsed_at included
    assert without(story["marts_2"], RESTAMPED_EVERY_RUN) == without(story["marts_1"], RESTAMPED_EVERY_RUN)
    assert set(story["marts_2"]) == set(story["marts_1"])
    assert story["parsed_at_2"] == story["parsed_at_1"]  # nothing parsed again


def check_a_corrected_file_supersedes_the_old_one_and_one_document_is_retried_alone(story: dict) -> None:
    assert story["run_3"]["success"], story["run_3"]["summary"]
    by_file = {f: sha for sha, f in story["documents"]}
    old, new = by_file["pdf/qingpu_liantang_2024.pdf"], by_file[CORRECTED]
    assert old != new and "pdf/qingpu_liantang_2024.pdf" in story["raw_files_left"]
    # only the new file and the document asked for were parsed
    changed = {sha for sha, at in story["parsed_at_3"].items() if story["parsed_at_2"].get(sha) != at}
    assert changed == {new, story["retried_sha256"]}
    # both versions are documents; the corrected one is selected
    before, after = story["marts_2"], story["marts_3"]
    selected = column(after, "dim_document", "is_selected")
    assert [r[selected] for r in rows_of(after, "dim_document", document_sha256=old)] == ["False"]
    assert [r[selected] for r in rows_of(after, "dim_document", document_sha256=new)] == ["True"]
    # the facts of 练塘镇 2024 now come from the corrected file, every other fact is unchanged
    sha_at = column(after, "fact_expense", "document_sha256")
    assert rows_of(after, "fact_expense", document_sha256=old) == []
    assert (
        len(rows_of(after, "fact_expense", document_sha256=new))
        == len(rows_of(before, "fact_expense", document_sha256=old))
        > 0
    )
    assert [r for r in after["fact_expense"]["rows"] if r[sha_at] != new] == [
        r for r in before["fact_expense"]["rows"] if r[sha_at] != old
    ]
