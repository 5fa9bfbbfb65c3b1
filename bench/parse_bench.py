"""Parser speed against bare pdfplumber table extraction, on the same pages, in the same run.

    uv run python -m bench.parse_bench [--repeat 3] [--corpus ../shared/corpus]

For each PDF of corpus/pdf and corpus/real: pages/s of
  * bare      — ``pdfplumber.open`` + ``page.extract_tables()`` on every page,
  * tables    — ``open_source`` + ``tables.extract`` (the table parser alone),
  * document  — ``parse_document`` (metadata, tables, narrative, projects),
best of ``--repeat`` runs each (runs interleaved so drift hits all three alike),
and the ratios to bare. Target: tables/bare at most 1.25. Times are CPU time of this
process (``time.process_time``), so other work on the machine does not skew the ratio;
``--wall`` measures wall-clock time instead.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

import pdfplumber

from orchestration.parsing import parse_document, tables
from orchestration.parsing.source import open_source

TARGET_RATIO = 1.25


def bare(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def tables_only(path: Path) -> int:
    with open_source(path) as source:
        tables.extract(source)
        return source.page_count or 0


def document(path: Path) -> int:
    doc = parse_document(path)
    return doc.document.pages or 0


RUNNERS = {"bare": bare, "tables": tables_only, "document": document}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    args = parser.parse_args()
    files = sorted((args.corpus / "pdf").glob("*.pdf")) + sorted((args.corpus / "real").glob("*.pdf"))
    best = {(f, name): float("inf") for f in files for name in RUNNERS}
    pages: dict[Path, int] = {}
    clock = time.perf_counter if args.wall else time.process_time
    for _ in range(args.repeat):
        for f in files:
            for name, run in RUNNERS.items():
                start = clock()
                pages[f] = run(f)
                best[(f, name)] = min(best[(f, name)], clock() - start)
    print(
        f"{'file':38} {'pages':>5} {'bare p/s':>9} {'tables p/s':>10} {'doc p/s':>8} {'tab/bare':>8} {'doc/bare':>8}"
    )
    totals = dict.fromkeys(RUNNERS, 0.0)
    for f in files:
        t = {name: best[(f, name)] for name in RUNNERS}
        for name in RUNNERS:
            totals[name] += t[name]
        n = pages[f]
        print(
            f"{f.parent.name + '/' + f.stem:38} {n:5d} {n / t['bare']:9.1f} {n / t['tables']:10.1f} "
            f"{n / t['document']:8.1f} {t['tables'] / t['bare']:8.2f} {t['document'] / t['bare']:8.2f}"
        )
    n = sum(pages.values())
    print(
        f"{'TOTAL':38} {n:5d} {n / totals['bare']:9.1f} {n / totals['tables']:10.1f} "
        f"{n / totals['document']:8.1f} {totals['tables'] / totals['bare']:8.2f} "
        f"{totals['document'] / totals['bare']:8.2f}"
    )
    verdict = "met" if totals["tables"] / totals["bare"] <= TARGET_RATIO else "NOT met"
    print(f"target tables/bare <= {TARGET_RATIO}: {verdict}")


if __name__ == "__main__":
    main()
