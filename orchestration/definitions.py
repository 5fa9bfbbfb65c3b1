"""The Dagster code location: Definitions assembled from one module per concern."""

from __future__ import annotations

import dagster as dg

from orchestration.defs import checks, dbt, jobs, parse, raw
from orchestration.defs.resources import default_resources

defs = dg.Definitions.merge(
    raw.defs,
    parse.defs,
    dbt.defs,
    checks.defs,
    jobs.defs,
    dg.Definitions(resources=default_resources()),
)
