"""Tables ruled by horizontal lines only: rows from the rules, columns from the words.

pdfplumber's line strategy needs vertical rules too. Here the horizontal rules cut the
frame into row bands; the columns are the x-ranges covered by the words of the body
rows (rows printing a figure), merged where they overlap, plus any header word standing
alone over a column that is blank in every body row. A continuation page reuses the
columns found on the title page.
"""

from __future__ import annotations

from typing import Any

from .numbers import is_amount

__all__ = ["horizontal_rules", "ruled_rows"]

# A rule is at least this long (points) and at most this thick.
MIN_RULE_LENGTH = 50.0
MAX_RULE_THICKNESS = 2.0
# Rules closer than this are one rule (a rect drawn as two edges).
RULE_MERGE = 2.0
# Words of one cell sit closer than this; columns are further apart.
COLUMN_GAP = 1.0


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


def _spans(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for x0, x1 in sorted(intervals):
        if out and x0 <= out[-1][1] + COLUMN_GAP:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _column_of(word: dict, columns: list[tuple[float, float]]) -> int:
    overlap = [min(word["x1"], b) - max(word["x0"], a) for a, b in columns]
    best = max(range(len(columns)), key=lambda j: overlap[j])
    if overlap[best] > 0:
        return best
    centre = (word["x0"] + word["x1"]) / 2
    return min(range(len(columns)), key=lambda j: abs((columns[j][0] + columns[j][1]) / 2 - centre))


def _place_header_words(
    header: list[list[dict]], columns: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """A header word over no body column labels the nearest column its band leaves unlabelled
    (a centred 基本支出 over right-aligned figures); else it opens a column blank in the body."""
    cols = [list(c) for c in columns]
    extra: list[tuple[float, float]] = []
    for band in header:
        claimed = set()
        lonely = []
        for w in band:
            overlap = [min(w["x1"], b) - max(w["x0"], a) for a, b in cols]
            if max(overlap) > 0:
                claimed.add(max(range(len(cols)), key=lambda j: overlap[j]))
            else:
                lonely.append(w)
        for w in lonely:
            centre = (w["x0"] + w["x1"]) / 2
            j = min(range(len(cols)), key=lambda k: abs((cols[k][0] + cols[k][1]) / 2 - centre))
            if j not in claimed:
                claimed.add(j)
                cols[j] = [min(cols[j][0], w["x0"]), max(cols[j][1], w["x1"])]
            else:
                extra.append((w["x0"], w["x1"]))
    return sorted([(a, b) for a, b in cols] + _spans(extra))


def ruled_rows(
    pp: Any, top: float, bottom: float, columns: list[tuple[float, float]] | None = None
) -> tuple[list[list[str]], list[tuple[float, float]]]:
    """Rows of cell strings of the horizontally ruled frame between ``top`` and ``bottom``,
    and the column x-ranges used (found from the words unless ``columns`` is given)."""
    rules = horizontal_rules(pp, top, bottom)
    if len(rules) < 2:
        return [], columns or []
    words = [
        w
        for w in pp.extract_words(keep_blank_chars=False, use_text_flow=False)
        if rules[0] <= (w["top"] + w["bottom"]) / 2 <= rules[-1]
    ]
    bands: list[list[dict]] = [[] for _ in range(len(rules) - 1)]
    for w in words:
        mid = (w["top"] + w["bottom"]) / 2
        for i in range(len(rules) - 1):
            if rules[i] <= mid < rules[i + 1]:
                bands[i].append(w)
                break
    bands = [b for b in bands if b]
    if columns is None:
        body = [b for b in bands if any(is_amount(w["text"]) for w in b)]
        columns = _spans([(w["x0"], w["x1"]) for b in body for w in b])
        if not columns:
            return [], []
        columns = _place_header_words([b for b in bands if b not in body], columns)
    rows = []
    for band in bands:
        cells = [""] * len(columns)
        for w in sorted(band, key=lambda w: (round(w["top"]), w["x0"])):
            j = _column_of(w, columns)
            cells[j] = cells[j] + w["text"] if cells[j] else w["text"]
        rows.append(cells)
    return rows, columns
