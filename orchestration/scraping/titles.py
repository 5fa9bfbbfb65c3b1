"""Which post titles are budgets: 部门预算 / 单位预算 / 预算公开 with a year, not 决算 nor a notice.

A listing mixes the year's budgets with final accounts (决算), notices about the disclosure
work (通知, 公告), drafts put out for comment (征求意见) and explanations (解读). A title is a
budget when it holds one of the include words, a year, and none of the exclude words;
``title_verdict`` says why it is not.
"""

from __future__ import annotations

import re

__all__ = [
    "DEFAULT_TITLE_EXCLUDE",
    "DEFAULT_TITLE_INCLUDE",
    "is_truncated",
    "title_verdict",
    "worth_resolving",
]

DEFAULT_TITLE_INCLUDE = ("部门预算", "单位预算", "预算公开", "预算信息公开", "年预算", "年度预算")
DEFAULT_TITLE_EXCLUDE = (
    "决算",  # final accounts: another document, published in the autumn
    "通知",  # notices about the disclosure work, not the disclosure
    "公告",
    "征求意见",  # drafts put out for comment
    "解读",  # explanations and their pictures (图解) of a budget published elsewhere
    "图解",
    "执行情况",  # execution reports, audits and evaluations mention a budget, they are not one
    "审计",
    "绩效评价",
    "绩效自评",
    "调整",  # mid-year adjustments of the government's budget
    "草案",
)
YEAR_RE = re.compile(r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}\s*年")
TRUNCATION_MARKS = ("...", "…", "。。。", "..")


def title_verdict(
    title: str,
    include: tuple[str, ...] = DEFAULT_TITLE_INCLUDE,
    exclude: tuple[str, ...] = DEFAULT_TITLE_EXCLUDE,
    require_year: bool = True,
) -> str | None:
    """None when the title is a budget's, else why not: ``excluded: 决算``, ``no year``, ``not a budget title``."""
    for word in exclude:
        if word in title:
            return f"excluded: {word}"
    if not any(word in title for word in include):
        return "not a budget title"
    if require_year and not YEAR_RE.search(title):
        return "no year"
    return None


def is_truncated(title: str) -> bool:
    """A listing that cut a long title short and kept no ``title=`` attribute."""
    return title.rstrip().endswith(TRUNCATION_MARKS)


def worth_resolving(title: str, verdict: str | None) -> bool:
    """A cut title that may still be a budget's: its detail page will say (``…部门预…``, not ``…部门决…``)."""
    return (
        verdict is not None and not verdict.startswith("excluded") and is_truncated(title) and "预" in title
    )
