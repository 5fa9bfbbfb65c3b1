"""The table figure a narrative figure states: attribution, only when it is unambiguous.

Plain module (no Dagster import). ``narrative_target`` maps a narrative key (``narrative.py``)
to the printed table figure(s) it restates, or says why there is none:

- totals and parts (``income_total``, ``general_budget_expense_total``, ``expense:项目支出`` …) to
  tables 1 and 4, else the same total in tables 2, 3, 5–8 when tables 1/4 do not print it;
- ``three_public:*`` and ``admin_operating_cost`` to table 9;
- ``subject:<path>`` to the functional row its path names, in the tables of its ``scope`` (the
  funds its heading speaks of: table 5 for the general budget, 6, 7, tables 5 + 6 + 7 for fiscal
  appropriations, 3 for all funds; tables 5 then 3 when not said), or to the economic row of table 8
  under a heading on basic spending. A printed code decides; else the name, its level and its
  printed parents. A name no row bears, several rows printing different figures, tables that
  disagree while the narrative does not say which funds it counts: **not attributed**
  (``not_applicable`` with the reason, never a failure).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from orchestration.parsing.narrative_subjects import Segment, is_economic_class, parse_subject_key
from orchestration.quality.cross_table_identities import funds_differ_by_design
from orchestration.quality.figures import DocumentFigures, Figure, rows_of
from orchestration.quality.table_identities import amount, table9_figures, total_row

__all__ = ["Target", "narrative_target"]

# Tables a subject's figure is looked up in, by the funds its heading speaks of.
SCOPE_TABLES = {
    "general_budget": (5,),
    "gov_fund": (6,),
    "state_capital": (7,),
    "fiscal": (5, 6, 7),
    "all_funds": (3,),
}
SCOPE_WORDS = {
    "general_budget": "general-budget appropriations (一般公共预算)",
    "gov_fund": "government-fund appropriations (政府性基金)",
    "state_capital": "state-capital appropriations (国有资本经营)",
    "fiscal": "fiscal appropriations (财政拨款)",
    "all_funds": "all funds",
    "general_budget_basic": "general-budget basic spending (基本支出)",
}
CODE_LENGTH = {"类": 3, "款": 5, "项": 7}
# Details of a subject that restate a table figure, and the column they restate.
DETAIL_COLUMNS = {None: "合计", "budget": "合计", "项目支出": "项目支出", "基本支出": "基本支出"}


@dataclass
class Target:
    """What a narrative figure is compared with: printed figures (summed), or why there are none."""

    figures: list[Figure] = field(default_factory=list)
    reason: str | None = None
    outcome: str = "insufficient_data"  # when no figure: insufficient_data, or not_applicable
    note: str = ""

    @property
    def table_no(self) -> int | None:
        return self.figures[0].table_no if self.figures else None


def _unattributed(reason: str) -> Target:
    return Target(reason=reason, outcome="not_applicable")


def _cells(doc: DocumentFigures, t: int, section: str | None, row: str, column: str | None) -> list[Figure]:
    grid = rows_of(doc.table(t))
    found = total_row(grid, section) if row == "合计" else grid.get((section, row), {})
    figure = amount(found) if column is None else found.get(column)
    return [figure] if figure is not None else []


# key → places it is printed, in order of preference: (table, section, row, column or None for 预算数/合计)
TOTALS = {
    "income_total": ((1, "income", "收入总计", None), (2, None, "合计", "合计")),
    "expense_total": ((1, "expense", "支出总计", None), (3, None, "合计", "合计")),
    "fiscal_income_total": ((4, "income", "收入总计", None), (2, None, "合计", "财政拨款收入")),
    "fiscal_expense_total": ((4, "expense", "支出总计", "合计"),),
    "general_budget_expense_total": ((4, "expense", "支出总计", "一般公共预算"), (5, None, "合计", "合计")),
    "gov_fund_expense_total": ((4, "expense", "支出总计", "政府性基金预算"), (6, None, "合计", "合计")),
    "state_capital_expense_total": (
        (4, "expense", "支出总计", "国有资本经营预算"),
        (7, None, "合计", "合计"),
    ),
    "general_budget_basic_expense_total": ((5, None, "合计", "基本支出"), (8, None, "合计", "合计")),
}


def _total(doc: DocumentFigures, key: str) -> Target:
    for place in TOTALS[key]:
        found = _cells(doc, *place)
        if found:
            return Target(found)
    if key == "fiscal_expense_total":  # no table 4: the three appropriation tables' totals
        found = [f for t in (5, 6, 7) for f in _cells(doc, t, None, "合计", "合计")]
        if found:
            return Target(found)
    return Target(reason="the table figure it states is not printed")


def narrative_target(doc: DocumentFigures, key: str, scope: str | None) -> Target:
    """The table figure(s) a narrative key states, or why there is none (module docstring)."""
    if key in TOTALS:
        return _total(doc, key)
    kind, _, name = key.partition(":")
    if kind == "income":
        found = _cells(doc, 1, "income", name, None) or _cells(doc, 2, None, "合计", name)
        return Target(found) if found else Target(reason=f"tables 1 and 2 print no income {name}")
    if kind == "expense":
        found = _cells(doc, 3, None, "合计", name) or _cells(doc, 1, "expense", "支出总计", name)
        return Target(found) if found else Target(reason=f"table 3 prints no {name} column")
    if kind == "three_public" or key == "admin_operating_cost":
        if doc.is_empty(9) or not doc.table(9):
            return Target(reason="table 9 prints no figures (本表无数据)")
        figure = table9_figures(doc).get(key.split(":", 1)[-1])
        return Target([figure]) if figure else Target(reason="table 9 prints no such column")
    if kind == "subject":
        segments, detail = parse_subject_key(key)
        if detail not in DETAIL_COLUMNS:
            return _unattributed(f"no table prints a subject's {detail}")
        return _subject(doc, segments, DETAIL_COLUMNS[detail], scope)
    return _unattributed("no table states this figure")


def _normal(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(text.split()).replace("“", "").replace("”", "").replace('"', "")


def _coded_rows(doc: DocumentFigures, t: int) -> dict[str, tuple[str, dict[str, Figure]]]:
    """code → (name, column → figure) of a table's coded rows (functional, or economic in table 8)."""
    rows = {}
    for (_, key), row in rows_of(doc.table(t)).items():
        if key[:1].isdigit():
            rows[key] = (_normal(next(iter(row.values())).name), row)
    return rows


def _has_ancestor(rows: dict, code: str, ancestor: Segment) -> bool:
    if ancestor.code:
        return code.startswith(ancestor.code) and len(code) > len(ancestor.code)
    lengths = (CODE_LENGTH[ancestor.level],) if ancestor.level in ("类", "款") else (3, 5)
    name = _normal(ancestor.name)
    return any(n < len(code) and code[:n] in rows and rows[code[:n]][0] == name for n in lengths)


def _candidates(rows: dict, segments: list[Segment]) -> tuple[list[str], str]:
    """Rows the path names: by code when printed, else by name, level and parents; else by name alone."""
    last = segments[-1]
    if last.code:
        return ([last.code] if last.code in rows else []), ""
    name = _normal(last.name)
    named = [c for c, (n, _) in rows.items() if n == name]
    strict = [c for c in named if not last.level or len(c) == CODE_LENGTH[last.level]]
    for ancestor in segments[:-1]:
        strict = [c for c in strict if _has_ancestor(rows, c, ancestor)]
    if strict or not named:
        return strict, ""
    return named, "matched by its own name: the level or parents it is printed with differ from the table's"


def _in_table(doc: DocumentFigures, t: int, segments: list[Segment], column: str) -> Target | None:
    """The row of table ``t`` the path names (None when no row bears its name)."""
    rows = _coded_rows(doc, t)
    codes, note = _candidates(rows, segments)
    if not codes:
        return None
    figures = [rows[c][1].get(column) for c in codes]
    printed = [f for f in figures if f is not None]
    if not printed:
        return Target(reason=f"table {t} prints no {column} for {', '.join(codes)}")
    if len({f.amount for f in printed}) > 1:
        return _unattributed(
            f"{segments[-1].name} names {len(codes)} rows of table {t} ({', '.join(codes)}) printing different "
            "figures: the narrative does not say which"
        )
    return Target([printed[0]], note=note)


def _subject(doc: DocumentFigures, segments: list[Segment], column: str, scope: str | None) -> Target:
    if not segments:
        return _unattributed("no subject name")
    name = segments[-1].name
    if scope == "general_budget_basic":
        found = _in_table(doc, 8, segments, "合计")
        return found or _unattributed(f"no row of table 8 (basic spending by economic class) is named {name}")
    if is_economic_class(name):
        return _unattributed(
            f"{name} is an economic class of {SCOPE_WORDS.get(scope or '', 'spending')}: no table prints it "
            "(table 8 gives basic spending only)"
        )
    if scope == "fiscal":
        return _fiscal(doc, segments, column)
    if scope in SCOPE_TABLES:
        (t,) = SCOPE_TABLES[scope]
        found = _in_table(doc, t, segments, column)
        if found is None and t == 5 and not funds_differ_by_design(doc):
            found = _in_table(doc, 3, segments, column)  # every yuan is general budget: table 3 is table 5
        return found or _unattributed(f"no row of table {t} is named {name}")
    general, every = _in_table(doc, 5, segments, column), _in_table(doc, 3, segments, column)
    both = general and every and general.figures and every.figures
    if both and general.figures[0].amount != every.figures[0].amount:
        return _unattributed(
            f"table 5 (general budget) prints {general.figures[0].printed}, table 3 (all funds) "
            f"{every.figures[0].printed}: the narrative does not say which funds it counts"
        )
    return general or every or _unattributed(f"no row of tables 5 or 3 is named {name}")


def _fiscal(doc: DocumentFigures, segments: list[Segment], column: str) -> Target:
    """Fiscal appropriations: the row in tables 5, 6 and 7, added up where it is printed in several."""
    found = [t for t in (_in_table(doc, n, segments, column) for n in (5, 6, 7)) if t is not None]
    if any(not t.figures for t in found):
        return next(t for t in found if not t.figures)
    if found:
        return Target([f for t in found for f in t.figures], note=" ".join(t.note for t in found if t.note))
    if not funds_differ_by_design(doc):
        every = _in_table(doc, 3, segments, column)  # every yuan is general budget: table 3 is table 5
        if every is not None:
            return every
    return _unattributed(f"no row of tables 5, 6 or 7 is named {segments[-1].name}")
