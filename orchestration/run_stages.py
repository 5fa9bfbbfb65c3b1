"""One line per step of the main job, from what the step reported (``run_console.StepEvents``).

Plain module (no Dagster import). Each step of the main job has a label and a sentence built from
its materialization metadata and check evaluations; a step not listed here (a new asset) still
gets a line: its assets and checks counted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["STAGE_LABELS", "describe_step"]

STAGE_LABELS = {
    "raw_documents": "raw files",
    "parsed_documents": "parse",
    "landing_expectations": "landing checks",
    "landing__held_back": "gate",
    "landing__check_results": "identities",
    "budget_dbt_models": "dbt",
    "mart_expectations": "mart checks",
    "reported_identities": "findings",
    "marts_parquet": "export",
    "quality_report": "report",
}


def describe_step(step: Any) -> tuple[str, str]:
    """(label, sentence) of a finished step."""
    label = STAGE_LABELS.get(step.key, step.key)
    if step.failure:
        return label, f"FAILED: {step.failure}"
    describe = _DESCRIBE.get(step.key, _generic)
    try:
        return label, describe(step)
    except (KeyError, TypeError, ValueError):  # metadata not as expected: say what is certain
        return label, _generic(step)


def _metadata(step: Any, asset: str) -> dict[str, Any]:
    return step.materialized[asset]


def _raw_files(step: Any) -> str:
    md = _metadata(step, "raw_documents")
    changed = md.get("changed_files", 0)
    new, gone = md["new_files"] - changed, md["files_gone"] - changed
    return f"{md['files']} found: {new} new, {changed} changed, {gone} gone"


def _parse(step: Any) -> str:
    md = _metadata(step, "landing/documents")
    quarantined = md["quarantined_this_run"]
    return (
        f"{md['parsed_this_run'] - quarantined} parsed, {quarantined} quarantined, "
        f"{md['unchanged_skipped']} unchanged"
    )


def _checks(kind: str) -> Callable[[Any], str]:
    def describe(step: Any) -> str:
        passed, warned, failed = step.check_counts()
        if not failed and not warned:
            return f"{passed} {kind} checks passed"
        names = ", ".join(name.split(":")[-1] for name, ok, _ in step.checks if not ok)
        return f"{failed} of {len(step.checks)} {kind} checks FAILED: {names}"

    return describe


def _gate(step: Any) -> str:
    md = _metadata(step, "landing/held_back")
    released = f", {md['released']} released" if md["released"] else ""
    return (
        f"{md['documents_evaluated']} documents checked: {md['documents_held_back']} held back"
        f"{released} (the others flow into the marts)"
    )


def _identities(step: Any) -> str:
    md = _metadata(step, "landing/check_results")
    outcomes = [
        f"{md[f'outcome_{outcome}']} {outcome.replace('_', ' ')}"
        for outcome in ("pass", "fail", "not_applicable", "insufficient_data")
        if md[f"outcome_{outcome}"] or outcome in ("pass", "fail")
    ]
    return f"{md['results']} on {md['documents']} documents: " + ", ".join(outcomes)


def _dbt(step: Any) -> str:
    passed, warned, failed = step.check_counts()
    return (
        f"{len(step.materialized)} models built; {len(step.checks)} tests: {passed} passed, "
        f"{warned} warned, {failed} failed"
    )


def _findings(step: Any) -> str:
    _, warned, failed = step.check_counts()
    return f"{warned + failed} of {len(step.checks)} identities broken in some document (reported)"


def _export(step: Any) -> str:
    md = _metadata(step, "marts_parquet")
    return f"{md['marts']} marts written to {Path(str(md['folder'])).name}/ (Parquet)"


def _report(step: Any) -> str:
    md = _metadata(step, "quality_report")
    return f"quality report written: {md['findings']} findings, {md['quarantined']} quarantined"


def _generic(step: Any) -> str:
    passed, warned, failed = step.check_counts()
    parts = [f"{len(step.materialized)} assets materialized"]
    if step.checks:
        parts.append(f"checks: {passed} passed, {warned} warned, {failed} failed")
    return "; ".join(parts)


_DESCRIBE: dict[str, Callable[[Any], str]] = {
    "raw_documents": _raw_files,
    "parsed_documents": _parse,
    "landing_expectations": _checks("blocking"),
    "landing__held_back": _gate,
    "landing__check_results": _identities,
    "budget_dbt_models": _dbt,
    "mart_expectations": _checks("blocking"),
    "reported_identities": _findings,
    "marts_parquet": _export,
    "quality_report": _report,
}
