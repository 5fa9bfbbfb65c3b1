"""The identities of DOMAIN.md evaluated on one document's printed figures (reported, never blocking).

Plain module (no Dagster import). Every comparison yields a ``CheckResult`` whose outcome is
``pass``, ``fail``, ``not_applicable`` or ``insufficient_data``; a check that finds nothing to
compare in a document still yields one row saying why, so no check passes silently.

Rounding is not an error: each printed figure may be off by half its last printed digit, so a
comparison of a figure with a sum of n printed terms allows the sum of all their half-units
(``figures.half_unit``). A typo, a figure in the wrong column or a class left out is larger.
Figure A is always the printed figure under test (the parent, the total, the narrative's figure,
the first table named); figure B is what it should equal; difference = A − B.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from orchestration.quality.figures import DocumentFigures, Figure, rows_of
from orchestration.quality.structure_findings import STRUCTURE_CHECKS

__all__ = ["CHECKS", "OUTCOMES", "CheckResult", "evaluate", "evaluate_all"]

OUTCOMES = ("pass", "fail", "not_applicable", "insufficient_data")
# Tables printing functional subjects to 项 level, and the economic table.
FUNCTIONAL_DETAIL = (2, 3, 5, 6, 7)
ECONOMIC = 8
TOTAL_NAMES = ("合计", "总计")
# The column holding a row's figure in the two-list tables 1 and 4.
AMOUNT_COLUMNS = ("预算数", "合计")
# Narrative keys that the tables cannot confirm (changes on last year, procurement, projects).
UNCHECKED_NARRATIVE = re.compile(
    r"(_change$|:change$|:prior_year_executed$|^procurement:|^performance_projects_)"
)


@dataclass
class CheckResult:
    """One comparison of one document (or a row saying why there was none)."""

    sha256: str
    check: str
    outcome: str
    table_no: int | None = None
    subject: str | None = None  # row compared: a code, 合计, a narrative key
    column: str | None = None
    figure_a: Decimal | None = None
    figure_b: Decimal | None = None
    difference: Decimal | None = None
    allowance: Decimal | None = None
    terms: int = 0  # printed figures on the B side
    pages: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    message: str = ""


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: Callable[[DocumentFigures], Iterable[CheckResult]]


def compare(
    doc: DocumentFigures,
    check: str,
    a: Figure | None,
    parts: list[Figure],
    *,
    table_no: int | None,
    subject: str | None,
    column: str | None,
    what: str,
    missing: str | None = None,
) -> CheckResult:
    """A printed figure against the sum of printed parts, with the rounding allowance of all terms."""
    figures = [f for f in (a, *parts) if f is not None]
    result = CheckResult(
        sha256=doc.sha256,
        check=check,
        outcome="insufficient_data",
        table_no=table_no,
        subject=subject,
        column=column,
        terms=len(parts),
        pages=sorted({f.page for f in figures if f.page is not None}),
        lines=sorted({f.line for f in figures if f.line is not None}),
    )
    if a is None or not parts or missing:
        result.figure_a = a.amount if a else None
        result.figure_b = sum((p.amount for p in parts), Decimal(0)) if parts else None
        result.message = (
            f"{what}: {missing or ('figure A not printed' if a is None else 'nothing printed to compare')}"
        )
        return result
    b = sum((p.amount for p in parts), Decimal(0))
    allowance = a.half_unit + sum((p.half_unit for p in parts), Decimal(0))
    result.figure_a, result.figure_b = a.amount, b
    result.difference = a.amount - b
    result.allowance = allowance
    ok = abs(result.difference) <= allowance
    result.outcome = "pass" if ok else "fail"
    shown = " + ".join(f.label for f in parts[:6]) + (f" + … ({len(parts)} terms)" if len(parts) > 6 else "")
    relation = "=" if ok else "≠"
    result.message = (
        f"{what}: {a.label} {relation} {shown}"
        + (f" (Σ {b})" if len(parts) > 1 else "")
        + ("" if ok else f"; difference {result.difference} yuan exceeds the rounding allowance {allowance}")
    )
    return result


def _total_row(grid: dict, section: str | None = None) -> dict[str, Figure]:
    for name in TOTAL_NAMES:
        if (section, name) in grid:
            return grid[(section, name)]
    return {}


def _codes(grid: dict) -> list[str]:
    return sorted({key for _, key in grid if key[:1].isdigit()})


def _amount(row: dict[str, Figure]) -> Figure | None:
    return next((row[c] for c in AMOUNT_COLUMNS if c in row), None)


# --- within tables ---------------------------------------------------------------------------


def parent_equals_children(doc: DocumentFigures) -> Iterable[CheckResult]:
    """类 = Σ 款 and 款 = Σ 项 (tables 2, 3, 5, 6, 7); economic 类 = Σ 款 (table 8)."""
    for t in (*FUNCTIONAL_DETAIL, ECONOMIC):
        grid = rows_of(doc.table(t))
        codes = _codes(grid)
        for parent in codes:
            if t == ECONOMIC and len(parent) != 3:
                continue
            children = [c for c in codes if len(c) == len(parent) + 2 and c.startswith(parent)]
            if not children:
                continue
            columns = dict.fromkeys(col for key in (parent, *children) for col in grid[(None, key)])
            for col in columns:
                a = grid[(None, parent)].get(col)
                parts = [grid[(None, ch)][col] for ch in children if col in grid[(None, ch)]]
                if a is None and not any(p.amount for p in parts):
                    continue
                if a is not None and a.amount == 0 and not parts:
                    continue  # a zero parent whose children print nothing: nothing to add up
                yield compare(
                    doc,
                    "parent_equals_children",
                    a,
                    parts,
                    table_no=t,
                    subject=parent,
                    column=col,
                    what=f"table {t} {parent} = Σ its {len(children)} children",
                    missing=None
                    if a is not None and parts
                    else ("parent blank" if a is None else "children blank"),
                )


def total_row_equals_classes(doc: DocumentFigures) -> Iterable[CheckResult]:
    """The 合计 row = Σ 类 rows, column by column (tables 2, 3, 5, 6, 7, 8)."""
    for t in (*FUNCTIONAL_DETAIL, ECONOMIC):
        grid = rows_of(doc.table(t))
        total = _total_row(grid)
        classes = [c for c in _codes(grid) if len(c) == 3]
        if not total or not classes:
            continue
        for col, a in total.items():
            parts = [grid[(None, c)][col] for c in classes if col in grid[(None, c)]]
            yield compare(
                doc,
                "total_row_equals_classes",
                a,
                parts,
                table_no=t,
                subject="合计",
                column=col,
                what=f"table {t} 合计 row = Σ 类 rows",
                missing=None if parts else "no 类 row prints this column",
            )


def total_column_equals_parts(doc: DocumentFigures) -> Iterable[CheckResult]:
    """合计 = Σ the other columns on each row: 基本 + 项目 (3, 5, 6, 7), 人员 + 公用 (8), funds (2, 4), 1's split."""
    for t in (1, 2, 3, 4, 5, 6, 7, 8):
        for (section, key), row in rows_of(doc.table(t)).items():
            if t in (1, 4) and section != "expense":
                continue
            a = row.get("合计")
            parts = [f for col, f in row.items() if col not in ("合计", "预算数")]
            if a is None or not parts:
                continue  # a row printing only its 合计, or only parts, has nothing to add up
            yield compare(
                doc,
                "total_column_equals_parts",
                a,
                parts,
                table_no=t,
                subject=key,
                column="合计",
                what=f"table {t} {key}: 合计 = Σ other columns",
            )


def income_equals_expense(doc: DocumentFigures) -> Iterable[CheckResult]:
    """收入总计 = 支出总计 (tables 1 and 4)."""
    for t in (1, 4):
        grid = rows_of(doc.table(t))
        income = _amount(grid.get(("income", "收入总计"), {}))
        expense = _amount(grid.get(("expense", "支出总计"), {}))
        if income is None and expense is None:
            continue
        yield compare(
            doc,
            "income_equals_expense",
            income,
            [expense] if expense else [],
            table_no=t,
            subject="收入总计",
            column=income.column if income else None,
            what=f"table {t} 收入总计 = 支出总计",
            missing=None if income and expense else "收入总计 or 支出总计 not printed",
        )


def expense_total_equals_classes(doc: DocumentFigures) -> Iterable[CheckResult]:
    """支出总计 = Σ expense rows, column by column (tables 1 and 4)."""
    for t in (1, 4):
        grid = rows_of(doc.table(t))
        total = grid.get(("expense", "支出总计"), {})
        rows = [row for (section, key), row in grid.items() if section == "expense" and key != "支出总计"]
        for col, a in total.items():
            parts = [row[col] for row in rows if col in row]
            yield compare(
                doc,
                "expense_total_equals_classes",
                a,
                parts,
                table_no=t,
                subject="支出总计",
                column=col,
                what=f"table {t} 支出总计 = Σ expense rows",
                missing=None if parts else "no expense row printed",
            )


# --- across tables ---------------------------------------------------------------------------


def _cross(
    doc: DocumentFigures,
    check: str,
    left: tuple[int, dict[str, Figure]],
    right: tuple[int, dict[str, Figure]],
    column: str,
) -> Iterable[CheckResult]:
    """The same subjects printed in two tables: figure by figure, and a row printed in one table only."""
    (ta, a_rows), (tb, b_rows) = left, right
    for key in sorted(set(a_rows) | set(b_rows)):
        a, b = a_rows.get(key), b_rows.get(key)
        if (a is None and b is not None and b.amount == 0) or (b is None and a is not None and a.amount == 0):
            continue  # a zero row printed in one table only
        yield compare(
            doc,
            check,
            a,
            [b] if b else [],
            table_no=ta,
            subject=key,
            column=column,
            what=f"table {ta} {key} = table {tb} {key}",
            missing=None if a and b else f"printed in table {ta if a else tb} only",
        )


def _class_figures(
    doc: DocumentFigures, t: int, column: str | None, section: str | None = None
) -> dict[str, Figure]:
    out = {}
    for (sec, key), row in rows_of(doc.table(t)).items():
        if sec == section and key[:1].isdigit() and len(key) == 3:
            fig = row.get(column) if column else _amount(row)
            if fig is not None:
                out[key] = fig
    return out


def _code_figures(doc: DocumentFigures, t: int, column: str) -> dict[str, Figure]:
    grid = rows_of(doc.table(t))
    out = {key: row[column] for (_, key), row in grid.items() if key[:1].isdigit() and column in row}
    total = _total_row(grid).get(column)
    if total is not None:
        out["合计"] = total
    return out


def table1_equals_table3(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 1 expense per 类 = table 3 合计 per 类; 支出总计 = table 3 合计."""
    t1 = _class_figures(doc, 1, None, "expense")
    total = _amount(rows_of(doc.table(1)).get(("expense", "支出总计"), {}))
    if total is not None:
        t1["合计"] = total
    t3 = {k: v for k, v in _code_figures(doc, 3, "合计").items() if len(k) == 3 or k == "合计"}
    if t1 or t3:
        yield from _cross(doc, "table1_equals_table3", (1, t1), (3, t3), "合计")


def table2_equals_table3(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 2 (income by subject) 合计 = table 3 (expense by subject) 合计, subject by subject."""
    t2, t3 = _code_figures(doc, 2, "合计"), _code_figures(doc, 3, "合计")
    if t2 or t3:
        yield from _cross(doc, "table2_equals_table3", (2, t2), (3, t3), "合计")


def table4_equals_table5(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 4 一般公共预算 column per 类 (and 支出总计) = table 5 合计."""
    t4 = _class_figures(doc, 4, "一般公共预算", "expense")
    total = rows_of(doc.table(4)).get(("expense", "支出总计"), {}).get("一般公共预算")
    if total is not None:
        t4["合计"] = total
    t5 = {k: v for k, v in _code_figures(doc, 5, "合计").items() if len(k) == 3 or k == "合计"}
    if t4 or t5:
        yield from _cross(doc, "table4_equals_table5", (4, t4), (5, t5), "一般公共预算")


def table3_equals_table5(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 3 = table 5 cell by cell, when every yuan is general public budget (else they differ by design)."""
    reasons = [f"table {t} is not empty" for t in (6, 7) if not doc.is_empty(t)]
    t2_total = _total_row(rows_of(doc.table(2)))
    other_income = [f for col, f in t2_total.items() if col not in ("合计", "财政拨款收入") and f.amount != 0]
    if other_income:
        reasons.append(
            "table 2 prints income other than 财政拨款收入 ("
            + ", ".join(f.column for f in other_income)
            + ")"
        )
    if reasons:
        yield CheckResult(
            doc.sha256,
            "table3_equals_table5",
            "not_applicable",
            table_no=3,
            message="tables 3 and 5 differ by design: " + "; ".join(reasons),
        )
        return
    columns = dict.fromkeys(c.column for t in (3, 5) for c in doc.table(t))
    for col in columns:
        yield from _cross(
            doc, "table3_equals_table5", (3, _code_figures(doc, 3, col)), (5, _code_figures(doc, 5, col)), col
        )


def table8_equals_table5_basic(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 8 合计 = table 5 基本支出 合计 (the general-budget basic expense, by economic class)."""
    a = _total_row(rows_of(doc.table(8))).get("合计")
    b = _total_row(rows_of(doc.table(5))).get("基本支出")
    if a is None and b is None:
        return
    yield compare(
        doc,
        "table8_equals_table5_basic",
        a,
        [b] if b else [],
        table_no=8,
        subject="合计",
        column="合计",
        what="table 8 合计 = table 5 合计 基本支出",
        missing=None if a and b else "one of the two totals is not printed",
    )


# Table 9 columns by what they hold; the first matching rule wins (购置及运行 before 购置).
T9_COLUMNS = (
    ("total", re.compile(r"^合计$")),
    ("outbound", re.compile(r"出国")),
    ("reception", re.compile(r"接待")),
    ("vehicle", re.compile(r"小计|购置及运行")),
    ("vehicle_purchase", re.compile(r"购置")),
    ("vehicle_operation", re.compile(r"运行(维护)?费$")),
    ("admin_operating_cost", re.compile(r"机关运行经费")),
)


def _table9(doc: DocumentFigures) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for c in doc.table(9):
        for role, pattern in T9_COLUMNS:
            if pattern.search(c.column):
                year = re.match(r"(\d{4})年", c.column)
                if (
                    role == "admin_operating_cost"
                    and year
                    and doc.fiscal_year
                    and int(year.group(1)) != doc.fiscal_year
                ):
                    break  # last year's figure printed beside this year's
                out.setdefault(role, c)
                break
    return out


def table9_parts(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 9: 合计 = 因公出国(境) + 公务接待 + 公务用车 小计; 小计 = 购置费 + 运行费."""
    if doc.is_empty(9) or not doc.table(9):
        return
    t9 = _table9(doc)
    for role, part_roles, what in (
        ("total", ("outbound", "reception", "vehicle"), "table 9 合计 = 出国 + 接待 + 公务用车"),
        ("vehicle", ("vehicle_purchase", "vehicle_operation"), "table 9 公务用车 小计 = 购置费 + 运行费"),
    ):
        parts = [t9[r] for r in part_roles if r in t9]
        if role not in t9 and not parts:
            continue
        yield compare(
            doc,
            "table9_parts",
            t9.get(role),
            parts,
            table_no=9,
            subject=role,
            column=t9[role].column if role in t9 else None,
            what=what,
        )


# --- narrative against the tables --------------------------------------------------------------


def _narrative_target(doc: DocumentFigures, key: str) -> tuple[Figure | None, str | None]:
    """The table figure a narrative key states, or why there is none."""
    t1, t4 = rows_of(doc.table(1)), rows_of(doc.table(4))
    totals = {
        "income_total": _amount(t1.get(("income", "收入总计"), {})),
        "expense_total": _amount(t1.get(("expense", "支出总计"), {})),
        "fiscal_income_total": _amount(t4.get(("income", "收入总计"), {})),
        "fiscal_expense_total": _amount(t4.get(("expense", "支出总计"), {})),
        "general_budget_expense_total": t4.get(("expense", "支出总计"), {}).get("一般公共预算"),
        "gov_fund_expense_total": t4.get(("expense", "支出总计"), {}).get("政府性基金预算"),
        "state_capital_expense_total": t4.get(("expense", "支出总计"), {}).get("国有资本经营预算"),
        "general_budget_basic_expense_total": _total_row(rows_of(doc.table(5))).get("基本支出"),
    }
    if key in totals:
        return totals[key], None if totals[key] else "the table figure it states is not printed"
    if key.startswith("income:"):
        name = key.split(":", 1)[1]
        row = t1.get(("income", name))
        return (_amount(row) if row else None), None if row else f"table 1 prints no income row {name}"
    if key.startswith("expense:"):
        name = key.split(":", 1)[1]
        fig = _total_row(rows_of(doc.table(3))).get(name)
        return fig, None if fig else f"table 3 prints no {name} column"
    if key.startswith("three_public:") or key == "admin_operating_cost":
        if doc.is_empty(9) or not doc.table(9):
            return None, "table 9 prints no figures (本表无数据)"
        fig = _table9(doc).get(key.split(":", 1)[-1])
        return fig, None if fig else "table 9 prints no such column"
    if key.startswith("subject:"):
        return _subject_figure(doc, key.split(":", 1)[1])
    return None, "no table states this figure"


_LEVEL_MARK = re.compile(r"\((类|款|项)\)")


def _subject_figure(doc: DocumentFigures, spec: str) -> tuple[Figure | None, str | None]:
    """``社会保障和就业支出(类)行政事业单位养老支出(款)`` / ``A-B-C`` / ``事业单位医疗`` → the table row it names.

    Functional subjects are looked up in table 5 (general budget: the narrative describes fiscal
    appropriations), then table 3. A name matching several rows,
    not disambiguated by its printed parents, is reported as insufficient data.
    """
    column = "合计"
    if ":" in spec:
        spec, detail = spec.split(":", 1)
        if detail != "budget":
            column = detail  # 项目支出 printed inside the subject's sentence
    path = [p for p in re.split(r"\((?:类|款|项)\)|-", spec) if p]
    if not path:
        return None, "no subject name"
    for t in (5, 3):
        grid = rows_of(doc.table(t))
        names = {key: next(iter(row.values())).name for (_, key), row in grid.items() if key[:1].isdigit()}
        named = [code for code, name in names.items() if name == path[-1]]
        candidates = named
        for depth, ancestor in enumerate(reversed(path[:-1]), start=1):
            candidates = [c for c in candidates if names.get(c[: len(c) - 2 * depth]) == ancestor]
        if not candidates and len(named) == 1:
            candidates = named  # the one row of that name, under parents the narrative misnamed
        if len(candidates) == 1:
            fig = grid[(None, candidates[0])].get(column)
            return fig, None if fig else f"table {t} prints no {column} for {candidates[0]}"
        if len(candidates) > 1:
            return None, f"{path[-1]} names {len(candidates)} rows of table {t} ({', '.join(candidates)})"
    # economic classes named in the narrative (商品和服务支出 …) cover basic and project spending,
    # which no table prints by economic class (table 8 is basic spending only)
    return None, f"no row of tables 5 or 3 is named {path[-1]}"


def narrative_equals_tables(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Each 万元 figure of the narrative = the table figure it states (totals, parts, subjects, 三公)."""
    for key, fig in doc.narrative:
        if UNCHECKED_NARRATIVE.search(key) or fig.unit != "万元":
            continue
        target, why = _narrative_target(doc, key)
        if target is None and fig.amount == 0:
            # a zero the tables leave blank (or print no table for) is consistent, but not confirmed
            yield CheckResult(
                doc.sha256,
                "narrative_equals_tables",
                "not_applicable",
                subject=key,
                figure_a=fig.amount,
                pages=[fig.page] if fig.page else [],
                lines=[fig.line] if fig.line else [],
                message=f"narrative {key} = {fig.printed} 万元; {why}: consistent with 0",
            )
            continue
        result = compare(
            doc,
            "narrative_equals_tables",
            fig,
            [target] if target else [],
            table_no=target.table_no if target else None,
            subject=key,
            column=target.column if target else None,
            what=f"narrative {key}",
            missing=why,
        )
        if result.outcome == "fail" and target is not None and _truncated(fig, target):
            result.message += f" ({target.amount} yuan truncated, not rounded, to {fig.printed} 万元)"
        yield result


def _truncated(wan: Figure, yuan: Figure) -> bool:
    """The narrative cut the table figure's digits instead of rounding them."""
    step = wan.half_unit * 2
    return step > 0 and Decimal(0) < (yuan.amount - wan.amount) < step


CHECKS = (
    Check(
        "parent_equals_children",
        "A parent row = Σ its children: 类 = Σ 款, 款 = Σ 项 (tables 2, 3, 5–7); "
        "economic 类 = Σ 款 (table 8).",
        parent_equals_children,
    ),
    Check(
        "total_row_equals_classes",
        "The 合计 row = Σ 类 rows, per column (tables 2, 3, 5–8).",
        total_row_equals_classes,
    ),
    Check(
        "total_column_equals_parts",
        "合计 = Σ the other columns of its row: 基本 + 项目 (tables 3, 5), "
        "人员 + 公用 (table 8), income sources (table 2), funds (table 4).",
        total_column_equals_parts,
    ),
    Check("income_equals_expense", "收入总计 = 支出总计 (tables 1, 4).", income_equals_expense),
    Check(
        "expense_total_equals_classes",
        "支出总计 = Σ expense rows (tables 1, 4).",
        expense_total_equals_classes,
    ),
    Check(
        "table1_equals_table3", "Table 1 expense per 类 and 支出总计 = table 3 合计.", table1_equals_table3
    ),
    Check("table2_equals_table3", "Table 2 合计 = table 3 合计, subject by subject.", table2_equals_table3),
    Check(
        "table4_equals_table5",
        "Table 4 一般公共预算 per 类 and 支出总计 = table 5 合计.",
        table4_equals_table5,
    ),
    Check(
        "table3_equals_table5",
        "Table 3 = table 5 cell by cell, only when all funds are general budget "
        "(tables 6, 7 empty or zero and no non-fiscal income).",
        table3_equals_table5,
    ),
    Check("table8_equals_table5_basic", "Table 8 合计 = table 5 合计 基本支出.", table8_equals_table5_basic),
    Check("table9_parts", "Table 9 合计 = 出国 + 接待 + 公务用车; 公务用车 = 购置 + 运行.", table9_parts),
    Check(
        "narrative_equals_tables",
        "The narrative's 万元 figures = the table figures they state.",
        narrative_equals_tables,
    ),
    *(Check(*spec) for spec in STRUCTURE_CHECKS),  # layouts publishers vary (structure_findings)
)


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
                    message="nothing to compare: the tables this check reads print no such figures",
                )
            ]
        results.extend(found)
    return results


def evaluate_all(docs: Iterable[DocumentFigures]) -> list[CheckResult]:
    return [r for doc in docs for r in evaluate(doc)]
