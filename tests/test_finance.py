"""Loan products and risk compensation: the POLICIES §7.6 worked examples L1-L3 exactly,
hand-computed cases for every cap, refused packs, and properties (never negative, caps
never exceeded, monotone in the loss)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kejiservice.errors import InvalidInput, ParameterError
from kejiservice.finance import (
    Collateral,
    FinancePackError,
    InterestPayment,
    LoanProduct,
    ProductError,
    ProductVerdict,
    ProvenanceTag,
    Qualification,
    SchemeError,
    bundled_products,
    bundled_schemes,
    compensate,
    compensate_modes,
    eligible_products,
    load_products,
    load_schemes,
    subsidise,
)
from kejiservice.finance._cli import add_finance_parser, parse_amount
from kejiservice.finance._common import templates
from kejiservice.io import load
from kejiservice.models import Enterprise, from_wan, from_yi
from kejiservice.rules import Outcome, Status

from .builders import enterprise, year

AS_OF = dt.date(2025, 6, 30)
WAN = Decimal(10_000)


def wan(value: str | int) -> Decimal:
    return from_wan(value)


@pytest.fixture(scope="module")
def schemes() -> dict[str, Any]:
    return bundled_schemes()


@pytest.fixture(scope="module")
def products() -> dict[str, LoanProduct]:
    return {p.id: p for p in bundled_products()}


def jiangmen_firm(revenue: Decimal, **fields: Any) -> Enterprise:
    """An HNTE of Jiangmen (440703), not listed, with last year's revenue ``revenue``."""
    doc = enterprise(
        region="440703",
        tags=["unlisted"],
        certifications=[{"kind": "hnte", "issued_on": "2023-12-01", "expires_on": "2026-11-30"}],
        years=[year(2022), year(2023), year(2024, sales_revenue=str(revenue))],
    )
    doc.update(fields)
    return load(Enterprise, doc)


def verdict_for(ent: Enterprise, product: LoanProduct, **kw: Any) -> ProductVerdict:
    (found,) = eligible_products(ent, [product], AS_OF, **kw)
    return found


# --------------------------------------------------------------------------- L1 Jiangmen


def test_l1_jiangmen_compensation_spans_30_to_40_percent(schemes: dict[str, Any]) -> None:
    # L1: a revenue-3亿 HNTE borrows 500万 on credit and defaults with 400万 outstanding:
    # 400 × 30–40% = 120–160万.
    by_mode = compensate_modes(schemes["jiangmen_yikedai"], wan(400), collateral="credit")
    amounts = {mode: c.amount for mode, c in by_mode.items()}
    assert amounts == {
        "fiscal": Decimal("1600000.00"),
        "insurance": Decimal("1200000.00"),
        "guarantee": Decimal("1200000.00"),
    }
    assert min(amounts.values()) == wan(120)
    assert max(amounts.values()) == wan(160)


def test_l1_jiangmen_steps_are_explained(schemes: dict[str, Any]) -> None:
    result = compensate(schemes["jiangmen_yikedai"], wan(400), mode="fiscal")
    assert [s.code for s in result.steps] == ["base", "base_cap", "share", "cap.pool", "result"]
    assert result.step("share").amount == wan(160)
    where = result.step("share").provenance
    assert where is not None
    assert where.tag is ProvenanceTag.ASSUMED
    assert result.capped_by == ()
    text = result.explain("zh")
    assert "40%" in text
    assert "1600000.00" in text
    assert "assumed" in text
    # the per-mode split is an assumption, and the pool used is not given: both noted
    notes = " ".join(n.en for n in result.notes)
    assert "loss_share.modes.fiscal" in notes
    assert "Pool used so far" in notes


def test_l1_jiangmen_base_is_limited_to_the_single_loan_cap(schemes: dict[str, Any]) -> None:
    result = compensate(schemes["jiangmen_yikedai"], wan(600), mode="fiscal")
    assert result.step("base_cap").applied
    assert result.step("base_cap").amount == wan(500)
    assert result.amount == wan(200)


def test_l1_jiangmen_pool_left_caps_the_payment(schemes: dict[str, Any]) -> None:
    result = compensate(schemes["jiangmen_yikedai"], wan(400), mode="fiscal", pool_used=wan(2500))
    assert result.amount == wan(110)
    assert result.capped_by == ("cap.pool",)


def test_l1_yikedai_revenue_3yi_hnte_is_eligible(products: dict[str, LoanProduct]) -> None:
    found = verdict_for(
        jiangmen_firm(from_yi(3)), products["yikedai_style"], amount=wan(500), collateral="credit"
    )
    assert found.status is Outcome.ELIGIBLE, found.explain("en")
    assert found.criterion("qualification").actual == "hnte, ip_holder"
    assert found.criterion("amount").status is Status.PASS
    assert found.max_loan == wan(500)


def test_l1_yikedai_revenue_exactly_5yi_is_eligible(products: dict[str, LoanProduct]) -> None:
    found = verdict_for(jiangmen_firm(from_yi(5)), products["yikedai_style"])
    assert found.status is Outcome.ELIGIBLE
    cap = found.criterion("revenue_cap")
    assert cap.status is Status.PASS
    assert cap.required == "<= 500000000.00"


def test_l1_yikedai_revenue_5_2yi_is_ineligible(products: dict[str, LoanProduct]) -> None:
    found = verdict_for(jiangmen_firm(from_yi("5.2")), products["yikedai_style"])
    assert found.status is Outcome.INELIGIBLE
    assert found.failed == ("revenue_cap",)
    cap = found.criterion("revenue_cap")
    assert cap.gap == "20000000.00"
    assert cap.gap_unit == "yuan"
    assert "超出上限" in cap.message.zh
    assert "over the cap" in cap.message.en


def test_l1_yikedai_loan_over_500wan_fails_the_amount(products: dict[str, LoanProduct]) -> None:
    found = verdict_for(jiangmen_firm(from_yi(3)), products["yikedai_style"], amount=wan(600))
    assert found.failed == ("amount",)
    assert found.criterion("amount").gap == "1000000.00"


# --------------------------------------------------------------------------- L2 Anhui


def test_l2_anhui_first_credit_loan(schemes: dict[str, Any]) -> None:
    # L2: a first-ever credit loan, NPL principal 400万 → (30% + 5%) × 400 = 140万.
    result = compensate(
        schemes["anhui_tech_loan_pool"], wan(400), first_loan=True, collateral="credit"
    )
    assert result.amount == wan(140)
    assert result.step("share").amount == wan(120)
    assert result.step("bonus").amount == wan(140)
    cap = result.step("cap.policy_total")
    assert cap.limit == wan(320)
    assert not cap.applied


def test_l2_anhui_bonus_counts_once(schemes: dict[str, Any]) -> None:
    scheme = schemes["anhui_tech_loan_pool"]
    both = compensate(scheme, wan(400), first_loan=True, collateral="ip_pledge")
    one = compensate(scheme, wan(400), first_loan=False, collateral="ip_pledge")
    none = compensate(scheme, wan(400), first_loan=False, collateral="real_estate")
    assert both.amount == one.amount == wan(140)
    assert none.amount == wan(120)


def test_l2_anhui_guaranteed_loan(schemes: dict[str, Any]) -> None:
    result = compensate(
        schemes["anhui_tech_loan_pool"], wan(400), mode="guaranteed", first_loan=True
    )
    assert result.amount == wan(100)  # (20% + 5%) × 400


def test_l2_anhui_80_percent_cap_counts_other_policy_money(schemes: dict[str, Any]) -> None:
    scheme = schemes["anhui_tech_loan_pool"]
    result = compensate(scheme, wan(400), first_loan=True, other_policy_money=wan(200))
    assert result.amount == wan(120)  # 320 − 200
    assert result.capped_by == ("cap.policy_total",)
    spent = compensate(scheme, wan(400), other_policy_money=wan(350))
    assert spent.amount == 0  # nothing left under the 80% cap, never negative


# --------------------------------------------------------------------------- L3 Shenzhen


def test_l3_shenzhen_interest_subsidy_capped_at_100wan(schemes: dict[str, Any]) -> None:
    # L3: interest 60万 on a first loan → 70% = 42万; 120万 → 50% = 60万; 102万 → 100万.
    result = subsidise(
        schemes["shenzhen_interest_subsidy"],
        [
            InterestPayment("first", wan(60), first_loan=True),
            InterestPayment("second", wan(120)),
        ],
    )
    assert result.step("interest[0]").amount == wan(42)
    assert result.step("interest[1]").amount == wan(60)
    assert result.step("subtotal").amount == wan(102)
    assert result.amount == wan(100)
    assert result.capped_by == ("cap.annual",)
    assert result.base == wan(180)


def test_l3_shenzhen_cumulative_cap(schemes: dict[str, Any]) -> None:
    result = subsidise(
        schemes["shenzhen_interest_subsidy"],
        [InterestPayment("a", wan(120))],
        received_before=wan(250),
    )
    assert result.amount == wan(50)  # 300 − 250
    assert result.capped_by == ("cap.cumulative",)


def test_l3_shenzhen_annual_cap_counts_this_years_payments(schemes: dict[str, Any]) -> None:
    result = subsidise(
        schemes["shenzhen_interest_subsidy"],
        [InterestPayment("a", wan(120))],
        received_this_year=wan(70),
    )
    assert result.amount == wan(30)


def test_l3_shenzhen_fee_subsidies_have_their_own_caps(schemes: dict[str, Any]) -> None:
    result = subsidise(
        schemes["shenzhen_interest_subsidy"], [], guarantee_fees=wan(80), premiums=wan(40)
    )
    fee = result.step("guarantee_fee")
    assert fee.amount == wan(30)
    assert fee.applied
    premium = result.step("premium")
    assert premium.amount == wan(20)
    assert not premium.applied
    assert result.amount == wan(50)


def test_jiangmen_interest_subsidy_only_for_ip_pledge(schemes: dict[str, Any]) -> None:
    scheme = schemes["jiangmen_yikedai"]
    result = subsidise(
        scheme,
        [
            InterestPayment("ip", wan(10), collateral=Collateral.IP_PLEDGE),
            InterestPayment("credit", wan(10), collateral=Collateral.CREDIT),
        ],
    )
    assert result.amount == wan(5)
    assert result.step("interest[1]").amount == 0
    with pytest.raises(InvalidInput) as info:
        subsidise(scheme, [InterestPayment("x", wan(10))])
    assert info.value.paths == ("loans[0].collateral",)


# --------------------------------------------------------------------------- Guangzhou


def test_guangzhou_half_of_the_npl_balance(schemes: dict[str, Any]) -> None:
    scheme = schemes["guangzhou_tech_sme_pool"]
    assert compensate(scheme, wan(400)).amount == wan(200)
    again = compensate(scheme, wan(400), paid_for_loan=wan(150))
    assert again.amount == wan(50)
    assert again.capped_by == ("cap.per_loan",)
    budget = compensate(scheme, wan(400), budget_used=from_yi(2) - wan(10))
    assert budget.amount == wan(10)
    assert budget.capped_by == ("cap.annual_budget",)


def test_rounding_is_down_to_the_fen(schemes: dict[str, Any]) -> None:
    result = compensate(schemes["anhui_tech_loan_pool"], Decimal("0.05"))
    assert result.exact == Decimal("0.0150")
    assert result.amount == Decimal("0.01")
    assert "rounded down" in result.step("result").message.en


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"loss": 4000000.0}, "loss"),
        ({"loss": "-1"}, "loss"),
        ({"loss": "abc"}, "loss"),
        ({"loss": "1", "mode": "nope"}, "mode"),
        ({"loss": "1", "collateral": "gold"}, "collateral"),
        ({"loss": "1", "other_policy_money": 1.5}, "other_policy_money"),
    ],
)
def test_bad_inputs_are_refused(schemes: dict[str, Any], kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidInput) as info:
        compensate(schemes["anhui_tech_loan_pool"], **kwargs)
    assert info.value.paths == (path,)


def test_a_multi_mode_scheme_without_default_needs_a_mode(tmp_path: Path) -> None:
    text = _scheme_text().replace('default_mode = "direct"\n', "")
    scheme = _scheme_from(tmp_path, text)
    with pytest.raises(InvalidInput, match="a mode is needed"):
        compensate(scheme, 100)


def test_wrong_part_of_a_scheme(schemes: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="no loss share"):
        compensate(schemes["shenzhen_interest_subsidy"], 100)
    with pytest.raises(InvalidInput, match="no interest subsidy"):
        subsidise(schemes["anhui_tech_loan_pool"], [])
    with pytest.raises(InvalidInput, match="no guarantee-fee"):
        subsidise(schemes["jiangmen_yikedai"], [], guarantee_fees=100)


def test_compensation_json(schemes: dict[str, Any]) -> None:
    data = compensate(schemes["anhui_tech_loan_pool"], wan(400), first_loan=True).to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["amount"] == "1400000.00"
    assert data["rounding"].startswith("ROUND_FLOOR")
    assert data["steps"][-1]["code"] == "result"
    assert {"zh", "en"} <= set(data["steps"][0]["message"])


# --------------------------------------------------------------------------- properties

_LOSS = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False)
_USED = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2))
_SCHEMES = ["jiangmen_yikedai", "guangzhou_tech_sme_pool", "anhui_tech_loan_pool"]


@st.composite
def loss_case(draw: st.DrawFn) -> dict[str, Any]:
    scheme = bundled_schemes()[draw(st.sampled_from(_SCHEMES))]
    assert scheme.loss_share is not None
    return {
        "scheme": scheme,
        "mode": draw(st.sampled_from(sorted(scheme.loss_share.modes))),
        "first_loan": draw(st.booleans()),
        "collateral": draw(st.sampled_from([None, *Collateral])),
        "paid_for_loan": draw(st.decimals(min_value=0, max_value=10**9, places=2)),
        "other_policy_money": draw(st.decimals(min_value=0, max_value=10**9, places=2)),
        "budget_used": draw(_USED),
        "pool_used": draw(_USED),
    }


@given(case=loss_case(), loss=_LOSS)
@example(
    case={"scheme": bundled_schemes()["anhui_tech_loan_pool"], "mode": "direct"},
    loss=Decimal(0),
)
def test_compensation_is_never_negative_and_within_every_cap(
    case: dict[str, Any], loss: Decimal
) -> None:
    scheme = case.pop("scheme")
    result = compensate(scheme, loss, **case)
    assert result.amount >= 0
    assert result.amount <= result.exact
    assert result.exact - result.amount < Decimal("0.01")
    for item in result.steps:
        assert item.amount >= 0
        if item.limit is not None:
            assert result.amount <= item.limit
    # never more than the largest share of the loss
    part = scheme.loss_share
    top = max(m.share for m in part.modes.values()) + (part.bonus.share if part.bonus else 0)
    assert result.amount <= loss * top


@given(case=loss_case(), a=_LOSS, b=_LOSS)
def test_compensation_is_monotone_in_the_loss(case: dict[str, Any], a: Decimal, b: Decimal) -> None:
    scheme = case.pop("scheme")
    low, high = sorted((a, b))
    assert compensate(scheme, low, **case).amount <= compensate(scheme, high, **case).amount


@given(
    interests=st.lists(
        st.tuples(st.decimals(min_value=0, max_value=10**8, places=2), st.booleans()),
        max_size=4,
    ),
    fees=st.decimals(min_value=0, max_value=10**7, places=2),
    premiums=st.decimals(min_value=0, max_value=10**7, places=2),
    this_year=st.decimals(min_value=0, max_value=2 * 10**6, places=2),
    before=st.decimals(min_value=0, max_value=4 * 10**6, places=2),
    more=st.decimals(min_value=0, max_value=10**7, places=2),
)
def test_subsidy_never_negative_within_caps_and_monotone(
    interests: list[tuple[Decimal, bool]],
    fees: Decimal,
    premiums: Decimal,
    this_year: Decimal,
    before: Decimal,
    more: Decimal,
) -> None:
    scheme = bundled_schemes()["shenzhen_interest_subsidy"]
    loans = [InterestPayment(f"L{i}", x, first) for i, (x, first) in enumerate(interests)]
    kw: dict[str, Any] = {
        "guarantee_fees": fees,
        "premiums": premiums,
        "received_this_year": this_year,
        "received_before": before,
    }
    result = subsidise(scheme, loans, **kw)
    assert result.amount >= 0
    assert result.amount <= max(wan(100) - this_year, Decimal(0))
    assert result.amount <= max(wan(300) - before - this_year, Decimal(0))
    assert result.step("subtotal").amount <= sum((x for x, _ in interests), Decimal(0)) * Decimal(
        "0.7"
    ) + wan(80)
    bigger = subsidise(scheme, [*loans, InterestPayment("extra", more)], **kw)
    assert bigger.amount >= result.amount


# --------------------------------------------------------------------------- products


def firm(**fields: Any) -> Enterprise:
    doc = enterprise(region="449901", **fields)
    return load(Enterprise, doc)


def product(**fields: Any) -> LoanProduct:
    base: dict[str, Any] = {
        "id": "p",
        "name_zh": "测试贷",
        "name_en": "test loan",
        "bank": "测试银行",
        "tag": "illustrative",
        "source": "test",
    }
    base.update(fields)
    return LoanProduct(**base)


def test_qualifications_any_of() -> None:
    quals = (Qualification.HNTE, Qualification.TECH_SME)
    item = product(qualifications=quals)
    holder = firm(certifications=[{"kind": "tech_sme", "issued_on": "2025-05-01"}])
    assert verdict_for(holder, item).status is Outcome.ELIGIBLE
    assert verdict_for(holder, item).criterion("qualification").detail == {
        "hnte": "fail",
        "tech_sme": "pass",
    }
    assert verdict_for(firm(), item).failed == ("qualification",)


def test_hnte_without_expiry_runs_three_years() -> None:
    item = product(qualifications=(Qualification.HNTE,))
    old = firm(certifications=[{"kind": "hnte", "issued_on": "2021-12-01"}])
    fresh = firm(certifications=[{"kind": "hnte", "issued_on": "2023-12-01"}])
    assert verdict_for(old, item).status is Outcome.INELIGIBLE
    assert verdict_for(fresh, item).status is Outcome.ELIGIBLE


def test_ip_holder_classes_and_core() -> None:
    utility = [{"kind": "utility_model", "granted_on": "2020-01-01", "core": True}]
    unknown_core = [{"kind": "invention_patent", "granted_on": "2020-01-01"}]
    class_one = product(qualifications=(Qualification.IP_HOLDER,), ip_classes=(1,))
    assert verdict_for(firm(ip=utility), class_one).status is Outcome.INELIGIBLE
    core = product(qualifications=(Qualification.IP_HOLDER,), ip_core_only=True)
    assert verdict_for(firm(ip=utility), core).status is Outcome.ELIGIBLE
    assert verdict_for(firm(ip=unknown_core), core).status is Outcome.UNDETERMINED
    expired = [{"kind": "utility_model", "granted_on": "2010-01-01", "expires_on": "2020-01-01"}]
    assert verdict_for(
        firm(ip=expired), product(qualifications=(Qualification.IP_HOLDER,))
    ).status is (Outcome.INELIGIBLE)


def test_tagged_qualifications_are_unknown_until_tagged() -> None:
    item = product(qualifications=(Qualification.HNTE, Qualification.TALENT_FOUNDED))
    unknown = verdict_for(firm(), item)
    assert unknown.status is Outcome.UNDETERMINED
    assert unknown.missing == ("tags: talent_founded",)
    assert verdict_for(firm(tags=["talent_founded"]), item).status is Outcome.ELIGIBLE


def test_non_listed_reads_the_tags() -> None:
    item = product(non_listed=True)
    assert verdict_for(firm(), item).status is Outcome.UNDETERMINED
    assert verdict_for(firm(tags=["unlisted"]), item).status is Outcome.ELIGIBLE
    assert verdict_for(firm(tags=["listed"]), item).failed == ("non_listed",)


def test_region_prefix() -> None:
    item = product(region="4407")
    assert verdict_for(firm(), item).failed == ("region",)
    doc = enterprise()
    del doc["region"]
    assert verdict_for(load(Enterprise, doc), item).missing == ("region",)


def test_staff_cap_exclusive_boundary() -> None:
    from kejiservice.finance import Limit

    item = product(staff_cap=Limit(Decimal(100), inclusive=False))
    found = verdict_for(firm(), item)  # the builder's firm has exactly 100 employees
    assert found.failed == ("staff_cap",)
    assert found.criterion("staff_cap").gap == "1"
    assert verdict_for(firm(), product(staff_cap=Limit(Decimal(100)))).status is Outcome.ELIGIBLE


def test_missing_revenue_is_unknown() -> None:
    from kejiservice.finance import Limit

    item = product(revenue_cap=Limit(from_yi(1)))
    found = verdict_for(firm(years=[year(2022), year(2023)]), item)
    assert found.status is Outcome.UNDETERMINED
    assert found.missing == ("years[2024].sales_revenue",)


def test_credit_record_windows() -> None:
    from kejiservice.finance import CreditRecord

    item = product(credit_record=CreditRecord(listing_years=3, incident_years=3))
    old_listing = [{"kind": "abnormal_operation", "from": "2021-01-01", "to": "2022-06-01"}]
    recent_listing = [{"kind": "abnormal_operation", "from": "2021-01-01", "to": "2022-08-01"}]
    assert verdict_for(firm(listings=old_listing), item).status is Outcome.ELIGIBLE
    failed = verdict_for(firm(listings=recent_listing), item)
    assert failed.failed == ("credit_record",)
    assert "2021-01-01" in failed.criterion("credit_record").message.zh
    incident = [{"kind": "major_safety", "on": "2022-07-01"}]
    assert verdict_for(firm(incidents=incident), item).failed == ("credit_record",)
    before = [{"kind": "major_safety", "on": "2022-06-30"}]
    assert verdict_for(firm(incidents=before), item).status is Outcome.ELIGIBLE
    as_of_only = product(credit_record=CreditRecord(listing_years=0, incident_years=0))
    assert verdict_for(firm(listings=recent_listing), as_of_only).status is Outcome.ELIGIBLE


def test_term_collateral_and_window() -> None:
    item = product(term_months_max=12, collateral=(Collateral.CREDIT,))
    found = verdict_for(firm(), item, term_months=24, collateral="real_estate")
    assert found.failed == ("term", "collateral")
    late = product(effective_to=dt.date(2024, 12, 31))
    gone = verdict_for(firm(), late)
    assert gone.status is Outcome.NOT_APPLICABLE
    assert gone.eligible is None


def test_answers_are_sorted_and_order_independent(products: dict[str, LoanProduct]) -> None:
    ent = firm(certifications=[{"kind": "hnte", "issued_on": "2024-12-01"}])
    catalogue = list(products.values())
    first = [v.to_dict() for v in eligible_products(ent, catalogue, AS_OF)]
    random.Random(7).shuffle(catalogue)
    again = [v.to_dict() for v in eligible_products(ent, catalogue, AS_OF)]
    assert first == again
    order = {"eligible": 0, "undetermined": 1, "ineligible": 2, "not_applicable": 3}
    keys = [(order[v["status"]], v["product"]) for v in first]
    assert keys == sorted(keys)


def test_bad_calls_are_refused(products: dict[str, LoanProduct]) -> None:
    item = products["qingshan_gaoqidai"]
    with pytest.raises(InvalidInput):
        eligible_products(firm(), [item], dt.datetime(2025, 6, 30))
    with pytest.raises(InvalidInput):
        eligible_products(firm(), [item, item], AS_OF)
    with pytest.raises(InvalidInput):
        eligible_products(firm(), [item], AS_OF, amount=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        eligible_products(firm(), [item], AS_OF, collateral="gold")
    with pytest.raises(InvalidInput):
        eligible_products(firm(), [item], AS_OF, term_months=0)


def test_verdict_json_and_explanation(products: dict[str, LoanProduct]) -> None:
    found = verdict_for(jiangmen_firm(from_yi(3)), products["yikedai_style"])
    data = found.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["rule"] == "loan_product:yikedai_style"
    assert data["max_single_loan"] == "5000000"
    assert data["scheme"] == "jiangmen_yikedai"
    assert "邑科贷" in found.explain("zh")
    assert found.notes  # the pack's readings of the source are shown


def test_hints_name_the_rules_already_met() -> None:
    item = product(qualifications=(Qualification.HNTE, Qualification.TECH_SME))
    found = verdict_for(firm(), item, hints=True)
    assert found.status is Outcome.INELIGIBLE
    # the builder's firm meets the tech-SME conditions but is not in the registry; its
    # HNTE verdict is undetermined (no expert score), so only tech_sme is named
    (hint,) = [n for n in found.notes if n.key == "finance.product.note.hint"]
    assert "tech_sme" in hint.en
    assert "hnte" not in hint.en
    assert not verdict_for(firm(), item).notes[1:]


# --------------------------------------------------------------------------- bundled packs


def test_bundled_packs_load_with_sources(
    schemes: dict[str, Any], products: dict[str, LoanProduct]
) -> None:
    assert set(schemes) == {
        "anhui_tech_loan_pool",
        "guangzhou_tech_sme_pool",
        "jiangmen_yikedai",
        "shenzhen_interest_subsidy",
    }
    for scheme in schemes.values():
        assert scheme.source
    for item in products.values():
        assert item.source
        if item.id.startswith("qingshan_"):
            assert item.tag is ProvenanceTag.ILLUSTRATIVE
            assert item.region.startswith("4499")
        if item.scheme is not None:
            assert item.scheme in schemes
    assert products["yikedai_style"].max_credit_per_firm == wan(1000)
    assert products["yikedai_style"].revenue_cap is not None
    assert products["yikedai_style"].revenue_cap.value == from_yi(5)


def test_bundled_amounts_are_converted_from_wan(schemes: dict[str, Any]) -> None:
    guangzhou = schemes["guangzhou_tech_sme_pool"].loss_share
    assert guangzhou.annual_budget.amount == from_yi(2)
    shenzhen = schemes["shenzhen_interest_subsidy"].interest_subsidy
    assert shenzhen.annual.amount == wan(100)
    assert shenzhen.cumulative.amount == wan(300)
    assert shenzhen.premium.annual_cap == wan(50)
    assert shenzhen.guarantee_fee.annual_cap == wan(30)


def _placeholders(text: str) -> set[str]:
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return {n.removesuffix("_zh").removesuffix("_en") for n in names}


def test_every_message_gets_all_its_arguments(
    schemes: dict[str, Any], products: dict[str, LoanProduct]
) -> None:
    # a missing argument renders as "?": none may appear in real explanations
    texts: list[str] = []
    for scheme in schemes.values():
        if scheme.loss_share is not None:
            results = compensate_modes(scheme, wan(600), first_loan=True, pool_used=wan(1))
            for result in results.values():
                texts.extend(result.explain(lang) for lang in ("zh", "en"))
    texts += [
        subsidise(
            schemes["shenzhen_interest_subsidy"],
            [InterestPayment("a", wan(60), first_loan=True)],
            guarantee_fees=wan(80),
            premiums=wan(10),
        ).explain(lang)
        for lang in ("zh", "en")
    ]
    listed = [{"kind": "serious_dishonest", "from": "2025-01-01"}]
    ent = jiangmen_firm(from_yi(6), listings=listed, tags=["listed"])
    request: dict[str, Any] = {"amount": wan(900), "term_months": 36, "collateral": "real_estate"}
    for found in eligible_products(ent, products.values(), AS_OF, **request):
        texts.extend(found.explain(lang) for lang in ("zh", "en"))
    for text in texts:
        assert "?" not in text, text


def test_messages_have_the_same_placeholders_in_both_languages() -> None:
    for key, pair in templates().items():
        assert _placeholders(pair["zh"]) == _placeholders(pair["en"]), key


# --------------------------------------------------------------------------- refused packs


def _scheme_text() -> str:
    return """
id = "test_pool"
name_zh = "测试资金池"
name_en = "test pool"
source = "test"
tag = "illustrative"

[loss_share]
default_mode = "direct"

[loss_share.modes.direct]
label_zh = "直贷"
label_en = "direct"
base_zh = "本金"
base_en = "principal"
share = "0.30"
tag = "illustrative"
source = "test"

[loss_share.modes.other]
label_zh = "其他"
label_en = "other"
base_zh = "本金"
base_en = "principal"
share = "0.20"
tag = "illustrative"
source = "test"
"""


def _scheme_from(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "test_pool.toml"
    path.write_text(text, encoding="utf-8")
    return load_schemes(path)["test_pool"]


@pytest.mark.parametrize(
    ("old", "new", "where", "reason"),
    [
        ('share = "0.30"', "share = 30", "loss_share.modes.direct.share", "percentage"),
        ('share = "0.30"', 'share = "-0.1"', "loss_share.modes.direct.share", "negative"),
        ('tag = "illustrative"\n\n[loss_share]', 'tag = "sure"\n\n[loss_share]', "tag", "one of"),
        ('default_mode = "direct"', 'default_mode = "nope"', "loss_share.default_mode", "modes"),
        (
            'label_en = "direct"',
            'label_en = "direct"\nshares = "1"',
            "loss_share.modes.direct.shares",
            "unknown key",
        ),
        (
            'source = "test"\n\n[loss_share.modes.other]',
            "\n[loss_share.modes.other]",
            "loss_share.modes.direct.source",
            "non-empty",
        ),
        (
            "[loss_share.modes.other]",
            '[loss_share.bonus]\nshare = "0.8"\nfirst_loan = true\ntag = "assumed"\n'
            'source = "t"\n\n[loss_share.modes.other]',
            "loss_share.bonus",
            "exceeds 1",
        ),
        (
            "[loss_share.modes.other]",
            '[loss_share.caps.pool]\namount_wan = "many"\ntag = "assumed"\nsource = "t"\n\n'
            "[loss_share.modes.other]",
            "loss_share.caps.pool.amount_wan",
            "decimal",
        ),
        (
            "[loss_share.modes.other]",
            '[loss_share.bonus]\nshare = "0.05"\ncollateral = ["gold"]\ntag = "assumed"\n'
            'source = "t"\n\n[loss_share.modes.other]',
            "loss_share.bonus.collateral[0]",
            "unknown value",
        ),
        (
            'name_en = "test pool"',
            'name_en = "test pool"\neffective_from = "2025"',
            "effective_from",
            "date",
        ),
        ("[loss_share]\n", "[loss_share\n", "toml", ""),
    ],
)
def test_bad_scheme_packs_are_refused_with_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, reason: str
) -> None:
    text = _scheme_text()
    assert old in text
    with pytest.raises(SchemeError) as info:
        _scheme_from(tmp_path, text.replace(old, new, 1))
    assert isinstance(info.value, FinancePackError)
    assert isinstance(info.value, ParameterError)
    assert any(
        p.startswith(f"test_pool.toml: {where}") and reason in p for p in info.value.problems
    ), info.value.problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        _scheme_text()
        .replace('share = "0.30"', "share = 30")
        .replace('share = "0.20"', 'share = "x"')
    )
    with pytest.raises(SchemeError) as info:
        _scheme_from(tmp_path, text)
    assert len(info.value.problems) == 2


_PRODUCT = """
id = "test_loan"
name_zh = "测试贷"
name_en = "test loan"
bank = "测试银行"
tag = "illustrative"
source = "test"
assumptions = ["只有中文的读法", { zh = "双语读法", en = "a bilingual reading" }]

[eligibility]
qualifications = ["hnte", "ip_holder"]
ip_classes = [1]
revenue_cap_wan = 50000
staff_cap = 500

[eligibility.credit_record]
listing_years = 3

[terms]
max_credit_per_firm_wan = 1000
max_single_loan_wan = 500
term_months_max = 12
collateral = ["credit"]
"""


def test_a_product_pack_loads_and_converts_wan(tmp_path: Path) -> None:
    (tmp_path / "loan.toml").write_text(_PRODUCT, encoding="utf-8")
    (item,) = load_products(tmp_path)
    assert item.revenue_cap is not None
    assert item.revenue_cap.value == from_yi(5)
    assert item.max_single_loan == wan(500)
    assert item.origin == "loan.toml"
    assert item.to_dict()["max_single_loan"] == "5000000"
    assert item.assumptions == (
        ("只有中文的读法", "只有中文的读法"),
        ("双语读法", "a bilingual reading"),
    )


@pytest.mark.parametrize(
    ("old", "new", "where", "reason"),
    [
        ('"hnte", "ip_holder"', '"hnte", "rich"', "eligibility.qualifications[1]", "unknown value"),
        (
            "revenue_cap_wan = 50000",
            "revenue_cap_wan = -1",
            "eligibility.revenue_cap_wan",
            "negative",
        ),
        ("staff_cap = 500", "staff_cap = 1.5", "eligibility.staff_cap", "integer"),
        ("ip_classes = [1]", "ip_classes = [3]", "eligibility.ip_classes", "1 and/or 2"),
        (
            "max_single_loan_wan = 500",
            "max_single_loan_wan = 5000",
            "terms.max_single_loan_wan",
            "exceeds",
        ),
        (
            'collateral = ["credit"]',
            'collateral = ["gold"]',
            "terms.collateral[0]",
            "unknown value",
        ),
        ('id = "test_loan"', 'id = "Test Loan"', "id", "lower case"),
        ('tag = "illustrative"', "", "tag", "needs a tag"),
        (
            "listing_years = 3",
            "listing_years = -3",
            "eligibility.credit_record.listing_years",
            ">= 0",
        ),
        ("term_months_max = 12", "term_month_max = 12", "terms.term_month_max", "unknown key"),
    ],
)
def test_bad_product_packs_are_refused_with_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, reason: str
) -> None:
    assert old in _PRODUCT
    (tmp_path / "loan.toml").write_text(_PRODUCT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProductError) as info:
        load_products(tmp_path)
    assert isinstance(info.value, ParameterError)
    assert any(p.startswith(f"loan.toml: {where}") and reason in p for p in info.value.problems), (
        info.value.problems
    )


def test_catalogue_keys_name_the_product_index(tmp_path: Path) -> None:
    body = _PRODUCT.replace("[eligibility", "[product.eligibility").replace(
        "[terms]", "[product.terms]"
    )
    bad = body.replace('id = "test_loan"', 'id = "second"').replace(
        "staff_cap = 500", "staff_cap = 0"
    )
    (tmp_path / "cat.toml").write_text(f"[[product]]{body}\n[[product]]{bad}", encoding="utf-8")
    with pytest.raises(ProductError) as info:
        load_products(tmp_path / "cat.toml")
    assert info.value.problems == (
        "cat.toml: product[1].eligibility.staff_cap: must be a positive integer",
    )


def test_duplicate_product_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(_PRODUCT, encoding="utf-8")
    (tmp_path / "b.toml").write_text(_PRODUCT, encoding="utf-8")
    with pytest.raises(ProductError, match=r"b.toml: id: duplicate product id 'test_loan'"):
        load_products(tmp_path)


# --------------------------------------------------------------------------- command line


def run_cli(*argv: str) -> str:
    parser = argparse.ArgumentParser(prog="kejiservice")
    add_finance_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    out = io.StringIO()
    assert args.run(args, out) == 0
    return out.getvalue()


def test_parse_amount() -> None:
    assert parse_amount("400万") == wan(400)
    assert parse_amount("5.2亿元") == from_yi("5.2")
    assert parse_amount("1234.5") == Decimal("1234.5")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_amount("-1")


def test_cli_compensate_l2_and_l3() -> None:
    text = run_cli(
        "loans",
        "compensate",
        "anhui_tech_loan_pool",
        "--loss",
        "400万",
        "--first-loan",
        "--collateral",
        "credit",
        "--lang",
        "en",
    )
    assert "1400000.00" in text
    data = json.loads(
        run_cli(
            "loans",
            "compensate",
            "shenzhen_interest_subsidy",
            "--interest",
            "60万:first",
            "--interest",
            "120万",
            "--json",
        )
    )
    assert data["amount"] == "1000000.00"
    modes = json.loads(
        run_cli(
            "loans", "compensate", "jiangmen_yikedai", "--loss", "400万", "--all-modes", "--json"
        )
    )
    assert sorted(m["amount"] for m in modes) == ["1200000.00", "1200000.00", "1600000.00"]


def test_cli_eligible(tmp_path: Path) -> None:
    path = tmp_path / "firm.json"
    doc = enterprise(id="E1", region="440703", tags=["unlisted"])
    doc["certifications"] = [{"kind": "hnte", "issued_on": "2024-12-01"}]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    text = run_cli("loans", "eligible", "--as-of", "2025-06-30", str(path))
    assert "E1\tyikedai_style\teligible" in text
    data = json.loads(run_cli("loans", "eligible", "--as-of", "2025-06-30", str(path), "--json"))
    assert data[0]["enterprise"] == "E1"
    with pytest.raises(InvalidInput):
        run_cli("loans", "compensate", "nowhere", "--loss", "1")
