"""``python -m bench.layouts``: run a matrix of the layout harness and report pass/fail per axis value.

uv run python -m bench.layouts [--matrix full|ci|one-at-a-time] [--jobs 2] [--keep DIR]
                               [--documents id,id] [--report FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.layouts.matrix import (
    CI_DOCUMENTS,
    GOLDEN_DIR,
    ci_matrix,
    full_matrix,
    load_all,
    per_axis_value,
    run_matrix,
)
from bench.layouts.matrix_report import outcomes_json, render_report
from bench.layouts.styles import one_at_a_time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matrix", choices=("full", "ci", "one-at-a-time"), default="full")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--documents", help="comma-separated doc_ids (default: all goldens; ci: the small ones)"
    )
    parser.add_argument("--keep", type=Path, help="folder to keep the PDFs of failing cases in")
    parser.add_argument("--report", type=Path, help="write the markdown report here (default: print it)")
    parser.add_argument("--json", type=Path, help="write every outcome as JSON here")
    parser.add_argument(
        "--write-known",
        type=Path,
        metavar="FILE",
        help="write the failing cases (id -> first line of the difference) here: the test's known failures",
    )
    args = parser.parse_args(argv)
    only = args.documents.split(",") if args.documents else (CI_DOCUMENTS if args.matrix == "ci" else None)
    docs = load_all(GOLDEN_DIR, only)
    if args.matrix == "ci":
        cases = ci_matrix(docs)
    elif args.matrix == "full":
        cases = full_matrix(docs)
    else:
        cases = [(doc, style) for doc in docs for style in one_at_a_time()]
    started = time.perf_counter()
    done = [0]

    def progress(outcome) -> None:
        done[0] += 1
        verdict = "pass" if outcome.passed else "FAIL"
        print(f"[{done[0]}/{len(cases)}] {verdict} {outcome.doc_id} [{outcome.style.name}]", file=sys.stderr)

    outcomes = run_matrix(cases, jobs=args.jobs, keep=args.keep, on_done=progress)
    text = render_report(outcomes, per_axis_value(outcomes), args.matrix, time.perf_counter() - started)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    else:
        print(text)
    if args.json:
        args.json.write_text(
            json.dumps(outcomes_json(outcomes), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    if args.write_known:
        known = {o.case_id: o.message().split("\n")[0].split("]: ", 1)[1] for o in outcomes if not o.passed}
        args.write_known.write_text(json.dumps(known, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
