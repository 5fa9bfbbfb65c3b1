"""Shared test fixtures: where the corpus is, and one real run of the main job on the embedded corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
EMBEDDED_RAW = REPO / "raw"


def corpus_files() -> list[Path]:
    """The 17 corpus files: 4 texts, 4 rebuilt PDFs, 5 real PDFs (read from ../shared, never copied)."""
    files = sorted(CORPUS.glob("text/*.txt")) + sorted(CORPUS.glob("pdf/*.pdf")) + sorted(CORPUS.glob("real/*.pdf"))
    assert len(files) == 13, f"expected the 13 corpus files under {CORPUS}, found {len(files)}"
    return files


def run_pipeline(raw_dir: Path, warehouse: Path, force: bool = False):
    """Run the real main job (parse, dbt, checks) on ``raw_dir`` into ``warehouse``."""
    from orchestration.defs.resources import RawStore, Warehouse
    from orchestration.pipeline import run_main_job

    return run_main_job(
        resources={
            "raw_store": RawStore(path=str(raw_dir)),
            "warehouse": Warehouse(path=str(warehouse)),
        },
        force=force,
    )


@pytest.fixture(scope="session")
def embedded_warehouse(tmp_path_factory) -> Path:
    """A warehouse built by the main job from a copy of the embedded corpus (raw/)."""
    root = tmp_path_factory.mktemp("embedded")
    raw = root / "raw"
    shutil.copytree(EMBEDDED_RAW, raw)
    warehouse = root / "budget.duckdb"
    outcome = run_pipeline(raw, warehouse)
    assert outcome.success, outcome.summary()
    return warehouse


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
