"""The per-document gate: a damaged parse holds back exactly its document; a publisher's layout never does.

The damage is done to a copy of the warehouse the real main job built from the embedded corpus; the
gate runs the committed GE suites on the frames of ``structure`` (as the ``landing/held_back`` asset
does). Damage that a correct parse can never show (a misread digit, a unit mislabelled, a malformed
code, a duplicate cell, a figure the parser could not read) holds the document back; what a publisher
may print (a 款 without 项, a row without its parent, a table left out) is reported instead.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.quality.figures import load_documents
from orchestration.quality.gate import GateOutcome, Hold, evaluate_gate
from orchestration.quality.gx_runner import validate
from orchestration.quality.identities import evaluate
from orchestration.quality.structure import reread

DISTRICT = "pdf/minhang_district_2024.pdf"
LIANTANG = "pdf/qingpu_liantang_2024.pdf"
DOC = f"(select sha256 from landing.documents where source_file = '{DISTRICT}')"

# Damage a correct parse never shows, as SQL on the landing tables: held back.
BLOCKING_DAMAGES = {
    # 2080502 事业单位离退休 基本支出 printed 121,500.00, read 121,590.00
    "misread_digit": f"update landing.cells set amount_yuan = 121590 where sha256 = {DOC} and table_no = 3 "
    "and code = '2080502' and column_label = '基本支出'",
    # table 8's cells labelled 万元 while their table says 元 (and the figures were read in 元)
    "unit_mislabelled": f"update landing.cells set unit = '万元' where sha256 = {DOC} and table_no = 8",
    # table 8 printed in 元 but read as 万元 throughout: table, cells and figures (× 10,000) agree
    "table_unit_misread": f"""
        update landing.tables set unit = '万元' where sha256 = {DOC} and table_no = 8;
        update landing.cells set unit = '万元', amount_yuan = amount_yuan * 10000 where sha256 = {DOC} and table_no = 8;
    """,
    # a required table lost between parse and load
    "required_table_missing": f"delete from landing.tables where sha256 = {DOC} and table_no = 5",
    # a code the parser could never have produced
    "malformed_code": f"update landing.cells set code = '2l2' where sha256 = {DOC} and table_no = 3 and code = '212'",
    # one figure read twice
    "duplicate_cell": f"""insert into landing.cells select * replace (seq + 100000 as seq) from landing.cells
        where sha256 = {DOC} and table_no = 5 and code = '212' and column_label = '合计'""",
    # a figure printed in table 3 that the parser recorded as unread
    "unread_figure": f"""insert into landing.parse_problems select sha256, 0, 'unread_figures',
        'table 3 prints 121,500.00 in row 2080502 事业单位离退休: read by no cell', 3, 8, null, '121,500.00'
        from landing.documents where sha256 = {DOC}""",
    # the year read from the wrong line
    "year_misread": f"update landing.documents set fiscal_year = 3024 where sha256 = {DOC}",
}
# damage -> the checks it trips (every one of them, exactly)
TRIPS = {
    "misread_digit": {"amount_matches_printed"},
    "unit_mislabelled": {"amount_matches_printed", "unit_matches_table"},
    "table_unit_misread": {"same_scale_as_table3"},
    # the cells of the lost table no longer have its unit
    "required_table_missing": {"required_table_present", "unit_matches_table"},
    "malformed_code": {"code_digits", "code_well_formed"},
    "duplicate_cell": {"no_duplicate_cell"},
    "unread_figure": {"unread_figures"},
    "year_misread": {"fiscal_year_plausible"},
}
# What a publisher may print, as the same SQL: never held back, reported as a layout finding.
PUBLISHER_LAYOUTS = {
    # table 3 lists a 项 fewer than table 2
    "subject_in_twin_table": f"delete from landing.cells where sha256 = {DOC} and table_no = 3 and code = '2080502'",
    # a 款 printed without its only 项
    "parent_has_children": f"delete from landing.cells where sha256 = {DOC} and table_no = 5 and code = '2120199'",
    # 项 rows printed without their 款
    "parent_printed_above": f"delete from landing.cells where sha256 = {DOC} and table_no = 3 and code = '20805'",
    # a row printing its parts but not its total
    "row_total_printed": f"delete from landing.cells where sha256 = {DOC} and table_no = 3 and code = '212' "
    "and column_label = '合计'",
    # table 6 left out of the document
    "table_printed": f"delete from landing.tables where sha256 = {DOC} and table_no = 6",
}


def _damaged_copy(warehouse: Path, tmp_path: Path, sql: str, name: str = "damaged") -> Path:
    copy = tmp_path / f"{name}.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(sql)
    return copy


def _gate(warehouse: Path, batch_documents: int | None = None) -> GateOutcome:
    with duckdb.connect(str(warehouse)) as con:
        return evaluate_gate(con, batch_documents=batch_documents)


def test_every_corpus_document_passes_the_gate(embedded_warehouse, tmp_path):
    outcome = _gate(_damaged_copy(embedded_warehouse, tmp_path, "select 1"))
    assert outcome.evaluated == 8
    assert outcome.holds == [] and outcome.unattributed == [] and outcome.systemic() == []


@pytest.mark.parametrize("damage", sorted(BLOCKING_DAMAGES))
def test_a_damaged_parse_holds_back_exactly_its_document(embedded_warehouse, tmp_path, damage):
    outcome = _gate(_damaged_copy(embedded_warehouse, tmp_path, BLOCKING_DAMAGES[damage]))
    assert {h.source_file for h in outcome.holds} == {DISTRICT}
    assert {h.check for h in outcome.holds} == TRIPS[damage]
    assert outcome.systemic() == []  # one document of eight


def test_a_hold_names_the_rows_pages_and_printed_text(embedded_warehouse, tmp_path):
    outcome = _gate(_damaged_copy(embedded_warehouse, tmp_path, BLOCKING_DAMAGES["misread_digit"]))
    (hold,) = outcome.holds
    assert (hold.check, hold.suite, hold.rows, hold.tables, hold.pages, hold.printed) == (
        "amount_matches_printed",
        "landing_cells",
        1,
        {3},
        {8},
        ["121,500.00"],
    )
    assert hold.message == (
        "amount_matches_printed: 1 failing, e.g. table 3 2080502 事业单位离退休 · 基本支出: "
        "printed '121,500.00' 元, stored 121590.00 yuan (p. 8)"
    )
    problem = _gate(_damaged_copy(embedded_warehouse, tmp_path, BLOCKING_DAMAGES["unread_figure"], "problem"))
    (hold,) = problem.holds
    assert (hold.check, hold.suite, hold.pages, hold.printed) == (
        "unread_figures",
        "parse_problems",
        {8},
        ["121,500.00"],
    )
    assert hold.message == (
        "unread_figures: 1 failing, e.g. table 3 prints 121,500.00 in row 2080502 事业单位离退休: "
        "read by no cell (p. 8)"
    )


@pytest.mark.parametrize("check", sorted(PUBLISHER_LAYOUTS))
def test_a_publishers_layout_is_reported_never_held_back(embedded_warehouse, tmp_path, check):
    copy = _damaged_copy(embedded_warehouse, tmp_path, PUBLISHER_LAYOUTS[check])
    assert _gate(copy).holds == []
    with duckdb.connect(str(copy), read_only=True) as con:
        sha = con.execute(DOC[1:-1]).fetchone()[0]
        (doc,) = load_documents(con, [sha])
    failed = {r.check for r in evaluate(doc) if r.outcome == "fail"}
    assert check in failed


def test_the_gate_validated_one_document_at_a_time_finds_exactly_what_it_finds_at_once(
    embedded_warehouse, tmp_path
):
    """The gate validates a batch of documents at a time to bound its memory: with batches of one
    document, damage in two documents is held back exactly as when every document is validated at once."""
    sql = ";".join(
        [
            BLOCKING_DAMAGES["unit_mislabelled"],
            BLOCKING_DAMAGES["duplicate_cell"],
            BLOCKING_DAMAGES["unread_figure"],
            BLOCKING_DAMAGES["misread_digit"].replace(DISTRICT, LIANTANG).replace("121590", "208425"),
        ]
    )
    copy = _damaged_copy(embedded_warehouse, tmp_path, sql)

    def key(outcome: GateOutcome):
        return sorted((h.source_file, h.check, h.rows, h.pages, h.message) for h in outcome.holds)

    whole, batched = _gate(copy), _gate(copy, batch_documents=1)
    assert key(batched) == key(whole)
    assert {(h.source_file, h.check) for h in whole.holds} == {
        (DISTRICT, "amount_matches_printed"),
        (DISTRICT, "unit_matches_table"),
        (DISTRICT, "no_duplicate_cell"),
        (DISTRICT, "unread_figures"),
        (LIANTANG, "amount_matches_printed"),
    }


def _holds(check: str, documents: int) -> list[Hold]:
    return [Hold(f"sha{i}", f"file{i}.pdf", check, "landing_cells", rows=1) for i in range(documents)]


@pytest.mark.parametrize(
    ("failing", "evaluated", "systemic"),
    [
        (3, 5, True),  # more than half, and three
        (3, 6, False),  # half is not most
        (2, 3, False),  # most, but two documents are two documents
        (1, 1, False),
        (10, 19, True),
    ],
)
def test_a_check_failing_for_most_documents_is_systemic(failing, evaluated, systemic):
    outcome = GateOutcome(
        files={f"sha{i}": f"file{i}.pdf" for i in range(evaluated)},
        holds=_holds("amount_matches_printed", failing) + _holds("unread_figures", 1),
    )
    assert [s.check for s in outcome.systemic()] == (["amount_matches_printed"] if systemic else [])
    assert len(outcome.held_back) == failing


def test_a_failure_naming_no_document_is_systemic():
    outcome = GateOutcome(files={"sha0": "a.pdf"}, unattributed=["no_duplicate_cell"])
    (systemic,) = outcome.systemic()
    assert systemic.message == "no_duplicate_cell: failed without naming a document (a broken suite or frame)"


@pytest.mark.parametrize(
    ("printed", "unit", "yuan"),
    [
        ("66,165,252.88", "元", Decimal("66165252.88")),
        ("5, 370. 00", "万元", Decimal("53700000.00")),
        ("125360,898", "元", Decimal(125360898)),  # a misplaced separator, as text layers print it
        ("１２，３４５", "元", Decimal(12345)),  # full-width digits and comma
        ("(1,234.00)", "元", Decimal("-1234.00")),
        ("（1,200.00）", "元", Decimal("-1200.00")),  # full-width brackets
        ("1 234 567", "元", Decimal(1234567)),  # a space as thousands separator
        ("1,2345,678", "元", Decimal(12345678)),  # separators misplaced
        ("41. 08", "万元", Decimal(410800)),  # a space an extraction left after the point
        ("−12.5", "万元", Decimal("-125000.0")),
        ("-", "元", Decimal(0)),
        ("—", "万元", Decimal(0)),
        ("12a,345", "元", None),
        ("1234,56", "元", None),  # a decimal comma or a lost digit: never guessed
        ("1e5", "元", None),
        ("NaN", "元", None),
        ("", "元", None),
        ("5370.00", None, None),
        ("5370.00", "千元", None),
    ],
)
def test_a_printed_figure_is_read_again_by_the_parsers_number_reader(printed, unit, yuan):
    assert reread(printed, unit) == yuan


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


def test_mart_suites_validated_one_document_at_a_time_find_exactly_what_the_whole_frame_finds(
    embedded_warehouse, tmp_path, monkeypatch
):
    """The mart check step validates BATCH_DOCUMENTS documents at a time: with batches of one
    document, an orphan fact row is reported exactly as when the whole frame is validated at once."""
    from orchestration.quality import mart_suites

    copy = tmp_path / "several.duckdb"
    shutil.copy(embedded_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        # a fact row that lost its document
        con.execute(
            "update marts.fact_expense set document_sha256 = null "
            "where expense_fact_id = (select min(expense_fact_id) from marts.fact_expense)"
        )
    monkeypatch.setattr(mart_suites, "BATCH_DOCUMENTS", 1)
    with duckdb.connect(str(copy), read_only=True) as con:
        _, query, index = mart_suites.MART_SUITES["mart_fact_expense"]
        whole = validate("mart_fact_expense", con.execute(query).df(), index)
        batched = mart_suites.validate_mart_suite(con, "mart_fact_expense")
    assert not whole.success  # the orphan row is not from a selected document
    assert _outcome_key(batched) == _outcome_key(whole)
