"""Compare the parser's cells with a table golden, difference by difference, classified.

``python -m tests.parsing.golden_diff city/city_audit_bureau_2026 [...]`` prints, per document,
the cell precision/recall of the parser against the golden and every difference:
``missing cell`` / ``extra cell`` (nothing printed at that place matches), or a cell read at the
right place (same page, same printed figure) with the wrong table, section, code, name, column or
amount. ``test_tables_golden`` prints the same report when a document does not match.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# Fields compared, in the order a difference is named (the first that differs names it).
FIELDS = ("table_no", "section", "code", "name", "column", "amount_yuan", "unit", "line")
KIND = {
    "table_no": "wrong table",
    "section": "wrong section",
    "code": "wrong code",
    "name": "wrong name",
    "column": "wrong column",
    "amount_yuan": "wrong amount",
    "unit": "wrong unit",
    "line": "wrong line",
}
ALL_FIELDS = (*FIELDS, "printed", "page")


def _frozen(cell: dict) -> tuple:
    return tuple(cell.get(f) for f in ALL_FIELDS)


def _closeness(want: dict, got: dict) -> int:
    return sum(want.get(f) == got.get(f) for f in FIELDS)


def classify(golden: list[dict], parsed: list[dict]) -> dict:
    """``matched`` count and ``differences``: (kind, golden cell or None, parsed cell or None)."""
    want, got = Counter(map(_frozen, golden)), Counter(map(_frozen, parsed))
    matched = sum((want & got).values())
    missing = [dict(zip(ALL_FIELDS, k)) for k in (want - got).elements()]
    extra = [dict(zip(ALL_FIELDS, k)) for k in (got - want).elements()]
    # A cell read at the right place (page and printed figure) but described wrongly.
    by_place = defaultdict(list)
    for cell in extra:
        by_place[(cell["page"], cell["printed"])].append(cell)
    differences = []
    for cell in missing:
        candidates = by_place.get((cell["page"], cell["printed"]), [])
        if not candidates:
            differences.append(("missing cell", cell, None))
            continue
        best = max(candidates, key=lambda c: _closeness(cell, c))
        candidates.remove(best)
        fields = [f for f in FIELDS if cell.get(f) != best.get(f)]
        kind = KIND[fields[0]] if fields else "wrong printed"
        if len(fields) > 1:
            kind += f" (and {', '.join(f.removesuffix('_no').removesuffix('_yuan') for f in fields[1:])})"
        differences.append((kind, cell, best))
    differences += [("extra cell", None, c) for cs in by_place.values() for c in cs]
    return {"matched": matched, "golden": len(golden), "parsed": len(parsed), "differences": differences}


def _describe(cell: dict | None) -> str:
    if cell is None:
        return "-"
    where = f"p{cell['page']}" if cell["page"] is not None else f"l{cell['line']}"
    section = f" {cell['section']}" if cell["section"] else ""
    return (
        f"t{cell['table_no']}{section} {cell['code'] or '-'} {cell['name'] or '(no name)'} "
        f"[{cell['column']}] {cell['printed']} = {cell['amount_yuan']} {where}"
    )


def report(result: dict, limit: int | None = None) -> str:
    """One line of precision/recall, then one line per difference (``limit`` lines at most)."""
    matched, golden, parsed = result["matched"], result["golden"], result["parsed"]
    precision = matched / parsed if parsed else 1.0
    recall = matched / golden if golden else 1.0
    kinds = Counter(kind.split(" (")[0] for kind, _, _ in result["differences"])
    lines = [
        f"precision {precision:.3f} ({matched}/{parsed}), recall {recall:.3f} ({matched}/{golden}); "
        + (", ".join(f"{n} {k}" for k, n in kinds.most_common()) or "no difference")
    ]
    shown = result["differences"] if limit is None else result["differences"][:limit]
    for kind, want, got in shown:
        lines.append(f"  {kind}: golden {_describe(want)} | parser {_describe(got)}")
    if limit is not None and len(result["differences"]) > limit:
        lines.append(f"  … {len(result['differences']) - limit} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from tests.parsing.conftest import extracted
    from tests.parsing.goldens import cell_dict, load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="+", help="subdir/doc_id, e.g. city/city_audit_bureau_2026")
    args = parser.parse_args(argv)
    for document in args.documents:
        subdir, doc_id = document.split("/")
        golden = load(subdir, doc_id)
        try:
            _, cells = extracted(subdir, doc_id)
        except Exception as err:  # noqa: BLE001 - a refused document is a result to report
            print(f"## {document}: parser refused it: {type(err).__name__}: {err}")
            continue
        print(f"## {document}\n" + report(classify(golden["cells"], [cell_dict(c) for c in cells])))


if __name__ == "__main__":
    main()
