"""Corpus paths and a per-session cache: each corpus file is parsed once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from orchestration.parsing import tables
from orchestration.parsing.source import open_source

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
GOLDEN_DIR = REPO / "tests" / "golden" / "tables"
EMBEDDED_DOCS = [
    "jiading_anting_2024",
    "minhang_district_2024",
    "minhang_zhuanqiao_2023",
    "qingpu_liantang_2024",
]
REAL_DOCS = [
    "putuo_commerce_2025",
    "putuo_gov_office_2025",
    "putuo_wanli_2024",
    "putuo_wanli_2025",
    "shanghai_finance_bureau_2025",
]
# (subdir, doc_id) of every corpus file: 4 texts, 4 rebuilt PDFs, 5 real PDFs.
CORPUS_FILES = (
    [("text", d) for d in EMBEDDED_DOCS]
    + [("pdf", d) for d in EMBEDDED_DOCS]
    + [("real", d) for d in REAL_DOCS]
)


def corpus_path(subdir: str, doc_id: str) -> Path:
    return CORPUS / subdir / f"{doc_id}.{'txt' if subdir == 'text' else 'pdf'}"


@cache
def extracted_with_text(subdir: str, doc_id: str):
    """(tables, cells, {page: text}) of one corpus file, computed once per session."""
    with open_source(corpus_path(subdir, doc_id)) as source:
        infos, cells = tables.extract(source)
        return infos, cells, {p.number: p.text for p in source.pages}


def extracted(subdir: str, doc_id: str):
    """(tables, cells) of one corpus file, computed once per session."""
    infos, cells, _ = extracted_with_text(subdir, doc_id)
    return infos, cells


@pytest.fixture(scope="session")
def extract_corpus():
    return extracted
