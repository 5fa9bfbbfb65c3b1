"""Golden snapshots of metadata, narrative figures and projects, one per corpus file.

``snapshot(subdir, doc_id)`` is what the tests compare with
``tests/golden/documents/<subdir>__<doc_id>.json``. The goldens were written by
``python -m tests.parsing.document_golden --write`` and then checked by hand against
the pages (see each file's ``notes``); rewrite one only after checking the change on
the page.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from orchestration.parsing import metadata, narrative, projects
from orchestration.parsing.model import _jsonable
from orchestration.parsing.source import open_source

from .conftest import CORPUS_FILES, REPO, corpus_path

__all__ = ["GOLDEN_DIR", "golden_path", "load_golden", "parsed", "snapshot"]

GOLDEN_DIR = REPO / "tests" / "golden" / "documents"
META_FIELDS = (
    "source_file",
    "format",
    "pages",
    "department",
    "district",
    "town",
    "level",
    "kind",
    "fiscal_year",
)


def golden_path(subdir: str, doc_id: str) -> Path:
    return GOLDEN_DIR / f"{subdir}__{doc_id}.json"


@cache
def parsed(subdir: str, doc_id: str):
    """(meta, narrative figures, projects) of one corpus file, read once per session."""
    with open_source(corpus_path(subdir, doc_id)) as source:
        return metadata.extract(source), narrative.extract(source), projects.extract(source)


def snapshot(subdir: str, doc_id: str) -> dict[str, Any]:
    meta, figures, found = parsed(subdir, doc_id)
    return _jsonable(
        {
            "document": {f: getattr(meta, f) for f in META_FIELDS},
            "narrative": [
                {
                    "key": f.key,
                    "amount_yuan": f.amount_yuan,
                    "printed": f.printed,
                    "unit": f.unit,
                    "page": f.page,
                    "line": f.line,
                    "text": f.text,
                    "scope": f.scope,
                }
                for f in figures
            ],
            "projects": [
                {
                    "name": p.name,
                    "amount_yuan": p.amount_yuan,
                    "total_amount_yuan": p.total_amount_yuan,
                    "implementing_unit": p.implementing_unit,
                    "period": p.period,
                    "page": p.page,
                    "line": p.line,
                    "indicators": [
                        {
                            "level1": i.level1,
                            "level2": i.level2,
                            "level3": i.level3,
                            "target": i.target,
                            "page": i.page,
                            "line": i.line,
                        }
                        for i in p.indicators
                    ],
                    "amounts": [asdict(a) for a in p.amounts],
                }
                for p in found
            ],
        }
    )


def load_golden(subdir: str, doc_id: str) -> dict[str, Any]:
    data = json.loads(golden_path(subdir, doc_id).read_text(encoding="utf-8"))
    data.pop("notes", None)
    return data


def _write(subdir: str, doc_id: str) -> None:
    path = golden_path(subdir, doc_id)
    # the notes are written by hand into the golden (what was checked on the page): kept on rewrite
    notes = json.loads(path.read_text(encoding="utf-8")).get("notes", []) if path.exists() else []
    data = {"notes": notes, **snapshot(subdir, doc_id)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the golden files")
    parser.add_argument("doc", nargs="*", help="<subdir>__<doc_id> to rewrite (default: all)")
    args = parser.parse_args()
    for subdir, doc_id in CORPUS_FILES:
        if args.doc and f"{subdir}__{doc_id}" not in args.doc:
            continue
        if args.write:
            _write(subdir, doc_id)
        elif snapshot(subdir, doc_id) != load_golden(subdir, doc_id):
            print(f"differs: {subdir}__{doc_id}")


if __name__ == "__main__":
    main()
