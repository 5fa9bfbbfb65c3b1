"""`budget`: the command line of the warehouse.

    budget run                 process the raw folder into the warehouse (offline)
    budget parse FILE [--json] parse one disclosure and show what was read, table by table
    budget scrape ...          fetch disclosures from the portals (see docs/scraping.md)

Reads BUDGET_RAW_DIR (default raw/) and BUDGET_WAREHOUSE (default warehouse/budget.duckdb).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import ClassVar

import click

from orchestration import settings

# Exit code for a file the parser refuses (documented in README / docs/parse-schema.md).
EXIT_UNPARSEABLE = 2


class LazyGroup(click.Group):
    """Subcommands imported only when called (or listed by --help): `budget parse` must not pay for
    the scraper's HTTP stack and Arrow, nor `budget run` for the benchmark."""

    LAZY: ClassVar[dict[str, str]] = {
        "scrape": "orchestration.scraping.scrape_command:scrape",
        "bench": "orchestration.bench_command:bench",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            module, attribute = self.LAZY[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--verbose", "-v", is_flag=True, help="Also print the full Dagster and dbt log (always in the log file)."
)
def run(retry: tuple[str, ...], force: bool, verbose: bool) -> None:
    """Materialize every asset of the main job on the raw folder (offline: no scraping).

    Only new or changed files are parsed; files that cannot be parsed are quarantined with a reason
    and the run goes on. Prints one line per stage, then a summary; the full Dagster and dbt log goes
    to budget_run.log beside the warehouse. When neither the raw folder nor the parser, models or
    suites changed since the last successful run, there is nothing to do and the run says so. Exit 0
    on success, 1 if a step or a blocking check failed.
    """
    raw, warehouse = _pin_environment()
    from orchestration.pipeline import run_main_job
    from orchestration.run_console import LOG_NAME, RunConsole

    click.echo(f"budget run: {raw} → {warehouse}")
    console = RunConsole(warehouse.parent / LOG_NAME, verbose=verbose)
    outcome = run_main_job(sha256s=list(retry) or None, force=force, console=console)
    click.echo(outcome.summary())
    sys.exit(0 if outcome.success else 1)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the whole parse as one JSON object.")
def parse(file: Path, as_json: bool) -> None:
    """Parse one disclosure FILE (PDF, scan, text, spreadsheet, Word, HTML) and show per table its
    title, unit, pages, rows, printed total and problems. Exit 2 with a one-line reason if it cannot
    be parsed."""
    from orchestration.parse_view import error_line, format_parse
    from orchestration.parsing import ParseError, parse_document

    try:
        doc = parse_document(file)
    except ParseError as err:
        click.echo(error_line(file, err), err=True)
        sys.exit(EXIT_UNPARSEABLE)
    if as_json:
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo("\n".join(format_parse(doc)))


if __name__ == "__main__":
    main()
