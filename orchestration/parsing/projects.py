"""Project sections (项目经费情况说明) and their performance-target tables (绩效目标表)."""

from __future__ import annotations

from .model import Project
from .source import Source


def extract(source: Source) -> list[Project]:
    return []
