"""Disclosures written in other formats by bench.formats, parsed back and compared with the PDF goldens."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bench.formats import GOLDEN_DIR, Document
from orchestration.parsing import ParsedDocument

READER_OF = {"xlsx": "spreadsheet", "xls": "spreadsheet", "docx": "word", "html": "html"}


def cell_key(table_no, section, code, name, column, amount) -> tuple:
    return (table_no, section, code, name, column, format(amount, "f") if not isinstance(amount, str) else amount)


def golden_cells(doc: Document) -> Counter:
    return Counter(
        cell_key(c["table_no"], c["section"], c["code"], c["name"], c["column"], c["amount_yuan"]) for c in doc.cells
    )


def parsed_cells(parsed: ParsedDocument) -> Counter:
    return Counter(cell_key(c.table_no, c.section, c.code, c.name, c.column, c.amount_yuan) for c in parsed.cells)


def golden_meta(name: str) -> dict:
    return json.loads((GOLDEN_DIR / "documents" / f"{name}.json").read_text(encoding="utf-8"))["document"]


def write_file(tmp_path: Path, name: str, fmt: str, data: bytes) -> Path:
    path = tmp_path / f"{name}.{fmt}"
    path.write_bytes(data)
    return path
