"""Indicators against the hand-computed dataset of ``test_activity``, and their properties.

Every expected number below is worked out by hand from ``hand_ledger_data()`` and
``hand_log_data()`` (the comments show the records each number comes from).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejiservice import Enterprise, ParameterError
from kejiservice.activity import (
    Achievement,
    ActivityLog,
    Application,
    ApplicationOutcome,
    FinancingOutcome,
    FinancingRequest,
    Indicator,
    Need,
    NeedCategory,
    Officer,
    Period,
    Platform,
    PlatformKind,
    PlatformLevel,
    Route,
    RouteKind,
    Visit,
    VisitKind,
    parse_period,
)
from kejiservice.indicators import (
    INDICATORS,
    METRICS,
    ClassificationRules,
    DiagnosticChecks,
    Figures,
    Portfolio,
    RankingConfig,
    TrendDirection,
    classify,
    classify_all,
    debt_ratio,
    diagnose,
    enterprise_indicators,
    figures,
    high_tech_income_share,
    indicator_value,
    median,
    net_assets_growth,
    rank_innovators,
    rd_intensity,
    sales_growth,
    target_progress,
    tech_staff_ratio,
)
from kejiservice.models import CertificationKind

from .test_activity import hand_ledger, hand_log

D = dt.date
Q1 = parse_period("2026Q1")
END = D(2026, 3, 31)


@pytest.fixture(scope="module")
def ents() -> dict[str, Enterprise]:
    return {e.id or "": e for e in hand_ledger()}


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return Portfolio.build(hand_ledger(), hand_log())


@pytest.fixture(scope="module")
def q1(portfolio: Portfolio) -> Figures:
    return figures(portfolio, Q1)


# --------------------------------------------------------------------------- enterprise level


def test_yearly_ratios_by_hand(ents: dict[str, Enterprise]) -> None:
    a = ents["QS0001"]
    assert rd_intensity(a, 2024) == Decimal("0.06")  # 2,400,000 / 40,000,000
    assert rd_intensity(a, 2025) == Decimal("0.04")  # 2,000,000 / 50,000,000
    assert tech_staff_ratio(a, 2025) == Decimal("0.16")  # 20 / 125
    assert high_tech_income_share(a, 2025) == Decimal("0.7")  # 35m / (50.5m - 0.5m)
    assert debt_ratio(a, 2025) == Decimal("0.25")  # 10m / 40m
    assert sales_growth(a, 2025) == Decimal("0.25")  # 50 / 40 - 1 (two years)
    # net assets 18m -> 30m: 30/18 - 1
    assert net_assets_growth(a, 2025) == Decimal(30) / Decimal(18) - 1


def test_missing_figures_give_none_never_zero(ents: dict[str, Enterprise]) -> None:
    b, c = ents["QS0002"], ents["QS0003"]
    assert rd_intensity(c, 2025) is None  # no rd_expense
    assert high_tech_income_share(b, 2025) is None  # no total income
    assert debt_ratio(b, 2025) is None
    assert sales_growth(b, 2025) is None  # one year only
    assert rd_intensity(b, 2019) is None  # a year not reported
    assert tech_staff_ratio(c, 2025) == 0


def test_three_year_growth_uses_the_hnte_formula() -> None:
    from .test_activity import _year

    doc = {
        "id": "X", "name": "X", "registered_on": "2010-01-01", "industry": "C3911",
        "years": [_year(2023, sales_revenue=100), _year(2024, sales_revenue=120),
                  _year(2025, sales_revenue=150)],
    }  # fmt: skip
    from kejiservice import load

    ent = load(Enterprise, doc)
    # (120/100 + 150/120) / 2 - 1 = (1.2 + 1.25) / 2 - 1 = 0.225
    assert sales_growth(ent, 2025) == Decimal("0.225")
    assert sales_growth(ent, 2024) == Decimal("0.2")


def test_profile_and_trends(ents: dict[str, Enterprise]) -> None:
    profile = enterprise_indicators(ents["QS0001"])
    assert [row.year for row in profile.years] == [2024, 2025]
    trend = profile.trend("rd_intensity")
    assert trend.change == Decimal("-0.02")
    assert trend.direction is TrendDirection.DOWN
    assert profile.trend("tech_staff_ratio").direction is TrendDirection.DOWN  # 0.2 -> 0.16
    assert profile.trend("sales_growth").direction is TrendDirection.UNKNOWN  # one value
    data = profile.to_dict()
    assert data["years"][1]["rd_intensity"] == "0.040000"
    assert data["trends"]["rd_intensity"] == {"change": "-0.020000", "direction": "down"}
    with pytest.raises(KeyError):
        profile.trend("sales_revenue")


def test_metrics_never_return_floats(ents: dict[str, Enterprise]) -> None:
    from kejiservice.indicators import Basis

    basis = Basis(2025, END, {"QS0001": 2})
    for ent in ents.values():
        for name, metric in METRICS.items():
            value = metric(ent, basis)
            assert value is None or isinstance(value, Decimal), name
    assert METRICS["platforms"](ents["QS0001"], basis) == 2


# --------------------------------------------------------------------------- classification


def test_classification_by_hand(ents: dict[str, Enterprise]) -> None:
    out = {c.enterprise: c for c in classify_all(ents.values(), END)}
    # QS0001: no main business revenue (leading rule 0 unknown), HNTE and sales exactly 5000万
    assert (out["QS0001"].klass, out["QS0001"].rule) == ("leading", 1)
    assert out["QS0001"].missing == ("main_business_revenue",)
    # QS0002: HNTE expired in 2025; R&D 10% of sales -> innovative by its second rule
    assert (out["QS0002"].klass, out["QS0002"].rule) == ("innovative", 1)
    # QS0003: no R&D figure: the innovative rule cannot be decided, so traditional
    assert (out["QS0003"].klass, out["QS0003"].rule) == ("traditional", None)
    assert out["QS0003"].missing == ("rd_intensity",)


def test_classification_rules_are_data(ents: dict[str, Enterprise]) -> None:
    text = """
[[classes]]
id = "big"
name_zh = "大"
name_en = "Big"
  [[classes.rules]]
  sales_revenue_at_least_wan = 1000
[[classes]]
id = "rest"
name_zh = "其他"
name_en = "Rest"
"""
    rules = ClassificationRules.from_toml(text)
    assert classify(ents["QS0002"], END, rules=rules).klass == "big"  # 1000万 exactly
    assert classify(ents["QS0003"], END, rules=rules).klass == "rest"
    assert rules.get("big").name("en") == "Big"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "[[classes]]"),
        ('[[classes]]\nid="a"\nname_zh="a"\nname_en="a"\n[[classes.rules]]\nrd_intensity_at_least=1',
         "must have no rules"),
        ('[[classes]]\nid="a"\nname_zh="a"\nname_en="a"\n[[classes]]\nid="b"\nname_zh="b"\n'
         'name_en="b"', "not last"),
        ('[[classes]]\nid="a"\nname_zh="a"\nname_en="a"\n[[classes.rules]]\nfoo_at_least=1\n'
         '[[classes]]\nid="b"\nname_zh="b"\nname_en="b"', "unknown condition"),
        ('[[classes]]\nid="a"\nname_zh="a"\nname_en="a"\n[[classes.rules]]\n'
         'rd_intensity_at_least_wan=1\n[[classes]]\nid="b"\nname_zh="b"\nname_en="b"', "not money"),
        ('[[classes]]\nid="a"\nname_zh="a"\nname_en="a"\n[[classes.rules]]\nholds_any=["x"]\n'
         '[[classes]]\nid="b"\nname_zh="b"\nname_en="b"', "unknown certification"),
        ("[[classes", "not valid TOML"),
    ],
)  # fmt: skip
def test_classification_file_errors(text: str, words: str) -> None:
    with pytest.raises(ParameterError, match=words.replace("[", r"\[")):
        ClassificationRules.from_toml(text)


# --------------------------------------------------------------------------- ranking


_RANKING = """
[meta]
top = 2
[weights]
rd_intensity = 1
tech_staff_ratio = 1
"""


def test_ranking_by_hand(ents: dict[str, Enterprise]) -> None:
    config = RankingConfig.from_toml(_RANKING)
    ranking = rank_innovators(ents.values(), END, config=config)
    # rd_intensity: QS0001 0.04, QS0002 0.10, QS0003 missing -> percentiles 0, 1, 0
    # tech_staff_ratio: 0.16, 0.4, 0 -> percentiles 1/2, 1, 0
    # composite (equal weights): QS0001 1/4, QS0002 1, QS0003 0
    assert [(e.enterprise, e.score) for e in ranking.entries] == [
        ("QS0002", Decimal(1)),
        ("QS0001", Decimal("0.25")),
        ("QS0003", Decimal(0)),
    ]
    assert ranking.entries[2].missing == ("rd_intensity",)
    assert [e.rank for e in ranking.leaders] == [1, 2]


def test_ranking_ties_break_by_id_whatever_the_order(ents: dict[str, Enterprise]) -> None:
    config = RankingConfig.from_toml("[meta]\ntop = 50\n[weights]\nplatforms = 1\n")
    for seed in range(5):
        pool = list(ents.values())
        random.Random(seed).shuffle(pool)
        ranking = rank_innovators(pool, END, config=config)
        assert [e.enterprise for e in ranking.entries] == ["QS0001", "QS0002", "QS0003"]
        assert {e.score for e in ranking.entries} == {Decimal(0)}


def test_ranking_eligibility_and_bundled_config(ents: dict[str, Enterprise]) -> None:
    ranking = rank_innovators(ents.values(), END)  # bundled: R&D expense above 0
    assert [e.enterprise for e in ranking.entries] == ["QS0001", "QS0002"] or [
        e.enterprise for e in ranking.entries
    ] == ["QS0002", "QS0001"]
    assert ranking.ineligible == ("QS0003",)
    assert RankingConfig.bundled().top == 50
    heavier = RankingConfig.from_toml(_RANKING).with_weights({"rd_intensity": Decimal(3)})
    assert heavier.weights == (("rd_intensity", Decimal(3)),)
    with pytest.raises(ParameterError):
        RankingConfig.from_toml("[meta]\ntop = 5\n[weights]\nrd_intensity = 0\n")
    with pytest.raises(ParameterError):
        RankingConfig.from_toml("[meta]\ntop = 5\n[weights]\nnope = 1\n")


# --------------------------------------------------------------------------- diagnostics


def test_diagnostics_by_hand(ents: dict[str, Enterprise]) -> None:
    results = {d.check.id: d for d in diagnose(ents.values(), END)}
    low_rd = results["rd_intensity_low"]
    assert (low_rd.overall.total, low_rd.overall.matching) == (2, 0)
    assert low_rd.missing == ("QS0003",)
    staff = results["tech_staff_low"]
    assert (staff.overall.total, staff.overall.matching) == (3, 1)  # QS0003 has 0 tech staff
    assert staff.overall.share == Decimal(1) / 3
    assert {k: (c.total, c.matching) for k, c in staff.by_section.items()} == {
        "C": (1, 0),
        "F": (1, 1),
        "I": (1, 0),
    }
    custom = DiagnosticChecks.from_toml('[[checks]]\nid = "big"\nsales_revenue_above_wan = 900\n')
    (big,) = diagnose(ents.values(), END, checks=custom)
    assert (big.overall.total, big.overall.matching) == (3, 2)
    with pytest.raises(ParameterError, match="exactly one"):
        DiagnosticChecks.from_toml('[[checks]]\nid = "x"\nholds_any = ["hnte"]\n')


# --------------------------------------------------------------------------- portfolio level


def test_median_is_exact() -> None:
    assert median([]) is None
    assert median([5]) == 5
    assert median([30, 50]) == 40
    assert median([1, 2]) == Decimal("1.5")
    assert median([9, 1, 4, 7]) == Decimal("5.5")


def test_visits_by_hand(q1: Figures) -> None:
    v = q1.visits
    assert v.visits == 6  # V1-V5 and V7; V6 is in April
    assert v.by_kind[VisitKind.TRAINING] == 3
    assert v.by_kind[VisitKind.SURVEY] == 1
    assert v.by_kind[VisitKind.ROADSHOW] == 0
    assert v.enterprises_visited == 2  # on site: QS0001 (V1, V3), QS0002 (V2)
    assert v.enterprises_served == 3
    assert (v.assigned, v.assigned_visited, v.coverage) == (3, 2, Decimal(2) / 3)
    assert v.trainings_held == 2  # event T1 and the lone training V7
    assert v.experts_engaged == 2  # e1, e2 on V3; e1 again for N1
    o1, o2 = v.by_officer["O1"], v.by_officer["O2"]
    assert (o1.visits, o1.assigned, o1.assigned_visited, o1.coverage) == (5, 2, 2, Decimal(1))
    assert (o2.visits, o2.assigned, o2.assigned_visited, o2.coverage) == (1, 1, 0, Decimal(0))


def test_needs_by_hand(q1: Figures) -> None:
    total = q1.needs.total
    # collected N1-N4 (N5 in 2025); routed N1, N2, N3, N5; resolved N1 (30 d), N2 (50 d)
    assert (total.collected, total.routed, total.resolved, total.closed_unresolved) == (4, 4, 2, 1)
    assert total.open_at_end == 2  # N4 and N5 (resolved in April)
    assert total.median_days_to_resolve == 40
    assert dict(total.routed_to) == {
        RouteKind.BANK: 1, RouteKind.INSTITUTION: 1, RouteKind.EXPERT: 1, RouteKind.DEPARTMENT: 1,
    }  # fmt: skip
    rd = q1.needs.by_category[NeedCategory.TECHNOLOGY_RD]
    assert (rd.collected, rd.routed, rd.resolved, rd.open_at_end) == (2, 1, 1, 1)
    assert rd.median_days_to_resolve == 30
    platform = q1.needs.by_category[NeedCategory.PLATFORM_BUILDING]
    assert (platform.collected, platform.median_days_to_resolve) == (0, None)


def test_financing_by_hand(q1: Figures, portfolio: Portfolio) -> None:
    f = q1.financing
    assert (f.requests, f.enterprises_requesting) == (4, 3)  # F1, F2, F3, F5
    assert f.amount_requested == Decimal("9800000.50")
    assert (f.granted, f.enterprises_granted, f.granted_amount) == (2, 2, Decimal(6_000_000))
    assert (f.declined, f.withdrawn) == (1, 0)
    assert (f.cohort_granted, f.conversion_rate) == (1, Decimal("0.25"))  # F1 of four
    b1, b2 = f.by_bank["B1"], f.by_bank["B2"]
    assert (b1.requests, b1.granted, b1.granted_amount) == (3, 1, Decimal(4_000_000))
    assert (b2.requests, b2.granted, b2.granted_amount) == (1, 1, Decimal(2_000_000))
    later = figures(portfolio, Q1, D(2026, 6, 30)).financing  # F5 granted in April
    assert (later.requests, later.granted, later.cohort_granted) == (4, 2, 2)


def test_recognitions_and_funnel_by_hand(q1: Figures, portfolio: Portfolio) -> None:
    hnte = q1.certifications[CertificationKind.HNTE]
    assert (hnte.valid_at_end, hnte.new, hnte.lapsed) == (1, 0, 0)  # QS0002's lapsed in 2025
    sme = q1.certifications[CertificationKind.TECH_SME]
    # QS0003 recognised by application A1; QS0001's 2025 entry ended on 31 December
    assert (sme.valid_at_end, sme.new, sme.lapsed) == (1, 1, 1)
    q4 = figures(portfolio, parse_period("2025Q4"))
    assert q4.certifications[CertificationKind.HNTE].lapsed == 1  # ended 18 December
    assert q4.certifications[CertificationKind.TECH_SME].lapsed == 0
    funnel = q1.funnels[CertificationKind.HNTE]
    assert funnel.steps == (
        ("surveyed", 1), ("intending", 1), ("trained", 3), ("applied", 0), ("recognised", 0),
    )  # fmt: skip
    funnel = q1.funnels[CertificationKind.TECH_SME]
    assert [n for _, n in funnel.steps] == [1, 0, 3, 2, 1]
    assert q1.applications[CertificationKind.TECH_SME] == 2


def test_platforms_and_achievements_by_hand(q1: Figures) -> None:
    p = q1.platforms
    assert (p.valid_at_end, p.new, p.lapsed) == (2, 1, 1)  # P1, P2 valid; P2 new; P3 expired
    assert p.by_kind[PlatformKind.RD_CENTRE] == 1
    assert p.by_kind[PlatformKind.KEY_LAB] == 1
    assert p.by_kind[PlatformKind.MAKER_SPACE] == 0
    assert p.by_level[PlatformLevel.CITY] == 1
    assert p.by_level[PlatformLevel.PROVINCIAL] == 1
    assert p.by_kind_and_level[PlatformKind.KEY_LAB][PlatformLevel.PROVINCIAL] == 1
    assert p.new_by_level[PlatformLevel.PROVINCIAL] == 1
    a = q1.achievements
    assert (a.appraised, a.transformed, a.licensed) == (1, 1, 1)  # R1, R1, R2


def test_targets_by_hand(portfolio: Portfolio) -> None:
    progress = {
        (t.target.indicator, t.target.period.label): t
        for t in target_progress(portfolio, portfolio.activity.targets, END)
    }
    visits = progress[(Indicator.VISITS, "2026")]
    assert (visits.actual, visits.progress) == (Decimal(6), Decimal("0.3"))
    assert visits.elapsed == Decimal(90) / Decimal(365)
    assert visits.on_track
    loans = progress[(Indicator.LOANS_GRANTED_AMOUNT, "2026")]
    assert (loans.actual, loans.progress) == (Decimal(6_000_000), Decimal("0.6"))
    transformed = progress[(Indicator.ACHIEVEMENTS_TRANSFORMED, "2026Q1")]
    assert (transformed.progress, transformed.elapsed, transformed.on_track) == (
        Decimal("0.5"), Decimal(1), False,
    )  # fmt: skip


def test_every_indicator_is_defined_and_readable(q1: Figures, portfolio: Portfolio) -> None:
    assert set(INDICATORS) == set(Indicator)
    values = {ind: q1.indicator(ind) for ind in Indicator}
    assert values[Indicator.LOANS_GRANTED_AMOUNT] == Decimal(6_000_000)
    assert values[Indicator.PLATFORMS_VALID] == 2
    assert indicator_value(portfolio, Indicator.VISITS, parse_period("2026")) == 7
    assert all(isinstance(v, Decimal) for v in values.values())


def test_hand_year_is_the_sum_of_its_quarters(portfolio: Portfolio) -> None:
    year = parse_period("2026")
    whole = figures(portfolio, year)
    parts = [figures(portfolio, q) for q in year.split()]
    for ind, spec in INDICATORS.items():
        if spec.additive:
            assert whole.indicator(ind) == sum(p.indicator(ind) for p in parts), ind


# --------------------------------------------------------------------------- properties

IDS = ("QS0001", "QS0002", "QS0003")
START, STOP = D(2025, 11, 1), D(2027, 2, 28)
# Strategies are built once: building them inside each draw is slow.
S_ID = st.sampled_from(IDS)
S_DAY = st.dates(START, STOP)
S_MAYBE_DAY = st.none() | S_DAY
S_GAP = st.integers(0, 80)
S_BOOL = st.booleans()
S_OFFICER = st.sampled_from(["O1", "O2"])
S_VISIT_KIND = st.sampled_from(list(VisitKind))
S_EVENT = st.sampled_from([None, "T1", "T2"])
S_EXPERTS = st.lists(st.sampled_from(["e1", "e2"]), max_size=2, unique=True)
S_PROGRAMME = st.sampled_from([CertificationKind.HNTE, CertificationKind.TECH_SME])
S_INTENDS = st.lists(S_PROGRAMME, unique=True)
S_ROUTE = st.sampled_from([RouteKind.BANK, RouteKind.EXPERT])
S_CATEGORY = st.sampled_from(list(NeedCategory))
S_FIN_OUTCOME = st.sampled_from(list(FinancingOutcome))
S_APP_OUTCOME = st.sampled_from(list(ApplicationOutcome))
S_AMOUNT = st.integers(1, 10**9)
S_BANK = st.sampled_from(["B1", "B2"])
S_PLATFORM_KIND = st.sampled_from(list(PlatformKind))
S_LEVEL = st.sampled_from(list(PlatformLevel))
S_HOST = st.sampled_from([None, *IDS])


def _later(draw: st.DrawFn, day: dt.date | None) -> dt.date | None:
    if day is None or not draw(S_BOOL):
        return None
    return day + dt.timedelta(days=draw(S_GAP))


def visit(draw: st.DrawFn, n: int) -> Visit:
    kind = draw(S_VISIT_KIND)
    return Visit(
        f"V{n}", draw(S_ID), draw(S_OFFICER), draw(S_DAY), kind,
        event=draw(S_EVENT) if kind is VisitKind.TRAINING else None,
        experts=tuple(draw(S_EXPERTS)), intends=tuple(draw(S_INTENDS)),
    )  # fmt: skip


def need(draw: st.DrawFn, n: int) -> Need:
    collected = draw(S_DAY)
    routed = _later(draw, collected)
    started = _later(draw, routed or collected)
    end = _later(draw, started or routed or collected)
    resolved = draw(S_BOOL)
    route = Route(draw(S_ROUTE), "e1")
    return Need(
        f"N{n}", draw(S_ID), draw(S_CATEGORY), collected, routed_on=routed,
        routed_to=route if routed else None, started_on=started,
        resolved_on=end if resolved else None, closed_on=None if resolved else end,
    )  # fmt: skip


def request(draw: st.DrawFn, n: int) -> FinancingRequest:
    asked = draw(S_DAY)
    outcome = draw(S_FIN_OUTCOME)
    later = asked + dt.timedelta(days=draw(S_GAP))
    amount = Decimal(draw(S_AMOUNT)) / 100
    granted = outcome is FinancingOutcome.GRANTED
    return FinancingRequest(
        f"F{n}", draw(S_ID), asked, amount, bank=draw(S_BANK), outcome=outcome,
        decided_on=None if outcome is FinancingOutcome.PENDING else later,
        granted_amount=amount if granted else None, granted_on=later if granted else None,
    )  # fmt: skip


def application(draw: st.DrawFn, n: int) -> Application:
    submitted = draw(S_DAY)
    outcome = draw(S_APP_OUTCOME)
    decided = None
    if outcome is not ApplicationOutcome.PENDING:
        decided = submitted + dt.timedelta(days=draw(S_GAP))
    expires = _later(draw, decided) if outcome is ApplicationOutcome.RECOGNISED else None
    return Application(f"A{n}", draw(S_ID), draw(S_PROGRAMME), submitted, outcome, decided, expires)


def platform(draw: st.DrawFn, n: int) -> Platform:
    on = draw(S_DAY)
    return Platform(
        f"P{n}", "p", draw(S_PLATFORM_KIND), draw(S_LEVEL), on, _later(draw, on),
        enterprise=draw(S_HOST),
    )  # fmt: skip


def achievement(draw: st.DrawFn, n: int) -> Achievement:
    days = [draw(S_MAYBE_DAY) for _ in range(3)]
    return Achievement(
        f"R{n}", "r", enterprise=draw(S_ID), appraised_on=days[0], transformed_on=days[1],
        licensed_on=days[2], licensed_to="QS0003" if days[2] else None,
    )  # fmt: skip


S_COUNT = {most: st.integers(0, most) for most in (6, 10, 12)}


def _many(draw: st.DrawFn, make: Any, most: int) -> tuple[Any, ...]:
    return tuple(make(draw, i) for i in range(draw(S_COUNT[most])))


_BASE = hand_log()
_LEDGER = tuple(hand_ledger())


@st.composite
def logs(draw: st.DrawFn) -> ActivityLog:
    return attrs.evolve(
        _BASE,
        officers=(Officer("O1", "a", assigned=IDS[:2]), Officer("O2", "b", assigned=IDS[2:])),
        visits=_many(draw, visit, 12),
        needs=_many(draw, need, 10),
        financing_requests=_many(draw, request, 10),
        applications=_many(draw, application, 6),
        platforms=_many(draw, platform, 6),
        achievements=_many(draw, achievement, 6),
        targets=(),
    )


def _shares(f: Figures) -> list[Decimal | None]:
    v = f.visits
    return [
        v.coverage,
        f.financing.conversion_rate,
        *(o.coverage for o in v.by_officer.values()),
    ]


def _counts(f: Figures) -> list[int]:
    v, n, fin, p = f.visits, f.needs, f.financing, f.platforms
    out = [v.visits, v.enterprises_visited, v.enterprises_served, v.assigned_visited,
           v.trainings_held, v.experts_engaged, *v.by_kind.values(), fin.requests, fin.granted,
           fin.declined, fin.withdrawn, fin.cohort_granted, p.valid_at_end, p.new, p.lapsed,
           *p.by_kind.values(), f.achievements.appraised, f.achievements.transformed]  # fmt: skip
    for need in [n.total, *n.by_category.values()]:
        out += [need.collected, need.routed, need.resolved, need.closed_unresolved]
        out.append(need.open_at_end)
    for cert in f.certifications.values():
        out += [cert.valid_at_end, cert.new, cert.lapsed]
    return out


@given(logs(), st.sampled_from(["2026", "2026Q1", "2026H2", "2026-02", "2025"]))
def test_counts_are_never_negative_and_shares_stay_in_bounds(log: ActivityLog, text: str) -> None:
    f = figures(Portfolio.build(_LEDGER, log), parse_period(text))
    assert all(c >= 0 for c in _counts(f))
    assert all(s is None or 0 <= s <= 1 for s in _shares(f))
    assert f.visits.assigned_visited <= f.visits.assigned
    assert f.financing.granted_amount >= 0
    assert f.financing.amount_requested >= 0
    for counts in [f.needs.total, *f.needs.by_category.values()]:
        days = counts.median_days_to_resolve
        assert days is None or (days >= 0 and days * 2 == int(days * 2))


@given(logs(), st.sampled_from(["2026", "2026H1", "2026Q3", "2026-02", "2026YTD-05"]))
def test_additive_figures_equal_the_sum_of_disjoint_sub_periods(
    log: ActivityLog, text: str
) -> None:
    portfolio = Portfolio.build(_LEDGER, log)
    period = parse_period(text)
    whole = figures(portfolio, period)
    parts = [figures(portfolio, piece) for piece in period.split()]
    for ind, spec in INDICATORS.items():
        if spec.additive:
            assert whole.indicator(ind) == sum(p.indicator(ind) for p in parts), ind


@given(logs(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(log: ActivityLog, rnd: random.Random) -> None:
    def shuffled(items: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    other = attrs.evolve(
        log,
        visits=shuffled(log.visits),
        needs=shuffled(log.needs),
        financing_requests=shuffled(log.financing_requests),
        applications=shuffled(log.applications),
        platforms=shuffled(log.platforms),
        achievements=shuffled(log.achievements),
        officers=shuffled(log.officers),
    )
    a = figures(Portfolio.build(_LEDGER, log), Q1)
    b = figures(Portfolio.build(shuffled(_LEDGER), other), Q1)
    assert a == b


def test_fractions_in_ranking_are_exact(ents: dict[str, Enterprise]) -> None:
    config = RankingConfig.from_toml(
        "[meta]\ntop = 3\n[weights]\nrd_intensity = 1\nemployees = 2\n"
    )
    ranking = rank_innovators(ents.values(), END, config=config)
    # employees 125, 20, 10 -> percentiles 1, 1/2, 0; rd 0, 1, 0 -> (0 + 2)/3, (1 + 1)/3, 0
    scores = {e.enterprise: Fraction(e.score) for e in ranking.entries}
    assert scores["QS0001"] == scores["QS0002"] == Fraction(Decimal(2) / Decimal(3))
    assert [e.enterprise for e in ranking.entries] == ["QS0001", "QS0002", "QS0003"]
    assert isinstance(Period, type)
