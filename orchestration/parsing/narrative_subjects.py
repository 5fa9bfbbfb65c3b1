"""Subjects named in the narrative: names, levels (类/款/项) and codes in every printed order.

Publishers name a functional subject (支出功能分类) with its level and code in many orders:
``公共安全支出（类204）公安（款20402）``, ``公共安全支出（204类）司法（06款）普法宣传（05项）``,
``公共安全支出204类``, ``“社会保障和就业支出(类)行政事业单位养老支出(款)”``, ``A-B-C``, or by
name only (``“住房公积金”科目``). ``subject_path`` reads any of them into ``Segment``s (name,
level, full code) and ``subject_key`` writes the canonical key of a ``subject:`` figure::

    subject:公共安全支出(类204)司法(款20406)普法宣传(项2040605)

one ``name(level code)`` per segment, the code only when printed and made a full code (``06``
under ``204`` is ``20406``); a segment with no level is followed by ``/``
(``subject:城乡社区支出/其他城乡社区管理事务支出``). ``parse_subject_key`` reads a key back.

``SubjectContext`` gives a listed item the parents it leaves out: a 款 printed under the 类
heading or item above it, a 项 after ``其中`` under its 款, a name after ``其中`` under the
subject it details. Codes, when printed, must agree for a parent to be given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "LEVELS",
    "Segment",
    "SubjectContext",
    "has_subject_mark",
    "is_economic_class",
    "parse_subject_key",
    "subject_key",
    "subject_path",
]

LEVELS = ("类", "款", "项")
CODE_LENGTHS = {"类": 3, "款": 5, "项": 7}
# A level mark in brackets, level and code in either order: （类）（类204）（204类）（款 20402）.
_BRACKET_MARK = re.compile(
    r"[（(]\s*(?:(?P<level_a>[类款项])\s*(?P<code_a>\d*)|(?P<code_b>\d+)\s*(?P<level_b>[类款项]))\s*[)）]"
)
# A bare mark: 204类 / 06款 / 05项 (not 2个项级, not a year).
_BARE_MARK = re.compile(r"(?<![\d.年])(?P<code>\d{2,7})\s*(?P<level>[类款项])(?![级目])")
_QUOTES = re.compile(r"[“”\"「」‘’]")
# The last quoted name of a label: “…” or "…".
_QUOTED = re.compile(r"(?:“[^“”]+”|\"[^\"]+\")(?!.*(?:“[^“”]+”|\"[^\"]+\"))")
_LIST_MARK = re.compile(
    r"^[\s\-*#]*(?:\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|[①-⑳])?\s*"
)
_DASHES = re.compile(r"\s*[-—－–]\s*")
_KEY_SEGMENT = re.compile(r"(?P<name>[^/]+?)(?:\((?P<level>[类款项])(?P<code>\d*)\)|/|$)")
# Economic classes (经济分类) as narratives name them: spending by nature, not by function.
_ECONOMIC = re.compile(r"工资.{0,2}福利|商品和服务|对个人和家庭|资本性支出|对企业补助|债务利息|基本建设支出")


@dataclass(frozen=True)
class Segment:
    name: str
    level: str | None = None  # 类 | 款 | 项, None when not printed
    code: str | None = None  # full code (3, 5 or 7 digits) when printed


def has_subject_mark(label: str) -> bool:
    """True when the words print a level mark (``（类）``, ``（204类）``, ``06款``)."""
    return bool(_BRACKET_MARK.search(label) or _BARE_MARK.search(label))


def is_economic_class(name: str) -> bool:
    """``商品和服务支出``, ``工资及福利支出``, ``对个人和家庭补助支出``: an economic class, not a function."""
    return bool(_ECONOMIC.search(name))


def subject_path(label: str) -> list[Segment]:
    """The subjects a label names, outermost first (see the module docstring)."""
    quoted = _QUOTED.search(label)
    if quoted:  # words before the quoted name are the end of another sentence (a page break's noise)
        label = label[quoted.start() :]
    text = _LIST_MARK.sub("", _QUOTES.sub("", label).replace("*", ""), count=1)
    text = re.sub(r"\s+", "", text.replace("科目", ""))
    marks = _marks(text)
    if not marks:
        parts = [p for p in _DASHES.split(text) if _clean(p)]
        if len(parts) > 1:
            levels = LEVELS if len(parts) <= len(LEVELS) else (None,) * len(parts)
            return _with_full_codes([Segment(_clean(p), lv) for p, lv in zip(parts, levels, strict=False)])
        return [Segment(_clean(text))] if _clean(text) else []
    pieces = [text[: marks[0][0]]]
    pieces += [
        text[marks[i][1] : (marks[i + 1][0] if i + 1 < len(marks) else len(text))] for i in range(len(marks))
    ]
    name_first = bool(_clean(pieces[0]))
    segments = []
    for i, (_, _, level, code) in enumerate(marks):
        name = _clean(pieces[i] if name_first else pieces[i + 1])
        segments.append(Segment(name, level, code or None))
    return _with_full_codes([s for s in segments if s.name])


def _marks(text: str) -> list[tuple[int, int, str, str]]:
    found = [
        (m.start(), m.end(), m["level_a"] or m["level_b"], m["code_a"] or m["code_b"] or "")
        for m in _BRACKET_MARK.finditer(text)
    ]
    taken = [(s, e) for s, e, _, _ in found]
    for m in _BARE_MARK.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            found.append((m.start(), m.end(), m["level"], m["code"]))
    return sorted(found)


def _clean(name: str) -> str:
    name = name.strip("：:，,。；;、 ")
    return name.replace("（", "(").replace("）", ")")


def _with_full_codes(segments: list[Segment]) -> list[Segment]:
    """Relative codes made full (``06`` under ``204`` → ``20406``); a code's length wins over its mark."""
    out: list[Segment] = []
    parent_code: str | None = None
    for seg in segments:
        code, level = seg.code, seg.level
        if code and len(code) in (3, 5, 7):
            level = {3: "类", 5: "款", 7: "项"}[len(code)]
        elif (
            code
            and len(code) == 2
            and parent_code
            and len(parent_code) + 2 == CODE_LENGTHS.get(level or "", 0)
        ):
            code = parent_code + code
        elif code:
            code = None  # a relative code whose parent code is not printed
        out.append(Segment(seg.name, level, code))
        parent_code = code if code else (None if level else parent_code)
    return out


def subject_key(segments: list[Segment], detail: str | None = None) -> str:
    """``subject:<segments>`` (and ``:<detail>``: ``项目支出``, ``budget`` …)."""
    body = "".join(f"{s.name}({s.level}{s.code or ''})" if s.level else f"{s.name}/" for s in segments)
    return "subject:" + body.rstrip("/") + (f":{detail}" if detail else "")


def parse_subject_key(key: str) -> tuple[list[Segment], str | None]:
    """(segments, detail) of a ``subject:`` key; the inverse of ``subject_key``."""
    body = key.split(":", 1)[1] if key.startswith("subject:") else key
    body, _, detail = body.partition(":")
    segments = [
        Segment(m["name"], m["level"], m["code"] or None) for m in _KEY_SEGMENT.finditer(body) if m["name"]
    ]
    return segments, detail or None


@dataclass
class SubjectContext:
    """The subjects above the next listed item: the last 类 and 款, and the subject ``其中`` details."""

    parents: dict[str, Segment] = field(default_factory=dict)
    detailed: list[Segment] | None = None  # the subject before ``其中``, for names with no level

    def complete(self, segments: list[Segment]) -> list[Segment]:
        """``segments`` with the parents they leave out, when the printed codes allow it."""
        if not segments:
            return segments
        first = segments[0]
        if first.level in ("款", "项"):
            nearest = LEVELS[LEVELS.index(first.level) - 1]  # 类 above a 款, 款 above a 项
            if nearest in self.parents and _fits(self.parents[nearest], first):
                above = [self.parents[lv] for lv in LEVELS[: LEVELS.index(first.level)] if lv in self.parents]
                return [*above, *segments]
            return segments
        if first.level is None and self.detailed and len(segments) == 1:
            return [*self.detailed, *segments]
        return segments

    def update(self, segments: list[Segment]) -> None:
        for seg in segments:
            if seg.level == "类":
                self.parents = {"类": seg}
            elif seg.level == "款":
                self.parents = {k: v for k, v in self.parents.items() if k == "类"} | {"款": seg}
            elif seg.level == "项":
                self.parents.pop("项", None)

    def reset(self) -> None:
        self.parents, self.detailed = {}, None


def _fits(parent: Segment, child: Segment) -> bool:
    if parent.code and child.code:
        return child.code.startswith(parent.code)
    return True
