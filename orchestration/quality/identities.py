"""The identities of DOMAIN.md evaluated on one document's printed figures (reported, never blocking).

Plain module (no Dagster import); the one engine of the publisher identities: the pipeline's
``landing.check_results``, the dbt warn tests on ``fact_check_result`` and the parser tests' oracle
(``tests/parsing/broken_identities.py``) all read what ``evaluate`` yields.

Every comparison yields a ``CheckResult`` whose outcome is ``pass``, ``fail``, ``not_applicable``
or ``insufficient_data``; a check that finds nothing to compare in a document still yields one row
saying why, so no check passes silently. The checks, by family:
``table_identities`` (within a table), ``cross_table_identities`` (across tables),
``narrative_identities`` (the narrative against the tables, its rates), ``project_identities``
(projects' funding, the narrative's project funds), ``structure_findings`` (how a publisher lays
out its tables: a 款 without 项, a missing parent; blocking once, reported since real documents
print them). Rounding allowance and outcome rules:
``results``, and each module's docstring.

A finding is reported once: results comparing the same printed figure with the same figure(s) —
a narrative printed twice, the same amount said in two sentences — are one result, with the pages
of every place it is printed.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.quality import cross_table_identities as cross
from orchestration.quality import narrative_identities as narrative
from orchestration.quality import project_identities as projects
from orchestration.quality import structure_findings as structure
from orchestration.quality import table_identities as within
from orchestration.quality.figures import DocumentFigures
from orchestration.quality.results import OUTCOMES, Check, CheckResult

__all__ = ["CHECKS", "OUTCOMES", "CheckResult", "evaluate", "evaluate_all"]

# A check's family is the module its function lives in.
FAMILIES = {
    within.__name__: "within_table",
    cross.__name__: "across_tables",
    narrative.__name__: "narrative",
    projects.__name__: "projects",
    structure.__name__: "structure",
}


def _check(name: str, description: str, run) -> Check:
    return Check(name, description, run, FAMILIES[run.__module__])


CHECKS = (
    _check(
        "parent_equals_children",
        "A parent row = Σ its children: 类 = Σ 款, 款 = Σ 项 (tables 2, 3, 5–7); economic 类 = Σ 款 (table 8).",
        within.parent_equals_children,
    ),
    _check(
        "total_row_equals_classes",
        "The 合计 row = Σ 类 rows, per column (tables 2, 3, 5–8).",
        within.total_row_equals_classes,
    ),
    _check(
        "total_column_equals_parts",
        "合计 = Σ the other columns of its row: 基本 + 项目 (tables 3, 5), 人员 + 公用 (table 8), income "
        "sources (table 2), funds (table 4), a unit budget's 人员 + 公用 + 项目 (table 1).",
        within.total_column_equals_parts,
    ),
    _check("income_equals_expense", "收入总计 = 支出总计 (tables 1, 4).", within.income_equals_expense),
    _check(
        "income_total_equals_sources",
        "收入总计 = Σ income lines; 财政拨款收入 = Σ its funds (tables 1, 4).",
        within.income_total_equals_sources,
    ),
    _check(
        "expense_total_equals_classes",
        "支出总计 = Σ expense rows (tables 1, 4).",
        within.expense_total_equals_classes,
    ),
    _check(
        "table1_equals_table3",
        "Table 1 expense per 类 and 支出总计 = table 3 合计.",
        cross.table1_equals_table3,
    ),
    _check(
        "table2_equals_table3", "Table 2 合计 = table 3 合计, subject by subject.", cross.table2_equals_table3
    ),
    _check(
        "table4_equals_table5",
        "Table 4 一般公共预算 per 类 and 支出总计 = table 5 合计.",
        cross.table4_equals_table5,
    ),
    _check(
        "table3_equals_table5",
        "Table 3 = table 5 cell by cell, only when all funds are general budget "
        "(tables 6, 7 empty or zero and no non-fiscal income).",
        cross.table3_equals_table5,
    ),
    _check(
        "table8_equals_table5_basic",
        "Table 8 合计 = table 5 合计 基本支出.",
        cross.table8_equals_table5_basic,
    ),
    _check(
        "table1_split_equals_tables_3_and_8",
        "A unit budget's table 1: 人员经费 + 公用经费 = table 3 基本支出 (per 类, in total); its 人员经费 and 公用经费 "
        "totals = table 8's (when all basic spending is general budget).",
        cross.table1_split_equals_tables_3_and_8,
    ),
    _check(
        "table9_parts", "Table 9 合计 = 出国 + 接待 + 公务用车; 公务用车 = 购置 + 运行.", within.table9_parts
    ),
    _check(
        "narrative_equals_tables",
        "The narrative's 万元 figures (totals, parts, subjects, 三公) = the table figures they state, when the "
        "attribution is unambiguous.",
        narrative.narrative_equals_tables,
    ),
    _check(
        "narrative_budget_lines_equal_tables",
        "A subject's 预算安排 line in the narrative = its line in the table of its funds (table 5 for the general "
        "budget).",
        narrative.narrative_budget_lines_equal_tables,
    ),
    _check(
        "narrative_rates_match_figures",
        "Each rate of change printed in the narrative = the rate of the two figures it compares.",
        narrative.narrative_rates_match_figures,
    ),
    _check(
        "performance_funds_equal_project_expense",
        "The narrative's 涉及项目预算资金 = table 3 项目支出 when it says the projects are all of them; never more.",
        projects.performance_funds_equal_project_expense,
    ),
    _check(
        "performance_funds_equal_projects",
        "The narrative's 涉及项目预算资金 = Σ the projects printed, when all of them are printed.",
        projects.performance_funds_equal_projects,
    ),
    _check(
        "project_funding_adds_up",
        "A project's year amount = 当年财政拨款 + 上年结转 + 其他资金; 项目资金总额 = 财政资金 + 其他资金; "
        "年度预算安排 = its 资金来源.",
        projects.project_funding_adds_up,
    ),
    _check(
        "project_components_add_up",
        "项目当年预算 = Σ the sub-projects of 项目当年投入资金构成.",
        projects.project_components_add_up,
    ),
    _check(
        "project_section_equals_grid",
        "A project's 年度预算安排 (section) = its 绩效目标表's year amount.",
        projects.project_section_equals_grid,
    ),
    # how a publisher lays out its tables: blocking until correct parses of real documents failed them
    _check(
        "parent_has_children",
        "Every 类/款 of tables 2, 3, 5–7 and economic 类 of table 8 prints rows below it (a 款 without 项 is a "
        "leaf).",
        structure.parent_has_children,
    ),
    _check(
        "parent_printed_above",
        "A 款/项 (economic 款) of tables 1–8 has its parent row printed above it.",
        structure.parent_printed_above,
    ),
    _check(
        "subject_in_twin_table",
        "Tables 2 and 3 list the same subjects; tables 5, 6, 7 only subjects of table 3.",
        structure.subject_in_twin_table,
    ),
    _check(
        "row_total_printed",
        "A row of tables 1–8 with figures prints its total (合计; 预算数 in tables 1, 4).",
        structure.row_total_printed,
    ),
    _check(
        "table_printed",
        "The nine standard tables are printed (tables 4, 6, 7, 9 may be left out).",
        structure.table_printed,
    ),
)


def _one_per_finding(results: list[CheckResult]) -> list[CheckResult]:
    """Results comparing the same figures are one result: the first, with every page and line."""
    kept: dict[tuple, CheckResult] = {}
    out: list[CheckResult] = []
    for r in results:
        if not r.identity or r.identity[0] is None:
            key = None
        elif r.outcome == "fail":
            key = (r.outcome, r.identity)  # the same figures compared: whichever check, one finding
        else:
            key = (r.check, r.outcome, r.subject if r.outcome != "pass" else None, r.identity)
        first = kept.get(key) if key else None
        if first is None:
            if key:
                kept[key] = r
            out.append(r)
            continue
        first.pages = sorted(set(first.pages) | set(r.pages))
        first.lines = sorted(set(first.lines) | set(r.lines))
        if r.subject != first.subject and r.subject and f"printed as {r.subject})" not in first.message:
            first.message += f" (also printed as {r.subject})"
    return out


def evaluate(doc: DocumentFigures) -> list[CheckResult]:
    """Every check on one document; a check with nothing to compare yields one not_applicable row."""
    results: list[CheckResult] = []
    for check in CHECKS:
        found = list(check.run(doc))
        if not found:
            found = [
                CheckResult(
                    doc.sha256,
                    check.name,
                    "not_applicable",
                    message="nothing to compare: the document prints no figures this check reads",
                )
            ]
        for r in found:
            r.family = check.family
        results.extend(found)
    return _one_per_finding(results)


def evaluate_all(docs: Iterable[DocumentFigures]) -> list[CheckResult]:
    return [r for doc in docs for r in evaluate(doc)]
