"""One walk of the raw folder, one rule: the scan, the sensor and the run's fingerprint agree."""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import RawFolderMissing, raw_folder_to_manifest, scan_raw
from orchestration.pipeline import input_fingerprint
from orchestration.raw_folder import raw_folder_fingerprint


def _folder(root: Path) -> Path:
    (root / "pdf").mkdir(parents=True)
    (root / "pdf" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    (root / "scraped").mkdir()
    (root / "scraped" / "b.xlsx").write_bytes(b"PK b")
    return root


def _bookkeeping(root: Path) -> None:
    """Files that are not disclosures: each one the walk must leave out."""
    (root / "README.md").write_text("the corpus")
    (root / "scraped" / "manifest.jsonl").write_text("{}\n")
    (root / "scraped" / "tmp1234.part").write_bytes(b"half a download")
    (root / ".cache").mkdir()
    (root / ".cache" / "c.pdf").write_bytes(b"%PDF-1.4 hidden")
    (root / "pdf" / ".gitkeep").write_text("")


def test_scan_lists_only_disclosures(tmp_path):
    root = _folder(tmp_path / "raw")
    _bookkeeping(root)
    assert [(f.path, f.format, f.size_bytes) for f in scan_raw(root)] == [
        ("pdf/a.pdf", "pdf", 10),
        ("scraped/b.xlsx", "xlsx", 4),
    ]


def test_bookkeeping_changes_neither_the_sensor_nor_the_run_fingerprint(tmp_path):
    root = _folder(tmp_path / "raw")
    sensor_before, run_before = raw_folder_fingerprint(root), input_fingerprint(root)
    _bookkeeping(root)
    assert raw_folder_fingerprint(root) == sensor_before
    assert sensor_before[1] == 2
    assert input_fingerprint(root) == run_before
    (root / "pdf" / "c.pdf").write_bytes(b"%PDF-1.4 c")
    assert raw_folder_fingerprint(root)[1] == 3
    assert input_fingerprint(root) != run_before


def test_a_missing_folder_has_no_files(tmp_path):
    assert raw_folder_fingerprint(tmp_path / "absent")[1] == 0
    assert scan_raw(tmp_path / "absent") == []


def test_the_manifest_follows_the_folder_and_keeps_each_files_first_sighting(tmp_path):
    root = _folder(tmp_path / "raw")
    warehouse = tmp_path / "budget.duckdb"

    def connect():
        return contextlib.closing(duckdb.connect(str(warehouse)))

    def seen_at() -> dict[str, object]:
        with connect() as con:
            return dict(con.execute("select path, seen_at from landing.raw_files").fetchall())

    first = raw_folder_to_manifest(root, warehouse, connect)
    assert (first.new, first.gone, first.changed, first.by_format) == (2, 0, 0, {"pdf": 1, "xlsx": 1})
    assert first.distinct_sha256 == 2
    seen = seen_at()
    again = raw_folder_to_manifest(root, warehouse, connect)
    assert (again.new, again.gone, again.changed) == (0, 0, 0)
    assert seen_at() == seen
    (root / "pdf" / "a.pdf").write_bytes(b"%PDF-1.4 a, corrected")  # same path, other bytes
    (root / "scraped" / "b.xlsx").unlink()
    later = raw_folder_to_manifest(root, warehouse, connect)
    assert (later.new, later.gone, later.changed, len(later.files)) == (1, 2, 1, 1)
    assert list(seen_at()) == ["pdf/a.pdf"]


def test_a_missing_folder_never_empties_the_manifest(tmp_path):
    with pytest.raises(RawFolderMissing, match="does not exist"):
        raw_folder_to_manifest(tmp_path / "absent", tmp_path / "budget.duckdb", contextlib.nullcontext)
