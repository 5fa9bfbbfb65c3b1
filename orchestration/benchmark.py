"""`budget bench`: the benchmark of docs/benchmarks.md from the command line.

Registered by ``orchestration/cli.py`` with ``main.add_command(bench)``; the work is done by
the ``bench`` package at the project root (a development tool, not shipped in the wheel).
"""

from __future__ import annotations

import sys

import click

from orchestration import settings

__all__ = ["bench"]


@click.command()
@click.option("--quick", is_flag=True, help="20 and 100 generated documents, one repeat (for iteration).")
@click.option("--sizes", help="Comma-separated generated corpus sizes (default 100,1000).")
@click.option("--seed", type=int, default=None, help="Seed of the generated corpus.")
@click.option("--no-write", is_flag=True, help="Print the report only; leave docs/benchmarks.md alone.")
def bench(quick: bool, sizes: str | None, seed: int | None, no_write: bool) -> None:
    """Measure parse speed, the main job (cold, unchanged, at scale), peak memory and a BI query."""
    if str(settings.PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(settings.PROJECT_ROOT))
    from bench.benchmark import main as run_benchmark

    argv = ["--quick"] if quick else []
    argv += ["--sizes", sizes] if sizes else []
    argv += ["--seed", str(seed)] if seed is not None else []
    argv += ["--no-write"] if no_write else []
    run_benchmark(argv)
