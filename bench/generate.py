"""Corpus generator: N distinct, internally consistent budget disclosures as PDFs.

    uv run python -m bench.generate OUT_DIR -n 100 [--seed 7] [--jobs 2]

Each document is a different department × year (departments drawn from Shanghai's
districts, towns and street offices), in one of the parser's row layouts, in 元 or 万元,
with figures that satisfy every identity of DOMAIN.md (see ``bench.disclosure``).
Deterministic for a seed: the same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench import catalogue as cat
from bench.disclosure import LAYOUTS, UNITS, YEARS, Disclosure, draw
from bench.disclosure_pdf import render_pdf

__all__ = ["DEFAULT_SEED", "EXPECTED_FILE", "expected_row", "generate", "identities"]

DEFAULT_SEED = 20240301
# What each file must parse into, written beside the folder (not in it: the raw scan would see it).
EXPECTED_FILE = "{name}.expected.jsonl"
# Share of district-level departments (the rest are towns' and street offices').
DISTRICT_SHARE = 0.3
# Documents handed to a worker at a time when generating in parallel.
CHUNK = 8


def identities(rng: random.Random, n: int) -> list[tuple[str, str, str | None, int, str]]:
    """``n`` distinct (department, district, town, year, main 类), drawn without repetition."""
    seen: set[tuple[str, int]] = set()
    out = []
    district_names = sorted(cat.DISTRICTS)
    capacity = len(YEARS) * (
        len(district_names) * len(cat.DISTRICT_DEPARTMENTS)
        + sum(len(t) for t in cat.DISTRICTS.values()) * (len(cat.TOWN_DEPARTMENTS) + 1)
    )
    if n > capacity // 2:
        raise ValueError(f"at most {capacity // 2} distinct documents (asked for {n})")
    while len(out) < n:
        district = rng.choice(district_names)
        year = rng.choice(YEARS)
        if rng.random() < DISTRICT_SHARE:
            suffix, main_class = rng.choice(sorted(cat.DISTRICT_DEPARTMENTS.items()))
            department, town = f"上海市{district}{suffix}", None
        else:
            town = rng.choice(cat.DISTRICTS[district])
            if rng.random() < 0.2:  # the town's government itself
                name = f"人民政府{town}办事处" if town.endswith("街道") else f"{town}人民政府"
                department, main_class = f"上海市{district}{name}", "201"
            else:
                suffix, main_class = rng.choice(sorted(cat.TOWN_DEPARTMENTS.items()))
                department = f"上海市{district}{suffix.format(town=town)}"
        if (department, year) in seen:
            continue
        seen.add((department, year))
        out.append((department, district, town, year, main_class))
    return out


def _one(job: tuple[Path, int, int, tuple]) -> Disclosure:
    out_dir, seed, k, (department, district, town, year, main_class) = job
    doc_id = f"gen_{seed}_{k:05d}"
    # one generator per document: document k is the same whatever n, and whichever process draws it
    # layouts × units cycle, so any 6 consecutive documents hold every combination
    layout, unit = LAYOUTS[k % len(LAYOUTS)], UNITS[(k // len(LAYOUTS)) % len(UNITS)]
    d = draw(random.Random(f"{seed}:{k}"), doc_id, department, district, town, year, main_class, layout, unit)
    render_pdf(d, out_dir / f"{doc_id}.pdf")
    return d


def generate(out_dir: Path, n: int, seed: int = DEFAULT_SEED, jobs: int = 1) -> list[Disclosure]:
    """Write ``n`` PDFs into ``out_dir`` (created) on ``jobs`` processes; return what each one says."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = [(out_dir, seed, k, ident) for k, ident in enumerate(identities(random.Random(seed), n))]
    if jobs <= 1 or n < 2 * CHUNK:
        return [_one(w) for w in work]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_one, work, chunksize=CHUNK))


def expected_row(d: Disclosure) -> dict:
    return {
        "file": f"{d.doc_id}.pdf",
        "department": d.department,
        "district": d.district,
        "town": d.town,
        "level": d.level,
        "fiscal_year": d.year,
        "unit": d.unit,
        "layout": d.layout,
        "totals_yuan": {str(k): f"{v:.2f}" for k, v in d.expected_totals().items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docs = generate(args.out_dir, args.n, args.seed, args.jobs)
    expected = args.out_dir.parent / EXPECTED_FILE.format(name=args.out_dir.name)
    expected.write_text("".join(json.dumps(expected_row(d), ensure_ascii=False) + "\n" for d in docs))
    print(
        f"{len(docs)} documents in {args.out_dir} ({time.perf_counter() - started:.1f} s); expected figures: {expected}"
    )


if __name__ == "__main__":
    main()
