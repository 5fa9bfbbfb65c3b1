"""Blocking checks: a damaged parse (a dropped row, a shifted column, a mislabelled unit) stops the marts.

The damage is done to a copy of the warehouse the real main job built from the embedded corpus;
the suites are the committed GE suites, run on the frames the Dagster check builds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.quality.gx_runner import validate
from orchestration.quality.structure import INDEX_COLUMNS, cells_frame, tables_frame
from tests.conftest import EMBEDDED_RAW

DISTRICT = "pdf/minhang_district_2024.pdf"
DOC = f"(select sha256 from landing.documents where source_file = '{DISTRICT}')"

# Each damage is SQL on the landing tables, as a broken parse would have left them.
DAMAGES = {
    # a 项 row lost from table 3: table 2 still prints 2080502 事业单位离退休
    "dropped_row": f"delete from landing.cells where sha256 = {DOC} and table_no = 3 and code = '2080502'",
    # the only 项 of 21201 lost from table 5: the 款 is left without children
    "dropped_only_child": f"delete from landing.cells where sha256 = {DOC} and table_no = 5 and code = '2120199'",
    # row 212 of table 3 read one column to the right: 合计 → 基本支出 → 项目支出, the last figure lost
    "shifted_column": f"""
        delete from landing.cells where sha256 = {DOC} and table_no = 3 and code = '212' and column_label = '项目支出';
        update landing.cells set column_label = case column_label when '合计' then '基本支出' else '项目支出' end
        where sha256 = {DOC} and table_no = 3 and code = '212';
    """,
    # table 8's cells labelled 万元 while their table says 元 (and the figures were read in 元)
    "unit_mislabelled": f"update landing.cells set unit = '万元' where sha256 = {DOC} and table_no = 8",
    # table 8 printed in 元 but read as 万元 throughout: table, cells and figures (× 10,000) agree with each other
    "table_unit_misread": f"""
        update landing.tables set unit = '万元' where sha256 = {DOC} and table_no = 8;
        update landing.cells set unit = '万元', amount_yuan = amount_yuan * 10000 where sha256 = {DOC} and table_no = 8;
    """,
    # table 6 missing altogether (not even recorded as empty)
    "table_missing": f"delete from landing.tables where sha256 = {DOC} and table_no = 6",
}
# damage -> (suite, the expectation column that trips)
TRIPS = {
    "dropped_row": ("landing_cells", "subject_in_twin_table"),
    "dropped_only_child": ("landing_cells", "parent_has_children"),
    "shifted_column": ("landing_cells", "row_total_printed"),
    "unit_mislabelled": ("landing_cells", "amount_matches_printed"),
    "table_unit_misread": ("landing_tables", "same_scale_as_table3"),
    "table_missing": ("landing_tables", "present"),
}


def _damaged_copy(warehouse: Path, tmp_path: Path, damage: str) -> Path:
    copy = tmp_path / f"{damage}.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(DAMAGES[damage])
    return copy


def _validate(warehouse: Path, suite: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = cells_frame(con) if suite == "landing_cells" else tables_frame(con)
    return validate(suite, frame, INDEX_COLUMNS[suite])


def test_the_corpus_passes_every_blocking_suite(embedded_warehouse):
    for suite in ("landing_cells", "landing_tables"):
        outcome = _validate(embedded_warehouse, suite)
        assert outcome.success, outcome.summary()


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_parse_trips_a_blocking_expectation_naming_the_document(
    embedded_warehouse, tmp_path, damage
):
    suite, column = TRIPS[damage]
    outcome = _validate(_damaged_copy(embedded_warehouse, tmp_path, damage), suite)
    assert not outcome.success
    tripped = {f.column: f for f in outcome.failures}
    assert column in tripped, outcome.summary()
    assert {row["source_file"] for row in tripped[column].rows} == {DISTRICT}


def test_a_unit_mislabelled_also_breaks_the_unit_of_its_table(embedded_warehouse, tmp_path):
    outcome = _validate(_damaged_copy(embedded_warehouse, tmp_path, "unit_mislabelled"), "landing_cells")
    tripped = {f.column: f for f in outcome.failures}
    assert set(tripped) == {"amount_matches_printed", "unit_matches_table"}
    # the 合计 row, 合计 column of table 8 is among the rows named
    total = {
        "source_file": DISTRICT,
        "table_no": 8,
        "code": None,
        "name": "合计",
        "column_label": "合计",
        "locator": "p. 13",
        "unit_matches_table": False,
    }
    assert total in tripped["unit_matches_table"].rows
    assert len(tripped["unit_matches_table"].rows) == tripped["unit_matches_table"].unexpected_count


def test_a_dropped_row_stops_the_marts_and_the_run_names_the_document(embedded_warehouse, tmp_path):
    import dagster as dg

    from orchestration.defs.resources import RawStore, Warehouse
    from orchestration.pipeline import run_main_job

    warehouse = _damaged_copy(embedded_warehouse, tmp_path, "dropped_row")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute("select count(*), sum(amount_yuan) from marts.fact_expense").fetchone()
        results_before = con.execute("select count(*) from marts.fact_check_result").fetchone()
    raw = shutil.copytree(EMBEDDED_RAW, tmp_path / "raw")
    with dg.DagsterInstance.ephemeral() as instance:
        outcome = run_main_job(
            resources={"raw_store": RawStore(path=str(raw)), "warehouse": Warehouse(path=str(warehouse))},
            instance=instance,
        )
        evaluations = [
            e.dagster_event.event_specific_data
            for e in instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
    assert not outcome.success
    assert "landing/cells:landing_cells" in outcome.failed_checks
    blocked = ("fact_expense", "stg_cells", "fact_check_result", "landing/check_results", "quality_report")
    assert not any(key in outcome.materialized for key in blocked)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*), sum(amount_yuan) from marts.fact_expense").fetchone() == before
        assert con.execute("select count(*) from marts.fact_check_result").fetchone() == results_before
    # the failed check says which document it blocks, and why
    cells = next(e for e in evaluations if e.check_name == "landing_cells")
    assert cells.metadata["blocked_documents"].value == [DISTRICT]
    assert "subject_in_twin_table" in cells.description and DISTRICT in cells.description


def test_a_mart_row_naming_an_unknown_document_trips_the_references_suite(embedded_warehouse, tmp_path):
    from orchestration.quality.structure import mart_references_frame

    copy = tmp_path / "orphan.duckdb"
    shutil.copy(embedded_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        assert validate(
            "mart_document_references", mart_references_frame(con), ["mart", "source_file"]
        ).success
        # a mart added later, with one row naming a file no dim_document row describes
        con.execute("create table marts.fact_later as select 'f' || repeat('0', 63) as document_sha256")
        outcome = validate("mart_document_references", mart_references_frame(con), ["mart", "source_file"])
    assert not outcome.success
    (failure,) = outcome.failures
    assert failure.rows == [{"document_known": False, "mart": "fact_later", "source_file": "f" + "0" * 63}]


def _outcome_key(outcome):
    return (
        outcome.success,
        outcome.rows,
        [(e.expectation, e.column, e.success, e.unexpected_count, e.rows) for e in outcome.expectations],
    )


def test_suites_validated_one_document_at_a_time_find_exactly_what_the_whole_frame_finds(
    embedded_warehouse, tmp_path, monkeypatch
):
    """The check step validates BATCH_DOCUMENTS documents at a time to bound its memory: with
    batches of one document, damage in two documents and an orphan fact row are reported exactly
    as when the whole frame is validated at once."""
    from orchestration.defs import checks

    copy = tmp_path / "several.duckdb"
    shutil.copy(embedded_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        for damage in ("dropped_row", "unit_mislabelled", "table_missing"):
            con.execute(DAMAGES[damage])
        con.execute(
            "update landing.cells set unit = '万元' where table_no = 8 and sha256 = "
            "(select sha256 from landing.documents where source_file = 'pdf/qingpu_liantang_2024.pdf')"
        )
        # a fact row that lost its document, and one of a file that is not the selected one
        con.execute(
            "update marts.fact_expense set document_sha256 = null where expense_fact_id = (select min(expense_fact_id) from marts.fact_expense)"
        )
    monkeypatch.setattr(checks, "BATCH_DOCUMENTS", 1)
    with duckdb.connect(str(copy), read_only=True) as con:
        documents = checks._landing_documents(con)
        assert len(documents) == 8
        failing = set()
        for suite, whole_frame, build in (
            ("landing_cells", cells_frame(con), lambda c, shas, first: cells_frame(c, shas)),
            ("landing_tables", tables_frame(con), lambda c, shas, first: tables_frame(c, shas)),
        ):
            whole = validate(suite, whole_frame, INDEX_COLUMNS[suite])
            batched = checks._validate_in_batches(con, suite, build, documents, INDEX_COLUMNS[suite])
            assert not whole.success
            assert _outcome_key(batched) == _outcome_key(whole), suite
            failing |= {row["source_file"] for f in batched.failures for row in f.rows}
        assert failing == {DISTRICT, "pdf/qingpu_liantang_2024.pdf"}
        _, query, index = checks.MART_SUITES["mart_fact_expense"]
        facts = [
            sha
            for (sha,) in con.execute(
                f"select distinct document_sha256 from ({query}) q where document_sha256 is not null order by 1"
            ).fetchall()
        ]
        whole = validate("mart_fact_expense", con.execute(query).df(), index)
        batched = checks._validate_in_batches(
            con, "mart_fact_expense", checks._mart_frame(query), facts, index
        )
        assert not whole.success  # the orphan row is not from a selected document
        assert _outcome_key(batched) == _outcome_key(whole)
