"""Super deduction, SME size and above-scale: rate history, caps, tables, thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kejiservice
from kejiservice.rules import Outcome
from kejiservice.rules.sme_size import classify_size

from .builders import enterprise, set_figure, verdict, year


def sd_doc(tax_year: int, industry: str = "I6513", **fields: object) -> dict[str, object]:
    return enterprise(
        industry=industry,
        registered_on="2005-01-01",
        years=[year(tax_year, rd_expense="1000000", rd_expense_domestic="1000000")],
        **fields,
    )


@pytest.mark.parametrize(
    ("tax_year", "industry", "certs", "ic", "rate"),
    [
        (2016, "I6513", [], False, "0.50"),
        (2017, "I6513", [], False, "0.50"),
        (2017, "I6513", ["tech_sme"], False, "0.75"),
        (2018, "I6513", [], False, "0.75"),
        (2020, "C3911", [], False, "0.75"),
        (2021, "C3911", [], False, "1.00"),
        (2021, "I6513", [], False, "0.75"),
        (2022, "I6513", ["tech_sme"], False, "1.00"),
        (2023, "I6513", [], False, "1.00"),
        (2023, "I6520", [], True, "1.20"),
        (2027, "I6520", [], True, "1.20"),
        (2028, "I6520", [], True, "1.00"),
    ],
)
def test_rate_history(tax_year: int, industry: str, certs: list[str], ic: bool, rate: str) -> None:
    certifications = [
        {"kind": k, "issued_on": f"{tax_year}-03-01", "expires_on": f"{tax_year}-12-31"}
        for k in certs
    ]
    doc = sd_doc(tax_year, industry, certifications=certifications)
    v = verdict("super_deduction", doc, dt.date(tax_year + 1, 5, 31), ic_or_machine=ic)
    amounts = v.extras["amounts"]
    assert Decimal(amounts["rate"]) == Decimal(rate)
    assert Decimal(amounts["extra_deduction"]) == Decimal(rate) * Decimal("1000000")


def test_tax_years_before_2016_are_not_encoded() -> None:
    v = verdict("super_deduction", sd_doc(2015), dt.date(2016, 5, 31))
    assert v.status is Outcome.NOT_APPLICABLE
    assert "2015-12-31" in v.notes[0].en
    with pytest.raises(kejiservice.InvalidInput, match=r"inputs\.amortisation_years"):
        verdict("super_deduction", sd_doc(2024), dt.date(2025, 5, 31), amortisation_years=0)
    with pytest.raises(kejiservice.InvalidInput, match=r"inputs\.q4_rd_expense"):
        verdict("super_deduction", sd_doc(2022), dt.date(2023, 5, 31), q4_rd_expense="2000000")


def test_q4_2022_uplift_pro_rata() -> None:
    v = verdict("super_deduction", sd_doc(2022), dt.date(2023, 5, 31))
    amounts = v.extras["amounts"]
    # 75% on the year + 25% more on 3/12 of it
    assert Decimal(amounts["extra_deduction"]) == Decimal("812500.00")
    assert v.notes[0].key == "note.super_deduction.q4_pro_rata"
    given_q4 = verdict(
        "super_deduction", sd_doc(2022), dt.date(2023, 5, 31), q4_rd_expense="400000"
    )
    assert Decimal(given_q4.extras["amounts"]["extra_deduction"]) == Decimal("850000.00")


@given(st.integers(1, 10**8).map(lambda n: Decimal(n) * 9))
def test_other_related_cap_boundary(items_fen: Decimal) -> None:
    items = items_fen / 100
    limit = items / 9
    if limit != limit.quantize(Decimal("0.01")):
        return
    for other, allowed in ((limit, limit), (limit + Decimal("0.01"), limit)):
        doc = sd_doc(2024)
        doc = set_figure(doc, 2024, "rd_expense", items + other)
        doc = set_figure(doc, 2024, "rd_expense_domestic", items + other)
        doc = set_figure(doc, 2024, "rd_other_related", other)
        amounts = verdict("super_deduction", doc, dt.date(2025, 5, 31)).extras["amounts"]
        assert Decimal(amounts["base"]) == items + allowed


@given(st.integers(0, 10**10), st.integers(0, 10**9))
def test_extra_deduction_is_monotone_in_rd(a: int, b: int) -> None:
    low, high = Decimal(a) / 100, Decimal(a + b) / 100

    def extra(rd: Decimal) -> Decimal:
        doc = set_figure(
            set_figure(sd_doc(2024), 2024, "rd_expense", rd), 2024, "rd_expense_domestic", rd
        )
        return Decimal(
            verdict("super_deduction", doc, dt.date(2025, 5, 31)).extras["amounts"][
                "extra_deduction"
            ]
        )

    assert extra(low) <= extra(high)


def test_negative_list_and_share_boundary() -> None:
    doc = sd_doc(2024, "F5171")
    v = verdict("super_deduction", doc, dt.date(2025, 5, 31))
    assert v.status is Outcome.INELIGIBLE
    assert v.extras["amounts"]["extra_deduction"] == "0"
    at = verdict("super_deduction", doc, dt.date(2025, 5, 31), negative_list_share="0.50")
    assert at.status is Outcome.ELIGIBLE
    over = verdict("super_deduction", doc, dt.date(2025, 5, 31), negative_list_share="0.5001")
    assert over.status is Outcome.INELIGIBLE


def test_hnte_rate_and_given_rate() -> None:
    cert = [{"kind": "hnte", "issued_on": "2022-12-01", "expires_on": "2025-11-30"}]
    v = verdict("super_deduction", sd_doc(2024, certifications=cert), dt.date(2025, 5, 31))
    assert Decimal(v.extras["amounts"]["tax_saving"]) == Decimal("150000")
    v2 = verdict("super_deduction", sd_doc(2024), dt.date(2025, 5, 31), cit_rate="0.05")
    assert Decimal(v2.extras["amounts"]["tax_saving"]) == Decimal("50000")


def test_capitalised_amortisation() -> None:
    v = verdict(
        "super_deduction",
        sd_doc(2025, "I6520"),
        dt.date(2026, 5, 31),
        ic_or_machine=True,
        capitalised_cost="10000000",
        amortisation_years=10,
    )
    assert Decimal(v.extras["amounts"]["amortisation_deduction"]) == Decimal("2200000")


def test_missing_rd_is_undetermined() -> None:
    doc = sd_doc(2024)
    del doc["years"][0]["rd_expense"]  # type: ignore[index]
    v = verdict("super_deduction", doc, dt.date(2025, 5, 31))
    assert v.status is Outcome.UNDETERMINED
    assert v.missing == ("years[2024].rd_expense",)


# ----------------------------------------------------------------------------- SME size


def size_doc(industry: str, employees: int, revenue: str, assets: str) -> dict[str, object]:
    return enterprise(
        industry=industry,
        years=[
            year(
                2024,
                employees=employees,
                tech_staff=0,
                sales_revenue=revenue,
                total_assets=assets,
                total_liabilities="0",
            )
        ],
    )


@pytest.mark.parametrize(
    ("industry", "x", "y", "z", "size"),
    [
        ("C3911", 300, "20000000", "1", "medium"),
        ("C3911", 299, "300000000", "1", "small"),
        ("C3911", 20, "3000000", "1", "small"),
        ("C3911", 19, "300000000", "1", "micro"),
        ("C3911", 1000, "400000000", "1", "large"),
        ("C3911", 999, "400000000", "1", "medium"),
        ("I6513", 8, "50000000", "1", "micro"),
        ("F5211", 50, "5000000", "1", "medium"),
        ("L7211", 150, "1", "50000000", "small"),
        ("E4710", 1, "60000000", "49990000", "small"),
        ("M7320", 100, "1", "1", "medium"),
        ("A0111", 1, "199999999.99", "1", "medium"),
        ("A0111", 1, "200000000", "1", "large"),
    ],
)
def test_size_table(industry: str, x: int, y: str, z: str, size: str) -> None:
    v = verdict("sme_size", size_doc(industry, x, y, z))
    assert v.extras["size"] == size
    assert v.status is (Outcome.INELIGIBLE if size == "large" else Outcome.ELIGIBLE)


_TIERS = ["micro", "small", "medium", "large"]


@given(st.integers(0, 3000), st.integers(0, 10**11), st.integers(0, 3000), st.integers(0, 10**11))
def test_size_never_drops_when_indicators_grow(x: int, y: int, dx: int, dy: int) -> None:
    table = {
        "employees": (Decimal(1000), Decimal(300), Decimal(20)),
        "revenue": (Decimal(400_000_000), Decimal(20_000_000), Decimal(3_000_000)),
    }
    before = classify_size(table, {"employees": Decimal(x), "revenue": Decimal(y)})
    after = classify_size(table, {"employees": Decimal(x + dx), "revenue": Decimal(y + dy)})
    assert _TIERS.index(after) >= _TIERS.index(before)


def test_size_coarse_code_is_undetermined() -> None:
    v = verdict("sme_size", size_doc("G59", 10, "1", "1"))
    assert v.status is Outcome.UNDETERMINED
    assert v.missing == ("industry",)


# ----------------------------------------------------------------------------- above scale


def scale_doc(industry: str, main: str) -> dict[str, object]:
    return enterprise(
        industry=industry, years=[year(2024, sales_revenue="99999999", main_business_revenue=main)]
    )


def test_above_scale_threshold_inclusive() -> None:
    assert verdict("above_scale", scale_doc("C3911", "20000000")).status is Outcome.ELIGIBLE
    v = verdict("above_scale", scale_doc("C3911", "19999999.99"))
    assert v.status is Outcome.INELIGIBLE
    assert v.criterion("above_scale.main_business_revenue").gap == "0.01"
    na = verdict("above_scale", scale_doc("I6513", "99999999"))
    assert na.status is Outcome.NOT_APPLICABLE
    assert na.eligible is None


def test_above_scale_is_dated_by_the_statistics_year() -> None:
    doc = enterprise(
        industry="B0610",
        registered_on="2000-01-01",
        years=[
            year(2009, sales_revenue="6000000", main_business_revenue="6000000"),
            year(2011, sales_revenue="6000000", main_business_revenue="6000000"),
        ],
    )
    assert verdict("above_scale", doc, dt.date(2010, 6, 30)).status is Outcome.ELIGIBLE
    # 2009 figures are judged by the 2009 threshold (500万), even when evaluated in 2012
    late = verdict("above_scale", doc, dt.date(2012, 3, 31), year=2009)
    assert late.status is Outcome.ELIGIBLE
    assert late.rule_version == "1998"
    assert verdict("above_scale", doc, dt.date(2012, 6, 30)).status is Outcome.INELIGIBLE


def test_sources_belong_to_the_values_of_the_statistics_year() -> None:
    doc = enterprise(
        industry="B0610",
        registered_on="2000-01-01",
        years=[year(2009, sales_revenue="6000000", main_business_revenue="6000000")],
    )
    v = verdict("above_scale", doc, dt.date(2012, 3, 31), year=2009)
    criterion = v.criterion("above_scale.main_business_revenue")
    assert "1998" in criterion.source
    assert "国统字〔2010〕87号" not in criterion.source
    assert {p.name: p.value for p in v.params}["above_scale.industry_min_main_revenue"] == (
        Decimal("5000000")
    )
