"""One line per dbt test saying what it asserts, for the asset checks dbt tests become in Dagster.

Plain module (no Dagster import). A test's own ``description:`` in the yml wins; a generic test
without one is described from its kwargs (``not_null``, ``unique``, ``accepted_values``,
``relationships`` and the project's generic tests in ``dbt_project/tests/generic/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["describe_dbt_test"]

_REF = re.compile(r"ref\(['\"]([^'\"]+)['\"]\)")


def describe_dbt_test(node: Mapping[str, Any]) -> str:
    """The yml ``description:`` of a dbt test node, else ``meta.description``, else one made from its kwargs."""
    own = (node.get("description") or "").strip() or (node.get("meta") or {}).get("description")
    if own:
        return own
    metadata = node.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    describe = _GENERIC.get(metadata.get("name", ""))
    if describe is None:
        return f"dbt test `{node['name']}`: lists the rows that break it (none expected)."
    severity = ((node.get("config") or {}).get("severity") or "error").lower()
    text = describe(kwargs)
    return text + (" Severity warn: reported, never blocks." if severity == "warn" else "")


def _column(kwargs: Mapping[str, Any]) -> str:
    return f"`{kwargs.get('column_name')}`"


def _accepted_values(kwargs: Mapping[str, Any]) -> str:
    values = ", ".join(f"`{v}`" for v in kwargs.get("values") or [])
    return f"{_column(kwargs)} is one of: {values}."


def _relationships(kwargs: Mapping[str, Any]) -> str:
    match = _REF.search(str(kwargs.get("to", "")))
    target = match.group(1) if match else kwargs.get("to")
    return f"Every {_column(kwargs)} is a `{kwargs.get('field')}` of `{target}`."


def _combination(kwargs: Mapping[str, Any]) -> str:
    return "Grain: one row per (" + ", ".join(kwargs.get("columns") or []) + ")."


def _publisher_findings(kwargs: Mapping[str, Any]) -> str:
    family = kwargs.get("family")
    scope = f"the `{family}` identities" if family else "every identity"
    return (
        f"The publishers' own inconsistencies in {scope}: the failed checks of fact_check_result for the file "
        "selected to represent each disclosure."
    )


_GENERIC: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "not_null": lambda kwargs: f"{_column(kwargs)} is never null.",
    "unique": lambda kwargs: f"{_column(kwargs)} is unique.",
    "accepted_values": _accepted_values,
    "relationships": _relationships,
    "unique_combination_of_columns": _combination,
    "expression_is_true": lambda kwargs: f"Every row satisfies `{kwargs.get('expression')}`.",
    "publisher_findings": _publisher_findings,
}
