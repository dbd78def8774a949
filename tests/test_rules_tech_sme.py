"""Tech SME (国科发政〔2017〕115号): limits, score bands, the better R&D ratio, direct paths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kejiservice.rules import Outcome

from .builders import enterprise, set_figure, status_of, verdict

AS_OF = dt.date(2025, 7, 15)


def tsme(**fields: object) -> dict[str, object]:
    return enterprise(**fields)


@pytest.mark.parametrize(
    ("field", "at_limit", "over"),
    [
        ("employees", 500, 501),
        ("sales_revenue", Decimal("200000000"), Decimal("200000000.01")),
        ("total_assets", Decimal("200000000"), Decimal("200000000.01")),
    ],
)
def test_size_limits_are_inclusive(field: str, at_limit: object, over: object) -> None:
    code = {
        "employees": "tech_sme.staff_limit",
        "sales_revenue": "tech_sme.sales_limit",
        "total_assets": "tech_sme.assets_limit",
    }[field]
    base = set_figure(tsme(), 2024, "tech_staff", 100)
    base = set_figure(
        set_figure(base, 2024, "rd_expense", "12000000"), 2024, "rd_expense_domestic", "12000000"
    )
    doc = set_figure(base, 2024, field, at_limit)
    assert status_of(verdict("tech_sme", doc, AS_OF), code) == "pass"
    v = verdict("tech_sme", set_figure(base, 2024, field, over), AS_OF)
    assert status_of(v, code) == "fail"
    assert v.status is Outcome.INELIGIBLE
    assert v.failed == (code,)
    (proposal,) = v.criterion(code).proposals
    assert proposal.verified
    assert proposal.target == at_limit


@given(st.integers(1, 2000))
@example(100)
def test_tech_staff_nonzero_boundary(employees: int) -> None:
    tenth = -(-employees // 10)
    doc = set_figure(set_figure(tsme(), 2024, "employees", employees), 2024, "tech_staff", tenth)
    assert status_of(verdict("tech_sme", doc, AS_OF), "tech_sme.tech_staff_score_nonzero") == "pass"
    if tenth:
        short = set_figure(doc, 2024, "tech_staff", tenth - 1)
        v = verdict("tech_sme", short, AS_OF)
        assert status_of(v, "tech_sme.tech_staff_score_nonzero") == "fail"
        assert v.criterion("tech_sme.tech_staff_score_nonzero").gap == "1"


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("1200000", 50),
        ("1199999.99", 40),
        ("1000000", 40),
        ("999999.99", 30),
        ("800000", 30),
        ("600000", 20),
        ("400000", 10),
        ("399999.99", 0),
    ],
)
def test_rd_band_edges(rd: str, points: int) -> None:
    doc = set_figure(set_figure(tsme(), 2024, "sales_revenue", "20000000"), 2024, "rd_expense", rd)
    doc = set_figure(doc, 2024, "rd_expense_domestic", rd)
    c = verdict("tech_sme", doc, AS_OF).criterion("tech_sme.score")
    assert c.detail["rd_points"] == points


def test_better_ratio_counts() -> None:
    doc = set_figure(tsme(), 2024, "cost_and_expense", "9600000")  # 2.4M / 9.6M = 25%
    doc = set_figure(doc, 2024, "sales_revenue", "80000000")  # 3% of sales -> 20
    c = verdict("tech_sme", doc, AS_OF).criterion("tech_sme.score")
    assert c.detail["rd_points"] == 40
    assert c.detail["rd_basis"] == "cost_and_expense"


@given(st.integers(0, 5_000_000_00), st.integers(0, 5_000_000_00))
def test_score_is_monotone_in_rd(a: int, b: int) -> None:
    low, high = sorted((Decimal(a) / 100, Decimal(b) / 100))

    def score(rd: Decimal) -> int:
        doc = set_figure(
            set_figure(tsme(), 2024, "rd_expense", rd), 2024, "rd_expense_domestic", rd
        )
        total = verdict("tech_sme", doc, AS_OF).criterion("tech_sme.score").detail["score"]
        assert isinstance(total, int)
        return total

    assert score(low) <= score(high)


def test_direct_path_needs_basic_conditions() -> None:
    cert = [{"kind": "hnte", "issued_on": "2023-12-01", "expires_on": "2026-11-30"}]
    weak = set_figure(tsme(certifications=cert, ip=[]), 2024, "rd_expense", "0")
    weak = set_figure(weak, 2024, "rd_expense_domestic", "0")
    weak = set_figure(weak, 2024, "tech_staff", 5)
    v = verdict("tech_sme", weak, AS_OF)
    assert v.status is Outcome.ELIGIBLE
    assert v.path == "direct:valid_hnte"
    assert v.failed == ()
    big = set_figure(weak, 2024, "employees", 501)
    v2 = verdict("tech_sme", big, AS_OF)
    assert v2.status is Outcome.INELIGIBLE
    assert v2.failed == ("tech_sme.staff_limit",)


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("awards", [{"level": "national", "year": 2021, "rank": 3}], "direct:national_award"),
        ("standards_led", [{"level": "industry", "year": 2022, "rank": 5}], "direct:standard"),
        (
            "certifications",
            [{"kind": "rd_institution_provincial", "issued_on": "2020-01-01"}],
            "direct:rd_institution",
        ),
    ],
)
def test_other_direct_paths(field: str, value: object, path: str) -> None:
    doc = set_figure(tsme(ip=[], **{field: value}), 2024, "tech_staff", 0)
    v = verdict("tech_sme", doc, AS_OF)
    assert v.status is Outcome.ELIGIBLE, v.explain("en")
    assert v.path == path


def test_award_too_old_or_ranked_too_low_does_not_count() -> None:
    old = tsme(ip=[], awards=[{"level": "national", "year": 2019, "rank": 1}])
    low = tsme(ip=[], awards=[{"level": "national", "year": 2024, "rank": 4}])
    for doc in (old, low):
        doc = set_figure(doc, 2024, "tech_staff", 0)
        assert verdict("tech_sme", doc, AS_OF).status is Outcome.INELIGIBLE


def test_negative_list_industry_applies_from_2022() -> None:
    doc = tsme(industry="F5171")
    v_new = verdict("tech_sme", doc, AS_OF)
    assert status_of(v_new, "tech_sme.industry_allowed") == "fail"
    old_doc = tsme(
        industry="F5171",
        years=[
            {**row, "year": row["year"] - 4}
            for row in tsme()["years"]  # type: ignore[union-attr]
        ],
    )
    v_old = verdict("tech_sme", old_doc, dt.date(2021, 7, 1))
    assert v_old.rule_version == "2017"
    assert status_of(v_old, "tech_sme.industry_allowed") == "pass"


def test_clean_record_window_and_listings() -> None:
    prior = tsme(incidents=[{"kind": "serious_fraud", "on": "2024-01-01"}])
    assert status_of(verdict("tech_sme", prior, AS_OF), "tech_sme.clean_record") == "fail"
    older = tsme(incidents=[{"kind": "serious_fraud", "on": "2023-12-31"}])
    assert status_of(verdict("tech_sme", older, AS_OF), "tech_sme.clean_record") == "pass"
    ended = tsme(
        listings=[{"kind": "abnormal_operation", "from": "2024-01-01", "to": "2025-07-14"}]
    )
    assert status_of(verdict("tech_sme", ended, AS_OF), "tech_sme.clean_record") == "pass"
    active = tsme(listings=[{"kind": "abnormal_operation", "from": "2024-01-01"}])
    assert status_of(verdict("tech_sme", active, AS_OF), "tech_sme.clean_record") == "fail"


def test_ip_counts_only_while_valid() -> None:
    expired = tsme(
        ip=[{"kind": "invention_patent", "granted_on": "2010-01-01", "expires_on": "2025-07-14"}]
    )
    c = verdict("tech_sme", expired, AS_OF).criterion("tech_sme.score")
    assert c.detail["ip_points"] == 0
    disputed = tsme(ip=[{"kind": "invention_patent", "granted_on": "2010-01-01", "disputed": True}])
    assert verdict("tech_sme", disputed, AS_OF).criterion("tech_sme.score").detail["ip_points"] == 0
