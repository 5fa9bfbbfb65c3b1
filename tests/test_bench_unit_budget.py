"""The generator's unit budgets: a 部门预算 that consolidates its units' 单位预算, read back by the parser."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from bench.disclosure_pdf import render_pdf
from bench.unit_budget import UnitSpec, draw_department_with_units, misprint_class_total
from orchestration.parsing import parse_document
from tests.test_bench_generator import _grand_totals

JUSTICE = "上海市普陀区司法局"
NOTARY = "上海市普陀区公证处"
OWN_OFFICE = "上海市普陀区司法局本级"


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    """A bureau's 部门预算, a unit whose cover prints its 预算主管部门 (one misprinted leaf), and the
    bureau's own office as a unit whose name shows its department; each rendered and parsed."""
    out = tmp_path_factory.mktemp("units")
    department, units = draw_department_with_units(
        random.Random("unit-budget-test"),
        "justice",
        JUSTICE,
        "普陀区",
        None,
        2026,
        "204",
        [
            UnitSpec("notary", NOTARY, "普陀区司法局", "repeat"),
            UnitSpec("own_office", OWN_OFFICE, None, "fused"),
        ],
        layout="child_only",
        unit="元",
    )
    notary, misprinted_code = misprint_class_total(units[0])
    docs = [department, notary, units[1]]
    for d in docs:
        render_pdf(d, out / f"{d.doc_id}.pdf")
    return docs, misprinted_code, {d.doc_id: parse_document(out / f"{d.doc_id}.pdf") for d in docs}


def test_the_department_budget_is_the_sum_of_its_units_and_its_own_office(family):
    (department, notary, own_office), _, _ = family
    for table, total in department.expected_totals().items():
        assert total > notary.expected_totals()[table] + own_office.expected_totals()[table] or table == 9
    by_code = {i.code: i.total for i in department.items}
    for unit in (notary, own_office):
        assert all(i.total <= by_code[i.code] for i in unit.items)


def test_covers_and_names_tell_kind_and_department(family):
    _, _, parsed = family
    meta = {doc_id: p.document for doc_id, p in parsed.items()}
    assert (meta["justice"].department, meta["justice"].kind, meta["justice"].parent_department) == (
        JUSTICE,
        "department",
        None,
    )
    # the cover prints 预算单位 and 预算主管部门 (here without 上海市)
    assert (meta["notary"].department, meta["notary"].kind, meta["notary"].parent_department) == (
        NOTARY,
        "unit",
        "普陀区司法局",
    )
    # no 预算主管部门 line: the name shows it
    assert (meta["own_office"].department, meta["own_office"].kind, meta["own_office"].parent_department) == (
        OWN_OFFICE,
        "unit",
        JUSTICE,
    )
    titles = {t.table_no: t.title for t in parsed["notary"].tables}
    assert titles[1] == "2026年预算单位财务收支预算总表"
    assert titles[9] == "2026年单位“三公”经费和机关运行经费预算表"


def test_parser_reads_every_document_s_totals(family):
    docs, _, parsed = family
    for d in docs:
        want = {k: v for k, v in d.expected_totals().items() if v}
        assert _grand_totals(parsed[d.doc_id]) == want, d.doc_id


def test_the_misprinted_leaf_prints_its_class_total(family):
    (_, notary, _), code, parsed = family
    class_total = sum((i.total for i in notary.items if i.code[:3] == code[:3]), Decimal(0))
    printed = {
        c.column: c.amount_yuan
        for c in parsed["notary"].cells
        if c.table_no == 3 and c.code == code and c.column == "合计"
    }
    assert printed == {"合计": class_total}
    own = next(i.total for i in notary.items if i.code == code)
    assert own < class_total
    # table 2 prints the leaf's own figure: the two tables disagree, as the publisher's did
    assert [
        c.amount_yuan
        for c in parsed["notary"].cells
        if c.table_no == 2 and c.code == code and c.column == "合计"
    ] == [own]
