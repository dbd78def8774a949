"""HNTE (国科发火〔2016〕32号 第十一条): boundaries, monotonicity, gaps, dates."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from hypothesis import example, given
from hypothesis import strategies as st

import kejiservice
from kejiservice.rules import Outcome

from .builders import AS_OF, apply_proposal, enterprise, set_figure, status_of, verdict, year

FEN = Decimal("0.01")


def _ceil_fen(x: Decimal) -> Decimal:
    return x.quantize(FEN, rounding=ROUND_CEILING)


def test_all_conditions_with_a_score_is_eligible() -> None:
    v = verdict("hnte", enterprise(), innovation_score=71)
    assert v.status is Outcome.ELIGIBLE, v.explain("en")
    assert v.failed == ()
    assert v.rule_version == "2016"
    assert [c.code for c in v.criteria] == list(kejiservice.rules.RULES["hnte"].codes)


def test_every_criterion_is_explained_in_both_languages() -> None:
    v = verdict("hnte", enterprise(), innovation_score=60)
    for c in v.criteria:
        assert c.source
        assert "〔" in c.source
        assert c.message.zh
        assert c.message.en
        assert c.message.zh != c.message.en
        assert "?" not in c.message.en.replace("? ", "")


@given(st.integers(1, 5000))
@example(100)
@example(10)
def test_tech_staff_boundary_inclusive(employees: int) -> None:
    needed = -(-employees // 10)  # ceil(10%)
    doc = set_figure(
        set_figure(enterprise(), 2024, "employees", employees), 2024, "tech_staff", needed
    )
    assert status_of(verdict("hnte", doc), "hnte.tech_staff_ratio") == "pass"
    short = set_figure(doc, 2024, "tech_staff", needed - 1)
    v = verdict("hnte", short)
    assert status_of(v, "hnte.tech_staff_ratio") == "fail"
    assert v.criterion("hnte.tech_staff_ratio").gap == "1"


sales_st = st.integers(1_000_00, 300_000_000_00).map(lambda f: Decimal(f) / 100)


@given(sales_st, sales_st, sales_st)
@example(Decimal("30000000"), Decimal("40000000"), Decimal("50000000"))
@example(Decimal("30000000"), Decimal("40000000"), Decimal("50000000.01"))
@example(Decimal("150000000"), Decimal("180000000"), Decimal("200000000"))
@example(Decimal("150000000"), Decimal("180000000"), Decimal("200000000.01"))
def test_rd_ratio_exactly_at_threshold_passes_a_fen_less_fails(
    s1: Decimal, s2: Decimal, s3: Decimal
) -> None:
    total = s1 + s2 + s3
    if s3 <= Decimal("50000000"):
        minimum = Decimal("0.05")
    elif s3 <= Decimal("200000000"):
        minimum = Decimal("0.04")
    else:
        minimum = Decimal("0.03")
    need = _ceil_fen(minimum * total)
    r1 = Decimal(0)
    r2 = Decimal(0)
    r3 = need
    doc = enterprise(
        years=[
            year(2022, sales_revenue=s1, rd_expense=r1, rd_expense_domestic=r1),
            year(2023, sales_revenue=s2, rd_expense=r2, rd_expense_domestic=r2),
            year(2024, sales_revenue=s3, rd_expense=r3, rd_expense_domestic=r3),
        ]
    )
    v = verdict("hnte", doc)
    assert status_of(v, "hnte.rd_expense_ratio") == "pass"
    assert Decimal(v.criterion("hnte.rd_expense_ratio").gap or "0") <= 0
    less = set_figure(doc, 2024, "rd_expense", r3 - FEN)
    less = set_figure(less, 2024, "rd_expense_domestic", r3 - FEN)
    v2 = verdict("hnte", less)
    assert status_of(v2, "hnte.rd_expense_ratio") == "fail"
    assert Decimal(v2.criterion("hnte.rd_expense_ratio").gap or "0") == FEN


@given(st.integers(0, 10_000_000_00), st.integers(0, 1_000_000_00))
def test_more_rd_never_turns_the_rd_criterion_from_pass_to_fail(base: int, extra: int) -> None:
    rd = Decimal(base) / 100
    more = rd + Decimal(extra) / 100
    doc = set_figure(enterprise(), 2024, "rd_expense", rd)
    doc = set_figure(doc, 2024, "rd_expense_domestic", Decimal(0))
    doc2 = set_figure(
        set_figure(doc, 2024, "rd_expense", more), 2024, "rd_expense_domestic", Decimal(0)
    )
    before = status_of(verdict("hnte", doc), "hnte.rd_expense_ratio")
    after = status_of(verdict("hnte", doc2), "hnte.rd_expense_ratio")
    assert not (before == "pass" and after == "fail")


@given(st.integers(0, 4_000_000_00))
def test_gap_soundness_for_rd(rd_fen: int) -> None:
    rd = Decimal(rd_fen) / 100
    doc = set_figure(
        set_figure(enterprise(), 2024, "rd_expense", rd), 2024, "rd_expense_domestic", rd
    )
    v = verdict("hnte", doc)
    c = v.criterion("hnte.rd_expense_ratio")
    if c.status.value == "pass":
        return
    gap = Decimal(c.gap or "0")
    proposal = c.proposals[0]
    assert proposal.verified
    assert proposal.change == gap
    fixed = apply_proposal(doc, proposal.input, proposal.target)
    assert status_of(verdict("hnte", fixed), "hnte.rd_expense_ratio") == "pass"
    almost = apply_proposal(doc, proposal.input, Decimal(str(proposal.target)) - FEN)
    assert status_of(verdict("hnte", almost), "hnte.rd_expense_ratio") == "fail"


def test_band_proposal_moves_sales_over_the_edge() -> None:
    # H2b: 599/12000 fails 5%; sales just over 5000万 move it to the 4% band.
    doc = enterprise(
        years=[
            year(
                2022, sales_revenue="30000000", rd_expense="1500000", rd_expense_domestic="1500000"
            ),
            year(
                2023, sales_revenue="40000000", rd_expense="2000000", rd_expense_domestic="2000000"
            ),
            year(
                2024, sales_revenue="50000000", rd_expense="2490000", rd_expense_domestic="2490000"
            ),
        ]
    )
    c = verdict("hnte", doc).criterion("hnte.rd_expense_ratio")
    assert c.status.value == "fail"
    inputs = {p.input: p for p in c.proposals}
    assert inputs["years[2024].rd_expense"].change == Decimal("10000.00")
    band = inputs["years[2024].sales_revenue"]
    assert band.target == Decimal("50000000.01")
    assert band.verified


def test_high_tech_income_uses_total_income_net_of_non_taxable() -> None:
    doc = set_figure(enterprise(), 2024, "total_income", "56000000")
    doc = set_figure(doc, 2024, "non_taxable_income", "1000000")
    doc = set_figure(doc, 2024, "high_tech_income", "33000000")  # 33/55 = 60%
    assert status_of(verdict("hnte", doc), "hnte.high_tech_income_share") == "pass"
    doc = set_figure(doc, 2024, "high_tech_income", "32999999.99")
    assert status_of(verdict("hnte", doc), "hnte.high_tech_income_share") == "fail"


@given(st.dates(dt.date(2020, 1, 1), dt.date(2025, 6, 30)))
@example(dt.date(2024, 6, 30))
@example(dt.date(2024, 7, 1))
def test_registration_is_365_calendar_days(registered: dt.date) -> None:
    doc = enterprise(registered_on=registered.isoformat())
    c = verdict("hnte", doc).criterion("hnte.registered_one_year")
    assert (c.status.value == "pass") == ((AS_OF - registered).days >= 365)
    if c.status.value == "fail":
        (proposal,) = c.proposals
        assert proposal.on_date == registered + dt.timedelta(days=365)
        assert not proposal.adjustable


def test_incident_window_and_the_day_it_clears() -> None:
    doc = enterprise(incidents=[{"kind": "major_safety", "on": "2024-06-30"}])
    c = verdict("hnte", doc).criterion("hnte.no_major_incident")
    assert c.status.value == "fail"
    assert c.proposals[0].on_date == dt.date(2025, 7, 1)
    later = verdict("hnte", doc, dt.date(2025, 7, 1)).criterion("hnte.no_major_incident")
    assert later.status.value == "pass"
    other_kind = enterprise(incidents=[{"kind": "serious_fraud", "on": "2025-01-01"}])
    assert status_of(verdict("hnte", other_kind), "hnte.no_major_incident") == "pass"


def test_missing_figure_is_undetermined_and_named() -> None:
    doc = enterprise()
    del doc["years"][2]["high_tech_income"]
    v = verdict("hnte", doc, innovation_score=75)
    assert v.status is Outcome.UNDETERMINED
    assert v.missing == ("years[2024].high_tech_income",)
    assert v.eligible is None


def test_old_firm_must_show_three_years() -> None:
    doc = enterprise(years=[year(2023), year(2024)])
    v = verdict("hnte", doc, innovation_score=75)
    assert v.status is Outcome.UNDETERMINED
    assert "years[2022].sales_revenue" in v.missing


def test_unknown_tech_field_is_unknown_and_none_fails() -> None:
    doc = enterprise()
    del doc["tech_field"]
    assert status_of(verdict("hnte", doc), "hnte.key_field") == "unknown"
    assert status_of(verdict("hnte", enterprise(tech_field="none")), "hnte.key_field") == "fail"


def test_score_range_without_expert_input() -> None:
    v = verdict("hnte", enterprise(achievements_transformed={"2022": 5, "2023": 5, "2024": 5}))
    c = v.criterion("hnte.innovation_score")
    assert c.status.value == "unknown"
    assert v.score is None
    assert v.score_min is not None
    assert v.score_max is not None
    assert v.score_min <= 71 <= v.score_max
    assert c.detail["reachable"] is True
    # transformation A (25-30) and growth zero (assets flat, sales flat) in the range
    items = {i.name: i for i in c.detail["items"]}
    assert (items["transformation"].low, items["transformation"].high) == (25, 30)
    assert items["net_asset_growth"].high == 0
    dumped = kejiservice.dump(v)["criteria"][7]["detail"]["items"]
    assert {"name": "transformation", "low": 25, "high": 30}.items() <= dumped[1].items()


def test_unreachable_score_fails_definitely() -> None:
    doc = enterprise(ip=[], achievements_transformed={"2022": 0, "2023": 0, "2024": 0})
    v = verdict("hnte", doc, organisation_score=0)
    c = v.criterion("hnte.innovation_score")
    assert c.status.value == "fail"
    assert v.status is Outcome.INELIGIBLE
    assert "hnte.innovation_score" in v.failed


def test_growth_formulas_and_zero_rules() -> None:
    from kejiservice.rules.hnte import _growth_rate

    rate, _ = _growth_rate([Decimal(2000), Decimal(2100), Decimal(2205)])
    assert rate == Decimal("0.05")
    assert _growth_rate([Decimal(0), Decimal(500), Decimal(600)])[0] == Decimal("0.2")
    assert _growth_rate([Decimal(100), Decimal(0), Decimal(600)]) == (None, "zero_year2")
    assert _growth_rate([Decimal(800), Decimal(2000)])[0] == Decimal("1.5")
    assert _growth_rate([Decimal(-1), Decimal(2), Decimal(3)]) == (None, "negative")


def test_score_input_boundaries() -> None:
    assert verdict("hnte", enterprise(), innovation_score=70).status is Outcome.INELIGIBLE
    assert verdict("hnte", enterprise(), innovation_score=71).status is Outcome.ELIGIBLE


def test_determinism_and_batch_equals_single() -> None:
    from kejiservice.sample import ledger

    ents = ledger()[:60]
    single = [kejiservice.dump(kejiservice.evaluate("hnte", e, AS_OF)) for e in ents]
    batch = [kejiservice.dump(v) for v in kejiservice.evaluate_many("hnte", ents, AS_OF)]
    again = [kejiservice.dump(kejiservice.evaluate("hnte", e, AS_OF)) for e in ents]
    assert single == batch == again
