"""Identities of the projects: their funding sources and sub-projects, and the narrative's project funds.

Plain module (no Dagster import).

- ``performance_funds_equal_project_expense``: the narrative's ``涉及项目预算资金 X 万元`` (the funds of the
  projects with performance targets) against table 3's 项目支出 total. The projects with targets may be
  some of the year's projects only, so X is checked for equality only when the narrative says they are
  all of them (``占…100%``); X larger than all project spending is a failure in any case; otherwise
  ``not_applicable`` with the share it is.
- ``performance_funds_equal_projects``: X against the sum of the projects the document prints, when it
  prints as many projects as the narrative counts (``编报绩效目标的项目N个``) and every one's amount.
- ``project_funding_adds_up``: a 绩效目标表's year amount (年度资金申请总额 / 年度资金总额 / 项目当年预算) =
  当年财政拨款 + 上年结转 + 其他资金; its 项目资金总额 = 财政资金 + 其他资金; a section's 年度预算安排 = the
  sources it lists (资金来源…); parts listed after ``其中`` must not exceed it (they may be some only).
- ``project_components_add_up``: 项目当年预算 = Σ the sub-projects of 项目当年投入资金构成.
- ``project_section_equals_grid``: the section's 年度预算安排 = the grid's year amount, printed twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from orchestration.quality.figures import DocumentFigures, Figure, ProjectFigures, rows_of
from orchestration.quality.results import CheckResult, compare, nothing_to_compare
from orchestration.quality.table_identities import total_row

__all__ = [
    "performance_funds_equal_project_expense",
    "performance_funds_equal_projects",
    "project_components_add_up",
    "project_funding_adds_up",
    "project_section_equals_grid",
]

FUNDS = "performance_projects_amount"
HUNDRED = Decimal(100)


def _narrative(doc: DocumentFigures, key: str) -> list[Figure]:
    return [fig for k, fig, _ in doc.narrative if k == key]


def performance_funds_equal_project_expense(doc: DocumentFigures) -> Iterable[CheckResult]:
    check = "performance_funds_equal_project_expense"
    shares = _narrative(doc, f"{FUNDS}:share_pct")
    expense = total_row(rows_of(doc.table(3))).get("项目支出")
    for funds in _narrative(doc, FUNDS):
        what = "narrative 涉及项目预算资金 = table 3 合计 项目支出"
        if expense is None:
            yield compare(
                doc,
                check,
                funds,
                [],
                table_no=3,
                subject=FUNDS,
                what=what,
                missing="table 3 prints no 项目支出 total",
            )
            continue
        result = compare(doc, check, funds, [expense], table_no=3, subject=FUNDS, what=what)
        share = shares[0] if shares else None
        if result.outcome == "pass" or result.difference > 0:
            yield result  # equal, or more than all projects' spending
        elif share is not None and share.amount == HUNDRED:
            result.message += (
                f" (the narrative says they are 100% of the year's project budget, p. {share.page})"
            )
            yield result
        else:
            ratio = (
                (funds.amount / expense.amount * HUNDRED).quantize(Decimal("0.01"))
                if expense.amount
                else None
            )
            said = f"; it prints {share.printed}%" if share is not None else ""
            yield nothing_to_compare(
                doc,
                check,
                f"{what}: {funds.label} is {ratio}% of {expense.label}; the projects with performance targets may "
                f"be some of the year's projects only and the narrative does not say they are all{said}",
                table_no=3,
                subject=FUNDS,
                figure_a=funds.amount,
                figure_b=expense.amount,
                pages=sorted({p for p in (funds.page, expense.page) if p}),
            )


def performance_funds_equal_projects(doc: DocumentFigures) -> Iterable[CheckResult]:
    check = "performance_funds_equal_projects"
    counts = _narrative(doc, "performance_projects_count")
    for funds in _narrative(doc, FUNDS):
        what = "narrative 涉及项目预算资金 = Σ the projects printed"
        amounts = [_year_amount(p) for p in doc.projects]
        count = int(counts[0].amount) if counts else None
        if not doc.projects or count is None or count != len(doc.projects):
            yield nothing_to_compare(
                doc,
                check,
                f"{what}: the document prints {len(doc.projects)} project(s)"
                + (f" of the {count} with performance targets" if count is not None else ""),
                subject=FUNDS,
            )
        elif any(a is None for a in amounts):
            yield compare(
                doc,
                check,
                funds,
                [],
                table_no=None,
                subject=FUNDS,
                what=what,
                missing="a printed project states no amount for the year",
            )
        else:
            yield compare(
                doc, check, funds, [a for a in amounts if a], table_no=None, subject=FUNDS, what=what
            )


def _year_amount(project: ProjectFigures) -> Figure | None:
    """A project's amount for the year: its grid's, else its section's."""
    return project.first("annual") or project.first("section_budget")


def project_funding_adds_up(doc: DocumentFigures) -> Iterable[CheckResult]:
    check = "project_funding_adds_up"
    for p in doc.projects:
        for whole, roles, what in (
            (
                "annual",
                ("annual_fiscal", "annual_carryover", "annual_other"),
                "年度资金 = 当年财政拨款 + 上年结转 + 其他资金",
            ),
            ("total", ("total_fiscal", "total_other"), "项目资金总额 = 财政资金 + 其他资金"),
            ("section_budget", ("section_source",), "年度预算安排 = Σ 资金来源"),
        ):
            a, parts = p.first(whole), p.of(*roles)
            if a is not None and parts:
                yield compare(
                    doc, check, a, parts, table_no=None, subject=p.name, what=f"project {p.name}: {what}"
                )
        a, parts = p.first("section_budget"), p.of("section_part")
        if a is not None and parts:
            result = compare(
                doc,
                check,
                a,
                parts,
                table_no=None,
                subject=p.name,
                what=f"project {p.name}: 年度预算安排 ≥ Σ 其中",
            )
            if result.outcome == "fail" and result.difference > 0:
                result.outcome = "not_applicable"
                result.message += " (其中 may list some parts only)"
            yield result


def project_components_add_up(doc: DocumentFigures) -> Iterable[CheckResult]:
    for p in doc.projects:
        a, parts = p.first("annual"), p.of("component")
        if a is not None and parts:
            yield compare(
                doc,
                "project_components_add_up",
                a,
                parts,
                table_no=None,
                subject=p.name,
                what=f"project {p.name}: 项目当年预算 = Σ 项目当年投入资金构成",
            )


def project_section_equals_grid(doc: DocumentFigures) -> Iterable[CheckResult]:
    for p in doc.projects:
        a, b = p.first("section_budget"), p.first("annual")
        if a is not None and b is not None:
            yield compare(
                doc,
                "project_section_equals_grid",
                a,
                [b],
                table_no=None,
                subject=p.name,
                what=f"project {p.name}: 年度预算安排 (section) = the 绩效目标表's year amount",
            )
