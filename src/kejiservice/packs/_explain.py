"""A pack in plain Chinese or English, for a policy officer to check against the notice.

:func:`explain_pack` prints what the pack says, not how it is written: the region and
window, each condition as a sentence (``上一年度研究开发费用占销售收入的比例不低于3%``),
the scoring rubric, the award formula with its floor, cap and pool, and the sources.
Each condition also shows its test as written, so the officer and the developer look at
the same thing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..industry import classify_industry
from ._facts import CERT_LABELS, FACTS
from ._lang import And, Compare, Fact, Lit, Node, Not, Or, Type, YearSel
from ._model import Pack

__all__ = ["explain_pack", "render"]

_OPS = {
    "zh": {">=": "不低于", ">": "高于", "<=": "不超过", "<": "低于", "==": "为", "!=": "不为"},
    "en": {
        ">=": "at least",
        ">": "more than",
        "<=": "at most",
        "<": "less than",
        "==": "equal to",
        "!=": "not equal to",
    },
}
_UNITS = {
    Type.PERSONS: ("人", "persons"),
    Type.COUNT: ("件", "items"),
    Type.DAYS: ("天", "days"),
    Type.YEARS: ("年", "years"),
    Type.POINTS: ("分", "points"),
    Type.NUMBER: ("", ""),
}
_LISTINGS = {
    "abnormal_operation": ("经营异常名录", "abnormal-operation"),
    "serious_dishonest": ("严重失信主体名单", "serious-dishonesty"),
}


def _num(value: Decimal) -> str:
    if value == value.to_integral_value():
        return format(value.normalize(), "f")
    return format(value, "f")


def money(value: Decimal, lang: str) -> str:
    """An amount in words: ``20万元`` / ``200,000 yuan``."""
    if lang == "zh":
        if value and value % 10_000 == 0:
            return f"{_num(value / 10_000)}万元"
        return f"{_num(value)}元"
    amount = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return f"{amount:,} yuan"


def literal(lit: Lit, lang: str) -> str:
    """A literal in words."""
    if lit.type is Type.MONEY:
        return money(lit.value, lang)
    if lit.type is Type.RATIO:
        return f"{_num(lit.value * 100)}%"
    if lit.type is Type.BOOL:
        return ("是" if lit.value else "否") if lang == "zh" else str(lit.value).lower()
    if lit.type is Type.TEXT:
        return f"“{lit.value}”" if lang == "zh" else f'"{lit.value}"'
    zh, en = _UNITS[lit.type]
    return f"{lit.value}{zh}" if lang == "zh" else f"{lit.value} {en}".rstrip()


def _year(sel: YearSel, lang: str) -> str:
    if lang == "zh":
        return {"last_year": "上一年度", "year_before": "上上年度"}.get(sel.kind, f"{sel.year}年度")
    return {"last_year": "last year", "year_before": "the year before last"}.get(
        sel.kind, str(sel.year)
    )


def _industry(code: str, lang: str) -> str:
    info = classify_industry(code)
    name = info.section_name_zh if lang == "zh" else info.section_name_en
    if info.division is not None:
        name = (info.division_name_zh if lang == "zh" else info.division_name_en) or name
    return f"{name} ({code})"


def _fact(node: Fact, lang: str, inputs: dict[str, tuple[str, str]]) -> str:
    definition = FACTS[node.name]
    label = definition.label_zh if lang == "zh" else definition.label_en
    first: Any = node.args[0] if node.args else None
    fill: dict[str, str] = {}
    if node.name in ("holds", "newly_certified", "previously_certified"):
        fill["cert"] = CERT_LABELS[first][0 if lang == "zh" else 1]
    elif node.name == "listed":
        fill["listing"] = _LISTINGS[first][0 if lang == "zh" else 1]
    elif node.name == "in_region":
        fill["regions"] = ("、" if lang == "zh" else ", ").join(f"{c}*" for c in first)
    elif node.name == "industry_in":
        fill["industries"] = ("、" if lang == "zh" else ", ").join(
            _industry(c, lang) for c in first
        )
    elif node.name == "input":
        zh, en = inputs.get(str(first), (str(first), str(first)))
        return zh if lang == "zh" else en
    elif node.name in ("has_tag", "eligible"):
        fill[{"has_tag": "tag", "eligible": "rule"}[node.name]] = str(first)
    elif node.name == "incident_within":
        fill["days"] = str(first)
    if fill:
        label = label.format(**fill)
    if isinstance(first, YearSel):
        return f"{_year(first, lang)}{label}" if lang == "zh" else f"{label} ({_year(first, lang)})"
    return label


def render(node: Node, lang: str = "zh", inputs: dict[str, tuple[str, str]] | None = None) -> str:
    """A checked test as a sentence in ``lang``."""
    known = inputs or {}
    if isinstance(node, Lit):
        return literal(node, lang)
    if isinstance(node, Fact):
        return _fact(node, lang, known)
    if isinstance(node, Compare):
        left, right = render(node.left, lang, known), render(node.right, lang, known)
        word = _OPS[lang][node.op]
        return f"{left}{word}{right}" if lang == "zh" else f"{left} {word} {right}"
    if isinstance(node, Not):
        inner = render(node.operand, lang, known)
        compound = isinstance(node.operand, And | Or)
        if lang == "zh":
            return f"并非（{inner}）" if compound else f"并非{inner}"
        return f"not ({inner})" if compound else f"not: {inner}"
    parts = []
    for part in node.parts:
        text = render(part, lang, known)
        parts.append(
            f"（{text}）"
            if lang == "zh" and isinstance(part, And | Or)
            else f"({text})"
            if isinstance(part, And | Or)
            else text
        )
    if isinstance(node, And):
        return ("，且" if lang == "zh" else "; and ").join(parts)
    return ("，或" if lang == "zh" else "; or ").join(parts)


_TEXT = {
    "zh": {
        "id": "编号",
        "version": "版本",
        "region": "适用地区",
        "region_text": "行政区划代码 {region}（代码以 {prefix} 开头的企业）",
        "window": "有效期",
        "to": "至",
        "open": "长期",
        "source": "依据",
        "period": "参考期",
        "last_year": "评价日所在年份的上一个自然年度",
        "current_year": "评价日所在年份的1月1日至评价日",
        "criteria": "条件（须全部满足；另须注册在适用地区内）",
        "test": "测试式",
        "inputs": "需另行提供的输入",
        "scoring": "评分",
        "first_match": "取第一条满足的档次，均不满足得0分",
        "input_item": "由输入项 {input} 给出，0至{max}分",
        "award": "奖补",
        "fixed": "定额 {amount}",
        "rate": "按{base}的{rate}计算（基数为负按0计，向下取整到分）",
        "tiers": "按档次（取第一个满足的档次；均不满足为0）：",
        "tier_rate": "{base}的{rate}",
        "floor": "最低 {amount}",
        "cap": "最高 {amount}",
        "pool": "资金池 {amount}：符合条件的申请总额超过资金池时，按比例核减（向下取整到分）",
        "note": "说明",
        "points": "{points}分",
        "if": "若",
    },
    "en": {
        "id": "id",
        "version": "version",
        "region": "region",
        "region_text": "administrative code {region} (enterprises whose code starts with {prefix})",
        "window": "in force",
        "to": "to",
        "open": "open-ended",
        "source": "source",
        "period": "reference period",
        "last_year": "the calendar year before the year of the evaluation day",
        "current_year": "1 January of the evaluation day's year to that day",
        "criteria": "conditions (all must hold; the enterprise must be registered in the region)",
        "test": "test",
        "inputs": "inputs to give",
        "scoring": "scoring",
        "first_match": "the first row that holds counts; none: 0 points",
        "input_item": "given as input {input}, 0 to {max} points",
        "award": "award",
        "fixed": "a fixed {amount}",
        "rate": "{rate} of {base} (a negative base counts as 0; rounded down to the fen)",
        "tiers": "by tier (the first tier that holds; none: 0):",
        "tier_rate": "{rate} of {base}",
        "floor": "at least {amount}",
        "cap": "at most {amount}",
        "pool": "pool of {amount}: when the eligible amounts add up to more, each is scaled "
        "down pro rata (rounded down to the fen)",
        "note": "note",
        "points": "{points} points",
        "if": "if",
    },
}


def explain_pack(pack: Pack, lang: str = "zh") -> str:
    """The pack in plain Chinese (``"zh"``) or English (``"en"``)."""
    lang = "zh" if lang == "zh" else "en"
    t = _TEXT[lang]
    inputs = {i.name: (i.label_zh, i.label_en) for i in pack.inputs}
    sep = "：" if lang == "zh" else ": "
    lines = [pack.name_zh if lang == "zh" else pack.name_en]
    lines.append(f"{t['id']}{sep}{pack.id}   {t['version']}{sep}{pack.version}")
    region = t["region_text"].format(region=pack.region, prefix=pack.prefix)
    lines.append(f"{t['region']}{sep}{region}")
    end = pack.effective_to.isoformat() if pack.effective_to else t["open"]
    lines.append(f"{t['window']}{sep}{pack.effective_from.isoformat()} {t['to']} {end}")
    lines.append(f"{t['source']}{sep}{pack.source}")
    period = pack.reference_period
    if period.kind == "fixed" and period.start and period.end:
        period_text = f"{period.start.isoformat()} {t['to']} {period.end.isoformat()}"
    else:
        period_text = t[period.kind]
    lines.append(f"{t['period']}{sep}{period_text}")
    if pack.note:
        lines.append(f"{t['note']}{sep}{pack.note}")
    if pack.inputs:
        lines.append("")
        lines.append(f"{t['inputs']}{sep}")
        for given in pack.inputs:
            label = given.label_zh if lang == "zh" else given.label_en
            lines.append(f"  - {given.name} ({given.type.value}): {label}")
    lines.append("")
    lines.append(f"{t['criteria']}{sep}")
    for index, cdef in enumerate(pack.criteria, 1):
        lines.append(f"  {index}. {render(cdef.test, lang, inputs)}")
        lines.append(f"     [{cdef.code}] {t['test']}{sep}{cdef.text}")
        lines.append(f"     {t['source']}{sep}{cdef.source}")
    if pack.scoring:
        lines.append("")
        total = sum(i.max for i in pack.scoring)
        lines.append(f"{t['scoring']}{sep}0-{total}")
        for item in pack.scoring:
            name = item.name_zh if lang == "zh" else item.name_en
            lines.append(f"  - {name} [{item.code}] (≤ {t['points'].format(points=item.max)})")
            if item.input is not None:
                lines.append("      " + t["input_item"].format(input=item.input, max=item.max))
                continue
            lines.append(f"      {t['first_match']}")
            for row in item.rows:
                points = t["points"].format(points=row.points)
                lines.append(f"      · {render(row.test, lang, inputs)} → {points}")
    lines.append("")
    lines.extend(_award_lines(pack, lang, inputs))
    return "\n".join(lines) + "\n"


def _award_lines(pack: Pack, lang: str, inputs: dict[str, tuple[str, str]]) -> list[str]:
    t = _TEXT[lang]
    spec = pack.award
    sep = "：" if lang == "zh" else ": "
    base = ""
    if spec.base is not None:
        base = render(spec.base, lang, inputs)
    lines = [f"{t['award']}{sep}"]
    if spec.kind == "fixed" and spec.amount is not None:
        lines.append("  " + t["fixed"].format(amount=money(spec.amount, lang)))
    elif spec.kind == "rate" and spec.rate is not None:
        lines.append("  " + t["rate"].format(base=base, rate=f"{_num(spec.rate * 100)}%"))
    else:
        lines.append("  " + t["tiers"])
        for index, tier in enumerate(spec.tiers, 1):
            if tier.amount is not None:
                what = money(tier.amount, lang)
            else:
                assert tier.rate is not None
                what = t["tier_rate"].format(base=base, rate=f"{_num(tier.rate * 100)}%")
            label = tier.label_zh if lang == "zh" else tier.label_en
            label = f" [{label}]" if label else ""
            lines.append(
                f"    {index}. {t['if']} {render(tier.test, lang, inputs)} → {what}{label}"
            )
    if spec.floor is not None:
        lines.append("  " + t["floor"].format(amount=money(spec.floor, lang)))
    if spec.cap is not None:
        lines.append("  " + t["cap"].format(amount=money(spec.cap, lang)))
    if spec.pool is not None:
        lines.append("  " + t["pool"].format(amount=money(spec.pool, lang)))
    lines.append(f"  {t['source']}{sep}{spec.source}")
    return lines
