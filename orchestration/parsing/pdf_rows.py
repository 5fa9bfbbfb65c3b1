"""Rows of a table whose grid pdfplumber's line strategy cannot see: ruled by horizontal lines
only (every row, or a 三线表's three rules), or not ruled at all (columns aligned by whitespace).

Words are the material: those of a region, less its preamble (title, 编制单位, 单位) and page
numbers, are cut into text lines. The first line printing a figure starts the body; above it is
the header.

- **Body rows**: a line printing figures anchors a row; a line printing none is the wrapped part
  of the nearest row's name (a horizontal rule between them says otherwise), unless it opens a row
  of its own (a code, an ordinal, 合计).
- **Columns**: the x-ranges the body's words cover, merged where they overlap, plus a header label
  standing over a column that is blank in every body row.
- **Header**: words grouped into labels (the lines of one wrapped label are close together and in
  one column); each label is a header cell at its own height, so a column's label is the lowest
  cell above it — a parent such as 支出预算 printed over its children is not glued to them.

A continuation page reuses the columns of the table's first page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .codes import is_code, is_total_label, strip_ordinal
from .headers import STANDARD_LABELS
from .numbers import is_amount
from .units import find_unit

__all__ = ["RegionRows", "horizontal_rules", "read_word_table"]

# A rule is at least this long (points) and at most this thick.
MIN_RULE_LENGTH = 50.0
MAX_RULE_THICKNESS = 2.0
# Rules closer than this are one rule (a rect drawn as two edges).
RULE_MERGE = 2.0
# Words of one cell sit closer than this; columns are further apart.
COLUMN_GAP = 1.0
# Characters closer than this (points) are one word: tighter than pdfplumber's 3, so a figure
# right-aligned against the next cell's text is not fused with it.
X_TOLERANCE = 1.5
# Two words are on one text line when their vertical centres are closer than this share of their height.
SAME_LINE = 0.45
# The lines of one wrapped label are closer than this share of the font height (bottom to top).
WRAPPED_GAP = 0.6
# Two words of one line belong to one label when the gap between them is under this share of the height.
LABEL_WORD_GAP = 0.45
# A label starts below another when its top is under the other's bottom, less this share of a line.
BELOW_SLACK = 0.3
# Header labels whose middles are this close (points) are on one header level.
LEVEL_TOLERANCE = 2.0


@dataclass
class RegionRows:
    """The rows of one region: cell strings per column, the top of each row, the columns used."""

    rows: list[list[str]] = field(default_factory=list)
    tops: list[float] = field(default_factory=list)
    columns: list[tuple[float, float]] = field(default_factory=list)
    bottom: float = 0.0  # lowest point of the words read


def horizontal_rules(pp: Any, top: float = 0.0, bottom: float = float("inf")) -> list[float]:
    """Vertical positions of the horizontal rules between ``top`` and ``bottom``."""
    ys = []
    for obj in list(pp.rects) + list(pp.lines):
        width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
        if width >= MIN_RULE_LENGTH and height <= MAX_RULE_THICKNESS and top <= obj["top"] <= bottom:
            ys.append((obj["top"] + obj["bottom"]) / 2)
    merged: list[float] = []
    for y in sorted(ys):
        if not merged or y - merged[-1] > RULE_MERGE:
            merged.append(y)
    return merged


def _mid(w: dict) -> float:
    return (w["top"] + w["bottom"]) / 2


def _height(words: list[dict]) -> float:
    return max((w["bottom"] - w["top"] for w in words), default=1.0) or 1.0


def text_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into text lines (vertical centres close), top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (_mid(w), w["x0"])):
        if lines:
            last = lines[-1]
            last_mid = sum(_mid(x) for x in last) / len(last)
            if abs(_mid(w) - last_mid) <= SAME_LINE * _height([w]):
                last.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _join_number_parts(line: list[dict]) -> list[dict]:
    """``5,`` ``370.`` ``00``: the parts of a figure an extraction printed with spaces inside
    (after its separators) are one word again, the spaces kept."""
    out: list[dict] = []
    for w in line:
        last = out[-1] if out else None
        if (
            last is not None
            and last["text"][-1:] in ",.，．"
            and w["text"][:1].isdigit()
            and last["text"][:1].isdigit()
            and w["x0"] - last["x1"] <= WRAPPED_GAP * _height([w])
        ):
            out[-1] = {**last, "text": last["text"] + " " + w["text"], "x1": w["x1"]}
        else:
            out.append(w)
    return out


def _has_figure(line: list[dict]) -> bool:
    """The line prints a figure: a code leading a row's name (``2010399 其他…``) is none."""
    texts = [w["text"] for w in line]
    if any(not is_amount(t) for t in texts):
        k = 0
        while k < len(texts) and is_code(texts[k]):
            k += 1
        texts = texts[k:]
    return any(is_amount(t) for t in texts)


def _led_by_code(line: list[dict]) -> bool:
    """The line starts with a classification code or an ordinal, then words: a body row."""
    first = line[0]["text"]
    return len(line) > 1 and (is_code(first) or strip_ordinal(first) != first)


def _opens_row(line: list[dict]) -> bool:
    """A line with no figure that still opens a row: it prints a code, an ordinal or a total label."""
    first = line[0]["text"]
    return is_code(first) or strip_ordinal(first) != first or is_total_label(first)


def _band(y: float, rules: list[float]) -> int:
    return sum(1 for r in rules if r < y)


def _line_gap(a: list[dict], b: list[dict]) -> float:
    """Vertical distance between two lines (0 when they overlap)."""
    top_a, bottom_a = min(w["top"] for w in a), max(w["bottom"] for w in a)
    top_b, bottom_b = min(w["top"] for w in b), max(w["bottom"] for w in b)
    return max(top_b - bottom_a, top_a - bottom_b, 0.0)


def _body_rows(lines: list[list[dict]], rules: list[float]) -> list[list[dict]]:
    """Body lines into rows. A line printing figures anchors a row, and so does a line with none
    that opens one (a code, an ordinal, 合计). A line of figures alone (a wrapped name's figures
    printed at its middle) joins the nearest opening line without figures. Any other line is the
    wrapped part of the nearest row's name. A horizontal rule between two lines keeps them apart."""
    band = [_band(_mid(line[0]), rules) for line in lines]
    figures = [_has_figure(line) for line in lines]
    labelled = [any(not is_amount(w["text"]) for w in line) for line in lines]
    groups: dict[int, list[int]] = {}
    joined: set[int] = set()
    for i in (i for i in range(len(lines)) if figures[i] and not labelled[i]):
        openers = [
            k
            for k in range(max(0, i - 2), min(len(lines), i + 3))
            if not figures[k] and _opens_row(lines[k]) and band[k] == band[i] and k not in joined
        ]
        if openers:
            k = min(openers, key=lambda k: _line_gap(lines[k], lines[i]))
            joined.add(k)
            groups[i] = [k, i]
    for i in range(len(lines)):
        if i not in groups and i not in joined and (figures[i] or _opens_row(lines[i])):
            groups[i] = [i]
    if not groups:
        return []
    for i in range(len(lines)):
        if i in groups or i in joined:
            continue
        near = [a for a in groups if band[a] == band[i]] or list(groups)
        best = min(near, key=lambda a: (min(_line_gap(lines[k], lines[i]) for k in groups[a]), a > i))
        groups[best].append(i)
    return [
        [w for k in sorted(groups[a]) for w in lines[k]] for a in sorted(groups, key=lambda a: min(groups[a]))
    ]


def _spans(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for x0, x1 in sorted(intervals):
        if out and x0 <= out[-1][1] + COLUMN_GAP:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def _column_of(x0: float, x1: float, columns: list[tuple[float, float]]) -> int:
    overlaps = [_overlap((x0, x1), c) for c in columns]
    best = max(range(len(columns)), key=lambda j: overlaps[j])
    if overlaps[best] > 0:
        return best
    centre = (x0 + x1) / 2
    return min(range(len(columns)), key=lambda j: abs((columns[j][0] + columns[j][1]) / 2 - centre))


def _labels(words: list[dict]) -> list[dict]:
    """Header words grouped into labels: words side by side on a line, and the lines of a wrapped
    label (close below, overlapping) are one label, with its text and bounding box."""
    labels: list[dict] = []
    for line in text_lines(words):
        merged: list[dict] = []
        for w in line:
            last = merged[-1] if merged else None
            if last and w["x0"] - last["x1"] <= LABEL_WORD_GAP * _height([w]):
                last.update(
                    text=last["text"] + w["text"], x1=w["x1"], bottom=max(last["bottom"], w["bottom"])
                )
            else:
                merged.append({k: w[k] for k in ("text", "x0", "x1", "top", "bottom")})
        for part in merged:
            above = [
                lab
                for lab in labels
                if 0 <= part["top"] - lab["bottom"] <= WRAPPED_GAP * (part["bottom"] - part["top"])
                and _overlap((lab["x0"], lab["x1"]), (part["x0"], part["x1"]))
                >= 0.5 * min(lab["x1"] - lab["x0"], part["x1"] - part["x0"])
            ]
            if len(above) == 1 and not _complete(above[0]["text"], part["text"]):
                lab = above[0]
                lab.update(
                    text=lab["text"] + part["text"],
                    x0=min(lab["x0"], part["x0"]),
                    x1=max(lab["x1"], part["x1"]),
                    bottom=part["bottom"],
                )
            else:
                labels.append(part)
    return labels


def _gap(label: dict, column: tuple[float, float]) -> float:
    return max(column[0] - label["x1"], label["x0"] - column[1], 0.0)


def _assign_leaves(
    labels: list[dict], columns: list[tuple[float, float]], text_columns: set[int]
) -> dict[int, int]:
    """label index → column whose leaf it is. A label may name a column it stands over; the nearest
    column of figures to its right (a label centred in its cell over figures aligned right); or the
    nearest column of words to its left (``text_columns``: names aligned left). Each
    column takes the lowest label it may take, the nearer of two on one level; a label is the leaf
    of one column at most."""
    level = _levels(labels)
    pairs = []
    for i, lab in enumerate(labels):
        for j, col in enumerate(columns):
            left_of = (
                j not in text_columns and lab["x1"] <= col[0] and (j == 0 or lab["x0"] >= columns[j - 1][1])
            )
            right_of = (
                j in text_columns
                and lab["x0"] >= col[1]
                and (j + 1 == len(columns) or lab["x1"] <= columns[j + 1][0])
            )
            if _overlap((lab["x0"], lab["x1"]), col) > 0 or left_of or right_of:
                pairs.append((-level[i], _gap(lab, col), i, j))
    leaves: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, i, j in sorted(pairs):
        if i not in leaves and j not in taken:
            leaves[i] = j
            taken.add(j)
    return leaves


def _text_columns(words: list[dict], columns: list[tuple[float, float]]) -> set[int]:
    """Columns where most of the body's words are not figures (names, labels)."""
    counts: dict[int, list[int]] = {}
    for w in words:
        tally = counts.setdefault(_column_of(w["x0"], w["x1"], columns), [0, 0])
        tally[0 if is_amount(w["text"]) else 1] += 1
    return {j for j, (figures, texts) in counts.items() if texts > figures}


def _levels(labels: list[dict]) -> list[int]:
    """Each label's header level, counted from the top: labels whose middles are within
    ``LEVEL_TOLERANCE`` of each other are on one level (a label wrapped over two lines is centred
    in its cell like a one-line label beside it)."""
    middles: list[float] = []
    for middle in sorted(_mid(lab) for lab in labels):
        if not middles or middle - middles[-1] > LEVEL_TOLERANCE:
            middles.append(middle)
    return [max(k for k, m in enumerate(middles) if m <= _mid(lab) + LEVEL_TOLERANCE) for lab in labels]


def _is_parent(label: dict, labels: list[dict]) -> bool:
    """A label printed over others: one below it under its width, or one below on each side."""
    # below: starting under the label's last line (lines of tight headers may touch: allow a little)
    slack = BELOW_SLACK * _height([label])
    below = [o for o in labels if o is not label and o["top"] >= label["bottom"] - slack]
    if any(_overlap((label["x0"], label["x1"]), (o["x0"], o["x1"])) > 0 for o in below):
        return True
    return any(o["x1"] <= label["x0"] for o in below) and any(o["x0"] >= label["x1"] for o in below)


def _complete(upper: str, lower: str) -> bool:
    """``upper`` is a whole label of the template and ``upper + lower`` is none: ``lower`` starts a
    label of its own (a parent printed over its only child), not the second line of ``upper``."""
    label = unicodedata.normalize("NFKC", upper)
    joined = unicodedata.normalize("NFKC", upper + lower)
    known = {unicodedata.normalize("NFKC", x) for x in STANDARD_LABELS}
    return label in known and joined not in known


def _columns_and_header(
    body: list[list[dict]], labels: list[dict], columns: list[tuple[float, float]] | None
) -> tuple[list[tuple[float, float]], list[list[str]]]:
    """The columns (from the body's words, total labels left out: merged cells centre them
    anywhere; plus one per leaf label over a column blank in every body row) and the header rows,
    one per label height, each label in its column (a parent in the first column it covers)."""
    words = [w for row in body for w in row if not is_total_label(w["text"])]
    if columns is None:
        columns = _spans([(w["x0"], w["x1"]) for w in words])
        if not columns:  # no row printed (an empty table): its header alone, a column per leaf label
            columns = _spans([(lab["x0"], lab["x1"]) for lab in labels if not _is_parent(lab, labels)])
        if not columns:
            return [], []
        leaves = _assign_leaves(labels, columns, _text_columns(words, columns))
        lonely = [
            (lab["x0"], lab["x1"])
            for i, lab in enumerate(labels)
            if i not in leaves and not _is_parent(lab, labels)
        ]
        columns = sorted(columns + _spans(lonely))
    leaves = _assign_leaves(labels, columns, _text_columns(words, columns))
    level = _levels(labels)
    rows = [[""] * len(columns) for _ in range(max(level, default=-1) + 1)]
    for i, lab in sorted(enumerate(labels), key=lambda pair: pair[1]["x0"]):
        if i in leaves:
            j = leaves[i]
        else:
            covered = [k for k, c in enumerate(columns) if _overlap((lab["x0"], lab["x1"]), c) > 0]
            j = covered[0] if covered else _column_of(lab["x0"], lab["x1"], columns)
        rows[level[i]][j] = rows[level[i]][j] + lab["text"] if rows[level[i]][j] else lab["text"]
    return columns, rows


def _cells(words: list[dict], columns: list[tuple[float, float]]) -> list[str]:
    """A row's words in their columns; words of one line in a cell keep the space between them."""
    cells = [""] * len(columns)
    last: list[dict | None] = [None] * len(columns)
    for w in sorted(words, key=lambda w: (round(_mid(w)), w["x0"])):
        j = _column_of(w["x0"], w["x1"], columns)
        prev = last[j]
        if prev is None:
            cells[j] = w["text"]
        else:
            same_line = abs(_mid(prev) - _mid(w)) <= SAME_LINE * _height([w])
            cells[j] += (" " if same_line and w["x0"] - prev["x1"] > 0.5 else "") + w["text"]
        last[j] = w
    return cells


def read_word_table(
    pp: Any, top: float, bottom: float, skip=None, columns: list[tuple[float, float]] | None = None
) -> RegionRows:
    """The rows of the table printed between ``top`` and ``bottom`` (header rows first), from its
    words and horizontal rules; ``skip(line_text, top, bottom)`` drops lines that are not the table's (its
    preamble, page numbers). ``columns`` are those of the table's first page, on a continuation."""
    words = [
        w
        for w in pp.extract_words(x_tolerance=X_TOLERANCE, keep_blank_chars=False, use_text_flow=False)
        if top <= _mid(w) <= bottom and not find_unit(w["text"])
    ]
    lines = [_join_number_parts(ln) for ln in text_lines(words)]
    lines = [
        ln
        for ln in lines
        if not (
            skip
            and skip(" ".join(w["text"] for w in ln), min(w["top"] for w in ln), max(w["bottom"] for w in ln))
        )
    ]
    first = next((i for i, line in enumerate(lines) if _has_figure(line) or _led_by_code(line)), len(lines))
    if not lines[:first] and first == len(lines):
        return RegionRows(columns=columns or [])
    rules = horizontal_rules(pp, top, bottom)
    body = _body_rows(lines[first:], rules)
    labels = _labels([w for line in lines[:first] for w in line])
    columns, header = _columns_and_header(body, labels, columns)
    if not columns:
        return RegionRows()
    out = RegionRows(columns=columns)
    for row in header:
        out.rows.append(row)
        out.tops.append(top)
    for row in body:
        out.rows.append(_cells(row, columns))
        out.tops.append(min(w["top"] for w in row))
        out.bottom = max(out.bottom, max(w["bottom"] for w in row))
    return out
