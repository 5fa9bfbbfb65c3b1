"""A department's 部门预算 together with the 单位预算 of some of its units: figures that nest.

A 部门预算 consolidates every budget unit of its department (DOMAIN.md, "Budget kinds"). Each unit is
drawn as a consistent disclosure (``bench.disclosure.draw``), the department's own office (本部) as
one more, and the 部门预算 is their sum, leaf by leaf: every identity holds in every document, and
each unit's figures are part of its department's. A unit budget prints 预算单位 and (when given)
预算主管部门 on its cover and reads 预算单位…表 / 单位"三公"… in its titles (``bench.prose``,
``bench.pdf_styles``).

``misprint_class_total`` plants the publisher error of issue 16 in a document: a leaf row of table 3
printing its 类's total, so the leaves add up to more than the printed totals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from bench.disclosure import Disclosure, EconomicItem, FunctionalItem, draw

__all__ = ["UnitSpec", "combine", "draw_department_with_units", "misprint_class_total"]


@dataclass(frozen=True)
class UnitSpec:
    """One unit of the department: its file, its name, and the 预算主管部门 its cover prints (or None)."""

    doc_id: str
    name: str
    cover_parent: str | None
    layout: str | None = None  # the unit document's row layout (default: the department's)


def combine(doc_id: str, department: str, parts: list[Disclosure]) -> Disclosure:
    """The 部门预算 of ``department`` consolidating ``parts`` (same year and unit): every leaf summed.

    Style (layout, zero and comma printing) is the last part's, the department's own office."""
    items: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    economic: dict[str, list[Decimal]] = {}
    economic_names: dict[str, str] = {}
    for part in parts:
        for i in part.items:
            sums = items.setdefault(i.code, [Decimal(0)] * 3)
            items[i.code] = [a + b for a, b in zip(sums, (i.basic, i.project_fiscal, i.project_other))]
            names[i.code] = i.name
        for e in part.economic:
            sums = economic.setdefault(e.code, [Decimal(0)] * 2)
            economic[e.code] = [sums[0] + e.personnel, sums[1] + e.public]
            economic_names[e.code] = e.name
    admin_costs = [p.admin_cost for p in parts if p.admin_cost is not None]
    own = parts[-1]
    return replace(
        own,
        doc_id=doc_id,
        department=department,
        kind="department",
        parent_department=None,
        misprints={},
        items=[FunctionalItem(code, names[code], *items[code]) for code in sorted(items)],
        economic=[EconomicItem(code, economic_names[code], *economic[code]) for code in sorted(economic)],
        three_public={key: sum((p.three_public[key] for p in parts), Decimal(0)) for key in own.three_public},
        admin_cost=sum(admin_costs, Decimal(0)) if admin_costs else None,
        projects=[project for p in parts for project in p.projects],
        change=sum((p.change for p in parts), Decimal(0)),
    )


def draw_department_with_units(
    rng: random.Random,
    doc_id: str,
    department: str,
    district: str,
    town: str | None,
    year: int,
    main_class: str,
    units: list[UnitSpec],
    layout: str,
    unit: str,
) -> tuple[Disclosure, list[Disclosure]]:
    """The department's 部门预算 and one 单位预算 per ``units``, all in ``unit`` (元 / 万元)."""
    drawn = [
        replace(
            draw(rng, spec.doc_id, spec.name, district, town, year, main_class, spec.layout or layout, unit),
            kind="unit",
            parent_department=spec.cover_parent,
        )
        for spec in units
    ]
    own_office = draw(rng, doc_id, department, district, town, year, main_class, layout, unit)
    return combine(doc_id, department, [*drawn, own_office]), drawn


def misprint_class_total(d: Disclosure) -> tuple[Disclosure, str]:
    """``d`` with one leaf row of table 3 printing its 类's total (合计, and in its basic column the total
    less its project expense), as the publisher of issue 16 did; and the code of that leaf.

    The leaf chosen is the first (in code order) of a 类 with more than one leaf, so its printed figure
    differs from its own; 类 and 款 rows and the 合计 row stay as the true leaves add up."""
    by_class: dict[str, list[FunctionalItem]] = {}
    for item in d.items:
        by_class.setdefault(item.code[:3], []).append(item)
    leaves = next(leaves for _, leaves in sorted(by_class.items()) if len(leaves) > 1)
    leaf = leaves[0]
    class_total = sum((i.total for i in leaves), Decimal(0))
    project = leaf.project_fiscal + leaf.project_other
    return replace(d, misprints={(3, leaf.code): [class_total, class_total - project, project]}), leaf.code
