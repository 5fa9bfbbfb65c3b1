"""Disclosures written in other formats by bench.formats, parsed back and compared with the PDF goldens."""

from __future__ import annotations

import json
from pathlib import Path

from bench.formats import GOLDEN_DIR
from bench.formats.measure import golden_cells, parsed_cells

__all__ = ["READER_OF", "golden_cells", "golden_meta", "parsed_cells", "write_file"]

READER_OF = {"xlsx": "spreadsheet", "xls": "spreadsheet", "docx": "word", "html": "html"}


def golden_meta(name: str) -> dict:
    return json.loads((GOLDEN_DIR / "documents" / f"{name}.json").read_text(encoding="utf-8"))["document"]


def write_file(tmp_path: Path, name: str, fmt: str, data: bytes) -> Path:
    path = tmp_path / f"{name}.{fmt}"
    path.write_bytes(data)
    return path
