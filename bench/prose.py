"""The text pages of a generated disclosure: cover, 目录, narrative (编制说明), 其他相关情况说明 and one
项目经费情况说明 per project, in the words of its budget kind (部门预算 or 单位预算).

A unit budget's cover prints 预算单位 and 预算主管部门, as the district unit budgets do; its narrative
says 本单位 where a department's says 本部门.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import PageBreak, Paragraph

from bench import catalogue as cat
from bench.disclosure import Disclosure, to_wan
from bench.pdf_styles import BODY, COVER, HEAD, LEFT, TITLE, table_title

__all__ = ["INCOME_STYLES", "front_pages", "narrative_pages", "other_notes_pages", "project_pages"]

# Income columns of table 2 and rows of table 1, per style; the last one takes other income.
INCOME_STYLES = {
    "repeat": (
        ["教育收费收入", "单位资金", "动用历年结转结余", "其他资金"],
        ["1. 一般公共预算", "2. 政府性基金预算", "3. 国有资本经营预算"],
    ),
    "child_only": (
        ["事业收入", "经营收入", "上级补助收入", "其他收入"],
        ["1. 一般公共预算资金", "2. 政府性基金", "3. 国有资本经营"],
    ),
    "fused": (
        ["事业收入", "事业单位经营收入", "其他收入"],
        ["1、一般公共预算资金", "2、政府性基金", "3. 国有资本经营预算"],
    ),
}
PURPOSES = {
    "208": "单位基本养老保险缴费支出和单位职业年金缴费支出",
    "210": "单位职工基本医疗保险缴费",
    "221": "按规定为职工缴纳的住房公积金",
}


def _wan(yuan: Decimal) -> str:
    """A narrative 万元 figure: two decimals, trailing zeros kept as most documents print them."""
    return f"{to_wan(yuan):f}"


def _change(change: Decimal) -> str:
    if change > 0:
        return f"比上年预算增加{_wan(change)}万元"
    if change < 0:
        return f"比上年预算减少{_wan(-change)}万元"
    return "与上年预算持平"


def narrative_pages(d: Disclosure) -> list:
    other_label = INCOME_STYLES[d.layout][0][-1]
    T, F, B, P = d.total, d.fiscal, d.basic, d.project
    paras = [
        (
            f"{d.year}年，本{d.whose}收入预算{_wan(T)}万元，{_change(d.change)}，其中：财政拨款收入{_wan(F)}万元；"
            f"{other_label}{_wan(d.other_income)}万元。"
        ),
        (
            f"支出预算{_wan(T)}万元，{_change(d.change)}，其中：基本支出{_wan(B)}万元，项目支出{_wan(P)}万元。"
            f"财政拨款支出预算{_wan(F)}万元。财政拨款支出预算中，一般公共预算拨款支出预算{_wan(F)}万元；"
            "政府性基金预算拨款支出预算0万元；国有资本经营预算拨款支出预算为0万元。财政拨款支出主要内容如下："
        ),
    ]
    for k, (code, amount) in enumerate(d.class_totals(fiscal_only=True).items(), start=1):
        purpose = PURPOSES.get(code, f"本{d.whose}履行职能的人员经费、公用经费和项目支出")
        paras.append(f"{k}、“{cat.CLASSES[code]}”科目{_wan(amount)}万元，主要用于：{purpose}。")
    return [Paragraph(f"{d.year}年{d.whose}预算编制说明", TITLE)] + [Paragraph(p, BODY) for p in paras]


def other_notes_pages(d: Disclosure) -> list:
    tp = d.three_public
    vehicle = tp["vehicle_purchase"] + tp["vehicle_operation"]
    admin = (
        f"{d.year}年本{d.whose}机关运行经费预算{_wan(d.admin_cost)}万元。"
        if d.admin_cost
        else f"{d.year}年本{d.whose}无机关运行经费。"
    )
    project_total = sum((a for _, a in d.projects), Decimal(0))
    paras = [
        (
            "一、“三公”经费预算情况说明",
            (
                f"{d.year}年“三公”经费预算数为{_wan(d.three_public_total)}万元。其中："
                f"（一）因公出国（境）费{_wan(tp['outbound'])}万元。（二）公务用车购置及运行费{_wan(vehicle)}万元，其中："
                f"公务用车购置费{_wan(tp['vehicle_purchase'])}万元，公务用车运行费{_wan(tp['vehicle_operation'])}万元。"
                f"（三）公务接待费{_wan(tp['reception'])}万元。"
            ),
        ),
        ("二、机关运行经费预算", admin),
        (
            "三、绩效目标设置情况",
            (
                f"按照本区预算绩效管理工作的总体要求，本{d.whose}开展了{d.year}年项目预算绩效目标编报工作，"
                f"编报绩效目标的项目{len(d.projects)}个，涉及项目预算资金{_wan(project_total)}万元。"
            ),
        ),
    ]
    story = [Paragraph("其他相关情况说明", TITLE)]
    for head, text in paras:
        story += [Paragraph(head, HEAD), Paragraph(text, BODY)]
    return story + [PageBreak()]


def project_pages(d: Disclosure) -> list:
    """One 项目经费情况说明 per project, each on its own page (the corpus's seven headings)."""
    story: list = []
    for name, amount in d.projects:
        sections = [
            (
                "一、项目概述",
                f"{name}是本{d.whose}为履行职能、完成年度工作任务安排的项目，保障相关工作有序开展。",
            ),
            ("二、立项依据", f"根据区政府有关工作部署及本{d.whose}年度工作计划。"),
            ("三、实施主体", d.department),
            ("四、实施方案", "按照年度工作计划分阶段组织实施，加强过程管理和资金监管。"),
            ("五、实施周期", f"{d.year}年1月1日至{d.year}年12月31日"),
            ("六、年度预算安排", f"该项目年度财政资金预算安排{_wan(amount)}万元。"),
            ("七、绩效目标", "（包括总目标、年度目标、绩效指标等）"),
        ]
        story.append(Paragraph(f"{name}项目经费情况说明", TITLE))
        for head, text in sections:
            story += [Paragraph(head, HEAD), Paragraph(text, BODY)]
        story.append(PageBreak())
    return story


def _cover(d: Disclosure) -> list:
    """The title page: 预算主管部门 of a 部门预算; 预算单位 and 预算主管部门 of a 单位预算."""
    level = "" if d.town else "区级"
    place = f"上海市{d.district}{d.town}" if d.town else d.district
    cover = [Paragraph(f"{place} {d.year} 年{level}{d.whose}预算", COVER)]
    if d.kind == "unit":
        cover.append(Paragraph(f"预算单位：{d.department}", TITLE))
        if d.parent_department:
            cover.append(Paragraph(f"预算主管部门：{d.parent_department}", TITLE))
    else:
        cover.append(Paragraph(f"预算主管部门：{d.department}", TITLE))
    return [*cover, PageBreak()]


def front_pages(d: Disclosure) -> list:
    w = d.whose
    toc = [f"一、{w}主要职能", f"二、{w}机构设置", "三、名词解释", f"四、{w}预算编制说明", f"五、{w}预算表"]
    toc += [f"{no}. {d.year}年{table_title(d, no)}" for no in range(1, 10)]
    toc += ["六、其他相关情况说明", "七、项目经费情况说明"]
    short = d.department.removeprefix("上海市")
    scope = "本部及下属预算单位" if d.kind != "unit" else "本单位"
    return [
        *_cover(d),
        Paragraph("目 录", TITLE),
        *[Paragraph(t, LEFT) for t in toc],
        PageBreak(),
        Paragraph(f"{short}主要职能", TITLE),
        Paragraph(
            f"{d.department}按照职责分工，负责本辖区相关领域的组织实施、监督管理和公共服务工作。", BODY
        ),
        Paragraph(f"{short}机构设置", TITLE),
        Paragraph(f"{d.department}{w}预算是包括{scope}的综合收支计划。", BODY),
        Paragraph("名词解释", TITLE),
        Paragraph(
            "财政拨款收入：指本级财政当年拨付的资金。基本支出预算：指为保障机构正常运转、完成日常工作任务"
            "而编制的年度支出计划，包括人员经费和公用经费。项目支出预算：指为完成特定行政工作任务或事业发展目标，"
            "在基本支出之外编制的年度支出计划。",
            BODY,
        ),
        PageBreak(),
    ]
