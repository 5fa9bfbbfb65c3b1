"""The benchmark's corpus generator: distinct documents the real parser reads into the intended figures."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from bench.disclosure import LAYOUTS, UNITS, to_wan
from bench.generate import generate
from orchestration.parsing import parse_document

SEED = 7
# Six documents: every layout in 元 and in 万元.
N_DOCS = len(LAYOUTS) * len(UNITS)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    docs = generate(out, N_DOCS, seed=SEED)
    return out, docs, {d.doc_id: parse_document(out / f"{d.doc_id}.pdf") for d in docs}


def _grand_totals(parsed) -> dict[int, Decimal]:
    """Table number → the grand total the parser read (收入总计 of 1/4, 合计 row of 2/3/5/8, 合计 of 9)."""
    got: dict[int, Decimal] = {}
    for c in parsed.cells:
        if (
            c.table_no in (1, 4)
            and c.section == "income"
            and c.name == "收入总计"
            or c.table_no in (2, 3, 5, 8)
            and c.code is None
            and c.name == "合计"
            and c.column == "合计"
        ):
            got[c.table_no] = Decimal(c.amount_yuan)
        elif c.table_no == 9 and c.column == "合计":
            got[9] = Decimal(c.amount_yuan)
    return got


def test_every_layout_and_unit_is_generated(corpus):
    _, docs, _ = corpus
    assert {(d.layout, d.unit) for d in docs} == {(lay, u) for lay in LAYOUTS for u in UNITS}


def test_documents_are_distinct(corpus):
    out, docs, _ = corpus
    shas = {hashlib.sha256((out / f"{d.doc_id}.pdf").read_bytes()).hexdigest() for d in docs}
    assert len(shas) == N_DOCS
    assert len({(d.department, d.year) for d in docs}) == N_DOCS


def test_generation_is_deterministic(corpus, tmp_path):
    out, _, _ = corpus
    again = generate(tmp_path, 2, seed=SEED)
    for d in again:
        assert (tmp_path / f"{d.doc_id}.pdf").read_bytes() == (out / f"{d.doc_id}.pdf").read_bytes()


def test_generated_figures_are_consistent(corpus):
    _, docs, _ = corpus
    for d in docs:
        totals = d.expected_totals()
        assert totals[1] == totals[2] == totals[3] == d.basic + d.project
        assert totals[4] == totals[5] == totals[3] - d.other_income
        assert totals[8] == sum((e.personnel + e.public for e in d.economic), Decimal(0)) == d.basic
        if d.unit == "万元":  # every figure prints exactly at 0.01 万元
            assert all(i.total % 100 == 0 for i in d.items)


def test_parser_reads_the_intended_totals(corpus):
    _, docs, parsed = corpus
    for d in docs:
        want = {k: v for k, v in d.expected_totals().items() if v}
        assert _grand_totals(parsed[d.doc_id]) == want, (d.doc_id, d.layout, d.unit)


def test_parser_reads_the_metadata(corpus):
    _, docs, parsed = corpus
    for d in docs:
        meta = parsed[d.doc_id].document
        assert (meta.department, meta.district, meta.town, meta.level, meta.fiscal_year) == (
            d.department,
            d.district,
            d.town,
            d.level,
            d.year,
        )
        assert [t.unit for t in parsed[d.doc_id].tables if t.table_no < 9] == [d.unit] * 8


def test_class_rows_agree_across_tables(corpus):
    _, docs, parsed = corpus
    for d in docs:
        cells = parsed[d.doc_id].cells
        table3 = {
            c.code: Decimal(c.amount_yuan)
            for c in cells
            if c.table_no == 3 and c.column == "合计" and c.code and len(c.code) == 3
        }
        table1 = {
            c.code: Decimal(c.amount_yuan)
            for c in cells
            if c.table_no == 1
            and c.section == "expense"
            and c.code
            and c.amount_yuan
            and Decimal(c.amount_yuan)
        }
        assert table3 == table1 == d.class_totals()


def test_narrative_totals_are_table_totals_rounded(corpus):
    _, docs, parsed = corpus
    for d in docs:
        figures = {n.key: Decimal(n.amount_yuan) for n in parsed[d.doc_id].narrative if n.key}
        assert figures["income_total"] == to_wan(d.total) * 10000
        assert figures["expense_total"] == to_wan(d.total) * 10000
