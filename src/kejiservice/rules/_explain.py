"""A readable explanation of a verdict: one line per criterion, in Chinese or English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._core import Verdict

__all__ = ["explain"]

_STATUS = {
    "zh": {
        "pass": "通过",
        "fail": "未通过",
        "unknown": "待定",
        "not_applicable": "不适用",
        "eligible": "符合",
        "ineligible": "不符合",
        "undetermined": "无法判定",
    },
    "en": {
        "pass": "pass",
        "fail": "FAIL",
        "unknown": "unknown",
        "not_applicable": "n/a",
        "eligible": "eligible",
        "ineligible": "ineligible",
        "undetermined": "undetermined",
    },
}
_HEAD = {
    "zh": (
        "规则",
        "结论",
        "依据日期",
        "条件",
        "结果",
        "实际",
        "要求",
        "差距",
        "说明",
        "如何满足",
        "缺少",
        "备注",
        "得分",
    ),
    "en": (
        "rule",
        "status",
        "as of",
        "criterion",
        "result",
        "actual",
        "required",
        "gap",
        "explanation",
        "what would make it pass",
        "missing",
        "notes",
        "score",
    ),
}


def explain(verdict: Verdict, lang: str = "zh") -> str:
    """The verdict as text: a header, one block per criterion, proposals and notes."""
    words = _STATUS["zh" if lang == "zh" else "en"]
    head = _HEAD["zh" if lang == "zh" else "en"]
    lines = [
        f"{head[0]}: {verdict.rule} ({verdict.rule_version})   {head[2]}: {verdict.as_of}",
        f"{head[1]}: {words[verdict.status.value]}"
        + (f"   [{verdict.path}]" if verdict.path else ""),
    ]
    if verdict.score is not None:
        lines.append(f"{head[12]}: {verdict.score}")
    elif verdict.score_min is not None:
        lines.append(f"{head[12]}: {verdict.score_min}-{verdict.score_max}")
    if verdict.missing:
        lines.append(f"{head[10]}: {', '.join(verdict.missing)}")
    lines.append("")
    for c in verdict.criteria:
        mark = {"pass": "✔", "fail": "✘", "unknown": "?", "not_applicable": "-"}[c.status.value]
        lines.append(f"{mark} {c.code}  [{words[c.status.value]}]")
        facts = []
        if c.actual is not None:
            facts.append(f"{head[5]} {c.actual}")
        if c.required is not None:
            facts.append(f"{head[6]} {c.required}")
        if c.gap is not None and c.status.value == "fail":
            facts.append(f"{head[7]} {c.gap} {c.gap_unit or ''}".rstrip())
        if facts:
            lines.append("    " + "; ".join(facts))
        lines.append("    " + c.message.text(lang))
        lines.append(f"    ({c.source})")
        for p in c.proposals:
            lines.append(f"    → {p.message.text(lang)}")
    if verdict.notes:
        lines.append("")
        lines.append(f"{head[11]}:")
        lines.extend(f"  - {n.text(lang)}" for n in verdict.notes)
    return "\n".join(lines)
