"""The data-quality report: one self-contained HTML page an analyst reads top-down.

Plain module (no Dagster import). Reads ``marts.fact_check_result`` and ``landing.quarantine``:

1. an overview, one row per disclosure (the file selected to represent it) and per file kept out of
   the marts — quarantined, or held back — worst first, with its fails and insufficient data;
2. per disclosure, a heading with its department, kind (部门预算 / 单位预算) and year, its findings
   grouped by check: both figures, the difference, the allowance as used and the pages; the figures the
   checks could not find (insufficient data) below, folded; the other files of the same disclosure
   (a text extraction of the PDF) are named, not counted again;
3. the outcomes per check across the corpus, and the quarantined files with their reasons.

Held-back documents (a parse that fails a blocking check, kept out of the marts by the per-document
gate) get their own status in the overview, read from ``landing.held_back`` when the warehouse has it
(``load_held_back``). Jinja2 autoescapes every value: names and messages come from the documents.
The run's WARN check per identity reads the same counts and fails (``findings_per_check``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from orchestration.quality.identities import CHECKS, OUTCOMES

__all__ = [
    "REPORT_NAME",
    "CheckFindings",
    "DocumentSection",
    "OverviewRow",
    "ReportData",
    "findings_per_check",
    "load_held_back",
    "load_report_data",
    "outcome_counts",
    "render_report",
    "write_report",
]

REPORT_NAME = "quality_report.html"
# Outcomes listed per document (passes and not-applicable rows are only counted).
LISTED_OUTCOMES = ("fail", "insufficient_data")
KIND_NAMES = {"department": "部门预算", "unit": "单位预算"}
DESCRIPTIONS = {c.name: c.description for c in CHECKS}


@dataclass
class DocumentSection:
    """One disclosure: the file selected to represent it, its counts and its listed results."""

    sha256: str
    source_file: str
    department: str | None
    fiscal_year: int | None
    kind: str | None = None
    counts: Counter = field(default_factory=Counter)
    findings: list[dict[str, Any]] = field(default_factory=list)  # fails and insufficient data
    other_files: list[tuple[str, int]] = field(default_factory=list)  # (file, its fails): same disclosure

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind or "", "")

    @property
    def title(self) -> str:
        parts = [
            self.department or self.source_file,
            self.kind_name,
            f"{self.fiscal_year}" if self.fiscal_year else "",
        ]
        return " · ".join(p for p in parts if p)

    def by_check(self, outcome: str) -> list[tuple[str, list[dict[str, Any]]]]:
        """The listed results of one outcome, grouped by check in the registry's order."""
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in self.findings:
            if f["outcome"] == outcome:
                groups[f["check"]].append(f)
        order = [c.name for c in CHECKS]
        return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


@dataclass
class OverviewRow:
    title: str
    source_file: str
    status: str  # in the marts | held back | quarantined
    fails: int
    insufficient: int
    anchor: str | None  # the document's section, when it has one
    reason: str = ""


@dataclass
class ReportData:
    documents: list[DocumentSection]
    per_check: dict[str, Counter]
    quarantine: list[dict[str, Any]]
    generated_at: datetime
    held_back: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overview(self) -> list[OverviewRow]:
        """Every disclosure and every file kept out, worst first."""
        rows = [
            OverviewRow(q["source_file"], q["source_file"], "quarantined", 0, 0, None, q["reason"])
            for q in self.quarantine
        ]
        rows += [
            OverviewRow(h["title"], h["source_file"], "held back", 0, 0, None, h["reason"])
            for h in self.held_back
        ]
        rows += [
            OverviewRow(
                d.title,
                d.source_file,
                "in the marts",
                d.counts["fail"],
                d.counts["insufficient_data"],
                d.sha256[:12],
            )
            for d in self.documents
        ]
        status_rank = {"quarantined": 0, "held back": 1, "in the marts": 2}
        return sorted(rows, key=lambda r: (status_rank[r.status], -r.fails, -r.insufficient, r.title))

    @property
    def total_fails(self) -> int:
        return sum(d.counts["fail"] for d in self.documents)


@dataclass
class CheckFindings:
    """One identity on the file selected for each disclosure: its outcomes, and its fails in file order."""

    outcomes: Counter = field(default_factory=Counter)
    # per fail: (file, table, row, column, figure A, figure B, difference, pages or lines), figures as text
    failed: list[tuple] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        """The files with a fail, sorted."""
        return sorted({fail[0] for fail in self.failed})


def _figure(value: str | None, unit: str) -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    return f"{amount:,.2f}%" if unit == "%" else f"{amount:,.2f}"


def _where(pages: str | None, lines: str | None) -> str:
    if pages:
        return ("p. " if "," not in pages else "pp. ") + pages.replace(",", ", ")
    if lines:
        return ("line " if "," not in lines else "lines ") + lines.replace(",", ", ")
    return ""


def _sections(con: Any) -> dict[str, DocumentSection]:
    """The selected file of each disclosure, with its outcome counts (counted in SQL)."""
    sections: dict[str, DocumentSection] = {}
    for sha, source, dept, year, kind, outcome, n in con.execute(
        """
        select document_sha256, any_value(source_file), any_value(department_name), any_value(fiscal_year),
               any_value(budget_kind), outcome, count(*)
        from marts.fact_check_result
        where is_selected
        group by document_sha256, outcome
        order by 2, 1, 6
        """
    ).fetchall():
        doc = sections.setdefault(sha, DocumentSection(sha, source or sha[:12], dept, year, kind))
        doc.counts[outcome] += n
    return sections


def _other_files(con: Any, sections: dict[str, DocumentSection]) -> None:
    """The files of a disclosure not selected to represent it: named under the selected one."""
    for selected_sha, other_file, fails in con.execute(
        """
        with files as (
            select disclosure_key, document_sha256, source_file, is_selected,
                   count(*) filter (where outcome = 'fail') as fails
            from marts.fact_check_result
            group by all
        )
        select s.document_sha256, o.source_file, o.fails
        from files as o inner join files as s on s.disclosure_key = o.disclosure_key and s.is_selected
        where not o.is_selected
        order by 2
        """
    ).fetchall():
        if selected_sha in sections:
            sections[selected_sha].other_files.append((other_file, fails))


def _findings(con: Any, sections: dict[str, DocumentSection]) -> None:
    """The listed results (fails, insufficient data) of the selected files; figures fetched as text."""
    for row in con.execute(
        """
        select document_sha256, check_name, outcome, table_no, subject, column_label,
               cast(figure_a_yuan as varchar), cast(figure_b_yuan as varchar), cast(difference_yuan as varchar),
               cast(allowance_yuan as varchar), coalesce(figure_unit, '元'), page_list, line_list, message
        from marts.fact_check_result
        where is_selected and list_contains(?, outcome)
        order by source_file, result_seq
        """,
        [list(LISTED_OUTCOMES)],
    ).fetchall():
        sha, check, outcome, table_no, subject, column, a, b, diff, allowance, unit, pages, lines, message = (
            row
        )
        sections[sha].findings.append(
            {
                "check": check,
                "outcome": outcome,
                "where_in_tables": " · ".join(
                    p for p in (f"table {table_no}" if table_no else "", subject or "", column or "") if p
                ),
                "figure_a": _figure(a, unit),
                "figure_b": _figure(b, unit),
                "difference": _figure(diff, unit),
                "allowance": _figure(allowance, unit),
                "unit": unit,
                "where": _where(pages, lines),
                "message": message,
            }
        )


def load_held_back(con: Any) -> list[dict[str, Any]]:
    """Documents kept out of the marts because their parse fails a blocking check (``landing.held_back``,
    one row per document × check, written by the per-document gate): title, source_file, reason. Empty
    when the warehouse has no such table (a gate that stops every mart keeps no per-document list)."""
    (exists,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'landing' and table_name = 'held_back'"
    ).fetchone()
    if not exists:
        return []
    held = []
    for source_file, department, year, kind, checks, message in con.execute(
        """
        select h.source_file, any_value(d.department), any_value(d.fiscal_year), any_value(d.kind),
               string_agg(distinct h.check_name, ', '), min(h.message)
        from landing.held_back as h left join landing.documents as d using (sha256)
        group by h.sha256, h.source_file
        order by h.source_file
        """
    ).fetchall():
        title = " · ".join(
            str(p) for p in (department or source_file, KIND_NAMES.get(kind or "", ""), year) if p
        )
        held.append({"title": title, "source_file": source_file, "reason": f"fails {checks}: {message}"})
    return held


def outcome_counts(con: Any) -> dict[str, Counter]:
    """check → outcome → results, on the file selected for each disclosure (a finding counts once,
    not once per file), counted in SQL."""
    per_check: dict[str, Counter] = defaultdict(Counter)
    for check, outcome, n in con.execute(
        "select check_name, outcome, count(*) from marts.fact_check_result where is_selected group by 1, 2"
    ).fetchall():
        per_check[check][outcome] += n
    return dict(per_check)


def findings_per_check(con: Any) -> dict[str, CheckFindings]:
    """check → its outcomes and its fails, on the selected files; only the fails reach Python, so the
    memory this takes follows the findings, however large the warehouse."""
    found = {check: CheckFindings(outcomes) for check, outcomes in outcome_counts(con).items()}
    for check, *fail in con.execute(
        """
        select check_name, source_file, table_no, subject, column_label,
               cast(figure_a_yuan as varchar), cast(figure_b_yuan as varchar),
               cast(difference_yuan as varchar), coalesce(page_list, line_list)
        from marts.fact_check_result where is_selected and outcome = 'fail'
        order by source_file, result_seq
        """
    ).fetchall():
        found.setdefault(check, CheckFindings()).failed.append(tuple(fail))
    return found


def load_report_data(con: Any) -> ReportData:
    """Everything the page shows, read from the warehouse (figures fetched as text: no float).

    Outcomes are counted in SQL; only the rows the page lists (fails, insufficient data) reach
    Python, so the memory this takes follows the findings, not the size of the warehouse."""
    sections = _sections(con)
    _other_files(con, sections)
    _findings(con, sections)
    per_check = outcome_counts(con)
    quarantine = [
        {"source_file": f, "reason": r, "message": m, "seen_at": s}
        for f, r, m, s in con.execute(
            "select source_file, reason, message, seen_at from landing.quarantine order by source_file"
        ).fetchall()
    ]
    return ReportData(
        documents=sorted(
            sections.values(),
            key=lambda d: (-d.counts["fail"], -d.counts["insufficient_data"], d.title),
        ),
        per_check=dict(per_check),
        quarantine=quarantine,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        held_back=load_held_back(con),
    )


TEMPLATE_PATH = Path(__file__).with_name("report.html.j2")


def render_report(data: ReportData) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE_PATH.read_text(encoding="utf-8")).render(
        data=data, checks=CHECKS, outcomes=OUTCOMES, descriptions=DESCRIPTIONS
    )


def write_report(con: Any, path: Path) -> ReportData:
    """Render the report from the warehouse into ``path``; returns what it shows."""
    data = load_report_data(con)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data), encoding="utf-8")
    return data
