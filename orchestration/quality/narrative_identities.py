"""Identities between the narrative and the tables, and within the narrative (its rates of change).

Plain module (no Dagster import). A narrative figure is compared with a table figure only when
``narrative_targets`` attributes it unambiguously; otherwise the result is ``not_applicable`` with
the reason. Narrative figures are printed in 万元 (rounded to their last printed digit): the
allowance is half that digit plus the table figure's own.

Rates (``增幅38.83%``, ``比2023年预算执行数减少57.14%``, ``（-5.2%）``) are compared with the two
figures they compare: the change and the figure it changes (previous = current − change), or the
year's amount and the prior year's executed (or budgeted) amount. The figures are rounded, so the
rate they give is a range; the printed rate, itself rounded, must fall in it. A rate on a prior
figure of 0 has no value (publishers print 100%): ``not_applicable``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

from orchestration.quality.figures import DocumentFigures, Figure
from orchestration.quality.narrative_targets import narrative_target
from orchestration.quality.results import CheckResult, compare

__all__ = ["narrative_budget_lines_equal_tables", "narrative_equals_tables", "narrative_rates_match_figures"]

# Narrative keys no table states (changes on last year, rates, procurement, the projects' funds).
UNCHECKED = re.compile(r"(_change$|:change$|_pct$|:prior_year_\w+$|^procurement:|^performance_projects_)")
BUDGET_LINE = re.compile(r"^subject:.*:budget$")
HUNDRED = Decimal(100)
POINTS = Decimal("0.01")


def _against_table(doc: DocumentFigures, check: str, key: str, fig: Figure, scope: str | None) -> CheckResult:
    target = narrative_target(doc, key, scope)
    if not target.figures and fig.amount == 0:
        # a zero the tables leave blank (or print no table for) is consistent, but not confirmed
        return CheckResult(
            doc.sha256,
            check,
            "not_applicable",
            subject=key,
            figure_a=fig.amount,
            pages=[fig.page] if fig.page else [],
            lines=[fig.line] if fig.line else [],
            message=f"narrative {key} = {fig.printed} 万元; {target.reason}: consistent with 0",
            identity=(fig.identity, ("none",)),
        )
    result = compare(
        doc,
        check,
        fig,
        target.figures,
        table_no=target.table_no,
        subject=key,
        column=(target.figures[0].printed_column or target.figures[0].column) if target.figures else None,
        what=f"narrative {key}",
        missing=target.reason if not target.figures else None,
        missing_outcome=target.outcome,
    )
    if target.note:
        result.message += f" ({target.note})"
    if result.outcome == "fail" and len(target.figures) == 1 and _truncated(fig, target.figures[0]):
        result.message += f" ({target.figures[0].amount} yuan truncated, not rounded, to {fig.printed} 万元)"
    return result


def _truncated(wan: Figure, yuan: Figure) -> bool:
    """The narrative cut the table figure's digits instead of rounding them."""
    step = wan.half_unit * 2
    return step > 0 and Decimal(0) < (yuan.amount - wan.amount) < step


def narrative_equals_tables(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Each 万元 figure of the narrative = the table figure it states (totals, parts, subjects, 三公)."""
    for key, fig, scope in doc.narrative:
        if UNCHECKED.search(key) or BUDGET_LINE.match(key) or fig.unit != "万元":
            continue
        yield _against_table(doc, "narrative_equals_tables", key, fig, scope)


def narrative_budget_lines_equal_tables(doc: DocumentFigures) -> Iterable[CheckResult]:
    """``2026年预算安排 X 万元`` said of a subject = the subject's line in its table (table 5 for the
    general budget)."""
    for key, fig, scope in doc.narrative:
        if BUDGET_LINE.match(key) and fig.unit == "万元":
            yield _against_table(doc, "narrative_budget_lines_equal_tables", key, fig, scope)


def _rate_figures(key: str, latest: dict[str, Figure]) -> tuple[Figure | None, Figure | None, Figure | None]:
    """(current, previous, change) a rate key compares: previous or change is printed, not both needed."""
    if key.endswith(":executed_change_pct"):
        subject = key[: -len(":executed_change_pct")]
        current = latest.get(f"{subject}:budget") or latest.get(subject)
        return current, latest.get(f"{subject}:prior_year_executed"), latest.get(f"{subject}:executed_change")
    if key.endswith(":change_pct"):
        base = key[: -len(":change_pct")]
        subject = base.removesuffix(":budget")
        return latest.get(base), latest.get(f"{subject}:prior_year_budget"), latest.get(f"{base}:change")
    change_key = key[: -len("_pct")]  # income_change / fiscal_income_executed_change
    stem = re.sub(r"_(?:executed_)?change$", "", change_key)
    return latest.get(f"{stem}_total"), None, latest.get(change_key)


def _rate(current: Decimal, previous: Decimal) -> Decimal:
    return (current - previous) / previous * HUNDRED


def _rate_range(current: Figure, previous: Figure | None, change: Figure | None) -> list[Decimal] | None:
    """The rates the rounded figures allow, at the corners of their intervals (None: a prior of 0)."""
    c, hc = current.amount, current.half_unit
    if previous is not None:
        p, hp = previous.amount, previous.half_unit
        if p - hp <= 0 <= p + hp:
            return None
        return [_rate(c + dc, p + dp) for dc in (-hc, 0, hc) for dp in (-hp, 0, hp)]
    assert change is not None
    d, hd = change.amount, change.half_unit
    if c - d - hc - hd <= 0 <= c - d + hc + hd:
        return None
    return [_rate(c + dc, c + dc - d - dd) for dc in (-hc, 0, hc) for dd in (-hd, 0, hd)]


def _compare_rate(doc: DocumentFigures, key: str, rate: Figure, latest: dict[str, Figure]) -> CheckResult:
    check = "narrative_rates_match_figures"
    current, previous, change = _rate_figures(key, latest)
    used = [f for f in (current, previous if previous is not None else change) if f is not None]
    result = CheckResult(
        doc.sha256,
        check,
        "not_applicable",
        subject=key,
        figure_a=rate.amount,
        unit="%",
        terms=len(used),
        pages=sorted({f.page for f in (rate, *used) if f.page is not None}),
        lines=sorted({f.line for f in (rate, *used) if f.line is not None}),
        identity=(rate.identity, tuple(repr(f.identity) for f in used)),
    )
    if current is None or (previous is None and change is None):
        result.message = f"narrative {key} = {rate.printed}%: the figures it compares are not printed"
        return result
    rates = _rate_range(current, previous, change)
    if previous is not None:
        shown = f"from {previous.printed} 万元 (the prior year's) to {current.printed} 万元"
    else:
        shown = f"of a {change.printed} 万元 change ending at {current.printed} 万元"
    if rates is None:
        result.message = f"narrative {key} = {rate.printed}%: a change from 0 has no rate ({shown})"
        return result
    central = rates[4].quantize(POINTS, ROUND_HALF_EVEN)
    spread = max(max(rates) - rates[4], rates[4] - min(rates)) + rate.half_unit
    result.figure_b = central
    result.difference = rate.amount - central  # both to the printed 0.01 point: A − B exactly
    result.allowance = (spread + abs(rates[4] - central)).quantize(POINTS, ROUND_CEILING)
    ok = abs(result.difference) <= result.allowance
    result.outcome = "pass" if ok else "fail"
    result.message = f"narrative {key}: {rate.printed}% {'=' if ok else '≠'} the rate {shown}: {central}%" + (
        ""
        if ok
        else f"; difference {result.difference} points exceeds the rounding allowance {result.allowance}"
    )
    return result


def _compare_executed_change(
    doc: DocumentFigures, key: str, change: Figure, latest: dict[str, Figure]
) -> CheckResult:
    """``比2023年预算执行数持平`` / ``…增加 X 万元``: the change = the year's amount − the prior executed."""
    subject = key[: -len(":executed_change")]
    current = latest.get(f"{subject}:budget") or latest.get(subject)
    prior = latest.get(f"{subject}:prior_year_executed")
    return compare(
        doc,
        "narrative_rates_match_figures",
        change,
        [current, prior.negated()] if current and prior else [],
        table_no=None,
        subject=key,
        what=f"narrative {key} = the year's amount − the prior year's executed amount",
        missing=None if current and prior else "the figures it compares are not printed",
        missing_outcome="not_applicable",
    )


def narrative_rates_match_figures(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Each rate of change printed in the narrative = the rate of the two figures it compares."""
    latest: dict[str, Figure] = {}
    for key, fig, _ in doc.narrative:
        if fig.unit == "%" and (key.endswith("change_pct")):
            yield _compare_rate(doc, key, fig, latest)
        elif key.startswith("subject:") and key.endswith(":executed_change"):
            yield _compare_executed_change(doc, key, fig, latest)
        latest[key] = fig
