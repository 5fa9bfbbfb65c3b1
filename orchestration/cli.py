"""`budget`: the command line of the warehouse.

    budget run                 process the raw folder into the warehouse (offline)
    budget parse FILE --json   parse one disclosure and print what was read
    budget scrape ...          fetch disclosures from the portals (see docs/scraping.md)

Reads BUDGET_RAW_DIR (default raw/) and BUDGET_WAREHOUSE (default warehouse/budget.duckdb).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from orchestration import settings

# Exit code for a file the parser refuses (documented in README / docs/parse-schema.md).
EXIT_UNPARSEABLE = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Shanghai budget-disclosure warehouse."""


def _pin_environment() -> tuple[Path, Path]:
    """Resolve the two env vars to absolute paths for every process this run starts (dbt, workers)."""
    raw, warehouse = settings.raw_dir(), settings.warehouse_path()
    os.environ["BUDGET_RAW_DIR"] = str(raw)
    os.environ["BUDGET_WAREHOUSE"] = str(warehouse)
    return raw, warehouse


@main.command()
@click.option(
    "--retry",
    "retry",
    multiple=True,
    metavar="SHA256",
    help="Parse this document again even if it is up to date (full sha256 or a unique prefix of 8+ "
    "characters; repeatable), e.g. after a quarantine.",
)
@click.option("--force", is_flag=True, help="Run even if nothing changed since the last successful run.")
def run(retry: tuple[str, ...], force: bool) -> None:
    """Materialize every asset of the main job on the raw folder (offline: no scraping).

    Only new or changed files are parsed; files that cannot be parsed are quarantined with a reason
    and the run goes on. When neither the raw folder nor the parser, models or suites changed since
    the last successful run, there is nothing to do and the run says so. Exit 0 on success, 1 if a
    step or a blocking check failed.
    """
    raw, warehouse = _pin_environment()
    started = time.perf_counter()
    click.echo(f"raw folder: {raw}\nwarehouse:  {warehouse}", err=True)
    from orchestration.pipeline import run_main_job

    outcome = run_main_job(sha256s=list(retry) or None, force=force)
    click.echo(outcome.summary())
    click.echo(f"wall time: {time.perf_counter() - started:.1f} s", err=True)
    sys.exit(0 if outcome.success else 1)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the whole parse as one JSON object.")
def parse(file: Path, as_json: bool) -> None:
    """Parse one disclosure FILE (PDF or text). Exit 2 with a one-line reason if it cannot be parsed."""
    from orchestration.parsing import ParseError, parse_document

    try:
        doc = parse_document(file)
    except ParseError as err:
        click.echo(f"{file}: {err.reason}: {err.message}", err=True)
        sys.exit(EXIT_UNPARSEABLE)
    if as_json:
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
        return
    meta = doc.document
    click.echo(
        f"{meta.department} {meta.fiscal_year} ({meta.kind}, {meta.level}) — {meta.format}, {meta.pages} pages"
    )
    for t in doc.tables:
        n = sum(1 for c in doc.cells if c.table_no == t.table_no)
        empty = " (empty)" if t.empty else ""
        click.echo(f"  table {t.table_no}: {t.title} [{t.unit}] pages {t.pages}: {n} cells{empty}")
    click.echo(f"  narrative figures: {len(doc.narrative)}, projects: {len(doc.projects)}")


try:  # the scraper lives in its own package; the CLI works without it
    from orchestration.scraping.scrape_command import scrape
except ImportError:  # pragma: no cover
    scrape = None
if scrape is not None:
    main.add_command(scrape)

from orchestration.bench_command import bench

main.add_command(bench)


if __name__ == "__main__":
    main()
