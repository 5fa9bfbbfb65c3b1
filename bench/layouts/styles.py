"""Layout styles: independent axes, each with several values, and the matrices drawn from them.

A ``Style`` picks one value per axis. ``pairwise`` draws a seeded covering array (every pair of
values of every two axes appears in some style); ``one_at_a_time`` varies one axis of the base
style at a time, so a failure there names its axis value alone.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields, replace
from itertools import combinations

__all__ = ["AXES", "BASE", "Style", "one_at_a_time", "pairwise"]

# Every axis and its values; the first value of each is the base style's (a 2025 district layout).
AXES: dict[str, tuple[str, ...]] = {
    # grid: stroked lines; grid_rects: 1 pt filled rectangles (spreadsheet exports);
    # horizontal: every horizontal cell edge, no vertical rule; three_line: 三线表 (top, under the
    # header, bottom); none: no rule at all, columns aligned by whitespace
    "rules": ("grid", "grid_rects", "horizontal", "three_line", "none"),
    # header rows: depth3 = banner 项目 / group / leaf; full = every level (table 1 of unit budgets:
    # 本年支出 / 预算数 / 基本支出 / 人员经费); depth1 = leaf labels only
    "header": ("depth3", "depth1", "depth2", "full"),
    # repeat: 类/款/项 columns, 类 on every row; blank: a child row prints only its own digits;
    # full: one 7-digit code column; fused_full: "2080505 机关…" in the name cell;
    # fused_own: 类/款 columns, the 项 digits fused with the name ("05 机关…")
    "codes": ("repeat", "blank", "full", "fused_full", "fused_own"),
    "total_row": ("last", "first"),
    # comma2 66,165,252.88; plain2 66165252.88; comma0 / plain0 integers; misplaced0 66165,252
    # (a text layer's one separator); fullwidth2 full-width digits and punctuation; spaced2
    # "66, 165, 252. 88"; mixed2 separators on every other row only
    "numbers": ("comma2", "plain2", "comma0", "plain0", "misplaced0", "fullwidth2", "spaced2", "mixed2"),
    "unit": ("yuan", "wan"),
    # blank: a cell with no figure is blank (zeros of the golden printed as 0); zero: every blank
    # printed as 0; dash / emdash: zeros and blanks printed as "-" / "—", which print nothing (no cell)
    "zeros": ("blank", "zero", "dash", "emdash"),
    # own_page: each table on new pages, long tables run on with no header; split_plain / split_repeat:
    # every table broken mid-way, header repeated or not; total_alone: a continuation page holding
    # only the 合计 row; flow: a table starts right under the one before (two tables on a page);
    # column_apart: table 2's last column printed on a page of its own, under the title repeated
    # (city_data_bureau_2026 p10)
    "paging": ("own_page", "split_plain", "split_repeat", "total_alone", "flow", "column_apart"),
    # above: title, then 编制单位 left and 单位 right; unit_only: title and 单位 only; numbered: a
    # "部门预算03表" label over the title; in_frame: title and 编制单位/单位 lines inside the table's
    # frame (cells of a spreadsheet export); same_line: 单位 at the right end of the title's line
    "title": ("above", "unit_only", "numbered", "in_frame", "same_line"),
    "page": ("landscape", "portrait"),
    # cid: STSong-Light, not embedded (UCS-2 codes); cid_identity: the same with Identity-H codes and
    # a ToUnicode map; ttf: a TrueType font embedded as a subset
    "font": ("cid", "ttf", "cid_identity"),
    # columns beyond 基本支出/项目支出 in table 3: 上缴上级支出, 对附属单位补助支出 (two), and 事业单位经营支出
    "extra": ("none", "two", "three"),
    # department (部门预算) or unit (单位预算: 预算单位 titles, 编制单位, table 1 split by 人员/公用经费)
    "kind": ("department", "unit"),
}


@dataclass(frozen=True)
class Style:
    rules: str
    header: str
    codes: str
    total_row: str
    numbers: str
    unit: str
    zeros: str
    paging: str
    title: str
    page: str
    font: str
    extra: str
    kind: str

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in AXES[f.name]:
                raise ValueError(f"{f.name}={value!r}: not one of {AXES[f.name]}")

    @property
    def name(self) -> str:
        """A short stable name: the values that differ from the base style (``base`` when none)."""
        changed = [f"{k}={v}" for k, v in asdict(self).items() if v != getattr(BASE, k)]
        return ",".join(changed) or "base"

    def items(self) -> list[tuple[str, str]]:
        return list(asdict(self).items())


BASE = Style(**{axis: values[0] for axis, values in AXES.items()})


def one_at_a_time() -> list[Style]:
    """The base style, then every other value of every axis on the base style."""
    out = [BASE]
    for axis, values in AXES.items():
        out += [replace(BASE, **{axis: v}) for v in values[1:]]
    return out


def pairwise(seed: int, axes: dict[str, tuple[str, ...]] | None = None, candidates: int = 10) -> list[dict]:
    """A greedy covering array over ``axes`` (default ``AXES``): every pair of values of every two
    axes in at least one row. Deterministic for a seed; rows are dicts axis -> value."""
    axes = axes or AXES
    names = list(axes)
    rng = random.Random(seed)
    uncovered = {(a, va, b, vb) for a, b in combinations(names, 2) for va in axes[a] for vb in axes[b]}
    rows: list[dict] = []
    while uncovered:
        best, best_gain = None, -1
        pending = sorted(uncovered)  # sorted: a set's order changes with the process's hash seed
        for _ in range(candidates):
            row = _candidate(rng, names, axes, uncovered, pending)
            gain = len(_pairs(row, names) & uncovered)
            if gain > best_gain:
                best, best_gain = row, gain
        rows.append(best)
        uncovered -= _pairs(best, names)
    return rows


def _pairs(row: dict, names: list[str]) -> set[tuple]:
    return {(a, row[a], b, row[b]) for a, b in combinations(names, 2)}


def _candidate(rng: random.Random, names: list[str], axes: dict, uncovered: set, pending: list) -> dict:
    """Start from one uncovered pair; fill the other axes, each with the value covering most pairs."""
    a, va, b, vb = pending[0] if rng.random() < 0.2 else rng.choice(pending)
    position = {n: k for k, n in enumerate(names)}
    row = {a: va, b: vb}
    order = [n for n in names if n not in row]
    rng.shuffle(order)
    for axis in order:
        values = list(axes[axis])
        rng.shuffle(values)
        before = [(x, row[x]) for x in row if position[x] < position[axis]]
        after = [(x, row[x]) for x in row if position[x] > position[axis]]
        row[axis] = max(values, key=lambda v, a=axis, b=before, c=after: _gain(uncovered, a, v, b, c))
    return row


def _gain(uncovered: set, axis: str, value: str, before: list, after: list) -> int:
    """Uncovered pairs ``value`` would cover with the values already chosen (axes before / after it)."""
    return sum((x, vx, axis, value) in uncovered for x, vx in before) + sum(
        (axis, value, x, vx) in uncovered for x, vx in after
    )
