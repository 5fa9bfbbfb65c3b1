"""The data-quality report: one self-contained HTML page a reader can check against the PDFs.

Plain module (no Dagster import). Reads ``marts.fact_check_result`` and ``landing.quarantine``
and renders, per document, each finding (both figures, the difference, the allowance, the pages),
then the counts per check across the corpus and the quarantined files with their reasons.
Jinja2 autoescapes every value: names and messages come from the documents.
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

__all__ = ["REPORT_NAME", "ReportData", "load_report_data", "render_report", "write_report"]

REPORT_NAME = "quality_report.html"
# Outcomes listed per document (passes are only counted).
LISTED_OUTCOMES = ("fail", "insufficient_data")


@dataclass
class DocumentSection:
    sha256: str
    source_file: str
    department: str | None
    fiscal_year: int | None
    is_selected: bool
    counts: Counter = field(default_factory=Counter)
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportData:
    documents: list[DocumentSection]
    per_check: dict[str, Counter]
    quarantine: list[dict[str, Any]]
    generated_at: datetime


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _where(pages: str | None, lines: str | None) -> str:
    if pages:
        return ("p. " if "," not in pages else "pp. ") + pages.replace(",", ", ")
    if lines:
        return ("line " if "," not in lines else "lines ") + lines.replace(",", ", ")
    return ""


def load_report_data(con: Any) -> ReportData:
    """Everything the page shows, read from the warehouse (figures fetched as text: no float).

    Outcomes are counted in SQL; only the rows the page lists (fails, insufficient data) reach
    Python, so the memory this takes follows the findings, not the size of the warehouse."""
    sections: dict[str, DocumentSection] = {}
    per_check: dict[str, Counter] = defaultdict(Counter)
    for sha, source, dept, year, selected, outcome, n in con.execute(
        """
        select document_sha256, any_value(source_file), any_value(department_name), any_value(fiscal_year),
               coalesce(bool_or(is_selected), false), outcome, count(*)
        from marts.fact_check_result
        group by document_sha256, outcome
        order by 2, 1, 6
        """
    ).fetchall():
        doc = sections.setdefault(sha, DocumentSection(sha, source or sha[:12], dept, year, bool(selected)))
        doc.counts[outcome] += n
    for check, outcome, n in con.execute(
        "select check_name, outcome, count(*) from marts.fact_check_result group by 1, 2 order by 1, 2"
    ).fetchall():
        per_check[check][outcome] += n
    for (
        sha,
        check,
        outcome,
        table_no,
        subject,
        column,
        a,
        b,
        diff,
        allowance,
        pages,
        lines,
        message,
    ) in con.execute(
        """
        select document_sha256, check_name, outcome, table_no, subject, column_label,
               cast(figure_a_yuan as varchar), cast(figure_b_yuan as varchar), cast(difference_yuan as varchar),
               cast(allowance_yuan as varchar), page_list, line_list, message
        from marts.fact_check_result
        where list_contains(?, outcome)
        order by source_file, check_name, table_no, subject, column_label
        """,
        [list(LISTED_OUTCOMES)],
    ).fetchall():
        sections[sha].findings.append(
            {
                "check": check,
                "outcome": outcome,
                "table_no": table_no,
                "subject": subject,
                "column": column,
                "figure_a": _yuan(Decimal(a) if a else None),
                "figure_b": _yuan(Decimal(b) if b else None),
                "difference": _yuan(Decimal(diff) if diff else None),
                "allowance": _yuan(Decimal(allowance) if allowance else None),
                "where": _where(pages, lines),
                "message": message,
            }
        )
    for doc in sections.values():
        doc.findings.sort(key=lambda f: (f["outcome"] != "fail", f["check"]))
    quarantine = [
        {"source_file": f, "reason": r, "message": m, "seen_at": s}
        for f, r, m, s in con.execute(
            "select source_file, reason, message, seen_at from landing.quarantine order by source_file"
        ).fetchall()
    ]
    return ReportData(
        documents=sorted(sections.values(), key=lambda d: (-d.counts["fail"], d.source_file)),
        per_check=dict(per_check),
        quarantine=quarantine,
        generated_at=datetime.now(UTC).replace(microsecond=0),
    )


TEMPLATE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Data-quality report — budget disclosures</title>
<style>
  body { font-family: "Noto Sans CJK SC", "PingFang SC", "WenQuanYi Micro Hei", system-ui, sans-serif; margin: 2rem; color: #1f2933;
         max-width: 1200px; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #d9e2ec; }
  h3 { font-size: 1rem; margin: 1.4rem 0 .3rem; } .muted { color: #627d98; font-size: .85rem; }
  table { border-collapse: collapse; width: 100%; font-size: .82rem; margin: .4rem 0 1rem; }
  td.msg { overflow-wrap: anywhere; min-width: 28ch; color: #334e68; }
  details > summary { cursor: pointer; color: #486581; font-size: .85rem; margin: .3rem 0; }
  th, td { border: 1px solid #d9e2ec; padding: .25rem .45rem; text-align: left; vertical-align: top; }
  th { background: #f0f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .fail { color: #b42318; font-weight: 600; } .insufficient_data { color: #b54708; }
  .pass { color: #067647; } .not_applicable { color: #627d98; }
  .badge { display: inline-block; padding: 0 .4rem; border-radius: .6rem; font-size: .75rem; margin-right: .3rem;
           background: #f0f4f8; }
  .badge.fail { background: #fee4e2; } .badge.insufficient_data { background: #fef0c7; }
  .badge.pass { background: #dcfae6; }
  code { font-size: .8rem; }
</style>
</head>
<body>
<h1>Data-quality report</h1>
<p class="muted">Generated {{ data.generated_at.isoformat() }} from <code>marts.fact_check_result</code>.
{{ data.documents|length }} documents, {{ data.quarantine|length }} quarantined.
A <span class="fail">fail</span> is a publisher inconsistency: printed figures that contradict each other by
more than rounding (each figure may be off by half its last printed digit). It is kept as printed.
<span class="insufficient_data">insufficient_data</span>: a figure the check needs is not printed (or not found).
Figures in yuan; A is the figure under test, B what it should equal, difference = A − B.</p>

<p><a href="#counts">Outcomes per check</a> · <a href="#quarantine">Quarantined files</a></p>

<h2 id="findings">Findings per document</h2>
{% for doc in data.documents %}
<h3>{{ doc.department or doc.source_file }}{% if doc.fiscal_year %} · {{ doc.fiscal_year }}{% endif %}</h3>
<p class="muted"><code>{{ doc.source_file }}</code>{% if not doc.is_selected %} (another representation of a
disclosure; not the file selected for the facts){% endif %} —
{% for outcome in outcomes %}<span class="badge {{ outcome }}">{{ outcome }} {{ doc.counts[outcome] }}</span>{% endfor %}</p>
{% if doc.findings %}
{% if not doc.is_selected %}<details><summary>{{ doc.findings|length }} rows (the same document as its selected
representation, read from another file)</summary>{% endif %}
<table>
<tr><th>outcome</th><th>check</th><th>table · row · column</th><th>figure A</th><th>figure B</th>
<th>difference</th><th>allowance</th><th>where</th><th>message</th></tr>
{% for f in doc.findings %}
<tr><td class="{{ f.outcome }}">{{ f.outcome }}</td><td><code>{{ f.check }}</code></td>
<td>{{ [("table " ~ f.table_no) if f.table_no else "", f.subject or "", f.column or ""]|select|join(" · ") }}</td>
<td class="num">{{ f.figure_a }}</td><td class="num">{{ f.figure_b }}</td><td class="num">{{ f.difference }}</td>
<td class="num">{{ f.allowance }}</td><td>{{ f.where }}</td><td class="msg">{{ f.message }}</td></tr>
{% endfor %}
</table>
{% if not doc.is_selected %}</details>{% endif %}
{% else %}
<p class="pass">No finding: every identity that could be compared holds within rounding.</p>
{% endif %}
{% endfor %}

<h2 id="counts">Outcomes per check across the corpus</h2>
<table>
<tr><th>check</th><th>what it compares</th>{% for outcome in outcomes %}<th>{{ outcome }}</th>{% endfor %}</tr>
{% for check in checks %}
<tr><td><code>{{ check.name }}</code></td><td>{{ check.description }}</td>
{% for outcome in outcomes %}<td class="num {% if data.per_check.get(check.name, {}).get(outcome) and outcome in ('fail', 'insufficient_data') %}{{ outcome }}{% endif %}">{{ data.per_check.get(check.name, {}).get(outcome, 0) }}</td>{% endfor %}</tr>
{% endfor %}
</table>

<h2 id="quarantine">Quarantined files</h2>
{% if data.quarantine %}
<table>
<tr><th>file</th><th>reason</th><th>message</th><th>seen</th></tr>
{% for q in data.quarantine %}
<tr><td><code>{{ q.source_file }}</code></td><td>{{ q.reason }}</td><td>{{ q.message }}</td><td>{{ q.seen_at }}</td></tr>
{% endfor %}
</table>
{% else %}
<p class="pass">No file was quarantined.</p>
{% endif %}
</body>
</html>
"""


def render_report(data: ReportData) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE).render(data=data, checks=CHECKS, outcomes=OUTCOMES)


def write_report(con: Any, path: Path) -> ReportData:
    """Render the report from the warehouse into ``path``; returns what it shows."""
    data = load_report_data(con)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data), encoding="utf-8")
    return data
