"""The asset graph as a snapshot: a renamed asset or a changed dependency is a visible decision.

Regenerate after an intended change with ``UPDATE_SNAPSHOTS=1 uv run pytest tests/test_asset_graph.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def current_graph() -> dict:
    from orchestration.definitions import build_definitions

    defs = build_definitions()

    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
        }
    checks = sorted(
        f"{k.asset_key.to_user_string()}:{k.name}"
        for k in graph.asset_check_keys
        if not k.name.startswith(("not_null_", "unique_", "accepted_values_", "relationships_"))
    )
    jobs = sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))
    return {"assets": assets, "blocking_and_custom_checks": checks, "jobs": jobs}


def test_asset_graph_matches_snapshot():
    graph = current_graph()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(graph, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert graph == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_lineage_reads_raw_to_staging_to_marts():
    assets = current_graph()["assets"]
    assert assets["raw_documents"]["group"] == "raw"
    assert assets["landing/cells"] == {"group": "staging", "deps": ["raw_documents"]}
    assert assets["stg_cells"]["deps"] == ["landing/cells"]
    assert assets["fact_expense"]["group"] == "marts"
