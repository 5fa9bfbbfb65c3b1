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


def test_lineage_reads_raw_landing_staging_marts_quality():
    assets = current_graph()["assets"]
    assert assets["raw_documents"]["group"] == "raw"
    assert assets["scraped_files"]["group"] == "raw"
    assert assets["landing/cells"] == {"group": "landing", "deps": ["raw_documents"]}
    assert {a["group"] for key, a in assets.items() if key.startswith("landing/")} == {"landing"}
    assert assets["stg_cells"] == {"group": "staging", "deps": ["landing/cells"]}
    assert assets["int_cells"]["group"] == "marts"  # intermediate models build the marts
    assert assets["fact_expense"]["group"] == "marts"
    assert assets["quality_report"] == {"group": "quality", "deps": ["fact_check_result"]}
    order = ["raw", "landing", "staging", "marts", "quality"]
    assert {a["group"] for a in assets.values()} == set(order)
    backwards = [
        f"{dep} ({assets[dep]['group']}) → {key} ({a['group']})"
        for key, a in assets.items()
        for dep in a["deps"]
        if order.index(assets[dep]["group"]) > order.index(a["group"])
    ]
    assert backwards == [], "no dependency runs from a later group to an earlier one"


def test_every_asset_check_says_what_it_checks():
    """dbt tests take their description from the yml (or their kwargs); GE suites and identities their own."""
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    specs = {
        spec.key.to_user_string(): spec.description
        for definition in [*defs.assets, *defs.asset_checks]
        for spec in getattr(definition, "check_specs", [])
    }
    assert len(specs) > 200
    assert [key for key, description in specs.items() if not description] == []
    assert specs["fact_expense:not_null_fact_expense_amount_yuan"] == "`amount_yuan` is never null."
    assert specs["fact_expense:assert_department_totals_come_from_the_department_budget"].startswith(
        "Where a department's 部门预算 for a year is in the warehouse"
    )
    assert specs["fact_check_result:fact_check_result_tables_add_up"] == (
        "The publishers' own inconsistencies in the `within_table` identities: the failed checks of "
        "fact_check_result for the file selected to represent each disclosure. Severity warn: reported, never blocks."
    )
