"""The reported checks are evaluated only for the documents that need it, a batch at a time.

Works on a copy of the warehouse the real main job built from the embedded corpus, with the
real store functions: which documents are stale, what re-evaluating one writes, what leaves.
"""

from __future__ import annotations

import contextlib
import shutil

import duckdb

from orchestration.quality.check_results_table import (
    CHECKS_VERSION,
    landing_to_check_results,
    prune_results,
    stale_documents,
    write_results,
)
from orchestration.quality.figures import load_documents
from orchestration.quality.identities import evaluate_all

RESULT_COLUMNS = (
    "sha256, seq, check_name, outcome, table_no, subject, column_label, figure_a, figure_b, difference, "
    "allowance, terms, pages, lines, message"
)
DISTRICT = "pdf/minhang_district_2024.pdf"


def _copy(embedded_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(embedded_warehouse, copy)
    return duckdb.connect(str(copy))


def _results(con, sha=None):
    where = "" if sha is None else f" where sha256 = '{sha}'"
    return con.execute(
        f"select {RESULT_COLUMNS} from landing.check_results{where} order by sha256, seq"
    ).fetchall()


def test_after_a_run_no_document_is_stale_and_every_result_carries_the_checks_version(
    embedded_warehouse, tmp_path
):
    with _copy(embedded_warehouse, tmp_path) as con:
        assert stale_documents(con) == []
        assert con.execute("select distinct checks_version from landing.check_results").fetchall() == [
            (CHECKS_VERSION,)
        ]
        (documents,) = con.execute("select count(*) from landing.documents").fetchone()
        assert documents == 8


def test_a_document_parsed_again_is_the_only_one_checked_again_and_gets_the_same_results(
    embedded_warehouse, tmp_path
):
    with _copy(embedded_warehouse, tmp_path) as con:
        (sha,) = con.execute(
            "select sha256 from landing.documents where source_file = ?", [DISTRICT]
        ).fetchone()
        others_before = con.execute(
            "select sha256, seq, checked_at from landing.check_results where sha256 <> ? order by 1, 2", [sha]
        ).fetchall()
        mine_before = _results(con, sha)
        # the parse wrote this document again after its results
        con.execute(
            "update landing.documents set parsed_at = (select max(checked_at) from landing.check_results "
            "where sha256 = $1) + interval 1 millisecond where sha256 = $1",
            [sha],
        )
        assert stale_documents(con) == [sha]
        write_results(con, [sha], evaluate_all(load_documents(con, [sha])))
        assert stale_documents(con) == []
        assert _results(con, sha) == mine_before  # the same figures, the same findings
        # the district's printed inconsistencies are still there (208 .40 vs .00, and 212 mirrored)
        assert any(r[3] == "fail" for r in mine_before)
        assert (
            con.execute(
                "select sha256, seq, checked_at from landing.check_results where sha256 <> ? order by 1, 2",
                [sha],
            ).fetchall()
            == others_before
        )


def test_other_check_code_makes_every_document_stale_and_a_batch_replaces_only_its_documents(
    embedded_warehouse, tmp_path
):
    with _copy(embedded_warehouse, tmp_path) as con:
        everything = _results(con)
        con.execute("update landing.check_results set checks_version = 'older code'")
        stale = stale_documents(con)
        assert len(stale) == 8
        first, rest = stale[:3], stale[3:]
        write_results(con, first, evaluate_all(load_documents(con, first)))
        assert stale_documents(con) == rest  # in file order, the batch written is no longer stale
        write_results(con, rest, evaluate_all(load_documents(con, rest)))
        assert stale_documents(con) == [] and _results(con) == everything


def test_results_of_a_document_gone_from_the_landing_tables_are_pruned(embedded_warehouse, tmp_path):
    with _copy(embedded_warehouse, tmp_path) as con:
        (sha,) = con.execute(
            "select sha256 from landing.documents where source_file = ?", [DISTRICT]
        ).fetchone()
        mine = len(_results(con, sha))
        total = len(_results(con))
        con.execute("delete from landing.documents where sha256 = ?", [sha])
        assert prune_results(con) == mine > 0
        assert len(_results(con)) == total - mine and _results(con, sha) == []
        assert prune_results(con) == 0


def test_the_step_checks_the_stale_document_drops_the_gone_one_and_counts_the_table(
    embedded_warehouse, tmp_path
):
    copy = tmp_path / "step.duckdb"
    shutil.copy(embedded_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        (stale,), (gone,) = con.execute(
            "select sha256 from landing.documents order by source_file limit 2"
        ).fetchall()
        con.execute(
            "update landing.check_results set checks_version = 'older code' where sha256 = ?", [stale]
        )
        gone_results = len(_results(con, gone))
        con.execute("delete from landing.documents where sha256 = ?", [gone])
    run = landing_to_check_results(
        copy, lambda: contextlib.closing(duckdb.connect(str(copy))), listed_fails=3
    )
    with duckdb.connect(str(copy)) as con:
        assert run.checked == 1 and sum(run.this_run.values()) == len(_results(con, stale))
        assert run.removed == gone_results > 0
        assert sum(run.outcomes.values()) == len(_results(con)) and run.documents == 7
        assert len(run.failed) == min(3, run.outcomes["fail"]) and stale_documents(con) == []
