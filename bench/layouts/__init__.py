"""Layout-variation harness: a document's nine tables (from a table golden) rendered through
independent layout styles as PDFs, and the property ``parse(render(golden, style)) ==
expected(golden, style)`` checked cell for cell.

    uv run python -m bench.layouts [--matrix full|ci|one-at-a-time] [--jobs 2] [--keep DIR]

``render`` writes one PDF and returns the cells it printed; ``check`` renders, parses with the
real parser and compares; ``matrix`` draws the sampled (CI) and full (benchmark) matrices.
"""

from bench.layouts.golden import GoldenDocument, load_golden, load_goldens
from bench.layouts.render import render
from bench.layouts.render_check import Diff, Outcome, check, compare
from bench.layouts.specs import ExpectedCell
from bench.layouts.styles import AXES, BASE, Style, one_at_a_time, pairwise

__all__ = [
    "AXES",
    "BASE",
    "Diff",
    "ExpectedCell",
    "GoldenDocument",
    "Outcome",
    "Style",
    "check",
    "compare",
    "load_golden",
    "load_goldens",
    "one_at_a_time",
    "pairwise",
    "render",
]
