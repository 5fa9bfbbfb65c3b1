"""Data-quality checks: Great Expectations suites run on warehouse tables. No Dagster import."""
