"""`budget bench`: the benchmark of docs/benchmarks.md, run as ``python -m bench``.

The benchmark is a development tool kept in the ``bench`` package beside the product, not in
the wheel: the product never imports it. This command starts it in a child process from the
project folder, so it works from a checkout and says plainly that it cannot from an installed
wheel.
"""

from __future__ import annotations

import subprocess
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
    if not (settings.PROJECT_ROOT / "bench" / "benchmark.py").is_file():
        raise click.ClickException(
            f"the benchmark lives in a checkout of the project (bench/), not in {settings.PROJECT_ROOT}"
        )
    argv = ["--quick"] if quick else []
    argv += ["--sizes", sizes] if sizes else []
    argv += ["--seed", str(seed)] if seed is not None else []
    argv += ["--no-write"] if no_write else []
    sys.exit(subprocess.call([sys.executable, "-m", "bench", *argv], cwd=settings.PROJECT_ROOT))
