"""A scraped Excel attachment (and an HTML table page) flow through the real main job into the marts.

The raw folder holds one PDF and, beside it, the same disclosure as an .xlsx (the PDF represents it),
plus two disclosures published only as an .xlsx and as an HTML page (those files represent them).
"""

from __future__ import annotations

import random
import shutil
from decimal import Decimal

import pytest

from bench.formats import GOLDEN_DIR, draw_style, load_document, write
from tests.conftest import EMBEDDED_RAW, query
from tests.warehouse_builds import run_pipeline

pytestmark = pytest.mark.long_running


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats_pipeline")
    raw = root / "raw"
    (raw / "scraped").mkdir(parents=True)
    shutil.copy(EMBEDDED_RAW / "pdf" / "qingpu_liantang_2024.pdf", raw / "qingpu_liantang_2024.pdf")
    for name, fmt in [
        ("pdf__qingpu_liantang_2024", "xlsx"),
        ("real__putuo_commerce_2025", "xlsx"),
        ("real__putuo_gov_office_2025", "html"),
    ]:
        data = write(load_document(GOLDEN_DIR, name), fmt, draw_style(random.Random(f"pipeline:{name}")))
        (raw / "scraped" / f"{name.split('__')[1]}.{fmt}").write_bytes(data)
    path = root / "budget.duckdb"
    outcome = run_pipeline(raw, path)
    assert outcome.success, outcome.summary()
    return path


def test_every_format_is_parsed_and_listed(warehouse):
    assert query(warehouse, "select count(*) from landing.quarantine") == [(0,)]
    assert query(warehouse, "select format, count(*) from landing.raw_files group by 1 order by 1") == [
        ("html", 1),
        ("pdf", 1),
        ("xlsx", 2),
    ]


def test_one_file_represents_each_disclosure(warehouse):
    rows = query(
        warehouse,
        "select regexp_replace(source_file, '^.*/', ''), file_format, read_from, is_selected "
        "from marts.dim_document order by 1, 2",
    )
    assert rows == [
        ("putuo_commerce_2025.xlsx", "xlsx", "spreadsheet", True),
        ("putuo_gov_office_2025.html", "html", "html", True),
        ("qingpu_liantang_2024.pdf", "pdf", "text_layer", True),  # the PDF over its Excel version
        ("qingpu_liantang_2024.xlsx", "xlsx", "spreadsheet", False),
    ]


@pytest.mark.parametrize(
    ("department", "total"),
    [
        ("上海市普陀区商务委员会", Decimal("371514655.00")),
        ("上海市普陀区人民政府办公室", Decimal("91016775.35")),
    ],
)
def test_the_facts_hold_the_spreadsheet_and_page_figures(warehouse, department, total):
    rows = query(
        warehouse,
        """
        select sum(f.amount_yuan), min(f.read_from), min(f.read_confidence), count(*) filter (where f.line is null)
        from marts.fact_expense as f
        inner join marts.dim_department as d on d.department_key = f.department_key
        where f.fund_scope = 'all_funds' and d.department_name = ?
        """,
        [department],
    )
    read_from = "spreadsheet" if "商务" in department else "html"
    assert rows == [(total, read_from, 1.0, 0)]  # every figure keeps its row (line) as provenance
