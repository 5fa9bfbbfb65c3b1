"""Accuracy and speed of the format readers against the table goldens.

    uv run python -m bench.formats.measure [--styles 3] [--ocr DOC[,DOC…]] [--all-pages] [--json OUT]

For each format (xlsx, xls, docx, html) every golden document is written in ``--styles`` styles
drawn from the seed and parsed back: cell precision and recall (a cell is table, section, code,
name, column and amount) and seconds per document. For scans, the named documents' table pages
(or every page with ``--all-pages``) are rasterised at 200 dpi and read by OCR: pages per second,
whether the document was loaded or held back (``ocr_unverified``), and the precision and recall of
the cells of the loaded ones (a held-back document loads nothing: its recall counts as 0).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.formats import FORMATS, GOLDEN_DIR, SOURCE_GOLDENS, draw_style, load_document, write
from bench.formats.scan import rasterise

__all__ = ["golden_cells", "measure_formats", "measure_scans", "parsed_cells"]

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _key(table_no, section, code, name, column, amount) -> tuple:
    return (
        table_no,
        section,
        code,
        name,
        column,
        format(amount, "f") if not isinstance(amount, str) else amount,
    )


def golden_cells(doc) -> Counter:
    """The golden's cells as (table, section, code, name, column, amount) keys, counted."""
    return Counter(
        _key(c["table_no"], c["section"], c["code"], c["name"], c["column"], c["amount_yuan"])
        for c in doc.cells
    )


def parsed_cells(parsed) -> Counter:
    """A parse's cells as the same keys."""
    return Counter(_key(c.table_no, c.section, c.code, c.name, c.column, c.amount_yuan) for c in parsed.cells)


def _score(true_positive: int, got: int, want: int) -> dict[str, float]:
    return {"precision": true_positive / got if got else 1.0, "recall": true_positive / want if want else 1.0}


def measure_formats(styles: int, seed: int, workdir: Path) -> dict[str, dict]:
    from orchestration.parsing import ParseError, parse_document

    out = {}
    for fmt in FORMATS:
        rng = random.Random(f"{seed}:{fmt}")
        tp = got = want = failed = 0
        seconds = 0.0
        for name in SOURCE_GOLDENS:
            doc = load_document(GOLDEN_DIR, name)
            for k in range(styles):
                path = workdir / f"{name}-{k}.{fmt}"
                path.write_bytes(write(doc, fmt, draw_style(rng)))
                started = time.perf_counter()
                try:
                    parsed = parsed_cells(parse_document(path))
                except ParseError:
                    parsed, failed = Counter(), failed + 1
                seconds += time.perf_counter() - started
                expected = golden_cells(doc)
                tp += sum((parsed & expected).values())
                got += sum(parsed.values())
                want += sum(expected.values())
        files = len(SOURCE_GOLDENS) * styles
        out[fmt] = {"files": files, "refused": failed, "cells": want, **_score(tp, got, want),
                    "seconds_per_file": seconds / files}  # fmt: skip
    return out


def measure_scans(
    names: list[str], all_pages: bool, workdir: Path, skew: float = 0.0, noise: float = 0.0
) -> dict:
    from orchestration.parsing import parse_document

    rows, tp, got, want, pages_read, seconds = [], 0, 0, 0, 0, 0.0
    for name in names:
        subdir, doc_id = name.split("__")
        golden = json.loads((GOLDEN_DIR / "tables" / f"{name}.json").read_text(encoding="utf-8"))
        pages = None if all_pages else sorted({p for t in golden["tables"] for p in t["pages"]})
        path = workdir / f"{doc_id}.scan.pdf"
        path.write_bytes(rasterise(CORPUS / subdir / f"{doc_id}.pdf", pages, skew=skew, noise=noise))
        started = time.perf_counter()
        parsed = parse_document(path)
        elapsed = time.perf_counter() - started
        count = parsed.document.pages or 0
        loaded = not parsed.problems
        cells, expected = parsed_cells(parsed), golden_cells(load_document(GOLDEN_DIR, name))
        hits = sum((cells & expected).values())
        tp += hits if loaded else 0
        got += sum(cells.values()) if loaded else 0
        want += sum(expected.values())
        pages_read += count
        seconds += elapsed
        rows.append({"document": name, "pages": count, "seconds": round(elapsed, 1), "loaded": loaded,
                     "problems": [p.message for p in parsed.problems[:5]],
                     **_score(hits, sum(cells.values()), sum(expected.values()))})  # fmt: skip
        print(f"scan {name}: {count} pages in {elapsed:.0f} s, loaded {loaded}", flush=True)
    return {"documents": rows, "pages_per_second": pages_read / seconds if seconds else None,
            "loaded": sum(r["loaded"] for r in rows), **_score(tp, got, want)}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", type=int, default=3)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--ocr", default="", help="golden names of documents to scan, comma-separated")
    parser.add_argument("--all-pages", action="store_true")
    parser.add_argument("--skew", type=float, default=0.0, help="degrees each scanned page is turned")
    parser.add_argument("--noise", type=float, default=0.0, help="share of pixels turned to dust")
    parser.add_argument("--no-formats", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="formats-bench-") as tmp:
        if not args.no_formats:
            results["formats"] = measure_formats(args.styles, args.seed, Path(tmp))
            for fmt, r in results["formats"].items():
                print(f"{fmt:5} files {r['files']:3}  refused {r['refused']}  cells {r['cells']:6}  "
                      f"precision {r['precision']:.4f}  recall {r['recall']:.4f}  {r['seconds_per_file']:.2f} s/file")  # fmt: skip
        if args.ocr:
            results["scans"] = scans = measure_scans(
                args.ocr.split(","), args.all_pages, Path(tmp), args.skew, args.noise
            )
            for r in scans["documents"]:
                print(f"scan {r['document']:40} pages {r['pages']:3} {r['seconds']:7.1f} s  loaded {r['loaded']}  "
                      f"precision {r['precision']:.4f} recall {r['recall']:.4f} {r['problems'][:2]}")  # fmt: skip
            print(f"scans: {scans['pages_per_second']:.3f} pages/s, {scans['loaded']}/{len(scans['documents'])} loaded, "
                  f"precision {scans['precision']:.4f} recall {scans['recall']:.4f} (held back count as not recalled)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
