"""The `budget` console script, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EMBEDDED_RAW

BUDGET = [str(Path(sys.executable).with_name("budget"))]


def budget(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*BUDGET, *args], capture_output=True, text=True, timeout=300, check=False)


def test_parse_json_prints_the_documented_keys():
    result = budget("parse", str(EMBEDDED_RAW / "pdf" / "qingpu_liantang_2024.pdf"), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= {"document", "tables", "cells", "narrative", "projects"}
    assert doc["document"]["format"] == "pdf"
    assert doc["document"]["pages"] == 23
    cell = next(
        c for c in doc["cells"] if c["table_no"] == 3 and c["code"] == "212" and c["column"] == "基本支出"
    )
    assert (cell["amount_yuan"], cell["printed"]) == ("8294228.88", "8,294,228.88")


def test_parse_refuses_bad_files_with_exit_2_and_one_line(tmp_path):
    html = tmp_path / "notice.pdf"
    html.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", encoding="utf-8")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((EMBEDDED_RAW / "pdf" / "minhang_district_2024.pdf").read_bytes()[:3000])
    for path, reason in ((html, "not_pdf"), (empty, "empty_file"), (truncated, "damaged")):
        result = budget("parse", str(path), "--json")
        assert result.returncode == 2, (path, result.stdout[:200], result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0], result.stderr
        assert result.stdout == ""
