"""Figures printed in the narrative (编制说明, 三公, 政府采购, 绩效目标 counts), in 万元."""

from __future__ import annotations

from .model import NarrativeFigure
from .source import Source


def extract(source: Source) -> list[NarrativeFigure]:
    return []
