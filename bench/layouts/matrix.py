"""Matrices of (document, style) and the pass/fail count per axis value.

* ``ci_matrix``: the sampled matrix the tests run, seeded: a pairwise covering array of the style
  axes with the document as one more axis (every value of every axis at least once, every pair
  of values at least once), on the small goldens.
* ``full_matrix``: what the benchmark runs: the pairwise array over all goldens, plus every
  one-axis-at-a-time variation of the base style on every golden.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.layouts.golden import GoldenDocument, load_goldens
from bench.layouts.render_check import Outcome, check
from bench.layouts.styles import AXES, Style, one_at_a_time, pairwise

__all__ = [
    "CI_DOCUMENTS",
    "CI_SEED",
    "GOLDEN_DIR",
    "ci_matrix",
    "full_matrix",
    "per_axis_value",
    "run_matrix",
]

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "tests" / "golden" / "tables"
CI_SEED = 14
# Goldens small enough to render and parse in about a second each (the others: wanli's 875 cells).
CI_DOCUMENTS = (
    "jiading_anting_2024",
    "minhang_zhuanqiao_2023",
    "putuo_gov_office_2025",
    "qingpu_liantang_2024",
    "shanghai_finance_bureau_2025",
)
CI_MIN_RENDERS = 60

Case = tuple[GoldenDocument, Style]


def _with_documents(docs: list[GoldenDocument], seed: int) -> list[Case]:
    by_id = {d.doc_id: d for d in docs}
    axes = {"document": tuple(by_id), **AXES}
    rows = pairwise(seed, axes)
    return [(by_id[row.pop("document")], Style(**row)) for row in rows]


def ci_matrix(docs: list[GoldenDocument], seed: int = CI_SEED, minimum: int = CI_MIN_RENDERS) -> list[Case]:
    """The pairwise array on ``docs``, topped up with further seeded arrays to ``minimum`` cases."""
    cases = _with_documents(docs, seed)
    extra_seed = seed
    while len(cases) < minimum:
        extra_seed += 1
        cases += _with_documents(docs, extra_seed)[: minimum - len(cases)]
    return cases


def full_matrix(docs: list[GoldenDocument], seed: int = CI_SEED) -> list[Case]:
    cases = _with_documents(docs, seed)
    cases += [(doc, style) for doc in docs for style in one_at_a_time()]
    return cases


def _check(case: tuple[GoldenDocument, Style, Path | None]) -> Outcome:
    doc, style, folder = case
    try:
        return check(doc, style, folder)
    except Exception as err:  # noqa: BLE001 - one crashing case is a result, not the end of the run
        from bench.layouts.render_check import Diff

        return Outcome(doc.doc_id, style, 0, 0, Diff(), f"crash: {type(err).__name__}: {err}")


def run_matrix(
    cases: Iterable[Case],
    jobs: int = 1,
    keep: Path | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every case checked (``jobs`` processes); the PDFs of failing cases kept in ``keep`` when given."""
    work = [(doc, style, keep) for doc, style in cases]
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    if jobs <= 1:
        results = map(_check, work)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_check, work, chunksize=2)
    for outcome in results:
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    if jobs > 1:
        pool.shutdown()
    return outcomes


def per_axis_value(outcomes: list[Outcome]) -> dict[tuple[str, str], tuple[int, int]]:
    """(axis, value) -> (passed, failed) over ``outcomes``."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        for axis, value in outcome.style.items():
            counts[(axis, value)][0 if outcome.passed else 1] += 1
        counts[("document", outcome.doc_id)][0 if outcome.passed else 1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def load_all(folder: Path = GOLDEN_DIR, only: Iterable[str] | None = None) -> list[GoldenDocument]:
    docs = load_goldens(folder)
    wanted = set(only) if only is not None else None
    return [d for d in docs if wanted is None or d.doc_id in wanted]


def benchmark_section(quick: bool, jobs: int) -> dict:
    """The harness's part of ``python -m bench``: the full matrix (the CI one with ``quick``),
    pass/fail per axis value and the first failures, JSON-ready."""
    import time

    docs = load_all(GOLDEN_DIR, CI_DOCUMENTS if quick else None)
    cases = ci_matrix(docs) if quick else full_matrix(docs)
    started = time.perf_counter()
    outcomes = run_matrix(cases, jobs=jobs)
    counts = per_axis_value(outcomes)
    return {
        "matrix": "ci" if quick else "full",
        "renders": len(outcomes),
        "passed": sum(o.passed for o in outcomes),
        "seconds": time.perf_counter() - started,
        "per_axis_value": [[axis, value, p, f] for (axis, value), (p, f) in sorted(counts.items())],
        "failures": [o.message() for o in outcomes if not o.passed][:40],
    }
