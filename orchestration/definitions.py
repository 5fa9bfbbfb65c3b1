"""The Dagster code location: Definitions assembled from one module per concern.

Loaded lazily (``@dg.definitions``): importing this module builds nothing; Dagster (or a test)
calls ``defs()`` / ``build_definitions()``, which prepares the dbt project on first use.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from orchestration.defs import checks, jobs, parse, quality, raw
from orchestration.defs.dbt import dbt_defs
from orchestration.defs.export import export_defs
from orchestration.defs.resources import default_resources
from orchestration.defs.scrape import build_scrape_defs
from orchestration.memory import use_system_arrow_pool

# Concerns whose definitions are declared at import (no file read, no subprocess).
DECLARED = (raw, parse, checks, quality, jobs)


def build_definitions(resources: dict[str, Any] | None = None) -> dg.Definitions:
    """All definitions, with the environment's resources unless others are given (tests swap them)."""
    use_system_arrow_pool()
    return dg.Definitions.merge(
        build_scrape_defs(),
        *(module.defs for module in DECLARED),
        dbt_defs(),
        export_defs(),
        dg.Definitions(resources=resources or default_resources()),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
