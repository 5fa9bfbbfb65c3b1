"""Reading one performance-target grid (绩效目标表 / 绩效目标申报表) from its rows: a ``TargetGrid``.

A grid is a list of rows of cell strings, whichever way they were read (pdfplumber
``extract_tables``, markdown pipes, tab-separated text). The publishers' grids are
ragged: merged cells shift a row left or right, a page break splits a grid, values sit
in a block below the indicator names. So indicator rows are read by *vocabulary*, not
by column: a cell naming a first-level indicator (产出指标 …) is 一级, any other short
``…指标`` cell is 二级, and of the remaining cells the first is 三级 and the second the
target value. Blank 一级/二级 cells repeat the row above.

The grid's amounts (``TargetGrid.amounts``, role and printed string) are read by label, each
value from the cell right of its label (a label's unit fragment such as ``算(元)`` may
sit between): the year's amount (``annual``: 年度资金申请总额 / 年度资金总额 / 项目当年预算)
and its sources (``annual_fiscal`` 当年财政拨款, ``annual_carryover`` 上年结转资金,
``annual_other`` 其他资金), the project's total (``total``: 项目资金总额 / 项目总预算) and its
sources (``total_fiscal`` 财政资金, ``total_other`` 其他资金) — a label printed on both sides
(其他资金) belongs to the side of the column it is printed in — and the sub-projects of
``项目当年投入资金构成`` (``component``, one per row under the 子项目名称 / 预算金额 header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Indicator
from .running_text import parse_number, wan_to_yuan

__all__ = ["LEVEL1_NAMES", "GridAmount", "TargetGrid", "TargetGridRow", "clean_cell", "read_grid"]

LEVEL1_NAMES = frozenset(
    {"产出指标", "效益指标", "满意度指标", "成本指标", "产出目标", "效果目标", "满意度目标"}
)
# Cells that label the grid rather than an indicator.
HEADER_WORDS = frozenset({"绩效指标", "一级指标", "二级指标", "三级指标", "分解目标内容", "指标", "目标值"})
# A 二级 name is a short cell ending in 指标 (服务对象满意度指标 is the longest seen).
MAX_LEVEL2_CHARS = 12
NAME_LABELS = ("项目名称",)
# Labels that end a name split over several cells (``文明城区日`` ``常整治`` ``项目性质``).
NAME_STOPS = ("项目性质", "项目类别", "项目属性", "主管部门")
START_LABELS = ("计划开始日期", "开始时间")
END_LABELS = ("计划完成日期", "结束时间")
TOTAL_LABELS = ("项目资金总额", "项目总预算")
ANNUAL_LABELS = ("年度资金申请总额", "项目当年")  # 项目当年预算(元), or 项目当年 | 预算(元)
# A row starting with one of these ends the indicators (the form's footer, the next form).
FOOTER_WORDS = ("备注", "填报单位", "申报单位")
_YEAR_CAPTION = re.compile(r"^[(（]?\(?\d{2}\)?\d{0,2}年(?:度)?[)）]$")
# The national template's 二级 → 一级 families; the first name is the one assumed when a
# row prints a 二级 of another family than the 一级 above it (the 一级 cell lost or garbled).
FAMILIES = (
    (("产出指标", "产出目标"), ("数量指标", "质量指标", "时效指标", "成本指标")),
    (("效益指标", "效果目标"), ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    (("满意度指标", "满意度目标"), ("服务对象满意度指标",)),
    (("成本指标",), ("经济成本指标", "社会成本指标", "生态环境成本指标")),
)
_UNIT_IN_LABEL = re.compile(r"[（(]\s*(万元|元)\s*[)）]")
# A funding label, without spaces and ``其中：``: (role, side) — side None when the column decides.
FUNDING_LABELS = (
    (re.compile(r"^(?:年度资金申请总额|年度资金总额|项目当年(?!投入))"), "annual", "annual"),
    (re.compile(r"^(?:项目资金总额|项目总预算)"), "total", "total"),
    (re.compile(r"^当年财政拨款"), "fiscal", "annual"),
    (re.compile(r"^上年结转"), "carryover", "annual"),
    (re.compile(r"^财政(?:拨款|资金)"), "fiscal", None),
    (re.compile(r"^其他资金"), "other", None),
)
# The rest of a label split over cells: ``算(元)``, ``元)``, ``预算(元)``.
_LABEL_FRAGMENT = re.compile(r"^[^\d]{0,6}元[)）]?$")
# The header of the sub-projects (项目当年投入资金构成) and the label cells beside their rows.
COMPONENT_HEADER = "预算金额"
_COMPONENT_LABEL = re.compile(r"构成|投入资")


@dataclass
class TargetGridRow:
    cells: list[str]
    page: int | None
    line: int | None


@dataclass
class GridAmount:
    role: str  # annual | annual_fiscal | annual_carryover | annual_other | total | total_fiscal | total_other | component
    label: str  # the label (or the sub-project's name) as printed, spaces removed
    printed: str
    page: int | None
    line: int | None


@dataclass
class TargetGrid:
    rows: list[TargetGridRow] = field(default_factory=list)
    unit_line: str | None = None  # "元" | "万元" from a 单位 line printed above the grid

    # filled by read_grid
    name: str | None = None
    implementing_unit: str | None = None
    start: str | None = None
    end: str | None = None
    total_printed: str | None = None
    annual_printed: str | None = None
    unit: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    amounts: list[GridAmount] = field(default_factory=list)

    @property
    def page(self) -> int | None:
        return self.rows[0].page if self.rows else None

    @property
    def line(self) -> int | None:
        return self.rows[0].line if self.rows else None

    def yuan(self, printed: str | None) -> Decimal | None:
        """A printed amount of this grid in yuan (None when absent or unit unknown)."""
        value = parse_number(printed) if printed else None
        if value is None or self.unit is None:
            return None
        return wan_to_yuan(value) if self.unit == "万元" else value.quantize(Decimal("0.01"))


def clean_cell(cell: str | None) -> str:
    """Cell text with the PDF's wrapped lines joined (Chinese wraps mid-word)."""
    return (cell or "").replace("\n", "").strip()


def read_grid(grid: TargetGrid) -> TargetGrid:
    """Fill a grid's fields and indicators from its rows."""
    header_at = next(
        (i for i, r in enumerate(grid.rows) if any("一级指标" in c or c == "分解目标内容" for c in r.cells)),
        None,
    )
    field_rows = grid.rows if header_at is None else grid.rows[:header_at]
    for row in field_rows:
        _read_fields(grid, row.cells)
    grid.amounts = _read_amounts(field_rows)
    grid.unit = grid.unit_line or grid.unit
    if header_at is not None:
        grid.indicators = _read_indicators(grid.rows[header_at], grid.rows[header_at + 1 :])
    return grid


def _read_fields(grid: TargetGrid, cells: list[str]) -> None:
    for i, cell in enumerate(cells):
        label = cell.replace(" ", "")
        m = _UNIT_IN_LABEL.search(label)
        if m and grid.unit is None and ("资金" in label or "预算" in label):
            grid.unit = m.group(1)
        if label in NAME_LABELS and grid.name is None:
            parts = []
            for later in cells[i + 1 :]:
                if later.replace(" ", "") in NAME_STOPS:
                    break
                parts.append(later)
            grid.name = "".join(parts).strip() or None
        elif label == "实施单位" and grid.implementing_unit is None:
            grid.implementing_unit = _next_value(cells, i)
        elif label in START_LABELS and grid.start is None:
            grid.start = _next_value(cells, i)
        elif label in END_LABELS and grid.end is None:
            grid.end = _next_value(cells, i)
        elif label.startswith(TOTAL_LABELS) and grid.total_printed is None:
            grid.total_printed = _next_value(cells, i, numeric=True)
        elif label.startswith(ANNUAL_LABELS) and grid.annual_printed is None:
            grid.annual_printed = _next_value(cells, i, numeric=True)


def _read_amounts(rows: list[TargetGridRow]) -> list[GridAmount]:
    """The funding amounts and sub-projects printed in the grid's field rows (module docstring)."""
    found: list[GridAmount] = []
    sides = _side_columns(rows)
    in_components = False
    for row in rows:
        keys = [c.replace(" ", "") for c in row.cells]
        if any(COMPONENT_HEADER in k for k in keys):
            in_components = True
            continue
        if in_components:
            component = _component(row, keys)
            if component is not None:
                found.append(component)
                continue
            in_components = False
        for i, key in enumerate(keys):
            label = re.sub(r"^其中[:：]?", "", key)
            for pattern, role, side in FUNDING_LABELS:
                if not pattern.match(label):
                    continue
                value = _value_right_of(row.cells, i)
                side = side or _side_of(i, sides)
                full_role = role if role in ("annual", "total") else f"{side}_{role}"
                if value is not None:
                    found.append(GridAmount(full_role, key, value, row.page, row.line))
                break
    return found


def _side_columns(rows: list[TargetGridRow]) -> dict[str, int]:
    """The column of the year's amount label and of the total's, where printed."""
    sides: dict[str, int] = {}
    for row in rows:
        for i, cell in enumerate(row.cells):
            label = cell.replace(" ", "")
            for pattern, role, _ in FUNDING_LABELS[:2]:
                if pattern.match(label):
                    sides.setdefault(role, i)
    return sides


def _side_of(column: int, sides: dict[str, int]) -> str:
    if "annual" in sides and "total" in sides:
        right, left = ("annual", "total") if sides["annual"] > sides["total"] else ("total", "annual")
        return right if column >= sides[right] else left
    return "annual" if "annual" in sides or "total" not in sides else "total"


def _value_right_of(cells: list[str], i: int) -> str | None:
    """The number printed right of a label, before the next label (unit fragments skipped)."""
    for later in cells[i + 1 :]:
        text = later.strip()
        if not text or _LABEL_FRAGMENT.match(text.replace(" ", "")):
            continue
        return text if parse_number(text) is not None else None
    return None


def _component(row: TargetGridRow, keys: list[str]) -> GridAmount | None:
    """A sub-project row: its name cells and its amount (the last number); None ends the block."""
    numbers = [c for c in row.cells if c.strip() and parse_number(c.strip()) is not None]
    if not numbers:
        return None
    name = "".join(
        k
        for k, c in zip(keys, row.cells, strict=True)
        if k and c not in numbers and not _COMPONENT_LABEL.search(k)
    )
    return GridAmount("component", name, numbers[-1].strip(), row.page, row.line)


def _next_value(cells: list[str], i: int, numeric: bool = False) -> str | None:
    for later in cells[i + 1 :]:
        if not later:
            continue
        if numeric and parse_number(later) is None:
            continue  # ``算(元)`` — the rest of a label split over two cells
        return later
    return None


def _read_indicators(header: TargetGridRow, rows: list[TargetGridRow]) -> list[Indicator]:
    head = [c.replace(" ", "") for c in header.cells]
    fused = any("三级指标" in c and "指标值" in c for c in head)
    has_value_column = fused or any(("指标值" in c or "目标值" in c) for c in head)
    found: list[tuple[Indicator, bool]] = []  # (indicator, bare: a lone cell, nothing inherited printed)
    level1 = level2 = None
    for row in rows:
        cells = [c for c in row.cells if c]
        if cells and (cells[0].replace(" ", "").startswith(FOOTER_WORDS) or _YEAR_CAPTION.match(cells[0])):
            break
        if any(c in NAME_LABELS for c in cells):
            break
        keys = [c.replace(" ", "") for c in cells]
        # 成本指标 is 一级 beside a 二级 (经济成本指标), else a 二级 under 产出
        has_l2 = any(k.endswith("指标") and k not in LEVEL1_NAMES and k not in HEADER_WORDS for k in keys)
        row_l1 = row_l2 = None
        rest: list[str] = []
        for cell, key in zip(cells, keys, strict=True):
            if key in HEADER_WORDS:
                continue
            if key in LEVEL1_NAMES and (key != "成本指标" or has_l2):
                row_l1 = key
            elif key.endswith("指标") and len(key) <= MAX_LEVEL2_CHARS and row_l2 is None:
                row_l2 = key
                rest = []  # cells left of the 二级 sit in the 一级 column (garbled when not vocabulary)
            else:
                rest.append(cell)
        if row_l1:
            level1, level2 = row_l1, None
        elif row_l2 and level1 is not None:
            level1 = _family_level1(row_l2, level1)
        if row_l2:
            level2 = row_l2
        if not rest:
            continue
        name, target = rest[0], rest[1] if len(rest) > 1 else None
        if fused and target is None and " " in name:
            name, target = name.rsplit(" ", 1)
        bare = len(rest) == 1 and not row_l1 and not row_l2
        found.append((Indicator(level1, level2, name.strip(), target, page=row.page, line=row.line), bare))
    if not has_value_column:
        _pair_value_block(found)
    return [ind for ind, _ in found]


def _family_level1(level2: str, level1: str) -> str:
    for level1_names, level2_names in FAMILIES:
        if level2 in level2_names:
            return level1 if level1 in level1_names else level1_names[0]
    return level1


def _pair_value_block(found: list[tuple[Indicator, bool]]) -> None:
    """Names first, then as many lone value cells: the values belong to the names in order."""
    bare_tail = 0
    for _, bare in reversed(found):
        if not bare:
            break
        bare_tail += 1
    names = len(found) - bare_tail
    if bare_tail == 0 or names != bare_tail:
        return
    for (ind, _), (value, _) in zip(found[:names], found[names:], strict=True):
        ind.target = value.level3
    del found[names:]
