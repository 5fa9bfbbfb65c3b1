"""The benchmark: parser speed, the main job cold / unchanged / at scale, a BI query.

    uv run python -m bench [--quick] [--sizes 100,1000] [--no-write]

Everything it writes goes under ``bench/out/`` (git-ignored): the generated corpora
(cached per seed), one folder per run with each subprocess's logs, ``results.json``. The
report section of ``docs/benchmarks.md`` between its ``generated`` markers is rewritten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bench import machine
from bench.run_measure import PROJECT_ROOT, RunMeasure, dbt_summary, parse_progress, parsed_since, run_budget
from bench.targets import BI_QUERY

__all__ = ["main", "run_suite"]

OUT_ROOT = PROJECT_ROOT / "bench" / "out"
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
EMBEDDED_RAW = PROJECT_ROOT / "raw"
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
SEED = 20240301
FULL_SIZES = (100, 1000)
QUICK_SIZES = (20, 100)
# Generated documents also timed page by page against bare pdfplumber.
GENERATED_PARSE_SAMPLE = 6


def _log(msg: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# --- parser speed -------------------------------------------------------------------------


def _runners() -> dict[str, Callable[[Path], int]]:
    """bare pdfplumber and our parser, from bench/parse_bench.py (the table-parser engineer's)."""
    from bench import parse_bench

    return {"bare": parse_bench.bare, "document": parse_bench.document}


def parse_speed(files: list[Path], repeat: int) -> list[dict[str, Any]]:
    """Best-of-``repeat`` seconds per file for bare pdfplumber and ``parse_document``, interleaved."""
    runners = _runners()
    best = {(f, name): float("inf") for f in files for name in runners}
    pages: dict[Path, int] = {}
    for _ in range(repeat):
        for f in files:
            for name, run in runners.items():
                start = time.perf_counter()
                try:
                    pages[f] = run(f)
                except Exception as err:  # noqa: BLE001 (a file the parser refuses still has a bare time)
                    _log(f"{name} failed on {f.name}: {err}")
                    best[(f, name)] = float("nan")
                    continue
                best[(f, name)] = min(best[(f, name)], time.perf_counter() - start)
    return [
        {
            "file": f"{f.parent.name}/{f.name}",
            "pages": pages.get(f, 0),
            "bare_s": best[(f, "bare")],
            "document_s": best[(f, "document")],
        }
        for f in files
    ]


# --- the main job --------------------------------------------------------------------------


def _job_result(m: RunMeasure, warehouse: Path, n_docs: int) -> dict[str, Any]:
    try:
        parsed = parsed_since(warehouse, m.started_utc)
    except (OSError, duckdb.Error) as err:  # no warehouse: the run failed before landing anything
        _log(f"cannot read {warehouse}: {err}")
        parsed = None
    parse_s = sum(v for k, v in m.steps.items() if "pars" in k)
    return {
        "documents": n_docs,
        "wall_s": m.wall_s,
        "cpu_s": m.cpu_s,
        "peak_rss_bytes": m.peak_rss,
        "peak_pss_bytes": m.peak_pss,
        "peak_step": m.peak_step,
        "peak_parts_bytes": m.peak_parts,
        "returncode": m.returncode,
        "parsed": parsed,
        "to_parse_logged": m.to_parse_logged,
        "parse_step_s": parse_s,
        "steps": m.steps,
        "parse_progress": parse_progress(m.stderr),
        "dbt": dbt_summary(m.stderr),
        "failed": [ln.strip() for ln in m.stdout.splitlines() if ln.strip().startswith("failed")],
    }


def cold_and_rerun(raw_src: Path, workdir: Path, n_docs: int) -> dict[str, dict]:
    """The main job on a copy of ``raw_src`` into an empty warehouse (``cold``), then again with
    nothing new (``rerun``), then once more with ``--force`` (``forced``: every step but the
    parse, which has nothing to do — the run's cost without its per-document parse work)."""
    if workdir.exists():
        shutil.rmtree(workdir)
    raw = workdir / "raw"
    shutil.copytree(raw_src, raw)
    warehouse = workdir / "warehouse.duckdb"
    runs: dict[str, dict] = {}
    for kind, label, args in (
        ("cold", f"cold run: {n_docs} documents from {raw_src}", ()),
        ("rerun", "no-change re-run", ()),
        ("forced", "forced re-run (--force: every step, nothing to parse)", ("--force",)),
    ):
        _log(label)
        runs[kind] = _job_result(run_budget(raw, warehouse, workdir / kind, *args), warehouse, n_docs)
        _log(
            f"  {runs[kind]['wall_s']:.1f} s, parsed {runs[kind]['parsed']}, exit {runs[kind]['returncode']}"
        )
    return runs


def generated_corpus(n: int, seed: int) -> tuple[Path, float | None]:
    """A folder of the first ``n`` generated documents (cached) and the seconds it took to generate."""
    from bench.generate import generate

    folder = OUT_ROOT / "corpus" / f"seed-{seed}-n-{n}"
    raw = folder / "raw"
    done = folder / "done.json"
    if done.exists():
        return raw, json.loads(done.read_text()).get("seconds")
    if folder.exists():
        shutil.rmtree(folder)
    _log(f"generating {n} documents (seed {seed})")
    start = time.perf_counter()
    generate(raw, n, seed, jobs=machine.describe()["usable_cores"] or 1)
    seconds = time.perf_counter() - start
    done.write_text(json.dumps({"n": n, "seed": seed, "seconds": seconds}))
    return raw, seconds


# --- the BI query ----------------------------------------------------------------------------


def bi_query(warehouse: Path, runs: int) -> dict[str, Any]:
    """Median wall time of ``BI_QUERY`` over ``runs`` (after one warm-up), read-only connection."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(BI_QUERY).fetchall()  # warm-up: file pages into the OS cache
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                con.execute(BI_QUERY).fetchall()
                times.append(time.perf_counter() - start)
            facts = con.execute("select count(*) from marts.fact_expense").fetchone()[0]
    except duckdb.Error as err:  # the marts' schema moved: report it, keep the other results
        return {"error": f"{type(err).__name__}: {err}"}
    return {
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "runs": runs,
        "rows": len(rows),
        "fact_rows": facts,
    }


# --- profile -----------------------------------------------------------------------------------


def profile_parse(files: list[Path], top: int = 15) -> list[tuple[str, float]]:
    """pyinstrument over ``parse_document`` on ``files``: the functions with most self time."""
    from pyinstrument import Profiler

    from orchestration.parsing import ParseError, parse_document

    profiler = Profiler(interval=0.001)
    profiler.start()
    for f in files:
        try:
            parse_document(f)
        except ParseError as err:  # a refused file still costs its time
            _log(f"profile: {f.name} refused: {err}")
    session = profiler.stop()
    totals: dict[str, float] = {}

    def walk(frame, owner: str | None) -> None:
        # pyinstrument keeps a function's own time in a synthetic "[self]" child: credit it to the function
        if frame.is_synthetic:
            if owner is not None and frame.is_synthetic_leaf:
                totals[owner] = totals.get(owner, 0.0) + frame.time
            key = owner
        else:
            key = f"{frame.function} ({Path(frame.file_path or '?').name}:{frame.line_no})"
        for child in frame.children:
            walk(child, key)

    root = session.root_frame()
    if root is not None:
        walk(root, None)
    duration = session.duration or 1.0
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return [(name, seconds / duration) for name, seconds in ranked]


# --- the suite ---------------------------------------------------------------------------------


def run_suite(
    sizes: tuple[int, ...],
    repeat: int,
    bi_runs: int,
    seed: int,
    quick: bool,
    only_scale: bool = False,
    layouts: bool = True,
) -> dict[str, Any]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = OUT_ROOT / f"run-{stamp}"
    results: dict[str, Any] = {
        "started_utc": stamp,
        "mode": "quick" if quick else "full",
        "machine": machine.describe(),
        "load_before": machine.load_average(),
    }
    run_dir.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after every stage, so a run cut short still leaves what it measured
        (run_dir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))

    from orchestration.defs.project import ensure_dbt_manifest

    start = time.perf_counter()
    ensure_dbt_manifest()  # a stale manifest is rebuilt once here, not inside the timed runs
    results["dbt_manifest_s"] = time.perf_counter() - start

    files = sorted((CORPUS / "pdf").glob("*.pdf")) + sorted((CORPUS / "real").glob("*.pdf"))
    if layouts:
        from bench.layouts.matrix import benchmark_section

        _log("layout harness: every style of the matrix, rendered and parsed")
        results["layouts"] = benchmark_section(quick, jobs=machine.describe()["usable_cores"] or 1)
        save()
    if not only_scale:
        _log("parser speed on the corpus")
        results["parse_speed"] = parse_speed(files, repeat)
        save()

        from bench.ocr_bench import ocr_speed

        _log("scanned pages: the OCR table reader vs bare RapidOCR")
        results["ocr_speed"] = ocr_speed()
        save()

        results["embedded"] = cold_and_rerun(
            EMBEDDED_RAW, run_dir / "embedded", _count_documents(EMBEDDED_RAW)
        )
        save()

    results["scale"] = []
    largest_raw, gen_seconds = generated_corpus(max(sizes), seed)
    results["generation"] = {"documents": max(sizes), "seconds": gen_seconds}
    generated = sorted(largest_raw.glob("*.pdf"))
    results["parse_speed_generated"] = parse_speed(generated[:GENERATED_PARSE_SAMPLE], repeat)
    for n in sorted(sizes):
        subset = run_dir / f"corpus-{n}"
        subset.mkdir(parents=True, exist_ok=True)
        for f in generated[:n]:
            shutil.copy2(f, subset / f.name)
        entry = {"documents": n, **cold_and_rerun(subset, run_dir / f"scale-{n}", n)}
        shutil.rmtree(subset)
        if n == max(sizes):
            entry["bi_query"] = bi_query(run_dir / f"scale-{n}" / "warehouse.duckdb", bi_runs)
        results["scale"].append(entry)
        save()

    results["profile_parse"] = profile_parse(generated[:3] + files[:2])
    results["load_after"] = machine.load_average()
    save()
    results["run_dir"] = str(run_dir)
    return results


def _count_documents(raw: Path) -> int:
    from orchestration.ingest import scan_raw

    return len({f.sha256 for f in scan_raw(raw) if f.format != "other"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark the parser and the main job (see docs/benchmarks.md)."
    )
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}, one repeat")
    parser.add_argument("--sizes", help="comma-separated corpus sizes (default 100,1000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {REPORT.name} alone")
    parser.add_argument("--only-scale", action="store_true", help="skip parser speed and the embedded corpus")
    parser.add_argument(
        "--no-layouts", action="store_true", help="skip the layout harness's matrix (bench/layouts)"
    )
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="RESULTS_JSON",
        help="render (and write) the report of a saved results.json, even a partial one",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        results = json.loads(args.report_only.read_text())
        results["run_dir"] = str(args.report_only.parent)
        _report(results, write=not args.no_write)
        return
    sizes = (
        tuple(int(s) for s in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    results = run_suite(
        sizes,
        repeat=1 if args.quick else 3,
        bi_runs=5 if args.quick else 15,
        seed=args.seed,
        quick=args.quick,
        only_scale=args.only_scale,
        layouts=not (args.no_layouts or args.only_scale),
    )
    _report(results, write=not args.no_write)


def _report(results: dict[str, Any], write: bool) -> None:
    from bench.benchmark_report import render, write_report

    text = render(results)
    print(text)
    if write:
        write_report(REPORT, text)
        _log(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
