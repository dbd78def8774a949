"""The report as Markdown, with its words from the catalogs ``messages/zh.toml`` and ``en.toml``.

Chinese is the source language; the English catalog has the same keys and
placeholders. Money is shown in 万元 (two decimals), shares as percentages with one
decimal; the JSON form keeps exact yuan and six-decimal ratios.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from ..industry import classify_industry
from ..models import to_wan
from ..rules._core import fmt
from ._diagnostics import ShareCount
from ._portfolio import INDICATORS, NeedCounts

if TYPE_CHECKING:
    from ._report import Report

__all__ = ["LANGUAGES", "catalog", "render_markdown"]

LANGUAGES = ("zh", "en")
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


@functools.cache
def catalog(lang: str) -> dict[str, dict[str, str]]:
    """The report words of ``lang`` (``"zh"`` or ``"en"``), by section then key."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}; expected zh or en", path="lang")
    text = (files("kejiservice.indicators") / "messages" / f"{lang}.toml").read_text("utf-8")
    data: dict[str, dict[str, str]] = tomllib.loads(text)
    return data


class _Words:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.words = catalog(lang)

    def __call__(self, section: str, key: str, **values: Any) -> str:
        text = self.words.get(section, {}).get(key, key)
        return text.format(**values) if values else text


def _wan(amount: Decimal) -> str:
    return format(to_wan(amount).quantize(_CENT, rounding=ROUND_HALF_EVEN), "f")


def _pct(ratio: Decimal | None) -> str:
    if ratio is None:
        return "—"
    return f"{format((ratio * 100).quantize(_TENTH, rounding=ROUND_HALF_EVEN), 'f')}%"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return str(value).replace("|", "\\|")


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(_cell(v) for v in row) + " |" for row in rows)
    return [*lines, ""]


def _heading(text: str) -> list[str]:
    return [f"## {text}", ""]


def _ids(ids: Sequence[str], t: _Words) -> str:
    return ", ".join(ids) if ids else t("report", "none")


def _headline(report: Report, t: _Words) -> list[str]:
    rows = []
    for ind, now, before in report.indicator_rows():
        money = INDICATORS[ind].money
        show = _wan if money else fmt
        change = now - before
        rate = _pct(change / before) if before else None
        rows.append((t("indicator", ind.value), show(now), show(before), show(change), rate))
    head = ("indicator", "current", "previous", "change", "change_rate")
    return [*_heading(t("section", "headline")), *_table([t("column", h) for h in head], rows)]


def _visits(report: Report, t: _Words) -> list[str]:
    v = report.current.visits
    facts = [
        ("visits", v.visits),
        ("enterprises_visited", v.enterprises_visited),
        ("enterprises_served", v.enterprises_served),
        ("coverage", f"{_pct(v.coverage)} ({v.assigned_visited}/{v.assigned})"),
        ("trainings_held", v.trainings_held),
        ("experts_engaged", v.experts_engaged),
    ]
    out = [*_heading(t("section", "visits"))]
    out += _table([t("column", "indicator"), t("column", "count")], _rows(facts, t))
    kinds = [(t("visit_kind", k.value), n) for k, n in v.by_kind.items()]
    out += _table([t("column", "kind"), t("column", "count")], kinds)
    out += _heading(t("section", "officers"))
    head = ("officer", "visits", "assigned", "assigned_visited", "coverage")
    officers = [
        (k, o.visits, o.assigned, o.assigned_visited, _pct(o.coverage))
        for k, o in v.by_officer.items()
    ]
    return out + _table([t("column", h) for h in head], officers)


def _rows(facts: Iterable[tuple[str, Any]], t: _Words) -> list[tuple[str, Any]]:
    return [(t("figure", key), value) for key, value in facts]


def _need_row(label: str, n: NeedCounts) -> tuple[Any, ...]:
    median = n.median_days_to_resolve
    return (
        label,
        n.collected,
        n.routed,
        n.resolved,
        n.closed_unresolved,
        n.open_at_end,
        fmt(median),
    )


def _needs(report: Report, t: _Words) -> list[str]:
    needs = report.current.needs
    head = ("category", "collected", "routed", "resolved", "closed_unresolved", "open_at_end")
    headers = [*(t("column", h) for h in head), t("column", "median_days")]
    rows = [_need_row(t("need_category", c.value), n) for c, n in needs.by_category.items()]
    rows.append(_need_row(t("column", "total"), needs.total))
    routed = [(t("route_kind", k.value), n) for k, n in needs.total.routed_to.items()]
    return [
        *_heading(t("section", "needs")),
        *_table(headers, rows),
        *_table([t("column", "routed"), t("column", "count")], routed),
    ]


def _financing(report: Report, t: _Words) -> list[str]:
    f = report.current.financing
    facts = [
        ("requests", f.requests),
        ("enterprises_requesting", f.enterprises_requesting),
        ("amount_requested", _wan(f.amount_requested)),
        ("granted", f.granted),
        ("enterprises_granted", f.enterprises_granted),
        ("granted_amount", _wan(f.granted_amount)),
        ("declined", f.declined),
        ("conversion_rate", f"{_pct(f.conversion_rate)} ({f.cohort_granted}/{f.requests})"),
    ]
    head = ("bank", "requests", "granted", "granted_amount")
    banks = [(k, b.requests, b.granted, _wan(b.granted_amount)) for k, b in f.by_bank.items()]
    return [
        *_heading(t("section", "financing")),
        *_table([t("column", "indicator"), t("column", "count")], _rows(facts, t)),
        *_heading(t("section", "banks")),
        *_table([t("column", h) for h in head], banks),
    ]


def _certifications(report: Report, t: _Words) -> list[str]:
    f = report.current
    head = ("certificate", "valid_at_end", "new", "lapsed", "candidates")
    rows = [
        (
            t("certification", k.value),
            c.valid_at_end,
            c.new,
            c.lapsed,
            len(report.candidates[k]) if k in report.candidates else None,
        )
        for k, c in f.certifications.items()
    ]
    out = [*_heading(t("section", "certifications")), *_table([t("column", h) for h in head], rows)]
    for kind, ids in report.candidates.items():
        label = f"{t('certification', kind.value)} — {t('column', 'candidates')}"
        out += [f"- {label}: {_ids(ids, t)}"]
    out += ["", *_heading(t("section", "funnel"))]
    steps = [name for name, _ in next(iter(f.funnels.values())).steps] if f.funnels else []
    headers = [t("column", "programme"), *(t("funnel", s) for s in steps)]
    funnel_rows = [
        (t("certification", k.value), *(n for _, n in fn.steps)) for k, fn in f.funnels.items()
    ]
    return out + _table(headers, funnel_rows)


def _platforms(report: Report, t: _Words) -> list[str]:
    p = report.current.platforms
    levels = list(p.by_level)
    headers = [t("column", "kind"), *(t("platform_level", lv.value) for lv in levels)]
    headers.append(t("column", "total"))
    rows: list[tuple[Any, ...]] = [
        (t("platform_kind", k.value), *(row[lv] for lv in levels), p.by_kind[k])
        for k, row in p.by_kind_and_level.items()
    ]
    rows.append((t("column", "total"), *(p.by_level[lv] for lv in levels), p.valid_at_end))
    facts = [("new", p.new), ("lapsed", p.lapsed)]
    return [
        *_heading(t("section", "platforms")),
        *_table(headers, rows),
        *_table([t("column", "indicator"), t("column", "count")], _rows(facts, t)),
    ]


def _achievements_and_targets(report: Report, t: _Words) -> list[str]:
    a = report.current.achievements
    facts = [("appraised", a.appraised), ("transformed", a.transformed), ("licensed", a.licensed)]
    head = ("indicator", "period", "target", "actual", "progress", "elapsed", "on_track")
    rows = []
    for item in report.targets:
        money = INDICATORS[item.target.indicator].money
        show = _wan if money else fmt
        rows.append(
            (
                t("indicator", item.target.indicator.value),
                item.target.period.label,
                show(item.target.value),
                show(item.actual),
                _pct(item.progress),
                _pct(item.elapsed),
                t("report", "yes" if item.on_track else "no"),
            )
        )
    out = [
        *_heading(t("section", "achievements")),
        *_table([t("column", "indicator"), t("column", "count")], _rows(facts, t)),
        *_heading(t("section", "targets")),
    ]
    return out + (
        _table([t("column", h) for h in head], rows) if rows else [t("report", "none"), ""]
    )


def _classification(report: Report, t: _Words) -> list[str]:
    members = report.class_members()
    rows = [
        (c.name(t.lang), c.treatment_zh if t.lang == "zh" else c.treatment_en, len(members[c.id]))
        for c in report.classes.classes
    ]
    head = ("class", "treatment", "count")
    return [
        *_heading(t("section", "classification")),
        *_table([t("column", h) for h in head], rows),
    ]


def _ranking(report: Report, t: _Words) -> list[str]:
    head = ("rank", "id", "enterprise", "score", "missing")
    rows = [
        (e.rank, e.enterprise, e.name, _pct(e.score), ", ".join(e.missing))
        for e in report.ranking.leaders
    ]
    return [*_heading(t("section", "ranking")), *_table([t("column", h) for h in head], rows)]


def _section_name(letter: str, lang: str) -> str:
    info = classify_industry(letter)
    return f"{letter} {info.section_name_zh if lang == 'zh' else info.section_name_en}"


def _diagnostics(report: Report, t: _Words) -> list[str]:
    """One row per industry section, one column per check: share (matching/with figure)."""
    results = report.diagnostics
    letters = sorted({letter for d in results for letter in d.by_section})
    headers = [t("column", "section"), *(t("check", d.check.id) for d in results)]

    def cell(count: ShareCount | None) -> str:
        return "—" if count is None else f"{_pct(count.share)} ({count.matching}/{count.total})"

    rows = [
        (_section_name(letter, t.lang), *(cell(d.by_section.get(letter)) for d in results))
        for letter in letters
    ]
    rows.append((t("column", "total"), *(cell(d.overall) for d in results)))
    notes = [
        f"- {t('check', d.check.id)} — {t('column', 'missing')}: {_ids(d.missing, t)}"
        for d in results
        if d.missing
    ]
    out = [*_heading(t("section", "diagnostics")), *_table(headers, rows)]
    return out + ([*notes, ""] if notes else [])


def _records(report: Report, t: _Words) -> list[str]:
    head = ("records", "total", "counted", "outside", "excluded")
    rows = [
        (t("records", name), r.total, r.counted, r.outside, r.excluded)
        for name, r in report.records.items()
    ]
    out = [*_heading(t("section", "records")), *_table([t("column", h) for h in head], rows)]
    out += _heading(f"{t('section', 'excluded')} ({len(report.excluded)})")
    if not report.excluded:
        return [*out, t("report", "none"), ""]
    ex_head = ("records", "id", "reason", "detail")
    ex_rows = [
        (t("records", e.records), e.id, t("reason", e.reason.value), e.detail)
        for e in report.excluded
    ]
    return out + _table([t("column", h) for h in ex_head], ex_rows)


def render_markdown(report: Report, lang: str = "zh") -> str:
    """The whole report as Markdown in ``lang``."""
    t = _Words(lang)
    lines = [
        f"# {t('report', 'title', period=report.period.label)}",
        "",
        t(
            "report",
            "period_line",
            start=report.period.start.isoformat(),
            end=report.period.end.isoformat(),
            cut=report.cut.isoformat(),
            enterprises=report.enterprises,
            previous=report.comparison_period.label,
        ),
        t("report", "figures_year_line", year=report.figures_year),
        "",
    ]
    for part in (
        _headline,
        _visits,
        _needs,
        _financing,
        _certifications,
        _platforms,
        _achievements_and_targets,
        _classification,
        _ranking,
        _diagnostics,
        _records,
    ):
        lines.extend(part(report, t))
    return "\n".join(lines).rstrip() + "\n"
