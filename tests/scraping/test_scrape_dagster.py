"""The Dagster wiring: the partitioned asset against the test portal, schedules, sensor, merge."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import duckdb

from bench.portals.district_portal import Site
from orchestration.defs import jobs as jobs_defs
from orchestration.defs import scrape as scrape_defs
from orchestration.defs.resources import RawStore, Warehouse, default_resources
from orchestration.scraping import load_registry


def _resources(raw_dir: Path, warehouse: Path) -> dict:
    return {"raw_store": RawStore(path=str(raw_dir)), "warehouse": Warehouse(path=str(warehouse))}


def _asset(defs: dg.Definitions) -> dg.AssetsDefinition:
    (asset,) = defs.assets
    return asset


def test_asset_crawls_one_source_partition_and_reports_counts(site: Site, registry_file, raw_dir, warehouse):
    defs = scrape_defs.build_scrape_defs(registry_file)
    result = dg.materialize(
        [_asset(defs)], partition_key="test_district", resources=_resources(raw_dir, warehouse)
    )

    assert result.success
    (materialization,) = result.asset_materializations_for_node("scraped_files")
    meta = {k: v.value for k, v in materialization.metadata.items()}
    assert materialization.partition == "test_district"
    assert {k: meta[k] for k in ("files_found", "files_fetched", "files_skipped", "files_rejected")} == {
        "files_found": 19,
        "files_fetched": 9,
        "files_skipped": 1,
        "files_rejected": 9,
    }
    assert meta["rejections"]["timeout"] == 1
    assert len(list((raw_dir / "scraped").glob("*.pdf"))) == 7
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select count(distinct sha256) from raw_scrape_manifest where is_current"
        ).fetchone() == (9,)


def test_asset_fails_when_the_source_is_unreachable(site: Site, tmp_path, raw_dir, warehouse):
    registry = tmp_path / "broken.yml"
    registry.write_text(
        registry_text(site.portal.url("/nowhere/index.html")),
        encoding="utf-8",
    )
    defs = scrape_defs.build_scrape_defs(registry)
    result = dg.materialize(
        [_asset(defs)],
        partition_key="test_district",
        resources=_resources(raw_dir, warehouse),
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "no listing page could be read" in failure.event_specific_data.error.message


def registry_text(start_url: str) -> str:
    return (
        "sources:\n"
        "  - name: test_district\n"
        f"    start_urls: [{start_url}]\n"
        "    detail_pattern: '/\\d{8}/\\w+\\.html$'\n"
        "    attachment_pattern: '\\.pdf$'\n"
        "    limits: {delay_seconds: 0, read_timeout_seconds: 0.5, retries: 0}\n"
    )


def test_shipped_defs_partition_by_registry_and_merge_with_the_parse_assets(tmp_path):
    assert scrape_defs.build_scrape_defs().assets[0].partitions_def.get_partition_keys() == list(
        load_registry()
    )

    @dg.asset(deps=["scraped_files"], group_name="raw")
    def raw_documents() -> None:
        return None

    @dg.asset(deps=[raw_documents])
    def parsed_documents() -> None:
        return None

    merged = dg.Definitions.merge(
        scrape_defs.build_scrape_defs(),
        dg.Definitions(assets=[raw_documents, parsed_documents], resources=default_resources()),
        jobs_defs.defs,
    )
    dg.Definitions.validate_loadable(merged)
    repo = merged.get_repository_def()
    refresh = repo.get_job("scheduled_refresh")
    assert {k.to_user_string() for k in refresh.asset_layer.executable_asset_keys} == {
        "scraped_files",
        "raw_documents",
        "parsed_documents",
    }
    parse = repo.get_job("main")
    assert {k.to_user_string() for k in parse.asset_layer.executable_asset_keys} == {
        "raw_documents",
        "parsed_documents",
    }
    assert {s.name: s.cron_schedule for s in merged.schedules} == {
        "scrape_weekly_budget_season": "0 3 * 2-4 1",
        "scrape_monthly_off_season": "0 3 1 1,5-12 *",
    }


def _weekly(defs: dg.Definitions) -> tuple[dg.ScheduleDefinition, dg.RepositoryDefinition]:
    repo = dg.Definitions.merge(defs, dg.Definitions(resources=default_resources())).get_repository_def()
    return repo.get_schedule_def("scrape_weekly_budget_season"), repo


def test_schedules_request_one_run_per_enabled_source(registry_file):
    weekly, repo = _weekly(scrape_defs.build_scrape_defs(registry_file))
    when = dt.datetime(2025, 2, 10, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with dg.build_schedule_context(scheduled_execution_time=when, repository_def=repo) as context:
        requests = weekly.evaluate_tick(context).run_requests
    assert [(r.partition_key, r.run_key) for r in requests] == [
        ("test_district", "test_district-202502100300")
    ]
    # the shipped registry enables nothing yet: the schedule says so instead of running
    shipped, repo = _weekly(scrape_defs.build_scrape_defs())
    with dg.build_schedule_context(scheduled_execution_time=when, repository_def=repo) as context:
        data = shipped.evaluate_tick(context)
    assert data.run_requests == [] and "no source is enabled" in data.skip_message


def test_sensor_requests_a_parse_run_when_raw_files_change(tmp_path):
    raw = tmp_path / "raw"
    (raw / "scraped").mkdir(parents=True)
    sensor = jobs_defs.new_raw_files_sensor
    resources = {"raw_store": RawStore(path=str(raw))}

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor, resources=resources) as context:
            data = sensor.evaluate_tick(context)
            return data, context.cursor

    data, cursor = tick(None)
    assert data.run_requests == [] and "empty" in data.skip_message
    (raw / "scraped" / ("a" * 64 + ".pdf")).write_bytes(b"%PDF-1.4 a")
    data, cursor = tick(cursor)
    (request,) = data.run_requests
    assert request.tags["raw_files"] == "1"
    data, same = tick(cursor)
    assert data.run_requests == [] and same == cursor  # nothing new
    (raw / "scraped" / "manifest.jsonl").write_text("{}\n")  # the manifest alone is not new content
    (raw / "scraped" / "x.part").write_bytes(b"half")  # nor is a download in progress
    data, _ = tick(cursor)
    assert data.run_requests == []
    later = raw / "scraped" / ("b" * 64 + ".pdf")
    later.write_bytes(b"%PDF-1.4 b")
    os.utime(later, ns=(1, 1))
    data, new_cursor = tick(cursor)
    (request,) = data.run_requests
    assert request.tags["raw_files"] == "2" and new_cursor != cursor
