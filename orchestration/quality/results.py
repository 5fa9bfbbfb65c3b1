"""What a check yields: ``CheckResult``s, and the one comparison every identity is made of.

Plain module (no Dagster import). Outcomes are ``pass``, ``fail``, ``not_applicable`` and
``insufficient_data``. Figure A is always the printed figure under test (the parent, the total,
the narrative's figure, the first table named); figure B is what it should equal, a printed figure
or the sum of printed parts; difference = A − B. Rounding is not an error: each printed figure may
be off by half its last printed digit, so the allowance is the sum of the half-units of every
figure involved (``Figure.half_unit``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from orchestration.quality.figures import DocumentFigures, Figure

__all__ = ["OUTCOMES", "Check", "CheckResult", "compare", "nothing_to_compare"]

OUTCOMES = ("pass", "fail", "not_applicable", "insufficient_data")
# Terms named in a message before ``… (n terms)``.
TERMS_SHOWN = 6


@dataclass
class CheckResult:
    """One comparison of one document (or a row saying why there was none)."""

    sha256: str
    check: str
    outcome: str
    table_no: int | None = None
    subject: str | None = None  # row compared: a code, 合计, a narrative key, a project
    column: str | None = None  # figure A's column as printed (a role for a project's amount)
    figure_a: Decimal | None = None
    figure_b: Decimal | None = None
    difference: Decimal | None = None
    allowance: Decimal | None = None
    terms: int = 0  # printed figures on the B side
    pages: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    message: str = ""
    unit: str = "元"  # of figure_a, figure_b, difference, allowance: 元, or % for a rate
    family: str = ""  # the check's family (Check.family), set by identities.evaluate
    # figure B when it is one printed cell: its table, row and column (else None)
    table_no_b: int | None = None
    subject_b: str | None = None
    column_b: str | None = None
    # what makes two results one finding: (A's identity, B's identities); not stored
    identity: tuple = field(default=(), repr=False, compare=False)
    # the figures compared, A first (for readers of the engine such as the parser tests); not stored
    figures: tuple = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: Callable[[DocumentFigures], Iterable[CheckResult]]
    family: str = ""  # within_table | across_tables | narrative | projects | structure


def nothing_to_compare(doc: DocumentFigures, check: str, reason: str, **where) -> CheckResult:
    """A ``not_applicable`` row: the check has nothing to compare here, and says why."""
    return CheckResult(doc.sha256, check, "not_applicable", message=reason, **where)


def _shown(parts: list[Figure]) -> str:
    shown = " + ".join(f.label for f in parts[:TERMS_SHOWN])
    return shown + (f" + … ({len(parts)} terms)" if len(parts) > TERMS_SHOWN else "")


def compare(
    doc: DocumentFigures,
    check: str,
    a: Figure | None,
    parts: list[Figure],
    *,
    table_no: int | None,
    subject: str | None,
    column: str | None = None,
    what: str,
    missing: str | None = None,
    missing_outcome: str = "insufficient_data",
) -> CheckResult:
    """A printed figure against the sum of printed parts, with the rounding allowance of all terms.

    ``missing`` says why the comparison cannot be made (``missing_outcome``, insufficient data by
    default); so does a figure A or parts not printed."""
    figures = [f for f in (a, *parts) if f is not None]
    single = parts[0] if len(parts) == 1 and parts[0].table_no is not None else None
    result = CheckResult(
        sha256=doc.sha256,
        check=check,
        outcome=missing_outcome if missing else "insufficient_data",
        table_no=table_no,
        subject=subject,
        column=column if column is not None else ((a.printed_column or a.column or None) if a else None),
        terms=len(parts),
        pages=sorted({f.page for f in figures if f.page is not None}),
        lines=sorted({f.line for f in figures if f.line is not None}),
        unit="%" if a is not None and a.unit == "%" else "元",
        table_no_b=single.table_no if single else None,
        subject_b=(single.code or single.name) if single else None,
        column_b=(single.printed_column or single.column) if single else None,
        identity=(a.identity if a else None, tuple(sorted(map(repr, (p.identity for p in parts))))),
        figures=(a, *parts),
    )
    if a is None or not parts or missing:
        result.figure_a = a.amount if a else None
        result.figure_b = sum((p.amount for p in parts), Decimal(0)) if parts else None
        reason = missing or ("figure A not printed" if a is None else "nothing printed to compare")
        result.message = f"{what}: {reason}"
        return result
    b = sum((p.amount for p in parts), Decimal(0))
    allowance = a.half_unit + sum((p.half_unit for p in parts), Decimal(0))
    result.figure_a, result.figure_b = a.amount, b
    result.difference = a.amount - b
    result.allowance = allowance
    ok = abs(result.difference) <= allowance
    result.outcome = "pass" if ok else "fail"
    result.message = (
        f"{what}: {a.label} {'=' if ok else '≠'} {_shown(parts)}"
        + (f" (Σ {b})" if len(parts) > 1 else "")
        + ("" if ok else f"; difference {result.difference} yuan exceeds the rounding allowance {allowance}")
    )
    return result
