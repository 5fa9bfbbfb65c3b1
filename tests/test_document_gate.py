"""One bad document never blocks the warehouse: real runs of the main job with the per-document gate.

The raw folder is the embedded corpus (four PDFs and their text extractions) plus a real 2026 city
unit budget that prints a 款 with no 项 under it (上海市退役军人服务中心: 20809 退役安置). The first run,
``budget run --retry`` of two PDFs, parses them with a defect injected into the real parse in this
process (the parse itself, dbt, GE and Dagster are the real ones): 练塘镇's PDF with a misread digit,
闵行区's with a row the reader lost and recorded as a problem (``unread_figures``), as the parser does.
Both are held back, their text extractions represent their disclosures, everything else flows and
the command exits 0. A second run parses them again without the defect and releases them. A third
run, on a copy whose every document is damaged, stops before the marts: a systemic failure.
"""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import main as budget
from tests.conftest import CORPUS, query
from tests.marts_conftest import build_nine_pdf_warehouse

pytestmark = pytest.mark.long_running

CITY_VETERANS = CORPUS / "city" / "city_veterans_service_2026.pdf"
LIANTANG_PDF = "pdf/qingpu_liantang_2024.pdf"
DISTRICT_PDF = "pdf/minhang_district_2024.pdf"
LIANTANG = "上海市青浦区练塘镇城市运行管理中心"
DISTRICT = "上海市闵行区城市运行管理中心"
VETERANS = "上海市退役军人服务中心"
HELD_BACK_LINE = (
    "  held back: 2 documents (amount_matches_printed 1, unread_figures 1): kept out of the marts, raw files "
    "untouched; a run after a parser fix, or budget run --retry SHA256, releases those that pass"
)
EXPENSE_BY_DEPARTMENT = """
    select d.department_name, doc.source_file, sum(f.amount_yuan)
    from marts.fact_expense f
    join marts.dim_department d using (department_key)
    join marts.dim_document doc using (document_sha256)
    where f.fund_scope = 'all_funds'
    group by 1, 2 order by 1
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _misread_digit(rows: dict) -> None:
    """练塘镇 table 3, 2080502 事业单位离退休 基本支出: printed 208,424.00, read 298,424.00."""
    for cell in rows["cells"]:
        if (cell["table_no"], cell["code"], cell["column_label"]) == (3, "2080502", "基本支出"):
            cell["amount_yuan"] = Decimal("298424.00")


def _lost_row(rows: dict) -> None:
    """闵行区 table 3, row 2080502 事业单位离退休 not read; the reader records the figures it left."""
    lost = [c for c in rows["cells"] if (c["table_no"], c["code"]) == (3, "2080502")]
    rows["cells"] = [c for c in rows["cells"] if c not in lost]
    rows["parse_problems"] = [
        {
            "sha256": c["sha256"],
            "seq": i,
            "check_name": "unread_figures",
            "message": f"table 3 prints {c['printed']} in row 2080502 事业单位离退休 ({c['column_label']}): read by no cell",
            "table_no": 3,
            "page": c["page"],
            "line": None,
            "printed": c["printed"],
        }
        for i, c in enumerate(lost)
    ]


def _inject(monkeypatch: pytest.MonkeyPatch, defects: dict) -> None:
    """Damage the real parse of some documents on its way from the workers to the warehouse."""
    from orchestration import raw_to_landing

    real_parse_many = raw_to_landing.parse_many

    def parse_many_with_defects(root, files, workers=None, on_done=None):
        def damaged(sha: str, rows: dict) -> None:
            if sha in defects and rows.get("cells"):
                defects[sha](rows)
            on_done(sha, rows)

        return real_parse_many(root, files, workers, on_done=damaged)

    monkeypatch.setattr(raw_to_landing, "parse_many", parse_many_with_defects)


def _budget_run(monkeypatch, raw: Path, warehouse: Path, dagster_home: Path, *args: str):
    """``budget run ARGS`` in this process, on ``raw`` into ``warehouse``, with its Dagster runs kept."""
    dagster_home.mkdir(exist_ok=True)
    monkeypatch.setenv("BUDGET_RAW_DIR", str(raw))
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    return CliRunner().invoke(budget, ["run", *args], catch_exceptions=False)


def _last_run(dagster_home: Path):
    """(run status, {check name: evaluation}) of the latest run recorded in ``dagster_home``."""
    assert Path(dg.DagsterInstance.get().root_directory) == dagster_home  # the home the run recorded into
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs(limit=1)
        evaluations = {
            e.dagster_event.event_specific_data.check_name: e.dagster_event.event_specific_data
            for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        }
        return run.status, evaluations


@pytest.fixture(scope="module")
def gate_runs(embedded_warehouse, tmp_path_factory):
    """The warehouse after the run with two broken parses (a frozen copy) and after the fixing run."""
    root = tmp_path_factory.mktemp("gate")
    raw = shutil.copytree(embedded_warehouse.parent.parent / "raw", root / "raw")  # the folder it read
    shutil.copy2(CITY_VETERANS, raw / CITY_VETERANS.name)
    warehouse = root / "warehouse" / "budget.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(embedded_warehouse, warehouse)
    liantang, district = _sha(raw / LIANTANG_PDF), _sha(raw / DISTRICT_PDF)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _inject(monkeypatch, {liantang: _misread_digit, district: _lost_row})
        first = _budget_run(
            monkeypatch, raw, warehouse, root / "dagster", "--retry", liantang, "--retry", district
        )
        first_run = _last_run(root / "dagster")
    held_back = root / "held_back.duckdb"
    shutil.copy(warehouse, held_back)
    from orchestration.defs.resources import RawStore, Warehouse
    from orchestration.pipeline import run_main_job

    resources = {"raw_store": RawStore(path=str(raw)), "warehouse": Warehouse(path=str(warehouse))}
    with dg.DagsterInstance.ephemeral() as instance:
        second = run_main_job(resources=resources, instance=instance, sha256s=[liantang, district])
        gate = next(
            e.dagster_event.event_specific_data
            for e in instance.all_logs(second.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
            if e.dagster_event.event_specific_data.check_name == "document_gate"
        )
    return {
        "root": root,
        "raw": raw,
        "first": first,
        "first_run": first_run,
        "held_back": held_back,
        "second": second,
        "second_gate": gate,
        "released": warehouse,
        "shas": (liantang, district),
    }


def test_broken_parses_are_held_back_and_the_run_exits_0(gate_runs):
    first = gate_runs["first"]
    assert first.exit_code == 0, first.stdout
    lines = first.stdout.splitlines()
    assert HELD_BACK_LINE in lines, first.stdout
    assert (
        f"    {DISTRICT_PDF}: unread_figures: 3 failing, e.g. table 3 prints 121,500.00 in row 2080502 "
        "事业单位离退休 (合计): read by no cell (p. 8); table 3 prints 121,500.00 in row 2080502 事业单位离退休 "
        "(基本支出): read by no cell (p. 8); table 3 prints 0 in row 2080502 事业单位离退休 (项目支出): read by no "
        "cell (p. 8)"
    ) in lines
    assert (
        f"    {LIANTANG_PDF}: amount_matches_printed: 1 failing, e.g. table 3 2080502 事业单位离退休 · 基本支出: "
        "printed '208,424.00' 元, stored 298424.00 yuan (p. 8)"
    ) in lines
    assert not any(line.startswith("  failed check") for line in lines), first.stdout


def test_held_back_documents_are_recorded_with_check_rows_pages_and_printed_text(gate_runs):
    rows = query(
        gate_runs["held_back"],
        "select source_file, check_name, suite, failing_rows, tables, pages, printed from landing.held_back order by 1",
    )
    assert rows == [
        (DISTRICT_PDF, "unread_figures", "parse_problems", 3, "3", "8", "121,500.00 | 121,500.00 | 0"),
        (LIANTANG_PDF, "amount_matches_printed", "landing_cells", 1, "3", "8", "208,424.00"),
    ]
    # the staging model the quality report reads
    assert query(
        gate_runs["held_back"], "select count(*), count(distinct document_sha256) from staging.stg_held_back"
    ) == [(2, 2)]


def test_the_other_documents_flow_and_a_text_extraction_stands_in_for_its_held_back_pdf(gate_runs):
    warehouse = gate_runs["held_back"]
    documents = query(
        warehouse,
        "select source_file, status, is_selected, held_back_checks from marts.dim_document order by source_file",
    )
    assert documents == [
        ("city_veterans_service_2026.pdf", "loaded", True, None),
        ("pdf/jiading_anting_2024.pdf", "loaded", True, None),
        (DISTRICT_PDF, "held_back", False, "unread_figures"),
        ("pdf/minhang_zhuanqiao_2023.pdf", "loaded", True, None),
        (LIANTANG_PDF, "held_back", False, "amount_matches_printed"),
        ("text/jiading_anting_2024.txt", "loaded", False, None),
        ("text/minhang_district_2024.txt", "loaded", True, None),
        ("text/minhang_zhuanqiao_2023.txt", "loaded", False, None),
        ("text/qingpu_liantang_2024.txt", "loaded", True, None),
    ]
    # each disclosure counted once, from its loaded file: the printed totals of table 3
    assert query(warehouse, EXPENSE_BY_DEPARTMENT) == [
        ("上海市嘉定区安亭镇城市运行管理中心", "pdf/jiading_anting_2024.pdf", Decimal("57152900.00")),
        (VETERANS, "city_veterans_service_2026.pdf", Decimal("54837000.00")),
        (DISTRICT, "text/minhang_district_2024.txt", Decimal("17722077.40")),
        ("上海市闵行区颛桥镇城市运行管理中心", "pdf/minhang_zhuanqiao_2023.pdf", Decimal("52998062.20")),
        (LIANTANG, "text/qingpu_liantang_2024.txt", Decimal("66165252.88")),
    ]
    # no row of a held-back document in any fact, nor among the findings
    for table in ("fact_expense", "fact_income", "fact_three_public", "fact_project", "fact_check_result"):
        assert query(
            warehouse,
            f"select count(*) from marts.{table} where document_sha256 in "
            "(select sha256 from landing.held_back)",
        ) == [(0,)], table
    # their raw files are untouched, their parses kept in the landing tables
    raw = gate_runs["raw"]
    assert [_sha(raw / LIANTANG_PDF), _sha(raw / DISTRICT_PDF)] == list(gate_runs["shas"])
    assert query(warehouse, "select count(*) from landing.documents") == [(9,)]


def test_a_kuan_printed_without_xiang_flows_into_the_marts(gate_runs):
    warehouse = gate_runs["held_back"]
    # 20809 退役安置 (tables 2, 3, 5; p. 8, 10, 13) prints 30,604,344 元 with no 项 below it: a leaf
    assert query(
        warehouse,
        """
        select f.subject_code, f.expense_type, f.amount_yuan, f.page
        from marts.fact_expense f join marts.dim_department d using (department_key)
        where d.department_name = ? and f.subject_code like '20809%' and f.fund_scope = 'all_funds'
        order by 1, 2
        """,
        [VETERANS],
    ) == [("20809", "project", Decimal("30604344.00"), 10)]
    # and the layout is reported, once per table, never held back
    assert query(
        warehouse,
        """
        select table_no, subject, figure_a_yuan, figure_b_yuan, page_list from marts.fact_check_result
        where check_name = 'parent_has_children' and outcome = 'fail' order by table_no
        """,
    ) == [
        (2, "20809 退役安置", Decimal("30604344.00"), None, "8"),
        (3, "20809 退役安置", Decimal("30604344.00"), None, "10"),
        (5, "20809 退役安置", Decimal("30604344.00"), None, "13"),
    ]


def test_dagster_shows_a_succeeded_run_with_one_failed_check_naming_the_documents(gate_runs):
    status, evaluations = gate_runs["first_run"]
    assert status == dg.DagsterRunStatus.SUCCESS
    failed = sorted(
        name for name, e in evaluations.items() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    )
    assert failed == ["document_gate"]
    gate = evaluations["document_gate"]
    assert gate.blocking is False
    assert gate.description.startswith(
        f"2 of 9 documents held back, kept out of the marts: {DISTRICT_PDF} (unread_figures), "
        f"{LIANTANG_PDF} (amount_matches_printed)"
    )
    held = gate.metadata["held_back_documents"].value
    assert [(d["document"], d["checks"], d["pages"]) for d in held] == [
        (DISTRICT_PDF, ["unread_figures"], [8]),
        (LIANTANG_PDF, ["amount_matches_printed"], [8]),
    ]
    assert evaluations["no_systemic_failure"].passed and evaluations["no_systemic_failure"].blocking


def test_a_rerun_after_the_fix_releases_the_held_back_documents(gate_runs):
    second, warehouse = gate_runs["second"], gate_runs["released"]
    assert second.success, second.summary()
    assert "  held back: none" in second.summary().splitlines()
    assert query(warehouse, "select count(*) from landing.held_back") == [(0,)]
    assert (
        query(
            warehouse, "select source_file from marts.dim_document where is_selected and file_format = 'text'"
        )
        == []
    )
    assert query(warehouse, EXPENSE_BY_DEPARTMENT)[2] == (DISTRICT, DISTRICT_PDF, Decimal("17722077.40"))
    assert query(warehouse, EXPENSE_BY_DEPARTMENT)[4] == (LIANTANG, LIANTANG_PDF, Decimal("66165252.88"))
    gate = gate_runs["second_gate"]
    assert gate.passed
    assert gate.metadata["released"].value == [DISTRICT_PDF, LIANTANG_PDF]


def test_a_check_failing_for_most_documents_stops_the_run_before_the_marts(gate_runs, monkeypatch):
    root = gate_runs["root"]
    warehouse = root / "systemic" / "budget.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(gate_runs["released"], warehouse)
    marts = "select count(*), sum(amount_yuan) from marts.fact_expense"
    before = query(warehouse, marts)
    with duckdb.connect(str(warehouse)) as con:  # a units bug: every figure stored ten times too large
        con.execute("update landing.cells set amount_yuan = amount_yuan * 10 where amount_yuan <> 0")
    result = _budget_run(monkeypatch, gate_runs["raw"], warehouse, root / "dagster-systemic", "--force")
    assert result.exit_code == 1, result.stdout
    assert (
        "  failed check: landing/held_back:no_systemic_failure — systemic failure, no mart rebuilt: "
        "amount_matches_printed fails for 9 of 9 documents (more than 50% and at least 3): the parser or "
        "the pipeline is wrong, not the documents"
    ) in result.stdout.splitlines()
    assert query(warehouse, marts) == before
    status, evaluations = _last_run(root / "dagster-systemic")
    assert status == dg.DagsterRunStatus.FAILURE
    assert not evaluations["no_systemic_failure"].passed


@pytest.fixture(scope="module")
def nine_pdf_warehouse(tmp_path_factory, worker_id):
    return build_nine_pdf_warehouse(tmp_path_factory, worker_id)


def test_every_seed_and_real_pdf_passes_the_gate(nine_pdf_warehouse):
    """The blocking checks hold for correct parses of real documents: none of the nine is held back."""
    assert query(nine_pdf_warehouse, "select count(*) from landing.held_back") == [(0,)]
    assert query(nine_pdf_warehouse, "select status, count(*) from marts.dim_document group by 1") == [
        ("loaded", 9)
    ]
