"""The Dagster code location: Definitions assembled from one module per concern."""

from __future__ import annotations

from typing import Any

import dagster as dg

from orchestration.defs import checks, dbt, export, jobs, parse, quality, raw, scrape
from orchestration.defs.resources import default_resources
from orchestration.memory import use_system_arrow_pool

CONCERNS = (scrape, raw, parse, dbt, export, checks, quality, jobs)


def build_definitions(resources: dict[str, Any] | None = None) -> dg.Definitions:
    """All definitions, with the environment's resources unless others are given (tests swap them)."""
    use_system_arrow_pool()
    return dg.Definitions.merge(
        *(module.defs for module in CONCERNS),
        dg.Definitions(resources=resources or default_resources()),
    )


defs = build_definitions()
