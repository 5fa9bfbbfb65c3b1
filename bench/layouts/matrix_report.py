"""The harness's report: pass/fail per axis value, then each failing case with its first differences."""

from __future__ import annotations

from bench.layouts.render_check import Outcome
from bench.layouts.styles import AXES

__all__ = ["outcomes_json", "render_report", "render_table"]

SHOWN_FAILURES = 400


def render_table(counts: dict[tuple[str, str], tuple[int, int]]) -> str:
    """One line per axis value: renders, passed, failed."""
    lines = ["| axis | value | renders | pass | fail |", "|---|---|---:|---:|---:|"]
    axes = list(AXES) + ["document"]
    for axis in axes:
        values = AXES.get(axis) or sorted(v for a, v in counts if a == axis)
        for value in values:
            passed, failed = counts.get((axis, value), (0, 0))
            lines.append(f"| {axis} | {value} | {passed + failed} | {passed} | {failed} |")
    return "\n".join(lines)


def render_report(
    outcomes: list[Outcome], counts: dict[tuple[str, str], tuple[int, int]], matrix: str, seconds: float
) -> str:
    failed = [o for o in outcomes if not o.passed]
    lines = [
        f"# Layout harness: {matrix} matrix",
        "",
        f"{len(outcomes)} renders, {len(outcomes) - len(failed)} pass, {len(failed)} fail ({seconds:.0f} s).",
        "",
        render_table(counts),
        "",
        "## Failing cases",
        "",
    ]
    for outcome in failed[:SHOWN_FAILURES]:
        lines += ["```", outcome.message(), "```"]
    return "\n".join(lines) + "\n"


def outcomes_json(outcomes: list[Outcome]) -> list[dict]:
    return [
        {
            "doc_id": o.doc_id,
            "style": dict(o.style.items()),
            "passed": o.passed,
            "expected": o.expected,
            "parsed": o.parsed,
            "missing": len(o.diff.missing),
            "extra": len(o.diff.extra),
            "changed": len(o.diff.changed),
            "misplaced": len(o.diff.misplaced),
            "error": o.error,
            "message": None if o.passed else o.message(),
            "seconds": round(o.seconds, 2),
        }
        for o in outcomes
    ]
