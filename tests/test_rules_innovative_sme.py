"""Innovative SME (工信部企业〔2022〕63号): bands, groups, direct conditions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kejiservice.rules import Outcome

from .builders import enterprise, set_figure, verdict, year

AS_OF = dt.date(2025, 6, 30)


def innov(**fields: object) -> dict[str, object]:
    base = {
        "years": [
            year(
                2023,
                sales_revenue="15000000",
                main_business_revenue="10000000",
                rd_expense="300000",
                rd_expense_domestic="300000",
            ),
            year(
                2024,
                sales_revenue="17000000",
                main_business_revenue="11200000",
                rd_expense="425000",
                rd_expense_domestic="425000",
                total_assets="10000000",
                total_liabilities="6000000",
            ),
        ],
        "ip": [{"kind": "invention_patent", "granted_on": "2021-05-01", "acquired": "transfer"}],
    }
    base.update(fields)
    return enterprise(**base)


def test_worked_example_i1() -> None:
    v = verdict("innovative_sme", innov(), AS_OF, strategic_emerging_field=True)
    assert v.status is Outcome.ELIGIBLE
    assert v.score == 65
    assert v.path == "score"
    assert any("2026" in n.en for n in v.notes)


def test_field_unknown_gives_a_range() -> None:
    v = verdict("innovative_sme", innov(), AS_OF)
    assert (v.score_min, v.score_max) == (60, 65)
    assert v.status is Outcome.ELIGIBLE  # even 5 points for the field keep every group


def test_group_floor_blocks_total() -> None:
    doc = innov(ip=[{"kind": "utility_model", "granted_on": "2021-05-01"}])
    v = verdict("innovative_sme", doc, AS_OF, strategic_emerging_field=True)
    assert v.status is Outcome.INELIGIBLE
    assert v.failed == ("innovative_sme.innovation_group",)


def test_rd_band_edge_goes_to_the_higher_band() -> None:
    doc = set_figure(innov(), 2024, "rd_expense", "850000")  # exactly 5%
    doc = set_figure(doc, 2024, "rd_expense_domestic", "850000")
    v = verdict("innovative_sme", doc, AS_OF, strategic_emerging_field=True)
    items = {
        i["name"]: i for i in v.criterion("innovative_sme.innovation_group").detail["indicators"]
    }
    assert items["rd_ratio"]["low"] == 20


def test_direct_conditions() -> None:
    weak = innov(ip=[])
    assert (
        verdict("innovative_sme", weak, AS_OF, strategic_emerging_field=False).status
        is Outcome.INELIGIBLE
    )
    v = verdict(
        "innovative_sme", weak, AS_OF, strategic_emerging_field=False, equity_financing_3y="5000000"
    )
    assert v.status is Outcome.ELIGIBLE
    assert v.path == "direct:equity_financing"
    below = verdict(
        "innovative_sme",
        weak,
        AS_OF,
        strategic_emerging_field=False,
        equity_financing_3y="4999999.99",
    )
    assert below.status is Outcome.INELIGIBLE
    award = innov(ip=[], awards=[{"level": "provincial", "year": 2023}])
    assert (
        verdict("innovative_sme", award, AS_OF, strategic_emerging_field=False).path
        == "direct:award"
    )


@given(st.integers(0, 3_000_000_00), st.integers(0, 3_000_000_00))
def test_score_monotone_in_rd(a: int, b: int) -> None:
    lo, hi = sorted((Decimal(a) / 100, Decimal(b) / 100))

    def low_score(rd: Decimal) -> int:
        doc = set_figure(
            set_figure(innov(), 2024, "rd_expense", rd), 2024, "rd_expense_domestic", rd
        )
        v = verdict("innovative_sme", doc, AS_OF, strategic_emerging_field=True)
        assert v.score is not None
        return v.score

    assert low_score(lo) <= low_score(hi)


def test_not_in_force_before_2022_08() -> None:
    v = verdict("innovative_sme", innov(), dt.date(2022, 7, 31))
    assert v.status is Outcome.NOT_APPLICABLE
    assert v.eligible is None
    assert {c.status.value for c in v.criteria} == {"not_applicable"}
