"""The closing summary of `budget run`: what a data engineer reads after the stage lines.

Plain module (no Dagster import). At most about 20 lines whatever the corpus size: marts with their
row counts, the publishers' findings with the worst documents, our own warnings and failures (never
mixed with the publishers'), held-back documents and quarantined files with their reasons, the report and the log::

    success in 3 min 2 s (run 79678019)
      marts: dim_department 4 · dim_document 8 · ... · fact_three_public 11
      findings: 15 in 3 of 4 selected documents — the publishers' own figures disagree, kept as printed
        pdf/jiading_anting_2024.pdf: 6 (total_row_equals_classes 2, ...)
      held back: none
      quarantined: none
      report: /…/quality_report.html
      log:    /…/budget_run.log
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["PUBLISHER_ASSET", "summary_lines"]

PUBLISHER_ASSET = "fact_check_result"  # checks on this asset report the publishers' figures, not ours
LINE_WIDTH = 110
WORST_DOCUMENTS = 5  # documents named under the findings
LISTED_FILES = 5  # quarantined files named one by one
LISTED_CHECKS = 8  # failed or warned checks of ours named one by one
UP_TO_DATE = (
    "up to date: the raw folder, parser and models are unchanged since the last successful run; "
    "nothing to do (budget run --force rebuilds anyway)"
)


def summary_lines(outcome: Any) -> list[str]:
    if outcome.error:
        return [f"run not started: {outcome.error}"]
    if outcome.up_to_date:
        return [
            UP_TO_DATE,
            *_findings(outcome),
            *outcome.held_back_lines(),
            *_quarantine(outcome),
            *_paths(outcome),
        ]
    took = f" in {_duration(outcome.seconds)}" if outcome.seconds is not None else ""
    lines = [f"{'success' if outcome.success else 'FAILED'}{took} (run {outcome.run_id[:8]})"]
    lines += [f"  failed step: {step}" for step in outcome.failed_steps]
    lines += [
        f"  failed check: {c} — {outcome.check_descriptions[c]}"
        for c in outcome.failed_checks
        if c in outcome.check_descriptions
    ]
    lines += _named(
        "failed checks (blocking; ours to fix)",
        [c for c in outcome.failed_checks if c not in outcome.check_descriptions],
    )
    ours = [c for c in outcome.warned_checks if not c.startswith(PUBLISHER_ASSET + ":")]
    lines += _named("warnings (ours to look at)", ours)
    lines += _marts(outcome.counts)
    lines += _findings(outcome)
    lines += outcome.held_back_lines()
    lines += _quarantine(outcome)
    lines += _paths(outcome)
    return lines


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _named(title: str, checks: list[str]) -> list[str]:
    if not checks:
        return []
    shown = ", ".join(checks[:LISTED_CHECKS]) + (" …" if len(checks) > LISTED_CHECKS else "")
    return _wrapped(f"  {title}: {len(checks)} — ", shown.split(" "), " ")


def _marts(counts: dict[str, int]) -> list[str]:
    marts = [
        f"{name.removeprefix('marts.')} {rows:,}"
        for name, rows in counts.items()
        if name.startswith("marts.")
    ]
    return _wrapped("  marts: ", marts, " · ") if marts else ["  marts: none built"]


def _wrapped(head: str, items: list[str], separator: str) -> list[str]:
    """``head`` then the items, wrapped at LINE_WIDTH with a hanging indent."""
    lines, line = [], head
    for i, item in enumerate(items):
        piece = item if i == 0 else separator + item
        if len(line) + len(piece) > LINE_WIDTH and line.strip():
            lines.append(line.rstrip())
            line = "    " + item
        else:
            line += piece
    lines.append(line)
    return lines


def _findings(outcome: Any) -> list[str]:
    if not outcome.findings:
        return ["  findings: none — every identity the documents print holds"]
    total = sum(n for _, n, _ in outcome.findings)
    head = f"  findings: {total} in {len(outcome.findings)} documents"
    lines = [head + " — the publishers' own figures disagree, kept as printed (reported, not blocking)"]
    for source_file, n, checks in outcome.findings[:WORST_DOCUMENTS]:
        lines.append(_clip(f"    {source_file}: {n} ({checks})"))
    if len(outcome.findings) > WORST_DOCUMENTS:
        lines.append(f"    … {len(outcome.findings) - WORST_DOCUMENTS} more documents in the report")
    return lines


def _quarantine(outcome: Any) -> list[str]:
    if not outcome.quarantined:
        return ["  quarantined: none"]
    reasons = Counter(reason for _, reason, _ in outcome.quarantined)
    lines = [
        f"  quarantined: {len(outcome.quarantined)} file(s) ("
        + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
        + "); raw files untouched, budget run --retry SHA256 after a fix"
    ]
    lines += [
        _clip(f"    {f}: {reason}: {message}") for f, reason, message in outcome.quarantined[:LISTED_FILES]
    ]
    if len(outcome.quarantined) > LISTED_FILES:
        lines.append(
            f"    … {len(outcome.quarantined) - LISTED_FILES} more in landing.quarantine and the report"
        )
    return lines


def _paths(outcome: Any) -> list[str]:
    lines = []
    if outcome.report is not None:
        lines.append(f"  report: {outcome.report}")
    if outcome.log is not None:
        lines.append(f"  log:    {outcome.log}")
    return lines


def _clip(line: str) -> str:
    return line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…"
