"""Shared test fixtures: where the corpus is, and one real run of the main job on the embedded corpus
(``run_pipeline`` and ``build_once`` live in ``tests/warehouse_builds.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse import mart_tables

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
EMBEDDED_RAW = REPO / "raw"
CORPUS_GLOBS = (("text", "*.txt"), ("pdf", "*.pdf"), ("real", "*.pdf"), ("city", "*.pdf"))


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, in one line, when the corpus the tests read is not beside the repository."""
    if not CORPUS.is_dir():
        pytest.exit(
            f"{CORPUS} not found: the tests read the published documents from ../shared/corpus "
            "(beside the repository, never committed); clone the repository next to shared/",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


# Session fixtures that run the main job once (tests/warehouse_builds.py): files using them go next.
WAREHOUSE_FIXTURES = {"embedded_warehouse", "nine_pdf_warehouse", "kinds_warehouse"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long-running files (main-job runs, OCR) start first, then the files reading a shared warehouse
    build, then the rest in their order: under pytest-xdist the many short tests fill both workers
    around the long ones, instead of a run of minutes finishing alone at the end of the suite."""

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("long_running"):
            return 0
        return 1 if WAREHOUSE_FIXTURES & set(getattr(item, "fixturenames", ())) else 2

    items.sort(key=rank)


def corpus_files() -> list[Path]:
    """The 21 corpus files: 4 texts, 4 rebuilt PDFs, 5 real PDFs, 8 real city unit budgets (read from
    ../shared, never copied)."""
    files = [f for sub, pattern in CORPUS_GLOBS for f in sorted(CORPUS.glob(f"{sub}/{pattern}"))]
    assert len(files) == 21, f"expected the 21 corpus files under {CORPUS}, found {len(files)}"
    return files


@pytest.fixture(scope="session")
def embedded_warehouse(tmp_path_factory, worker_id) -> Path:
    """A warehouse built by the main job from a copy of the embedded corpus (raw/), at
    ``<session tmp>/embedded/warehouse/budget.duckdb`` beside the ``raw`` folder it read; built once
    per session whichever xdist worker asks first. Tests read it, or copy it before they write."""
    from tests.warehouse_builds import build_once

    def fill(raw: Path, warehouse: Path) -> None:
        shutil.copytree(EMBEDDED_RAW, raw, dirs_exist_ok=True)

    return build_once(tmp_path_factory, worker_id, "embedded", fill)


@pytest.fixture(scope="session")
def embedded_run_output(embedded_warehouse) -> str:
    """What `budget run` printed after its first line when it built the embedded warehouse: a line per
    stage, then the summary (``build_once`` runs the main job with the CLI's console)."""
    from tests.warehouse_builds import RUN_OUTPUT

    return (embedded_warehouse.parent.parent / RUN_OUTPUT).read_text(encoding="utf-8")


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def marts(warehouse: Path) -> dict[str, dict[str, list]]:
    """Every marts table: its columns and its rows as sorted lists of strings (row order never matters)."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in mart_tables(con):
            cursor = con.execute(f'select * from marts."{table}"')
            columns = [d[0] for d in cursor.description]
            rows = sorted([["" if v is None else str(v) for v in row] for row in cursor.fetchall()])
            out[table] = {"columns": columns, "rows": rows}
    return out


def without(snapshot: dict[str, dict[str, list]], names: set[str]) -> dict[str, list[list[str]]]:
    """The snapshot's rows without the named columns."""
    out = {}
    for table, data in snapshot.items():
        keep = [i for i, c in enumerate(data["columns"]) if c not in names]
        out[table] = sorted([row[i] for i in keep] for row in data["rows"])
    return out
