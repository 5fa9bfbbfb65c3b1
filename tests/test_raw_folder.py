"""One walk of the raw folder, one rule: the scan, the sensor and the run's fingerprint agree."""

from __future__ import annotations

from pathlib import Path

from orchestration.ingest import scan_raw
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
