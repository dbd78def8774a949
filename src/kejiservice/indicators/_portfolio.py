"""Portfolio-level figures: what a ledger and an activity log say about a period.

A :class:`Portfolio` pairs the ledger with the activity log and sets aside, with a
reason, every record it cannot use (an activity record about an enterprise that is not
in the ledger, a ledger entry without an id). A :class:`Window` is a period seen on a
day ``as_of``: events count when dated from the period's start to its end or
``as_of``, whichever comes first (the *cut*), and stocks (valid certificates,
platforms, open needs) are counted on the cut. :func:`figures` computes every figure
of a window at once; :data:`INDICATORS` reads the headline numbers (the ones a
:class:`~kejiservice.activity.Target` can name) from it, and says which are *additive*:
plain counts or sums of dated events, whose value over a period is the sum of their
values over the period's pieces (:meth:`~kejiservice.activity.Period.split`).

Every function is pure: no clock, no I/O, and the result does not depend on the order
of the input records.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from ..activity import (
    RECORD_LISTS,
    REFERENCE_LISTS,
    ActivityLog,
    ApplicationOutcome,
    FinancingOutcome,
    Indicator,
    Need,
    NeedCategory,
    Period,
    PlatformKind,
    PlatformLevel,
    RouteKind,
    Target,
    VisitKind,
    activity_problems,
)
from ..errors import InvalidInput, Problem
from ..models import CertificationKind, Enterprise
from ..rules import RULES, Outcome, Verdict, evaluate_many

__all__ = [
    "FUNNEL_PROGRAMMES",
    "INDICATORS",
    "AchievementFigures",
    "BankFigures",
    "CertificationFigures",
    "Exclusion",
    "ExclusionReason",
    "Figures",
    "FinancingFigures",
    "Funnel",
    "IndicatorSpec",
    "NeedCounts",
    "NeedFigures",
    "OfficerFigures",
    "PlatformFigures",
    "Portfolio",
    "RecordCount",
    "TargetProgress",
    "VisitFigures",
    "Window",
    "after_as_of",
    "figures",
    "indicator_value",
    "median",
    "platforms_by_host",
    "record_counts",
    "rule_candidates",
    "share",
    "target_progress",
]

FUNNEL_PROGRAMMES = (CertificationKind.HNTE, CertificationKind.TECH_SME)
"""The recognitions whose cultivation funnel the report shows."""


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a Decimal, or ``None`` when ``whole`` is zero."""
    return Decimal(part) / Decimal(whole) if whole else None


def median(values: Iterable[int]) -> Decimal | None:
    """The exact median of whole numbers (a half at most), or ``None`` for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid])
    return Decimal(ordered[mid - 1] + ordered[mid]) / 2


K = TypeVar("K")


def _day_after(day: dt.date | None) -> dt.date | None:
    """The first day something valid to ``day`` (inclusive) no longer holds."""
    return None if day is None else day + dt.timedelta(days=1)


def _zeros(keys: Iterable[K]) -> dict[K, int]:
    return dict.fromkeys(keys, 0)


# --------------------------------------------------------------------------- inputs


class ExclusionReason(enum.StrEnum):
    """Why a record was left out of the figures."""

    UNKNOWN_ENTERPRISE = "unknown_enterprise"
    ENTERPRISE_WITHOUT_ID = "enterprise_without_id"
    AFTER_AS_OF = "after_as_of"


@attrs.frozen(order=True)
class Exclusion:
    """A record left out: its list (``"visits"``, ``"ledger"``, ...), id, reason, detail."""

    records: str
    id: str
    reason: ExclusionReason
    detail: str = ""


def _enterprise_refs(name: str, record: Any) -> tuple[str, ...]:
    """The ledger ids an activity record refers to."""
    fields = {
        "visits": ("enterprise",),
        "needs": ("enterprise",),
        "financing_requests": ("enterprise",),
        "applications": ("enterprise",),
        "platforms": ("enterprise",),
        "achievements": ("enterprise", "licensed_to"),
    }.get(name, ())
    return tuple(v for f in fields if (v := getattr(record, f)) is not None)


def _known_only(
    activity: ActivityLog, known: Collection[str], exclusions: list[Exclusion]
) -> ActivityLog:
    """``activity`` without the records that refer to enterprises not in ``known``
    (each one added to ``exclusions``), every list ordered by id."""
    kept: dict[str, Any] = {}
    for name in RECORD_LISTS:
        good: list[Any] = []
        for record in getattr(activity, name):
            unknown = [r for r in _enterprise_refs(name, record) if r not in known]
            reason = ExclusionReason.UNKNOWN_ENTERPRISE
            exclusions.extend(Exclusion(name, record.id, reason, ref) for ref in unknown)
            if not unknown:
                good.append(record)
        kept[name] = tuple(sorted(good, key=lambda r: r.id))
    officers = []
    for officer in sorted(activity.officers, key=lambda o: o.id):
        for ref in officer.assigned:
            if ref not in known:
                reason = ExclusionReason.UNKNOWN_ENTERPRISE
                exclusions.append(Exclusion("officers", officer.id, reason, ref))
        assigned = tuple(sorted({r for r in officer.assigned if r in known}))
        officers.append(attrs.evolve(officer, assigned=assigned))
    return attrs.evolve(activity, officers=tuple(officers), **kept)


@attrs.frozen
class Portfolio:
    """A ledger (by id) and the activity records that refer only to its enterprises.

    ``source`` is the log as given and ``exclusions`` names every record set aside.
    Build one with :meth:`build`.
    """

    enterprises: Mapping[str, Enterprise]
    activity: ActivityLog
    source: ActivityLog
    exclusions: tuple[Exclusion, ...] = ()

    @classmethod
    def build(cls, ledger: Iterable[Enterprise], activity: ActivityLog) -> Portfolio:
        """Index ``ledger`` and check ``activity``.

        Raises ``InvalidInput`` for duplicate ledger ids (paths ``ledger[i].id``) and for
        an activity log that breaks its own invariants (see
        :func:`~kejiservice.activity.activity_problems`). References to enterprises that
        are not in the ledger do not raise: those records become exclusions.
        """
        by_id: dict[str, Enterprise] = {}
        exclusions: list[Exclusion] = []
        problems: list[Problem] = []
        first: dict[str, int] = {}
        for index, ent in enumerate(ledger):
            if ent.id is None:
                reason = ExclusionReason.ENTERPRISE_WITHOUT_ID
                exclusions.append(Exclusion("ledger", ent.name, reason, f"ledger[{index}]"))
            elif ent.id in first:
                message = f"duplicate enterprise id {ent.id!r} (first at ledger[{first[ent.id]}])"
                problems.append(Problem(f"ledger[{index}].id", message))
            else:
                first[ent.id] = index
                by_id[ent.id] = ent
        problems.extend(activity_problems(activity))
        if problems:
            raise InvalidInput(problems)
        usable = _known_only(activity, by_id.keys(), exclusions)
        ordered = {k: by_id[k] for k in sorted(by_id)}
        return cls(ordered, usable, activity, tuple(sorted(set(exclusions))))


@attrs.frozen
class Window:
    """A period seen on ``as_of``: events from its start to the cut count."""

    period: Period
    as_of: dt.date

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        return self.period.start

    @property
    def end(self) -> dt.date:
        """The cut: the period's end, or ``as_of`` if that comes first."""
        return min(self.period.end, self.as_of)

    def has(self, day: dt.date | None) -> bool:
        """Whether ``day`` is set and falls from the start to the cut."""
        return day is not None and self.period.start <= day <= self.end


# --------------------------------------------------------------------------- visits


@attrs.frozen
class OfficerFigures:
    """One officer's visits in the window and the coverage of their assigned firms."""

    visits: int
    assigned: int
    assigned_visited: int

    @property
    def coverage(self) -> Decimal | None:
        """Assigned enterprises visited on site / assigned enterprises."""
        return share(self.assigned_visited, self.assigned)


@attrs.frozen
class VisitFigures:
    """Visits and events in the window.

    ``visits`` counts every record (``by_kind`` splits them); ``enterprises_visited``
    the distinct enterprises visited on site (survey, linkage visit, expert diagnosis,
    on-site verification), ``enterprises_served`` those with any record. Coverage is
    over the enterprises assigned to officers. ``trainings_held`` counts training
    events (visits sharing an ``event`` id are one event) on their first day;
    ``experts_engaged`` the distinct experts on visits or receiving routed needs.
    """

    visits: int
    by_kind: Mapping[VisitKind, int]
    enterprises_visited: int
    enterprises_served: int
    assigned: int
    assigned_visited: int
    trainings_held: int
    experts_engaged: int
    by_officer: Mapping[str, OfficerFigures]

    @property
    def coverage(self) -> Decimal | None:
        """Assigned enterprises visited on site / assigned enterprises."""
        return share(self.assigned_visited, self.assigned)


def _visit_figures(p: Portfolio, w: Window) -> VisitFigures:
    visits = [v for v in p.activity.visits if w.has(v.date)]
    by_kind = _zeros(VisitKind)
    by_kind.update(Counter(v.kind for v in visits))
    on_site = {v.enterprise for v in visits if v.on_site}
    officer_visits = Counter(v.officer for v in visits)
    by_officer = {
        o.id: OfficerFigures(
            officer_visits[o.id], len(o.assigned), sum(1 for e in o.assigned if e in on_site)
        )
        for o in p.activity.officers
    }
    assigned = {e for o in p.activity.officers for e in o.assigned}
    first_day: dict[str, dt.date] = {}
    for v in p.activity.visits:
        if v.kind is VisitKind.TRAINING:
            key = v.event or f"visit:{v.id}"
            first_day[key] = min(first_day.get(key, v.date), v.date)
    experts = {e for v in visits for e in v.experts}
    experts.update(
        n.routed_to.target
        for n in p.activity.needs
        if n.routed_to is not None and n.routed_to.kind is RouteKind.EXPERT and w.has(n.routed_on)
    )
    return VisitFigures(
        visits=len(visits),
        by_kind=by_kind,
        enterprises_visited=len(on_site),
        enterprises_served=len({v.enterprise for v in visits}),
        assigned=len(assigned),
        assigned_visited=len(assigned & on_site),
        trainings_held=sum(1 for day in first_day.values() if w.has(day)),
        experts_engaged=len(experts),
        by_officer=by_officer,
    )


# --------------------------------------------------------------------------- needs


@attrs.frozen
class NeedCounts:
    """Needs by lifecycle step in the window, open at the cut, and days to resolve.

    ``median_days_to_resolve`` is over the needs resolved in the window, from
    collection to resolution (exact: a whole number or a half).
    """

    collected: int
    routed: int
    resolved: int
    closed_unresolved: int
    open_at_end: int
    median_days_to_resolve: Decimal | None
    routed_to: Mapping[RouteKind, int]


@attrs.frozen
class NeedFigures:
    """Needs in total and for each of the five categories of the survey form."""

    total: NeedCounts
    by_category: Mapping[NeedCategory, NeedCounts]


def _need_counts(needs: Sequence[Need], w: Window) -> NeedCounts:
    routed_to = _zeros(RouteKind)
    routed_to.update(
        Counter(n.routed_to.kind for n in needs if n.routed_to is not None and w.has(n.routed_on))
    )
    resolved = [n for n in needs if w.has(n.resolved_on)]
    return NeedCounts(
        collected=sum(1 for n in needs if w.has(n.collected_on)),
        routed=sum(1 for n in needs if w.has(n.routed_on)),
        resolved=len(resolved),
        closed_unresolved=sum(1 for n in needs if w.has(n.closed_on)),
        open_at_end=sum(1 for n in needs if n.open_on(w.end)),
        median_days_to_resolve=median(n.days_to_resolve or 0 for n in resolved),
        routed_to=routed_to,
    )


def _need_figures(p: Portfolio, w: Window) -> NeedFigures:
    by_category: dict[NeedCategory, list[Need]] = {c: [] for c in NeedCategory}
    for need in p.activity.needs:
        by_category[need.category].append(need)
    return NeedFigures(
        _need_counts(p.activity.needs, w),
        {c: _need_counts(items, w) for c, items in by_category.items()},
    )


# --------------------------------------------------------------------------- financing


@attrs.frozen
class BankFigures:
    """Requests naming a bank in the window, and the loans it granted there."""

    requests: int
    granted: int
    granted_amount: Decimal


@attrs.frozen
class FinancingFigures:
    """Financing requests and loans.

    Requests and amounts requested are those made in the window; loans (``granted``,
    ``granted_amount``, ``enterprises_granted``) those granted in the window, whenever
    requested. ``cohort_granted`` counts the window's requests granted by ``as_of``,
    and ``conversion_rate`` is ``cohort_granted / requests`` (so it lies in [0, 1]).
    """

    requests: int
    enterprises_requesting: int
    amount_requested: Decimal
    granted: int
    enterprises_granted: int
    granted_amount: Decimal
    declined: int
    withdrawn: int
    cohort_granted: int
    by_bank: Mapping[str, BankFigures]

    @property
    def conversion_rate(self) -> Decimal | None:
        """Share of the window's requests that were granted by ``as_of``."""
        return share(self.cohort_granted, self.requests)


def _financing_figures(p: Portfolio, w: Window) -> FinancingFigures:
    items = p.activity.financing_requests
    made = [f for f in items if w.has(f.requested_on)]
    loans = [f for f in items if w.has(f.granted_on)]
    decided = [f for f in items if w.has(f.decided_on)]
    banks = sorted({f.bank for f in [*made, *loans] if f.bank is not None})
    by_bank = {
        bank: BankFigures(
            sum(1 for f in made if f.bank == bank),
            sum(1 for f in loans if f.bank == bank),
            sum((f.granted_amount or Decimal(0) for f in loans if f.bank == bank), Decimal(0)),
        )
        for bank in banks
    }
    return FinancingFigures(
        requests=len(made),
        enterprises_requesting=len({f.enterprise for f in made}),
        amount_requested=sum((f.amount for f in made), Decimal(0)),
        granted=len(loans),
        enterprises_granted=len({f.enterprise for f in loans}),
        granted_amount=sum((f.granted_amount or Decimal(0) for f in loans), Decimal(0)),
        declined=sum(1 for f in decided if f.outcome is FinancingOutcome.DECLINED),
        withdrawn=sum(1 for f in decided if f.outcome is FinancingOutcome.WITHDRAWN),
        cohort_granted=sum(1 for f in made if f.granted_by(w.as_of)),
        by_bank=by_bank,
    )


# --------------------------------------------------------------------------- recognitions


@attrs.frozen
class CertificationFigures:
    """One kind of recognition: holders at the cut, enterprises newly recognised in the
    window, and enterprises whose recognition ended in the window (its first day without
    it fell in the window) and that do not hold it at the cut.

    Both the ledger's certificates and the log's recognised applications count (an
    application holds from its decision to its ``expires_on``), so a recognition is
    reported before the ledger is updated; an enterprise counts once.
    """

    valid_at_end: int
    new: int
    lapsed: int


def _recognitions(p: Portfolio, kind: CertificationKind) -> dict[str, list[tuple[Any, Any]]]:
    """Per enterprise, the (start, end) of every recognition of ``kind``, from both sources."""
    spans: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for ident, ent in p.enterprises.items():
        spans[ident].extend(
            (c.issued_on, c.expires_on) for c in ent.certifications if c.kind == kind
        )
    for app in p.activity.applications:
        if app.programme == kind and app.outcome is ApplicationOutcome.RECOGNISED:
            spans[app.enterprise].append((app.decided_on, app.expires_on))
    return spans


def _certification_figures(
    p: Portfolio, w: Window
) -> dict[CertificationKind, CertificationFigures]:
    out: dict[CertificationKind, CertificationFigures] = {}
    for kind in CertificationKind:
        valid = new = lapsed = 0
        for spans in _recognitions(p, kind).values():
            holds = _holds(spans, w.end)
            valid += holds
            new += any(w.has(s) for s, _ in spans)
            lapsed += not holds and any(w.has(_day_after(e)) for _, e in spans)
        out[kind] = CertificationFigures(valid, new, lapsed)
    return out


def _application_counts(p: Portfolio, w: Window) -> dict[CertificationKind, int]:
    counts = _zeros(CertificationKind)
    counts.update(Counter(a.programme for a in p.activity.applications if w.has(a.submitted_on)))
    return counts


def _holds(spans: Iterable[tuple[Any, Any]], day: dt.date) -> bool:
    return any(s <= day and (e is None or day <= e) for s, e in spans)


@attrs.frozen
class Funnel:
    """The cultivation funnel of one recognition, in distinct enterprises of the window.

    surveyed: a survey visit; intending: said on a visit they intend to apply;
    trained: attended a training; applied: submitted an application; recognised: newly
    recognised (see :class:`CertificationFigures`). Each step is counted on its own, so
    a later step may exceed an earlier one.
    """

    programme: CertificationKind
    surveyed: int
    intending: int
    trained: int
    applied: int
    recognised: int

    @property
    def steps(self) -> tuple[tuple[str, int], ...]:
        """The five steps in order, as (name, count)."""
        names = ("surveyed", "intending", "trained", "applied", "recognised")
        return tuple((name, getattr(self, name)) for name in names)


def _funnel(p: Portfolio, w: Window, programme: CertificationKind, recognised: int) -> Funnel:
    visits = [v for v in p.activity.visits if w.has(v.date)]
    apps = [a for a in p.activity.applications if a.programme == programme]
    return Funnel(
        programme=programme,
        surveyed=len({v.enterprise for v in visits if v.kind is VisitKind.SURVEY}),
        intending=len({v.enterprise for v in visits if programme in v.intends}),
        trained=len({v.enterprise for v in visits if v.kind is VisitKind.TRAINING}),
        applied=len({a.enterprise for a in apps if w.has(a.submitted_on)}),
        recognised=recognised,
    )


def _candidate(verdict: Verdict) -> bool:
    """Eligible, or undetermined only for want of rule inputs (never of ledger figures)."""
    if verdict.status is Outcome.ELIGIBLE:
        return True
    return (
        verdict.status is Outcome.UNDETERMINED
        and not verdict.failed
        and all(m.startswith("inputs.") for m in verdict.missing)
    )


def rule_candidates(p: Portfolio, programme: CertificationKind, day: dt.date) -> tuple[str, ...]:
    """The pipeline: enterprises that do not hold ``programme`` on ``day`` and that its rule
    finds eligible, or undetermined only for want of a rule input that the ledger cannot
    hold (such as the HNTE innovation score, an expert's judgement). Empty without a rule.
    """
    if programme.value not in RULES:
        return ()
    spans = _recognitions(p, programme)
    pool = [e for i, e in p.enterprises.items() if not _holds(spans.get(i, ()), day)]
    verdicts = evaluate_many(programme.value, pool, day)
    return tuple(v.enterprise_id for v in verdicts if v.enterprise_id and _candidate(v))


# --------------------------------------------------------------------------- platforms


@attrs.frozen
class PlatformFigures:
    """Platforms valid at the cut (by kind, by level, by both), recognised in the window
    (new), and lapsed in the window (the day after ``expires_on`` falls in it)."""

    valid_at_end: int
    new: int
    lapsed: int
    by_kind: Mapping[PlatformKind, int]
    by_level: Mapping[PlatformLevel, int]
    by_kind_and_level: Mapping[PlatformKind, Mapping[PlatformLevel, int]]
    new_by_level: Mapping[PlatformLevel, int]


def _platform_figures(p: Portfolio, w: Window) -> PlatformFigures:
    valid = [x for x in p.activity.platforms if x.valid_on(w.end)]
    new = [x for x in p.activity.platforms if w.has(x.recognised_on)]
    matrix = {k: _zeros(PlatformLevel) for k in PlatformKind}
    for x in valid:
        matrix[x.kind][x.level] += 1
    by_level = _zeros(PlatformLevel)
    by_level.update(Counter(x.level for x in valid))
    new_by_level = _zeros(PlatformLevel)
    new_by_level.update(Counter(x.level for x in new))
    return PlatformFigures(
        valid_at_end=len(valid),
        new=len(new),
        lapsed=sum(1 for x in p.activity.platforms if w.has(_day_after(x.expires_on))),
        by_kind={k: sum(row.values()) for k, row in matrix.items()},
        by_level=by_level,
        by_kind_and_level=matrix,
        new_by_level=new_by_level,
    )


def platforms_by_host(p: Portfolio, day: dt.date) -> dict[str, int]:
    """Valid platforms on ``day`` hosted by each ledger enterprise (ids with none omitted)."""
    hosted = Counter(
        x.enterprise for x in p.activity.platforms if x.enterprise is not None and x.valid_on(day)
    )
    return dict(sorted(hosted.items()))


@attrs.frozen
class AchievementFigures:
    """Achievements appraised, transformed and licensed in the window (on their dates)."""

    appraised: int
    transformed: int
    licensed: int


def _achievement_figures(p: Portfolio, w: Window) -> AchievementFigures:
    items = p.activity.achievements
    return AchievementFigures(
        appraised=sum(1 for a in items if w.has(a.appraised_on)),
        transformed=sum(1 for a in items if w.has(a.transformed_on)),
        licensed=sum(1 for a in items if w.has(a.licensed_on)),
    )


# --------------------------------------------------------------------------- all figures


@attrs.frozen
class Figures:
    """Every portfolio figure of one window."""

    window: Window
    visits: VisitFigures
    needs: NeedFigures
    financing: FinancingFigures
    certifications: Mapping[CertificationKind, CertificationFigures]
    applications: Mapping[CertificationKind, int]
    funnels: Mapping[CertificationKind, Funnel]
    platforms: PlatformFigures
    achievements: AchievementFigures

    def indicator(self, indicator: Indicator) -> Decimal:
        """The value of a headline indicator (see :data:`INDICATORS`)."""
        return Decimal(INDICATORS[indicator].read(self))


def figures(portfolio: Portfolio, period: Period, as_of: dt.date | None = None) -> Figures:
    """Every figure of ``period`` seen on ``as_of`` (default: the period's last day).

    Raises ``InvalidInput`` (path ``as_of``) when ``as_of`` is before the period starts.
    """
    w = Window(period, period.end if as_of is None else as_of)
    if w.as_of < period.start:
        raise InvalidInput(f"as_of {w.as_of} is before the period {period} starts", path="as_of")
    certifications = _certification_figures(portfolio, w)
    return Figures(
        window=w,
        visits=_visit_figures(portfolio, w),
        needs=_need_figures(portfolio, w),
        financing=_financing_figures(portfolio, w),
        certifications=certifications,
        applications=_application_counts(portfolio, w),
        funnels={k: _funnel(portfolio, w, k, certifications[k].new) for k in FUNNEL_PROGRAMMES},
        platforms=_platform_figures(portfolio, w),
        achievements=_achievement_figures(portfolio, w),
    )


@attrs.frozen
class IndicatorSpec:
    """How to read a headline indicator, whether it is additive over disjoint
    sub-periods, and whether it is money (yuan)."""

    read: Callable[[Figures], int | Decimal]
    additive: bool
    money: bool = False


def _cert(kind: CertificationKind, field: str) -> Callable[[Figures], int]:
    return lambda f: int(getattr(f.certifications[kind], field))


def _applications(kind: CertificationKind) -> Callable[[Figures], int]:
    return lambda f: f.applications[kind]


_HNTE, _TSME = CertificationKind.HNTE, CertificationKind.TECH_SME

INDICATORS: Mapping[Indicator, IndicatorSpec] = {
    Indicator.VISITS: IndicatorSpec(lambda f: f.visits.visits, True),
    Indicator.ENTERPRISES_VISITED: IndicatorSpec(lambda f: f.visits.enterprises_visited, False),
    Indicator.TRAININGS_HELD: IndicatorSpec(lambda f: f.visits.trainings_held, True),
    Indicator.EXPERTS_ENGAGED: IndicatorSpec(lambda f: f.visits.experts_engaged, False),
    Indicator.NEEDS_COLLECTED: IndicatorSpec(lambda f: f.needs.total.collected, True),
    Indicator.NEEDS_ROUTED: IndicatorSpec(lambda f: f.needs.total.routed, True),
    Indicator.NEEDS_RESOLVED: IndicatorSpec(lambda f: f.needs.total.resolved, True),
    Indicator.FINANCING_REQUESTS: IndicatorSpec(lambda f: f.financing.requests, True),
    Indicator.FINANCING_AMOUNT_REQUESTED: IndicatorSpec(
        lambda f: f.financing.amount_requested, True, money=True
    ),
    Indicator.LOANS_GRANTED: IndicatorSpec(lambda f: f.financing.granted, True),
    Indicator.LOANS_GRANTED_AMOUNT: IndicatorSpec(
        lambda f: f.financing.granted_amount, True, money=True
    ),
    Indicator.HNTE_VALID: IndicatorSpec(_cert(_HNTE, "valid_at_end"), False),
    Indicator.HNTE_NEW: IndicatorSpec(_cert(_HNTE, "new"), False),
    Indicator.HNTE_APPLICATIONS: IndicatorSpec(_applications(_HNTE), True),
    Indicator.TECH_SME_VALID: IndicatorSpec(_cert(_TSME, "valid_at_end"), False),
    Indicator.TECH_SME_NEW: IndicatorSpec(_cert(_TSME, "new"), False),
    Indicator.TECH_SME_APPLICATIONS: IndicatorSpec(_applications(_TSME), True),
    Indicator.PLATFORMS_VALID: IndicatorSpec(lambda f: f.platforms.valid_at_end, False),
    Indicator.PLATFORMS_NEW: IndicatorSpec(lambda f: f.platforms.new, True),
    Indicator.ACHIEVEMENTS_APPRAISED: IndicatorSpec(lambda f: f.achievements.appraised, True),
    Indicator.ACHIEVEMENTS_TRANSFORMED: IndicatorSpec(lambda f: f.achievements.transformed, True),
    Indicator.ACHIEVEMENTS_LICENSED: IndicatorSpec(lambda f: f.achievements.licensed, True),
}
"""Every :class:`~kejiservice.activity.Indicator`: how to read it from :class:`Figures`."""


def indicator_value(
    portfolio: Portfolio, indicator: Indicator, period: Period, as_of: dt.date | None = None
) -> Decimal:
    """One headline indicator over ``period`` seen on ``as_of`` (default: the period's end)."""
    return figures(portfolio, period, as_of).indicator(indicator)


# --------------------------------------------------------------------------- targets


@attrs.frozen
class TargetProgress:
    """A target and how far it is reached on the cut.

    ``actual`` is the indicator over the target's period up to the cut; ``progress`` is
    ``actual / target`` (it may exceed 1); ``elapsed`` the share of the target's period
    that has passed (时间进度); a target is ``on_track`` when progress >= elapsed.
    """

    target: Target
    actual: Decimal
    cut: dt.date

    @property
    def progress(self) -> Decimal | None:
        """Actual over target (``None`` for a zero target)."""
        return self.actual / self.target.value if self.target.value else None

    @property
    def elapsed(self) -> Decimal:
        """Days of the target's period passed by the cut, over its length."""
        period = self.target.period
        return Decimal(period.elapsed_days(self.cut)) / Decimal(period.days)

    @property
    def on_track(self) -> bool:
        """Whether progress keeps pace with time."""
        progress = self.progress
        return progress is not None and progress >= self.elapsed


def target_progress(
    portfolio: Portfolio, targets: Iterable[Target], cut: dt.date
) -> tuple[TargetProgress, ...]:
    """Progress of each target on ``cut``, ordered by period start, indicator, period."""
    ordered = sorted(targets, key=lambda t: (t.period.start, t.indicator.value, t.period.label))
    cache: dict[str, Figures] = {}
    out = []
    for target in ordered:
        if cut < target.period.start:
            out.append(TargetProgress(target, Decimal(0), cut))
            continue
        label = target.period.label
        if label not in cache:
            cache[label] = figures(portfolio, target.period, cut)
        out.append(TargetProgress(target, cache[label].indicator(target.indicator), cut))
    return tuple(out)


# --------------------------------------------------------------------------- accounting


@attrs.frozen
class RecordCount:
    """What became of one list of records: ``total = counted + outside + excluded``.

    ``counted``: relevant to the window (an event in it, or open or valid at the cut);
    ``outside``: outside the period; ``excluded``: set aside with a reason.
    """

    total: int
    counted: int
    outside: int
    excluded: int


def _first_date(name: str, record: object) -> dt.date | None:
    """The date a record comes into being: after ``as_of`` it has not happened yet."""
    attr = {
        "visits": "date",
        "needs": "collected_on",
        "financing_requests": "requested_on",
        "applications": "submitted_on",
        "platforms": "recognised_on",
    }.get(name)
    if attr is not None:
        day: dt.date | None = getattr(record, attr)
        return day
    dates = getattr(record, "dates", ())
    return min(dates) if dates else None


def _need_relevant(need: Any, w: Window) -> bool:
    steps = (need.collected_on, need.routed_on, need.started_on, need.resolved_on, need.closed_on)
    return any(w.has(d) for d in steps) or bool(need.open_on(w.end))


def _platform_relevant(platform: Any, w: Window) -> bool:
    return bool(platform.recognised_on <= w.end) and (
        platform.expires_on is None or platform.expires_on >= w.start
    )


def _dated(*names: str) -> Callable[[Any, Window], bool]:
    return lambda record, w: any(w.has(getattr(record, n)) for n in names)


_RELEVANT: Mapping[str, Callable[[Any, Window], bool]] = {
    "visits": _dated("date"),
    "needs": _need_relevant,
    "financing_requests": _dated("requested_on", "decided_on", "granted_on"),
    "applications": _dated("submitted_on", "decided_on"),
    "platforms": _platform_relevant,
    "achievements": _dated("appraised_on", "transformed_on", "licensed_on"),
}
"""Whether a record of each list bears on a window: an event in it, or open or valid
at its cut."""


def after_as_of(p: Portfolio, w: Window) -> tuple[Exclusion, ...]:
    """Records that come into being within the period but after ``as_of``."""
    out = []
    for name in RECORD_LISTS:
        for record in getattr(p.activity, name):
            day = _first_date(name, record)
            if day is not None and w.end < day <= w.period.end:
                reason = ExclusionReason.AFTER_AS_OF
                out.append(Exclusion(name, record.id, reason, day.isoformat()))
    return tuple(out)


def record_counts(
    p: Portfolio, w: Window, exclusions: Iterable[Exclusion]
) -> dict[str, RecordCount]:
    """How every record of the log (and the ledger) was used in window ``w``."""
    excluded: dict[str, set[str]] = defaultdict(set)
    for ex in exclusions:
        excluded[ex.records].add(ex.id)
    out: dict[str, RecordCount] = {}
    ledger_total = len(p.enterprises) + len(excluded["ledger"])
    out["ledger"] = RecordCount(ledger_total, len(p.enterprises), 0, len(excluded["ledger"]))
    for name in REFERENCE_LISTS:
        total = len(getattr(p.source, name))
        out[name] = RecordCount(total, total, 0, 0)
    for name in RECORD_LISTS:
        skip = excluded[name]
        total = len(getattr(p.source, name))
        counted = sum(
            1 for r in getattr(p.activity, name) if r.id not in skip and _RELEVANT[name](r, w)
        )
        out[name] = RecordCount(total, counted, total - counted - len(skip), len(skip))
    targets = p.source.targets
    counted = sum(1 for t in targets if t.period.overlaps(w.period))
    out["targets"] = RecordCount(len(targets), counted, len(targets) - counted, 0)
    return out
