"""The main job end to end on the embedded corpus: real parse, real dbt on a real DuckDB file."""

from __future__ import annotations

import shutil
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import EMBEDDED_RAW, REPO, query
from tests.warehouse_builds import run_pipeline

pytestmark = pytest.mark.long_running

LIANTANG = "上海市青浦区练塘镇城市运行管理中心"
ANTING = "上海市嘉定区安亭镇城市运行管理中心"


def test_every_file_is_parsed_and_each_disclosure_selected_once(embedded_warehouse):
    rows = query(
        embedded_warehouse,
        "select file_format, count(*), count(*) filter (where is_selected) from marts.dim_document group by 1 order by 1",
    )
    # both representations are kept; only the four PDFs represent their disclosures
    assert rows == [("pdf", 4, 4), ("text", 4, 0)]
    assert query(embedded_warehouse, "select count(*) from landing.quarantine") == [(0,)]


def test_fact_expense_rolls_up_to_the_printed_class_figures(embedded_warehouse):
    # 练塘镇 2024, table 3, 212 城乡社区支出: 基本支出 8,294,228.88, 项目支出 42,342,000.00 (元)
    rows = query(
        embedded_warehouse,
        """
        select f.expense_type, sum(f.amount_yuan)
        from marts.fact_expense f
        join marts.dim_department d using (department_key)
        join marts.dim_subject s using (subject_code)
        where d.department_name = ? and f.fiscal_year = 2024 and f.fund_scope = 'all_funds'
          and s.class_code = '212'
        group by 1 order by 1
        """,
        [LIANTANG],
    )
    assert rows == [("basic", Decimal("8294228.88")), ("project", Decimal("42342000.00"))]


def test_default_filter_counts_each_yuan_once(embedded_warehouse):
    # Σ fact_expense (all_funds) per disclosure equals table 3's printed 合计 — the text twin is not added.
    totals = dict(
        query(
            embedded_warehouse,
            """
            select d.department_name, sum(f.amount_yuan)
            from marts.fact_expense f join marts.dim_department d using (department_key)
            where f.fund_scope = 'all_funds'
            group by 1
            """,
        )
    )
    assert totals[ANTING] == Decimal("57152900.00")  # printed 5715.29 万元
    assert totals[LIANTANG] == Decimal("66165252.88")
    printed_totals = dict(
        query(
            embedded_warehouse,
            """
            select d.department_name, c.amount_yuan
            from landing.cells c join marts.dim_document d on d.document_sha256 = c.sha256
            where d.is_selected and c.table_no = 3 and c.code is null and c.column_label = '合计'
            """,
        )
    )
    assert len(printed_totals) == 4
    assert totals == printed_totals


def test_a_broken_staging_row_holds_back_its_document_and_the_marts_are_built(embedded_warehouse, tmp_path):
    warehouse = tmp_path / "broken.duckdb"
    shutil.copy(embedded_warehouse, warehouse)
    anting_pdf = "pdf/jiading_anting_2024.pdf"
    with duckdb.connect(str(warehouse)) as con:
        # cells the parser could never have produced, in one document: a malformed code, a duplicate cell
        document = f"(select sha256 from landing.documents where source_file = '{anting_pdf}')"
        con.execute(
            f"""
            insert into landing.cells select * replace (seq + 100000 as seq, '2l2' as code, amount_yuan * 10 as amount_yuan)
            from landing.cells where sha256 = {document} and table_no = 3 and code = '212' and column_label = '合计'
            """
        )
        con.execute(
            f"insert into landing.cells select * replace (seq + 200000 as seq) from landing.cells "
            f"where sha256 = {document} and table_no = 5 and code = '212' and column_label = '合计'"
        )
    outcome = run_pipeline(shutil.copytree(EMBEDDED_RAW, tmp_path / "raw"), warehouse)
    assert outcome.success and outcome.failed_checks == [], outcome.summary()
    assert "fact_expense" in outcome.materialized
    lines = outcome.summary().splitlines()
    assert (
        "  held back: 1 document (amount_matches_printed 1, code_digits 1, code_well_formed 1, no_duplicate_cell 1): "
        "kept out of the marts, raw files untouched; a run after a parser fix, or budget run --retry SHA256, "
        "releases those that pass"
    ) in lines
    (reasons,) = [line for line in lines if line.startswith(f"    {anting_pdf}: ")]
    misread = "table 3 2l2 城乡社区支出 · 合计: printed '5614.35' 万元, stored 561435000.00 yuan (p. 7)"
    assert reasons.startswith(
        f"    {anting_pdf}: amount_matches_printed: 1 failing, e.g. {misread}; code_digits: "
    )
    assert (
        "no_duplicate_cell: 2 failing, e.g. table 5 212 城乡社区支出 · 合计: printed '5269.06' 万元"
        in reasons
    )
    assert query(
        warehouse, "select check_name, failing_rows, tables, pages from landing.held_back order by 1"
    ) == [
        ("amount_matches_printed", 1, "3", "7"),
        ("code_digits", 1, "3", "7"),
        ("code_well_formed", 1, "3", "7"),
        ("no_duplicate_cell", 2, "5", "9"),
    ]
    # its disclosure is represented by its text extraction; the marts hold every other document
    assert query(
        warehouse,
        "select source_file, status, is_selected from marts.dim_document where source_file like '%anting%' order by 1",
    ) == [(anting_pdf, "held_back", False), ("text/jiading_anting_2024.txt", "loaded", True)]
    assert query(warehouse, "select count(distinct document_sha256) from marts.fact_expense") == [(4,)]


def test_an_unchanged_rerun_does_nothing_and_force_rebuilds_the_same(embedded_warehouse, tmp_path):
    raw = embedded_warehouse.parent.parent / "raw"  # the folder the fixture's run read
    warehouse = tmp_path / "copy.duckdb"
    shutil.copy(embedded_warehouse, warehouse)
    marts = "select count(*), sum(amount_yuan) from marts.fact_expense"
    before = query(warehouse, marts)
    results = "select sha256, seq, check_name, outcome, figure_a, figure_b, checked_at from landing.check_results order by 1, 2"
    results_before = query(warehouse, results)

    skipped = run_pipeline(raw, warehouse)
    assert skipped.success and skipped.up_to_date and skipped.materialized == []
    assert skipped.summary().startswith("up to date:")

    forced = run_pipeline(raw, warehouse, force=True)
    assert forced.success and not forced.up_to_date
    assert "fact_expense" in forced.materialized
    assert query(warehouse, marts) == before
    # the checks were not evaluated again: no document changed (same rows, same checked_at)
    assert len(results_before) > 500 and query(warehouse, results) == results_before


def test_old_dbt_invocation_folders_are_pruned(tmp_path):
    import os

    from orchestration.defs.dbt import prune_dbt_targets

    for i in range(14):
        folder = tmp_path / f"budget_dbt_models-{i:07d}-abcdef0"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_700_000_000 + i, 1_700_000_000 + i))
    (tmp_path / "manifest.json").write_text("{}")  # dbt's own files stay
    removed = prune_dbt_targets(tmp_path, keep=10)
    assert sorted(p.name for p in removed) == [f"budget_dbt_models-{i:07d}-abcdef0" for i in range(4)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        *(f"budget_dbt_models-{i:07d}-abcdef0" for i in range(4, 14)),
        "manifest.json",
    ]


def test_dbt_commands_read_the_installed_dbt_version_instead_of_running_dbt_version(monkeypatch, tmp_path):
    """dagster-dbt runs ``dbt --version`` before every dbt command (about 7 s: all of dbt imported and
    PyPI asked for the latest release); for the dbt beside this Python, ours reads dbt-core's metadata."""
    from importlib.metadata import version

    import dagster_dbt.core.resource as dagster_dbt_resource
    from packaging.version import Version

    from orchestration.defs.project import BudgetDbtCliResource, dbt_cli

    def no_subprocess(command, *args, **kwargs):
        raise AssertionError(f"ran {command}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    assert dbt_cli()._cli_version == Version(version("dbt-core"))
    # another dbt (not beside this Python) is asked, as dagster-dbt does
    other_dbt = tmp_path / "dbt"
    other_dbt.write_text("#!/bin/sh\n")
    other_dbt.chmod(0o755)
    elsewhere = BudgetDbtCliResource(project_dir=str(REPO / "dbt_project"), dbt_executable=str(other_dbt))
    with pytest.raises(AssertionError, match=str(other_dbt)):
        elsewhere._cli_version  # noqa: B018 — the property runs the command
