"""One real main-job run on nine PDFs (four seed, five real), shared by the mart and BI tests.

Before the run, the scraper's manifest table (``raw_scrape_manifest``, written with the
scraper's own ``sync_warehouse``) records two fetches of one of the PDFs, as after a scrape, so
``dim_document`` is tested with the optional source present (the embedded-corpus run of
``tests/test_pipeline.py`` builds it with the source absent).

The run takes a couple of minutes, so it happens once per test session, even under
pytest-xdist: the first worker builds the warehouse under a file lock in the session's
shared temporary folder, the others wait for it and reuse it. The real PDFs are copied into
that temporary folder only, never into the repository.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from orchestration.scraping.manifest import ManifestRow, sync_warehouse
from tests.conftest import CORPUS, run_pipeline

__all__ = ["NINE_PDFS", "SCRAPED_PDF", "SCRAPED_URL", "build_nine_pdf_warehouse"]

NINE_PDFS = sorted(CORPUS.glob("pdf/*.pdf")) + sorted(CORPUS.glob("real/*.pdf"))
BUILD_DONE = "built.ok"  # written last: its presence means the warehouse is complete
BUILD_FAILED = "built.failed"  # the run failed: the other workers report it instead of running it again
# a worker waits this long for another one building the warehouse (the run itself takes ~2–3 min)
BUILD_WAIT_SECONDS = 900
SCRAPED_PDF = "putuo_wanli_2025.pdf"  # the PDF the manifest says was scraped (twice)
SCRAPED_SOURCE = "putuo"
SCRAPED_URL = "https://www.shpt.gov.cn/wanli/2025/budget.pdf"
POST_URL = "https://www.shpt.gov.cn/wanli/2025/post.html"


def record_scrape(warehouse: Path, pdf: Path) -> None:
    """Two fetches of ``pdf`` in the scraper's manifest table: stored first, unchanged a week later."""
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    rows = [
        ManifestRow(
            event_id=f"e{i}",
            crawl_id=f"c{i}",
            source=SCRAPED_SOURCE,
            kind="attachment",
            fetched_at=fetched_at,
            outcome=outcome,
            attachment_url=SCRAPED_URL,
            final_url=SCRAPED_URL,
            detail_url=POST_URL,
            post_title="万里街道2025年部门预算",
            sha256=sha,
            stored_path=f"scraped/{sha}.pdf",
        )
        for i, (fetched_at, outcome) in enumerate(
            [("2026-03-01T08:00:00+00:00", "stored"), ("2026-03-08T08:00:00+00:00", "unchanged")]
        )
    ]
    sync_warehouse(warehouse, rows, [SCRAPED_SOURCE])


def build_nine_pdf_warehouse(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The warehouse the main job builds from the nine PDFs (parse, dbt build, checks, Parquet export).

    Call it from a session fixture; it builds at most once per test session, whichever module or
    xdist worker asks first.
    """
    assert len(NINE_PDFS) == 9, f"expected 4 seed + 5 real PDFs under {CORPUS}, found {len(NINE_PDFS)}"
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # under xdist every worker has its own basetemp below a shared one
        shared = shared.parent
    root = shared / "nine_pdfs"
    warehouse = root / "warehouse" / "budget.duckdb"
    with FileLock(str(root) + ".lock", timeout=BUILD_WAIT_SECONDS):
        if (root / BUILD_FAILED).exists():
            pytest.fail("the nine-PDF main job failed:\n" + (root / BUILD_FAILED).read_text(encoding="utf-8"))
        if not (root / BUILD_DONE).exists():
            shutil.rmtree(root, ignore_errors=True)
            raw = root / "raw"
            raw.mkdir(parents=True)
            for pdf in NINE_PDFS:
                shutil.copy(pdf, raw / pdf.name)
            record_scrape(warehouse, raw / SCRAPED_PDF)
            outcome = run_pipeline(raw, warehouse)
            marker = root / (BUILD_DONE if outcome.success else BUILD_FAILED)
            marker.write_text(outcome.summary(), encoding="utf-8")
            assert outcome.success, outcome.summary()
    return warehouse
