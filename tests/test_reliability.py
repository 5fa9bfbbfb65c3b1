"""Reliability without a pipeline run: bad files refused with their reason, documents isolated
from each other, hostile text stored verbatim, the warehouse lock.

The whole-pipeline scenarios (interrupted, concurrent and repeated runs) are in
``test_reliability_runs.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import EXIT_UNPARSEABLE, main
from orchestration.ingest import load_parses, parse_many, parse_rows, quarantine_row, scan_raw, up_to_date
from orchestration.warehouse import (
    PARSER_VERSION,
    WarehouseBusy,
    ensure_landing,
    replace_rows,
    warehouse_lock,
)
from tests.conftest import CORPUS, EMBEDDED_RAW
from tests.fuzz.bad_files import EXPECTED_REASONS, write_bad_files

REPO = Path(__file__).resolve().parent.parent
# A cell figure longer than any Decimal context: the parser's unit conversion raised
# decimal.InvalidOperation on it (found by tests/fuzz, reported to the parser's owners).
HUGE_FIGURE = "9" * 400
HOSTILE_NAME = "x'); drop table landing.cells; -- {{7*7}} __import__('os').system('id')"


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    write_bad_files(folder)
    return folder


@pytest.mark.parametrize("name", sorted(EXPECTED_REASONS))
def test_budget_parse_exits_2_with_the_reason(bad_dir, name):
    result = CliRunner().invoke(main, ["parse", str(bad_dir / name)])
    assert result.exit_code == EXIT_UNPARSEABLE, result.output
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"{bad_dir / name}: {EXPECTED_REASONS[name]}: ")


def test_a_scan_is_read_by_ocr_and_a_blank_pdf_has_nothing_to_read(bad_dir):
    rows = parse_rows(str(bad_dir / "image_only.pdf"), "image_only.pdf", "0" * 64)
    assert rows["quarantine"][0]["reason"] == "not_a_budget"
    assert (
        rows["quarantine"][0]["message"] == "scanned pages read by OCR: none of the nine budget tables found"
    )
    rows = parse_rows(str(bad_dir / "blank.pdf"), "blank.pdf", "0" * 64)
    assert rows["quarantine"][0]["reason"] == "no_text_layer"
    assert rows["quarantine"][0]["message"] == "no text layer (PDF has no text layer and no image)"


def test_encrypted_pdf_is_not_called_damaged(bad_dir):
    rows = parse_rows(str(bad_dir / "encrypted.pdf"), "encrypted.pdf", "0" * 64)
    assert rows["quarantine"][0]["message"] == "encrypted PDF (password required)"


def test_one_bad_document_never_stops_the_others(bad_dir, tmp_path):
    """Good, refused and crashing documents parsed together on two workers: each gets its own outcome."""
    root = tmp_path / "raw"
    (root / "bad").mkdir(parents=True)
    for name in EXPECTED_REASONS:
        (root / "bad" / name).write_bytes((bad_dir / name).read_bytes())
    good = EMBEDDED_RAW / "text" / "qingpu_liantang_2024.txt"
    (root / "good.txt").write_bytes(good.read_bytes())
    text = good.read_text(encoding="utf-8")
    (root / "crash.txt").write_text(text.replace("66,165,252.88", HUGE_FIGURE), encoding="utf-8")
    (root / "download.pdf.part").write_bytes(b"%PDF-1.7 half written")  # not a document yet
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not a disclosure")
    files = scan_raw(root)
    assert [f.path for f in files] == [
        "bad/blank.pdf",
        "bad/empty.pdf",
        "bad/encrypted.pdf",
        "bad/html_page.pdf",
        "bad/image_only.pdf",
        "bad/missing_tables.pdf",
        "bad/other_text.pdf",
        "bad/truncated.pdf",
        "crash.txt",
        "good.txt",
        "notes.docx",
    ]
    results = parse_many(root, files, workers=2)
    outcome = {
        f.path: (
            rows["quarantine"][0]["reason"] if rows.get("quarantine") else f"parsed {len(rows['cells'])}"
        )
        for f in files
        for rows in [results[f.sha256]]
    }
    assert outcome == {
        **{f"bad/{name}": reason for name, reason in EXPECTED_REASONS.items()},
        # a 400-digit figure (found by fuzzing; it used to crash the parser) is refused with a reason
        "crash.txt": "implausible_figure",
        "good.txt": outcome["good.txt"],
        "notes.docx": "damaged",  # a .docx that is no Word file
    }
    assert outcome["good.txt"].startswith("parsed ") and int(outcome["good.txt"].split()[1]) > 100
    for rows in results.values():
        assert bool(rows.get("quarantine")) != bool(rows.get("documents"))  # one outcome per document


def test_a_document_parsing_too_long_is_quarantined_not_waited_for(monkeypatch):
    import orchestration.ingest

    monkeypatch.setattr(orchestration.ingest, "PARSE_TIMEOUT_SECONDS", 0.2)  # a 33-page PDF takes longer
    real = CORPUS / "real" / "shanghai_finance_bureau_2025.pdf"
    started = time.monotonic()
    rows = parse_rows(str(real), "real.pdf", "5" * 64)
    assert time.monotonic() - started < 10
    assert (rows["quarantine"][0]["reason"], rows["quarantine"][0]["message"]) == (
        "timeout",
        "parsing took longer than 0.2 s",
    )


def test_a_run_parses_new_outdated_and_crashed_documents_only(tmp_path):
    """What the next run parses: not the parsed or file-refused ones; yes an older parser's, a crash."""
    good = EMBEDDED_RAW / "text" / "minhang_district_2024.txt"
    parsed = parse_rows(str(good), "text/minhang_district_2024.txt", "1" * 64)
    older = parse_rows(str(good), "old.txt", "2" * 64)
    older["documents"][0]["parser_version"] = "0.0.1"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        load_parses(
            con,
            {
                "1" * 64: parsed,
                "2" * 64: older,
                "3" * 64: {"quarantine": [quarantine_row("3" * 64, "a.pdf", "encrypted", "encrypted PDF")]},
                "4" * 64: {
                    "quarantine": [quarantine_row("4" * 64, "b.txt", "parser_error", "parser error …")]
                },
            },
        )
        assert up_to_date(con) == {"1" * 64, "3" * 64}
        # a document replaced by a quarantine (or back) leaves no row of its other state behind
        load_parses(con, {"1" * 64: {"quarantine": [quarantine_row("1" * 64, "t.txt", "damaged", "x")]}})
        assert con.execute("select count(*) from landing.cells where sha256 = ?", ["1" * 64]).fetchone() == (
            0,
        )
        assert con.execute(
            "select parser_version from landing.quarantine where sha256 = ?", ["1" * 64]
        ).fetchall() == [(PARSER_VERSION,)]


def test_a_retry_names_documents_by_sha256_or_a_unique_prefix():
    from orchestration.ingest import RawFile
    from orchestration.raw_to_landing import UnknownDocument, resolve_sha256s

    files = [RawFile("ab" * 32, "a.pdf", 1, "pdf", None), RawFile("ac" * 32, "b.pdf", 1, "pdf", None)]
    assert resolve_sha256s(["ABABABAB"], files) == {"ab" * 32}
    for wanted in (["abab"], ["ffffffffff"], ["a"]):  # too short, unknown, ambiguous
        with pytest.raises(UnknownDocument, match="names [01] documents|names 2 documents"):
            resolve_sha256s(wanted, files)


def test_hostile_text_is_stored_verbatim(tmp_path):
    """Document text reaches DuckDB only as values: a name that is SQL, a template, code."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_landing(con)
        row = {
            "sha256": "a" * 64,
            "seq": 0,
            "table_no": 3,
            "name": HOSTILE_NAME,
            "column_label": "合计",
            "amount_yuan": "1.00",
            "printed": HOSTILE_NAME,
        }
        replace_rows(con, "cells", ["a" * 64], [row])
        assert con.execute("select name, printed, amount_yuan from landing.cells").fetchall() == [
            (HOSTILE_NAME, HOSTILE_NAME, Decimal("1.00"))
        ]
        with pytest.raises(ValueError, match="not a landing document table"):
            replace_rows(con, "cells; drop table landing.cells", [], [])


HOLDER = """
import sys, time
from orchestration.warehouse import warehouse_lock
with warehouse_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(600)
"""


def test_warehouse_lock_makes_a_second_writer_wait_then_fail_clearly(tmp_path):
    warehouse = tmp_path / "budget.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as busy, warehouse_lock(warehouse, timeout=1.5):
            pass
        assert 1.4 < time.monotonic() - started < 30
        assert f"is being written by pid {holder.pid} since " in str(busy.value)
        assert "BUDGET_LOCK_TIMEOUT" in str(busy.value)
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # a killed writer releases the lock with its process
        holder.wait()
    # re-entrant within a process: the run holds it, its steps take it again
    with warehouse_lock(warehouse, timeout=10), warehouse_lock(warehouse, timeout=0):
        pass
