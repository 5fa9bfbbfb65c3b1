"""Fixtures: the test portal on 127.0.0.1, a source for it, temp raw folder and warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.portals.district_portal import Site, build_district_portal, source_entry
from bench.portals.portal_server import Portal
from orchestration.scraping import Source


@pytest.fixture
def site():
    with Portal() as portal:
        yield build_district_portal(portal)


@pytest.fixture
def source(site: Site) -> Source:
    return Source.from_dict(source_entry(site))


@pytest.fixture
def registry_file(site: Site, tmp_path: Path) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump({"sources": [source_entry(site)]}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    path = tmp_path / "raw"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "budget.duckdb"
