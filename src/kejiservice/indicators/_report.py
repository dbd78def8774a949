"""The quarterly report: every figure of a period, year on year, with nothing left out silently.

:func:`build_report` puts together the portfolio figures of the period and of the same
period a year earlier, target progress, the rule-based HNTE and tech-SME pipeline,
classification, the top-innovators ranking and the distribution diagnostics. Every
record of the inputs is accounted for (``records``: counted, outside the period or
excluded) and every excluded record is named with its reason (``excluded``).

:meth:`Report.to_dict` gives the JSON form, whose keys are documented in
``docs/reference/activity-format.md`` and stable (``schema``:
``kejiservice/report@1``); :meth:`Report.to_markdown` the readable report in Chinese
(default) or English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..activity import ActivityLog, Indicator, Period, Target, parse_period
from ..models import CertificationKind, Enterprise
from ..rules._core import fmt, fmt_ratio
from ..rules._registry import _as_of
from ._classify import Classification, ClassificationRules, classify
from ._diagnostics import DiagnosticChecks, DiagnosticResult, ShareCount, diagnose
from ._enterprise import Basis, figures_year
from ._portfolio import (
    FUNNEL_PROGRAMMES,
    INDICATORS,
    Exclusion,
    Figures,
    NeedCounts,
    Portfolio,
    RecordCount,
    TargetProgress,
    after_as_of,
    figures,
    platforms_by_host,
    record_counts,
    rule_candidates,
    target_progress,
)
from ._ranking import Ranking, RankingConfig, rank_innovators

__all__ = ["REPORT_SCHEMA", "Report", "build_report"]

REPORT_SCHEMA = "kejiservice/report@1"


@attrs.frozen
class Report:
    """A period's report. Build it with :func:`build_report`; read it as figures, as
    JSON (:meth:`to_dict`) or as Markdown (:meth:`to_markdown`)."""

    period: Period
    as_of: dt.date
    current: Figures
    previous: Figures
    candidates: Mapping[CertificationKind, tuple[str, ...]]
    targets: tuple[TargetProgress, ...]
    classes: ClassificationRules
    classification: tuple[Classification, ...]
    ranking: Ranking
    diagnostics: tuple[DiagnosticResult, ...]
    records: Mapping[str, RecordCount]
    excluded: tuple[Exclusion, ...]
    enterprises: int

    @property
    def cut(self) -> dt.date:
        """The last day counted: the period's end, or ``as_of`` if earlier."""
        return self.current.window.end

    @property
    def figures_year(self) -> int:
        """The accounting year whose figures enterprise-level parts read."""
        return figures_year(self.cut)

    @property
    def comparison_period(self) -> Period:
        """The same period one year earlier."""
        return self.previous.window.period

    def class_members(self) -> dict[str, tuple[str, ...]]:
        """Enterprise ids by class id, classes in configured order."""
        out: dict[str, list[str]] = {c.id: [] for c in self.classes.classes}
        for item in self.classification:
            out[item.klass].append(item.enterprise or "")
        return {k: tuple(v) for k, v in out.items()}

    def indicator_rows(self) -> tuple[tuple[Indicator, Decimal, Decimal], ...]:
        """Every headline indicator: (indicator, this period, same period last year)."""
        return tuple(
            (ind, self.current.indicator(ind), self.previous.indicator(ind)) for ind in INDICATORS
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (keys documented in the activity-format reference page)."""
        return _report_dict(self)

    def to_markdown(self, lang: str = "zh") -> str:
        """The report as Markdown, in Chinese (``"zh"``, default) or English (``"en"``)."""
        from ._markdown import render_markdown

        return render_markdown(self, lang)


def build_report(
    ledger: Iterable[Enterprise],
    activity: ActivityLog,
    period: Period | str,
    *,
    targets: Iterable[Target] | None = None,
    as_of: dt.date | None = None,
    classification: ClassificationRules | None = None,
    ranking: RankingConfig | None = None,
    diagnostics: DiagnosticChecks | None = None,
) -> Report:
    """The report of ``period`` (a :class:`Period` or its text, ``"2026Q1"``) on ``as_of``.

    ``as_of`` defaults to the period's last day; events after it are not counted (and
    those within the period are listed as excluded). ``targets`` replaces the targets
    of the activity log when given. ``classification``, ``ranking`` and ``diagnostics``
    replace the bundled configuration files. Raises ``InvalidInput`` for duplicate
    ledger ids, an activity log that breaks its invariants, or ``as_of`` before the
    period starts.
    """
    span = parse_period(period) if isinstance(period, str) else period
    day = span.end if as_of is None else _as_of(as_of)
    portfolio = Portfolio.build(ledger, activity)
    current = figures(portfolio, span, day)
    cut = current.window.end
    previous = figures(portfolio, span.previous_year(), Period.day(day).previous_year().start)
    chosen = activity.targets if targets is None else tuple(targets)
    basis = Basis(figures_year(cut), cut, platforms_by_host(portfolio, cut))
    rules = classification or ClassificationRules.bundled()
    pool = tuple(portfolio.enterprises.values())
    exclusions = tuple(sorted({*portfolio.exclusions, *after_as_of(portfolio, current.window)}))
    return Report(
        period=span,
        as_of=day,
        current=current,
        previous=previous,
        candidates={k: rule_candidates(portfolio, k, cut) for k in FUNNEL_PROGRAMMES},
        targets=target_progress(portfolio, [t for t in chosen if t.period.overlaps(span)], cut),
        classes=rules,
        classification=tuple(classify(e, cut, rules=rules, basis=basis) for e in pool),
        ranking=rank_innovators(pool, cut, config=ranking, platforms=basis.platforms),
        diagnostics=diagnose(pool, cut, checks=diagnostics),
        records=record_counts(portfolio, current.window, exclusions),
        excluded=exclusions,
        enterprises=len(pool),
    )


# --------------------------------------------------------------------------- JSON


def _period_dict(period: Period) -> dict[str, Any]:
    return {
        "label": period.label,
        "kind": period.kind.value,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def _enum_map(values: Mapping[Any, Any]) -> dict[str, Any]:
    return {getattr(k, "value", k): v for k, v in values.items()}


def _need_dict(counts: NeedCounts) -> dict[str, Any]:
    return {
        "collected": counts.collected,
        "routed": counts.routed,
        "resolved": counts.resolved,
        "closed_unresolved": counts.closed_unresolved,
        "open_at_end": counts.open_at_end,
        "median_days_to_resolve": fmt(counts.median_days_to_resolve),
        "routed_to": _enum_map(counts.routed_to),
    }


def _share_dict(count: ShareCount) -> dict[str, Any]:
    return {"total": count.total, "matching": count.matching, "share": fmt_ratio(count.share)}


def _activity_dict(f: Figures) -> dict[str, Any]:
    v, fin, pl = f.visits, f.financing, f.platforms
    return {
        "visits": {
            "visits": v.visits,
            "by_kind": _enum_map(v.by_kind),
            "enterprises_visited": v.enterprises_visited,
            "enterprises_served": v.enterprises_served,
            "assigned": v.assigned,
            "assigned_visited": v.assigned_visited,
            "coverage": fmt_ratio(v.coverage),
            "trainings_held": v.trainings_held,
            "experts_engaged": v.experts_engaged,
            "by_officer": {
                k: {
                    "visits": o.visits,
                    "assigned": o.assigned,
                    "assigned_visited": o.assigned_visited,
                    "coverage": fmt_ratio(o.coverage),
                }
                for k, o in v.by_officer.items()
            },
        },
        "needs": {
            "total": _need_dict(f.needs.total),
            "by_category": {c.value: _need_dict(n) for c, n in f.needs.by_category.items()},
        },
        "financing": {
            "requests": fin.requests,
            "enterprises_requesting": fin.enterprises_requesting,
            "amount_requested": fmt(fin.amount_requested),
            "granted": fin.granted,
            "enterprises_granted": fin.enterprises_granted,
            "granted_amount": fmt(fin.granted_amount),
            "declined": fin.declined,
            "withdrawn": fin.withdrawn,
            "cohort_granted": fin.cohort_granted,
            "conversion_rate": fmt_ratio(fin.conversion_rate),
            "by_bank": {
                bank: {
                    "requests": b.requests,
                    "granted": b.granted,
                    "granted_amount": fmt(b.granted_amount),
                }
                for bank, b in fin.by_bank.items()
            },
        },
        "certifications": {
            k.value: {"valid_at_end": c.valid_at_end, "new": c.new, "lapsed": c.lapsed}
            for k, c in f.certifications.items()
        },
        "funnels": {k.value: dict(fn.steps) for k, fn in f.funnels.items()},
        "platforms": {
            "valid_at_end": pl.valid_at_end,
            "new": pl.new,
            "lapsed": pl.lapsed,
            "by_kind": _enum_map(pl.by_kind),
            "by_level": _enum_map(pl.by_level),
            "by_kind_and_level": {k.value: _enum_map(m) for k, m in pl.by_kind_and_level.items()},
            "new_by_level": _enum_map(pl.new_by_level),
        },
        "achievements": {
            "appraised": f.achievements.appraised,
            "transformed": f.achievements.transformed,
            "licensed": f.achievements.licensed,
        },
    }


def _indicators_dict(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ind, now, before in report.indicator_rows():
        change = now - before
        out[ind.value] = {
            "value": fmt(now),
            "previous": fmt(before),
            "change": fmt(change),
            "change_rate": fmt_ratio(change / before) if before else None,
            "additive": INDICATORS[ind].additive,
            "money": INDICATORS[ind].money,
        }
    return out


def _target_dict(item: TargetProgress) -> dict[str, Any]:
    return {
        "indicator": item.target.indicator.value,
        "period": item.target.period.label,
        "target": fmt(item.target.value),
        "actual": fmt(item.actual),
        "progress": fmt_ratio(item.progress),
        "elapsed": fmt_ratio(item.elapsed),
        "on_track": item.on_track,
        "note": item.target.note,
    }


def _classification_dict(report: Report) -> dict[str, Any]:
    members = report.class_members()
    return {
        "source": report.classes.source,
        "classes": [
            {
                "id": c.id,
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "count": len(members[c.id]),
                "members": list(members[c.id]),
            }
            for c in report.classes.classes
        ],
        "missing": {
            item.enterprise: list(item.missing)
            for item in report.classification
            if item.missing and item.enterprise is not None
        },
    }


def _ranking_dict(ranking: Ranking) -> dict[str, Any]:
    return {
        "top": ranking.top,
        "eligible": len(ranking.entries),
        "ineligible": list(ranking.ineligible),
        "entries": [
            {
                "rank": e.rank,
                "enterprise": e.enterprise,
                "name": e.name,
                "score": fmt_ratio(e.score),
                "values": {m: fmt(v) for m, v in e.values.items()},
                "missing": list(e.missing),
            }
            for e in ranking.leaders
        ],
    }


def _diagnostic_dict(result: DiagnosticResult) -> dict[str, Any]:
    test = result.check.test
    return {
        "id": result.check.id,
        "metric": test.metric,
        "test": test.test,
        "threshold": fmt(test.value),
        **_share_dict(result.overall),
        "by_section": {k: _share_dict(c) for k, c in result.by_section.items()},
        "missing": list(result.missing),
    }


def _report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema": REPORT_SCHEMA,
        "period": _period_dict(report.period),
        "as_of": report.as_of.isoformat(),
        "cut": report.cut.isoformat(),
        "figures_year": report.figures_year,
        "comparison_period": _period_dict(report.comparison_period),
        "enterprises": report.enterprises,
        **_activity_dict(report.current),
        "candidates": {k.value: list(ids) for k, ids in report.candidates.items()},
        "indicators": _indicators_dict(report),
        "previous": _activity_dict(report.previous),
        "targets": [_target_dict(t) for t in report.targets],
        "classification": _classification_dict(report),
        "top_innovators": _ranking_dict(report.ranking),
        "diagnostics": [_diagnostic_dict(d) for d in report.diagnostics],
        "records": {
            name: {
                "total": r.total,
                "counted": r.counted,
                "outside": r.outside,
                "excluded": r.excluded,
            }
            for name, r in report.records.items()
        },
        "excluded_count": len(report.excluded),
        "excluded": [
            {"records": e.records, "id": e.id, "reason": e.reason.value, "detail": e.detail}
            for e in report.excluded
        ],
    }
