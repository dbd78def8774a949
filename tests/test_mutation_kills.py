"""Boundary tests at every threshold of every rule family and of the parameter loader.

Each threshold is tested on both sides, by the smallest step the data allows: one fen
(0.01 yuan), one person, one day, one point. These are the tests that tell ``<`` from
``<=``: a suite can reach every branch and still miss a swapped operator. They were
written against the survivors of ``uv run --group mut mutmut run`` (see
docs/explanation/quality.md); the golden test at the end pins the whole verdict JSON
and explanation text of a corpus of boundary enterprises, so that a changed message
key, source, unit or rounding is caught as well.

Regenerate the golden digests after an intended change of verdict output with
``KEJISERVICE_UPDATE_GOLDEN=1 uv run pytest tests/test_mutation_kills.py -k golden``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kejiservice
from kejiservice import InvalidInput, ParameterError
from kejiservice.industry import classify_industry
from kejiservice.params import Band, ParameterSet, lint_layer, load_layer, national
from kejiservice.params._loader import Parameter, Version
from kejiservice.rules import Outcome, Status, Verdict

from .builders import AS_OF, enterprise, set_figure, year

D = Decimal
FEN = D("0.01")
GOLDEN = Path(__file__).parent / "mutation" / "golden.json"


def ev(rule: str, doc: dict[str, Any], as_of: dt.date = AS_OF, **inputs: Any) -> Verdict:
    return kejiservice.evaluate(rule, doc, as_of, **inputs)


def crit(v: Verdict, code: str) -> Any:
    return v.criterion(code)


def st(v: Verdict, code: str) -> str:
    return v.criterion(code).status.value


def rd_rows(values: dict[int, Any], sales: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """Years 2022-2024 with the given R&D (all domestic) and sales."""
    rows = []
    for y in (2022, 2023, 2024):
        figures: dict[str, Any] = {
            "rd_expense": str(values[y]),
            "rd_expense_domestic": str(values[y]),
        }
        if sales is not None:
            figures["sales_revenue"] = str(sales[y])
            figures["total_income"] = str(sales[y])
        rows.append(year(y, **figures))
    return rows


# =========================================================================== HNTE


@pytest.mark.parametrize(
    ("registered", "days", "status"),
    [("2024-06-29", 366, "pass"), ("2024-06-30", 365, "pass"), ("2024-07-01", 364, "fail")],
)
def test_hnte_registration_by_one_day(registered: str, days: int, status: str) -> None:
    v = ev("hnte", enterprise(registered_on=registered))
    c = crit(v, "hnte.registered_one_year")
    assert c.status.value == status
    assert c.actual == str(days)
    assert c.required == ">= 365"
    assert c.gap == str(365 - days)
    assert c.gap_unit == "days"
    assert c.detail["passes_on"] == dt.date.fromisoformat(registered) + dt.timedelta(days=365)
    if status == "fail":
        (proposal,) = c.proposals
        assert proposal.on_date == dt.date(2025, 7, 1)
        assert proposal.input == "as_of"
        assert not proposal.adjustable
    else:
        assert c.proposals == ()


@pytest.mark.parametrize(
    ("tech", "status", "gap", "actual"),
    [(9, "fail", "1", "0.090000"), (10, "pass", "0", "0.100000"), (11, "pass", "-1", "0.110000")],
)
def test_hnte_tech_staff_ratio_by_one_person(tech: int, status: str, gap: str, actual: str) -> None:
    doc = set_figure(enterprise(), 2024, "tech_staff", tech)
    c = crit(ev("hnte", doc), "hnte.tech_staff_ratio")
    assert (c.status.value, c.gap, c.actual, c.required) == (status, gap, actual, ">= 0.10")
    assert c.gap_unit == "persons of tech staff"
    assert c.detail == {"year": 2024, "tech_staff": tech, "employees": 100}
    if status == "fail":
        (p,) = c.proposals
        assert (p.input, p.change, p.target, p.verified) == ("years[2024].tech_staff", 1, 10, True)


def test_hnte_tech_staff_with_no_employees_fails_without_a_ratio() -> None:
    doc = set_figure(set_figure(enterprise(), 2024, "tech_staff", 0), 2024, "employees", 0)
    c = crit(ev("hnte", doc), "hnte.tech_staff_ratio")
    assert (c.status, c.actual, c.gap) == (Status.FAIL, None, "0")
    assert c.proposals == ()


def test_hnte_tech_staff_missing_is_unknown() -> None:
    doc = enterprise()
    del doc["years"][2]["tech_staff"]
    c = crit(ev("hnte", doc), "hnte.tech_staff_ratio")
    assert c.status is Status.UNKNOWN
    assert c.missing == ("years[2024].tech_staff",)


# --- R&D ratio: each band exactly at its minimum passes, a fen less fails


@pytest.mark.parametrize(
    ("last_sales", "total_rd", "band", "minimum"),
    [
        (D("40000000"), D("6000000"), 1, "0.05"),  # Σ sales 120M, 5%
        (D("100000000"), D("7200000"), 2, "0.04"),  # Σ 180M, 4%
        (D("300000000"), D("11400000"), 3, "0.03"),  # Σ 380M, 3%
    ],
)
def test_hnte_rd_ratio_exact_minimum_per_band(
    last_sales: Decimal, total_rd: Decimal, band: int, minimum: str
) -> None:
    sales = {2022: D("40000000"), 2023: D("40000000"), 2024: last_sales}
    third = total_rd / 3
    rd = {2022: third, 2023: third, 2024: total_rd - 2 * third}
    doc = enterprise(years=rd_rows(rd, sales))
    c = crit(ev("hnte", doc), "hnte.rd_expense_ratio")
    assert c.status is Status.PASS
    assert c.required == f">= {minimum}"
    assert D(c.gap) == 0
    assert c.detail["band"] == band
    assert c.detail["rd_expense"] == total_rd
    assert c.detail["sales_revenue"] == sum(sales.values())
    assert c.detail["last_year_sales"] == last_sales
    assert c.detail["years"] == [2022, 2023, 2024]
    less = set_figure(doc, 2024, "rd_expense_domestic", rd[2024] - FEN)
    less = set_figure(less, 2024, "rd_expense", rd[2024] - FEN)
    c = crit(ev("hnte", less), "hnte.rd_expense_ratio")
    assert c.status is Status.FAIL
    assert c.gap == "0.01"
    assert c.gap_unit == "yuan of R&D expense"
    more = set_figure(doc, 2024, "rd_expense_domestic", rd[2024])
    more = set_figure(more, 2024, "rd_expense", rd[2024] + FEN)
    assert crit(ev("hnte", more), "hnte.rd_expense_ratio").gap == "-0.01"


@pytest.mark.parametrize(
    ("edge", "other", "rd_total", "lower", "upper"),
    [
        (D("50000000"), D("40000000"), D("6000000"), 1, 2),  # 4.6%: fails 5%, passes 4%
        (D("200000000"), D("40000000"), D("9800000"), 2, 3),  # 3.5%: fails 4%, passes 3%
    ],
)
def test_hnte_rd_band_edges_are_inclusive_by_one_fen(
    edge: Decimal, other: Decimal, rd_total: Decimal, lower: int, upper: int
) -> None:
    third = rd_total / 2
    rd = {2022: third, 2023: third, 2024: D(0)}
    at_edge = enterprise(years=rd_rows(rd, {2022: other, 2023: other, 2024: edge}))
    c = crit(ev("hnte", at_edge), "hnte.rd_expense_ratio")
    assert (c.status, c.detail["band"]) == (Status.FAIL, lower)
    over = enterprise(years=rd_rows(rd, {2022: other, 2023: other, 2024: edge + FEN}))
    c2 = crit(ev("hnte", over), "hnte.rd_expense_ratio")
    assert (c2.status, c2.detail["band"]) == (Status.PASS, upper)
    # the failing edge proposes more R&D, and sales one fen over the edge
    inputs = {(p.input, p.target) for p in c.proposals}
    assert ("years[2024].sales_revenue", edge + FEN) in inputs
    assert any(p.input == "years[2024].rd_expense" for p in c.proposals)
    assert all(p.verified for p in c.proposals)


def test_hnte_rd_window_is_three_years_before_the_application_year() -> None:
    rows = [*rd_rows({2022: 2400000, 2023: 2400000, 2024: 2400000}), year(2021)]
    rows[-1]["rd_expense"] = "0"
    rows[-1]["rd_expense_domestic"] = "0"
    rows.append(year(2025, rd_expense="0", rd_expense_domestic="0"))
    c = crit(ev("hnte", enterprise(years=rows)), "hnte.rd_expense_ratio")
    assert c.detail["years"] == [2022, 2023, 2024]
    assert c.actual == "0.060000"


def test_hnte_young_firm_uses_its_actual_years_and_old_firm_needs_all_three() -> None:
    young = enterprise(registered_on="2023-03-15", years=[year(2023), year(2024)])
    assert crit(ev("hnte", young), "hnte.rd_expense_ratio").detail["years"] == [2023, 2024]
    old = enterprise(years=[year(2023), year(2024)])
    c = crit(ev("hnte", old), "hnte.rd_expense_ratio")
    assert c.status is Status.UNKNOWN
    assert c.missing == ("years[2022].sales_revenue", "years[2022].rd_expense")
    assert "years[2022].sales_revenue" in ev("hnte", old).missing


def test_hnte_rd_no_years_at_all() -> None:
    v = ev("hnte", enterprise(registered_on="2025-01-01", years=[]))
    c = crit(v, "hnte.rd_expense_ratio")
    assert (c.status, c.missing) == (Status.UNKNOWN, ("years[2024]",))
    assert crit(v, "hnte.domestic_rd_share").missing == ("years[2024]",)


def test_hnte_rd_with_zero_sales_fails_without_a_ratio() -> None:
    rows = [year(y, sales_revenue="0", main_business_revenue="0") for y in (2022, 2023, 2024)]
    c = crit(ev("hnte", enterprise(years=rows)), "hnte.rd_expense_ratio")
    assert (c.status, c.actual, c.gap, c.proposals) == (Status.FAIL, None, "0", ())


@pytest.mark.parametrize(
    ("domestic_last", "status", "gap"),
    [
        (D("920000"), "pass", "0"),
        (D("919999.99"), "fail", "0.01"),
        (D("920000.01"), "pass", "-0.01"),
    ],
)
def test_hnte_domestic_share_sixty_percent_by_one_fen(
    domestic_last: Decimal, status: str, gap: str
) -> None:
    # Σ R&D 7.2M; 60% = 4.32M = 1.7M + 1.7M + 0.92M
    doc = enterprise()
    doc = set_figure(doc, 2022, "rd_expense_domestic", "1700000")
    doc = set_figure(doc, 2023, "rd_expense_domestic", "1700000")
    doc = set_figure(doc, 2024, "rd_expense_domestic", str(domestic_last))
    c = crit(ev("hnte", doc), "hnte.domestic_rd_share")
    assert (c.status.value, D(c.gap), c.required) == (status, D(gap), ">= 0.60")
    assert c.detail["rd_expense_domestic"] == D("3400000") + domestic_last
    if status == "fail":
        (p,) = c.proposals
        assert (p.input, p.target) == ("years[2024].rd_expense_domestic", D("920000.00"))


def test_hnte_domestic_share_with_no_rd_fails() -> None:
    rows = [year(y, rd_expense="0", rd_expense_domestic="0") for y in (2022, 2023, 2024)]
    c = crit(ev("hnte", enterprise(years=rows)), "hnte.domestic_rd_share")
    assert (c.status, c.actual, c.gap) == (Status.FAIL, None, "0")


def test_hnte_domestic_share_no_proposal_beyond_the_last_year_total() -> None:
    doc = enterprise()
    for y in (2022, 2023, 2024):
        doc = set_figure(doc, y, "rd_expense_domestic", "0")
    doc = set_figure(doc, 2024, "rd_expense", "100")
    doc = set_figure(doc, 2024, "rd_expense_domestic", "0")
    c = crit(ev("hnte", doc), "hnte.domestic_rd_share")
    assert c.status is Status.FAIL
    assert c.proposals == ()


@pytest.mark.parametrize(
    ("hti", "non_taxable", "status", "gap"),
    [
        ("24000000", "0", "pass", "0"),
        ("23999999.99", "0", "fail", "0.01"),
        ("23400000", "1000000", "pass", "0"),
        ("23399999.99", "1000000", "fail", "0.01"),
    ],
)
def test_hnte_high_tech_income_share_by_one_fen(
    hti: str, non_taxable: str, status: str, gap: str
) -> None:
    doc = set_figure(enterprise(), 2024, "high_tech_income", hti)
    doc = set_figure(doc, 2024, "non_taxable_income", non_taxable)
    c = crit(ev("hnte", doc), "hnte.high_tech_income_share")
    assert (c.status.value, D(c.gap), c.required) == (status, D(gap), ">= 0.60")
    assert c.detail["total_income_net"] == D("40000000") - D(non_taxable)
    if status == "fail":
        (p,) = c.proposals
        assert p.target == D(hti) + FEN


def test_hnte_high_tech_income_with_no_net_income_fails() -> None:
    doc = set_figure(enterprise(), 2024, "non_taxable_income", "40000000")
    c = crit(ev("hnte", doc), "hnte.high_tech_income_share")
    assert (c.status, c.actual, c.gap, c.proposals) == (Status.FAIL, None, "0", ())


@pytest.mark.parametrize(
    ("score", "status"), [(70, "fail"), (71, "pass"), (100, "pass"), (0, "fail")]
)
def test_hnte_innovation_score_input_by_one_point(score: int, status: str) -> None:
    v = ev("hnte", enterprise(), innovation_score=score)
    c = crit(v, "hnte.innovation_score")
    assert (c.status.value, c.gap, c.actual) == (status, str(71 - score), str(score))
    assert v.score == score
    assert (v.score_min, v.score_max) == (None, None)


@pytest.mark.parametrize(("name", "high"), [("innovation_score", 100), ("ip_score", 30)])
def test_score_inputs_are_bounded_inclusively(name: str, high: int) -> None:
    ev("hnte", enterprise(), **{name: high})
    ev("hnte", enterprise(), **{name: 0})
    for bad in (high + 1, -1):
        with pytest.raises(InvalidInput, match=f"inputs.{name}"):
            ev("hnte", enterprise(), **{name: bad})


def test_hnte_graded_inputs_sum_exactly() -> None:
    given = {"ip_score": 25, "transformation_score": 20, "organisation_score": 16}
    v = ev("hnte", enterprise(), growth_score=10, **given)  # 71
    c = crit(v, "hnte.innovation_score")
    assert (c.status, c.actual, v.score) == (Status.PASS, "71", 71)
    v = ev("hnte", enterprise(), growth_score=9, **given)  # 70
    assert (st(v, "hnte.innovation_score"), v.score) == ("fail", 70)


def _items(v: Verdict) -> dict[str, Any]:
    return {i.name: i for i in crit(v, "hnte.innovation_score").detail["items"]}


def _growth_doc(sales: list[str], net: list[str]) -> dict[str, Any]:
    rows = []
    for y, s, n in zip((2022, 2023, 2024), sales, net, strict=True):
        rows.append(
            year(
                y,
                sales_revenue=s,
                total_income=s,
                total_assets=str(D(n) + 1000),
                total_liabilities="1000",
            )
        )
    return enterprise(years=rows)


@pytest.mark.parametrize(
    ("second", "third", "band", "points"),
    [
        ("135", "182.25", "A", (9, 10)),  # exactly 35%
        ("135", "182.24", "B", (7, 8)),
        ("125", "156.25", "B", (7, 8)),  # exactly 25%
        ("125", "156.24", "C", (5, 6)),
        ("115", "132.25", "C", (5, 6)),  # exactly 15%
        ("115", "132.24", "D", (3, 4)),
        ("105", "110.25", "D", (3, 4)),  # exactly 5%
        ("105", "110.24", "E", (1, 2)),
    ],
)
def test_hnte_growth_bands_by_one_cent(
    second: str, third: str, band: str, points: tuple[int, int]
) -> None:
    item = _items(ev("hnte", _growth_doc(["100", second, third], ["100", second, third])))
    for name in ("sales_growth", "net_asset_growth"):
        assert (item[name].band, item[name].low, item[name].high) == (band, *points), name
        assert item[name].basis == "three_years"


@pytest.mark.parametrize(
    ("values", "basis", "band", "points"),
    [
        (["100", "100", "100"], "three_years", "F", (0, 0)),  # g = 0 scores nothing
        (["100", "100", "100.01"], "three_years", "E", (1, 2)),  # g > 0
        (["0", "500", "600"], "zero_year1", "C", (5, 6)),  # 600/500 - 1 = 20%
        (["100", "0", "600"], "zero_year2", None, (0, 0)),
    ],
)
def test_hnte_growth_special_cases(
    values: list[str], basis: str, band: str | None, points: tuple[int, int]
) -> None:
    item = _items(ev("hnte", _growth_doc(values, values)))["sales_growth"]
    assert (item.basis, item.band, item.low, item.high) == (basis, band, *points)


def test_hnte_growth_two_years_negative_and_one_year() -> None:
    two = enterprise(
        registered_on="2023-01-01",
        years=[
            year(2023, sales_revenue="100"),
            year(2024, sales_revenue="135", main_business_revenue="0"),
        ],
    )
    item = _items(ev("hnte", two))["sales_growth"]
    assert (item.basis, item.band, item.value) == ("two_years", "A", "0.350000")
    zero = copy.deepcopy(two)
    zero["years"][0]["sales_revenue"] = "0"
    zero["years"][0]["main_business_revenue"] = "0"
    assert _items(ev("hnte", zero))["sales_growth"].basis == "zero_base"
    one = enterprise(registered_on="2024-01-01", years=[year(2024)])
    assert _items(ev("hnte", one))["sales_growth"].basis == "one_year"
    negative = _growth_doc(["100", "100", "100"], ["100", "100", "100"])
    negative["years"][0]["total_liabilities"] = "2000"  # net assets -900
    item = _items(ev("hnte", negative))["net_asset_growth"]
    assert (item.basis, item.low, item.high) == ("negative", 0, 0)
    unknown = copy.deepcopy(negative)
    del unknown["years"][1]["total_assets"]
    item = _items(ev("hnte", unknown))["net_asset_growth"]
    assert (item.basis, item.low, item.high) == ("unknown", 0, 10)


@pytest.mark.parametrize(
    ("counts", "band", "points", "shown"),
    [
        ({"2022": 5, "2023": 5, "2024": 5, "2025": 99}, "A", (25, 30), "5.00"),
        ({"2022": 5, "2023": 5, "2024": 4}, "B", (19, 24), "4.67"),
        ({"2022": 4, "2023": 4, "2024": 4}, "B", (19, 24), "4.00"),
        ({"2022": 3, "2023": 3, "2024": 2}, "D", (7, 12), "2.67"),
        ({"2022": 3, "2023": 3, "2024": 3, "2021": 9}, "C", (13, 18), "3.00"),
        ({"2022": 2, "2023": 2, "2024": 2}, "D", (7, 12), "2.00"),
        ({"2022": 1, "2023": 1, "2024": 1}, "E", (1, 6), "1.00"),
        ({"2022": 1, "2023": 1, "2024": 0}, "F", (0, 0), "0.66"),
    ],
)
def test_hnte_transformation_average_bands(
    counts: dict[str, int], band: str, points: tuple[int, int], shown: str
) -> None:
    item = _items(ev("hnte", enterprise(achievements_transformed=counts)))["transformation"]
    assert (item.band, item.low, item.high) == (band, *points)
    assert item.value == str(D(shown)) or item.value.startswith(shown[:3])


def test_hnte_transformation_unknown_without_counts() -> None:
    item = _items(ev("hnte", enterprise()))["transformation"]
    assert (item.basis, item.low, item.high) == ("unknown", 0, 30)


def _ip(kind: str, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "granted_on": "2020-01-01", **more}


@pytest.mark.parametrize(
    ("ip", "band", "low", "high"),
    [
        ([_ip("invention_patent", acquired="own")], "A", 7 + 1, 30),
        ([_ip("utility_model", acquired="own")] * 5, "B", 5 + 1, 6 + 6 + 16),
        ([_ip("utility_model", acquired="own")] * 4, "C", 3 + 1, 4 + 6 + 16),
        ([_ip("utility_model", acquired="own")] * 3, "C", 3 + 1, 4 + 6 + 16),
        ([_ip("utility_model", acquired="own")] * 2, "D", 1 + 1, 2 + 6 + 16),
        ([_ip("utility_model", acquired="transfer")], "D", 1 + 1, 2 + 3 + 16),
        ([_ip("utility_model")], "D", 1 + 1, 2 + 6 + 16),
        ([], "E", 0, 16),
    ],
)
def test_hnte_ip_item_bands(ip: list[dict[str, Any]], band: str, low: int, high: int) -> None:
    item = _items(ev("hnte", enterprise(ip=ip)))["ip"]
    assert (item.band, item.low, item.high) == (band, low, high)


def test_hnte_ip_standards_bonus_and_cap() -> None:
    led = [{"level": "national", "year": 2023}]
    item = _items(ev("hnte", enterprise(standards_led=led)))["ip"]
    assert (item.low, item.high) == (7 + 1 + 1, 30)  # 8 + 6 + 2 + 16 = 32, capped at 30
    two = [_ip("utility_model", acquired="gift")] * 2
    item = _items(ev("hnte", enterprise(ip=two, standards_led=led)))["ip"]
    assert (item.low, item.high) == (1 + 1 + 1, 2 + 3 + 2 + 16)


def test_hnte_score_range_statuses() -> None:
    # no graded inputs: the range decides; 71 reachable but not certain -> unknown
    v = ev("hnte", enterprise())
    c = crit(v, "hnte.innovation_score")
    assert c.status is Status.UNKNOWN
    assert c.missing == ("inputs.innovation_score",)
    assert v.score is None
    assert (v.score_min, v.score_max) == (c.detail["score_min"], c.detail["score_max"])
    assert c.actual == f"{v.score_min}-{v.score_max}"
    assert c.detail["reachable"] is True
    assert c.gap is None
    # everything but one graded item given: the range is narrow
    unreachable = ev("hnte", enterprise(), ip_score=0, transformation_score=0, organisation_score=0)
    c = crit(unreachable, "hnte.innovation_score")
    assert (c.status, c.gap, c.detail["score"]) == (Status.FAIL, "71", 0)
    growing = _growth_doc(["100", "135", "182.25"], ["100", "135", "182.25"])
    c = crit(
        ev("hnte", growing, ip_score=0, transformation_score=0, organisation_score=0),
        "hnte.innovation_score",
    )
    assert (c.status, c.actual, c.gap) == (Status.FAIL, "18-20", "51")
    assert c.detail["reachable"] is False
    assert c.message.key == "hnte.innovation_score.fail_unreachable"
    certain = ev("hnte", growing, ip_score=30, transformation_score=30, organisation_score=20)
    c = crit(certain, "hnte.innovation_score")
    assert (c.status, c.message.key) == (Status.PASS, "hnte.innovation_score.pass_range")
    edge = ev("hnte", enterprise(), ip_score=30, transformation_score=30, growth_score=11)
    c = crit(edge, "hnte.innovation_score")
    assert (c.detail["score_min"], c.status) == (71, Status.PASS)
    below = ev("hnte", enterprise(), ip_score=30, transformation_score=30, growth_score=10)
    c = crit(below, "hnte.innovation_score")
    assert (c.detail["score_min"], c.status) == (70, Status.UNKNOWN)
    low = ev("hnte", enterprise(), ip_score=0, transformation_score=0, growth_score=0)
    c = crit(low, "hnte.innovation_score")
    assert (c.detail["score_max"], c.status) == (20, Status.FAIL)
    c = crit(
        ev("hnte", enterprise(), ip_score=30, transformation_score=21, growth_score=0),
        "hnte.innovation_score",
    )
    assert (c.detail["score_max"], c.status) == (71, Status.UNKNOWN)
    c = crit(
        ev("hnte", enterprise(), ip_score=30, transformation_score=20, growth_score=0),
        "hnte.innovation_score",
    )
    assert (c.detail["score_max"], c.status) == (70, Status.FAIL)


def test_hnte_score_exact_without_input_when_all_items_are_fixed() -> None:
    v = ev(
        "hnte",
        enterprise(),
        ip_score=30,
        transformation_score=21,
        organisation_score=20,
        growth_score=0,
    )
    c = crit(v, "hnte.innovation_score")
    assert (c.status, c.actual, v.score) == (Status.PASS, "71", 71)
    assert c.detail["score"] == 71
    v = ev(
        "hnte",
        enterprise(),
        ip_score=30,
        transformation_score=20,
        organisation_score=20,
        growth_score=0,
    )
    assert (st(v, "hnte.innovation_score"), v.score, crit(v, "hnte.innovation_score").gap) == (
        "fail",
        70,
        "1",
    )


@pytest.mark.parametrize(
    ("on", "status"),
    [
        ("2024-06-29", "pass"),
        ("2024-06-30", "fail"),
        ("2025-06-30", "fail"),
        ("2025-07-01", "pass"),
    ],
)
def test_hnte_incident_window_by_one_day(on: str, status: str) -> None:
    doc = enterprise(incidents=[{"kind": "major_quality", "on": on}])
    c = crit(ev("hnte", doc), "hnte.no_major_incident")
    assert c.status.value == status
    assert c.detail["window_from"] == dt.date(2024, 6, 30)
    if status == "fail":
        (p,) = c.proposals
        assert p.on_date == dt.date.fromisoformat(on) + dt.timedelta(days=366)
        assert (c.actual, c.gap) == ("1", "1")


def test_hnte_incident_of_another_kind_does_not_count() -> None:
    doc = enterprise(incidents=[{"kind": "serious_fraud", "on": "2025-01-01"}])
    assert st(ev("hnte", doc), "hnte.no_major_incident") == "pass"
    latest = enterprise(
        incidents=[
            {"kind": "major_safety", "on": "2025-03-01"},
            {"kind": "serious_environmental", "on": "2024-09-01"},
        ]
    )
    c = crit(ev("hnte", latest), "hnte.no_major_incident")
    assert c.message.args["on"] == "2025-03-01"
    assert c.message.args["kind"] == "major_safety"
    assert c.proposals[0].on_date == dt.date(2026, 3, 2)


def test_hnte_core_ip_and_key_field() -> None:
    v = ev("hnte", enterprise())
    assert st(v, "hnte.core_ip") == "pass"
    assert st(ev("hnte", enterprise(core_ip_owned=False)), "hnte.core_ip") == "fail"
    none_valid = enterprise(ip=[_ip("invention_patent", expires_on="2025-06-29")])
    c = crit(ev("hnte", none_valid), "hnte.core_ip")
    assert (c.status, c.message.key) == (Status.FAIL, "hnte.core_ip.fail_none_valid")
    still = enterprise(ip=[_ip("invention_patent", expires_on="2025-06-30")])
    assert st(ev("hnte", still), "hnte.core_ip") == "pass"
    later = enterprise(ip=[{"kind": "invention_patent", "granted_on": "2025-07-01"}])
    assert st(ev("hnte", later), "hnte.core_ip") == "fail"
    disputed = enterprise(ip=[_ip("invention_patent", disputed=True)])
    assert st(ev("hnte", disputed), "hnte.core_ip") == "fail"
    unknown = enterprise()
    del unknown["core_ip_owned"]
    assert crit(ev("hnte", unknown), "hnte.core_ip").missing == ("core_ip_owned",)
    assert st(ev("hnte", enterprise(tech_field="none")), "hnte.key_field") == "fail"
    nofield = enterprise()
    del nofield["tech_field"]
    assert crit(ev("hnte", nofield), "hnte.key_field").missing == ("tech_field",)


def test_hnte_verdict_combines() -> None:
    v = ev("hnte", enterprise(), innovation_score=71)
    assert (v.status, v.path, v.failed, v.missing) == (Outcome.ELIGIBLE, "all_conditions", (), ())
    v = ev("hnte", enterprise(tech_field="none"), innovation_score=71)
    assert (v.status, v.path, v.failed) == (Outcome.INELIGIBLE, None, ("hnte.key_field",))
    v = ev("hnte", enterprise())
    assert (v.status, v.missing) == (Outcome.UNDETERMINED, ("inputs.innovation_score",))
    class2 = enterprise(ip=[_ip("utility_model")])
    assert [n.key for n in ev("hnte", class2).notes] == ["note.hnte.class2_once"]
    assert ev("hnte", enterprise()).notes == ()
    early = ev("hnte", enterprise(), as_of=dt.date(2015, 12, 31))
    assert early.status is Outcome.NOT_APPLICABLE
    assert ev("hnte", enterprise(), as_of=dt.date(2016, 1, 1)).rule_version == "2016"


def test_hnte_certificate_without_expiry_runs_three_years() -> None:
    cert = [{"kind": "hnte", "issued_on": "2022-07-01"}]
    v = ev("tech_sme", enterprise(certifications=cert), as_of=dt.date(2025, 6, 30))
    assert {p.path: p.status for p in v.paths}["direct:valid_hnte"] is Status.PASS
    v = ev("tech_sme", enterprise(certifications=cert), as_of=dt.date(2025, 7, 1))
    assert {p.path: p.status for p in v.paths}["direct:valid_hnte"] is Status.FAIL
    leap = [{"kind": "hnte", "issued_on": "2024-02-29"}]
    v = ev("tech_sme", enterprise(certifications=leap), as_of=dt.date(2027, 2, 27))
    assert {p.path: p.status for p in v.paths}["direct:valid_hnte"] is Status.PASS
    v = ev("tech_sme", enterprise(certifications=leap), as_of=dt.date(2027, 2, 28))
    assert {p.path: p.status for p in v.paths}["direct:valid_hnte"] is Status.FAIL
    future = [{"kind": "hnte", "issued_on": "2025-07-01", "expires_on": "2028-06-30"}]
    v = ev("tech_sme", enterprise(certifications=future))
    assert {p.path: p.status for p in v.paths}["direct:valid_hnte"] is Status.FAIL


# =========================================================================== tech SME


@pytest.mark.parametrize(
    ("field", "limit", "step", "unit"),
    [
        ("employees", 500, 1, "persons"),
        ("sales_revenue", D("200000000"), FEN, "yuan"),
        ("total_assets", D("200000000"), FEN, "yuan"),
    ],
)
def test_tech_sme_size_limits_by_one_step(field: str, limit: Any, step: Any, unit: str) -> None:
    code = {
        "employees": "tech_sme.staff_limit",
        "sales_revenue": "tech_sme.sales_limit",
        "total_assets": "tech_sme.assets_limit",
    }[field]
    for value, status, gap in (
        (limit, "pass", "0"),
        (limit - step, "pass", str(-step)),
        (limit + step, "fail", str(step)),
    ):
        doc = set_figure(enterprise(), 2024, field, value if field == "employees" else str(value))
        c = crit(ev("tech_sme", doc), code)
        assert (c.status.value, c.gap) == (status, gap), (field, value)
        assert c.gap_unit == f"{unit} over the limit"
        assert c.required == f"<= {limit}"
        if status == "fail":
            (p,) = c.proposals
            assert (p.target, p.verified) == (limit, True)
            assert p.input == f"years[2024].{field}"


def test_tech_sme_limits_missing_are_unknown() -> None:
    doc = enterprise()
    del doc["years"][2]["total_assets"]
    c = crit(ev("tech_sme", doc), "tech_sme.assets_limit")
    assert (c.status, c.missing) == (Status.UNKNOWN, ("years[2024].total_assets",))


def _parts(doc: dict[str, Any]) -> dict[str, Any]:
    return dict(crit(ev("tech_sme", doc), "tech_sme.score").detail)


@pytest.mark.parametrize(
    ("tech", "points"),
    [(30, 20), (29, 16), (25, 16), (24, 12), (20, 12), (19, 8), (15, 8), (14, 4), (10, 4), (9, 0)],
)
def test_tech_sme_staff_bands_by_one_person(tech: int, points: int) -> None:
    doc = set_figure(enterprise(), 2024, "tech_staff", tech)
    assert _parts(doc)["tech_staff_points"] == points
    nonzero = crit(ev("tech_sme", doc), "tech_sme.tech_staff_score_nonzero")
    assert nonzero.status is (Status.PASS if points else Status.FAIL)
    assert nonzero.actual == str(points)
    if not points:
        assert nonzero.gap == "1"
        (p,) = nonzero.proposals
        assert p.target == 10


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("2400000", 50),
        ("2399999.99", 40),
        ("2000000", 40),
        ("1999999.99", 30),
        ("1600000", 30),
        ("1599999.99", 20),
        ("1200000", 20),
        ("1199999.99", 10),
        ("800000", 10),
        ("799999.99", 0),
    ],
)
def test_tech_sme_rd_sales_bands_by_one_fen(rd: str, points: int) -> None:
    doc = set_figure(enterprise(), 2024, "rd_expense_domestic", rd)
    doc = set_figure(doc, 2024, "rd_expense", rd)
    parts = _parts(doc)
    assert (parts["rd_points"], parts["rd_basis"]) == (points, "sales")


@pytest.mark.parametrize(
    ("cost", "points"),
    [
        ("4000000", 50),
        ("4000000.01", 40),
        ("4800000", 40),
        ("4800000.01", 30),
        ("6000000", 30),
        ("6000000.01", 20),
        ("8000000", 20),
        ("8000000.01", 10),
        ("12000000", 10),
        ("12000000.01", 0),
    ],
)
def test_tech_sme_rd_cost_bands_by_one_fen(cost: str, points: int) -> None:
    doc = set_figure(enterprise(), 2024, "rd_expense_domestic", "1200000")
    doc = set_figure(doc, 2024, "rd_expense", "1200000")
    doc = set_figure(doc, 2024, "sales_revenue", "200000000")
    doc = set_figure(doc, 2024, "total_income", "200000000")
    doc = set_figure(doc, 2024, "cost_and_expense", cost)
    parts = _parts(doc)
    assert parts["rd_points"] == points
    assert parts["rd_basis"] == ("cost_and_expense" if points else "sales")
    assert parts["rd_to_sales"] == "0.006000"


def test_tech_sme_rd_with_zero_sales_and_zero_cost() -> None:
    doc = set_figure(enterprise(), 2024, "sales_revenue", "0")
    doc = set_figure(doc, 2024, "cost_and_expense", "0")
    parts = _parts(doc)
    assert (parts["rd_points"], parts["rd_to_sales"], parts["rd_to_cost"]) == (0, None, None)


@pytest.mark.parametrize(
    ("ip", "points"),
    [
        ([_ip("utility_model")] * 5, 24),
        ([_ip("utility_model")] * 4, 24),
        ([_ip("utility_model")] * 3, 18),
        ([_ip("design_patent")] * 2, 12),
        ([_ip("software_copyright")], 6),
        ([], 0),
        ([_ip("utility_model", core=False)], 0),
        ([_ip("utility_model", core=True)], 6),
        ([_ip("ic_layout")], 30),
        ([_ip("invention_patent", core=False)], 0),
    ],
)
def test_tech_sme_ip_bands_by_one_item(ip: list[dict[str, Any]], points: int) -> None:
    parts = _parts(enterprise(ip=ip))
    assert parts["ip_points"] == points


def test_tech_sme_pass_score_edge() -> None:
    # tech 20% -> 12; R&D 4% -> 30; IP 3 class II -> 18: 60 passes; 2 class II -> 54 fails
    doc = set_figure(enterprise(ip=[_ip("utility_model")] * 3), 2024, "rd_expense", "1600000")
    doc = set_figure(doc, 2024, "rd_expense_domestic", "1600000")
    v = ev("tech_sme", doc)
    c = crit(v, "tech_sme.score")
    assert (c.status, c.actual, c.gap, v.score, v.path) == (Status.PASS, "60", "0", 60, "score")
    doc2 = copy.deepcopy(doc)
    doc2["ip"] = doc2["ip"][:2]
    v = ev("tech_sme", doc2)
    c = crit(v, "tech_sme.score")
    assert (c.status, c.gap, v.status) == (Status.FAIL, "6", Outcome.INELIGIBLE)
    assert v.failed == ("tech_sme.score",)
    inputs = {p.input for p in c.proposals}
    assert {"years[2024].rd_expense", "years[2024].tech_staff", "ip"} <= inputs
    assert all(p.verified for p in c.proposals)


def _paths(v: Verdict) -> dict[str, Status]:
    return {p.path: p.status for p in v.paths}


def _score_fails(**fields: Any) -> dict[str, Any]:
    return set_figure(enterprise(**fields), 2024, "tech_staff", 0)


@pytest.mark.parametrize(
    ("award", "status"),
    [
        ({"level": "national", "year": 2021, "rank": 3}, Status.PASS),
        ({"level": "national", "year": 2025, "rank": 1}, Status.PASS),
        ({"level": "national", "year": 2026, "rank": 1}, Status.FAIL),
        ({"level": "national", "year": 2020, "rank": 1}, Status.FAIL),
        ({"level": "national", "year": 2022, "rank": 4}, Status.FAIL),
        ({"level": "national", "year": 2022}, Status.UNKNOWN),
        ({"level": "provincial", "year": 2022, "rank": 1}, Status.FAIL),
    ],
)
def test_tech_sme_award_path_by_one_year_and_one_rank(
    award: dict[str, Any], status: Status
) -> None:
    v = ev("tech_sme", _score_fails(awards=[award]))
    assert _paths(v)["direct:national_award"] is status
    expected = {
        Status.PASS: Outcome.ELIGIBLE,
        Status.FAIL: Outcome.INELIGIBLE,
        Status.UNKNOWN: Outcome.UNDETERMINED,
    }[status]
    assert v.status is expected
    if status is Status.PASS:
        assert (v.path, v.failed) == ("direct:national_award", ())
    if status is Status.FAIL:
        assert v.failed == ("tech_sme.tech_staff_score_nonzero",)


def test_tech_sme_award_unknown_rank_does_not_hide_a_known_one() -> None:
    awards = [
        {"level": "national", "year": 2022, "rank": 2},
        {"level": "national", "year": 2023},
    ]
    assert _paths(ev("tech_sme", _score_fails(awards=awards)))["direct:national_award"] is (
        Status.PASS
    )
    awards.reverse()
    assert _paths(ev("tech_sme", _score_fails(awards=awards)))["direct:national_award"] is (
        Status.PASS
    )


@pytest.mark.parametrize(
    ("std", "status"),
    [
        ({"level": "national", "year": 2021, "rank": 5}, Status.PASS),
        ({"level": "industry", "year": 2025, "rank": 1}, Status.PASS),
        ({"level": "international", "year": 2023, "rank": 1}, Status.PASS),
        ({"level": "national", "year": 2020, "rank": 1}, Status.FAIL),
        ({"level": "national", "year": 2026, "rank": 1}, Status.FAIL),
        ({"level": "national", "year": 2023, "rank": 6}, Status.FAIL),
        ({"level": "national", "year": 2023}, Status.UNKNOWN),
        ({"level": "provincial", "year": 2023, "rank": 1}, Status.FAIL),
    ],
)
def test_tech_sme_standard_path_by_one_year_and_one_rank(
    std: dict[str, Any], status: Status
) -> None:
    v = ev("tech_sme", _score_fails(standards_led=[std]))
    assert _paths(v)["direct:standard"] is status
    both = [std, {"level": "national", "year": 2023}]
    if status is Status.PASS:
        assert _paths(ev("tech_sme", _score_fails(standards_led=both)))["direct:standard"] is (
            Status.PASS
        )


def test_tech_sme_institution_and_hnte_paths() -> None:
    for kind in ("rd_institution_provincial", "rd_institution_national"):
        cert = [{"kind": kind, "issued_on": "2020-01-01"}]
        v = ev("tech_sme", _score_fails(certifications=cert))
        assert (v.status, v.path) == (Outcome.ELIGIBLE, "direct:rd_institution")
    cert = [{"kind": "little_giant", "issued_on": "2020-01-01"}]
    assert ev("tech_sme", _score_fails(certifications=cert)).status is Outcome.INELIGIBLE
    hnte = [{"kind": "hnte", "issued_on": "2024-01-01", "expires_on": "2026-12-31"}]
    v = ev("tech_sme", _score_fails(certifications=hnte))
    assert (v.status, v.path, v.failed) == (Outcome.ELIGIBLE, "direct:valid_hnte", ())
    # a direct path does not rescue a failed basic condition
    big = set_figure(_score_fails(certifications=hnte), 2024, "employees", 501)
    v = ev("tech_sme", big)
    assert (v.status, v.failed) == (Outcome.INELIGIBLE, ("tech_sme.staff_limit",))
    # both hold: the verdict names the score path
    v = ev("tech_sme", enterprise(certifications=hnte))
    assert v.path == "score"


@pytest.mark.parametrize(
    ("incident", "status"),
    [
        ("2023-12-31", "pass"),
        ("2024-01-01", "fail"),
        ("2025-06-30", "fail"),
        ("2025-07-01", "pass"),
    ],
)
def test_tech_sme_clean_record_window_by_one_day(incident: str, status: str) -> None:
    doc = enterprise(incidents=[{"kind": "serious_research_misconduct", "on": incident}])
    c = crit(ev("tech_sme", doc), "tech_sme.clean_record")
    assert c.status.value == status
    assert c.message.args["since"] == "2024-01-01"


@pytest.mark.parametrize(
    ("listing", "status"),
    [
        ({"kind": "abnormal_operation", "from": "2025-01-01", "to": "2025-06-30"}, "fail"),
        ({"kind": "abnormal_operation", "from": "2025-01-01", "to": "2025-06-29"}, "pass"),
        ({"kind": "serious_dishonest", "from": "2025-06-30"}, "fail"),
        ({"kind": "serious_dishonest", "from": "2025-07-01"}, "pass"),
    ],
)
def test_tech_sme_listings_active_on_as_of(listing: dict[str, Any], status: str) -> None:
    c = crit(ev("tech_sme", enterprise(listings=[listing])), "tech_sme.clean_record")
    assert c.status.value == status


def test_tech_sme_serious_fraud_counts_from_2022() -> None:
    doc = enterprise(incidents=[{"kind": "serious_fraud", "on": "2021-06-01"}])
    assert st(ev("tech_sme", doc, as_of=dt.date(2021, 12, 31)), "tech_sme.clean_record") == "pass"
    doc = enterprise(incidents=[{"kind": "serious_fraud", "on": "2022-01-01"}])
    assert st(ev("tech_sme", doc, as_of=dt.date(2022, 1, 1)), "tech_sme.clean_record") == "fail"


def test_tech_sme_industry_and_residence() -> None:
    for code, status in (("F5211", "fail"), ("C3911", "pass"), ("C16", "fail")):
        doc = enterprise(industry=code)
        assert st(ev("tech_sme", doc), "tech_sme.industry_allowed") == status, code
    before = ev("tech_sme", enterprise(industry="F5211"), as_of=dt.date(2021, 12, 31))
    assert st(before, "tech_sme.industry_allowed") == "pass"
    restricted = ev("tech_sme", enterprise(restricted_industry=True))
    c = crit(restricted, "tech_sme.industry_allowed")
    assert (c.status, c.message.key) == (Status.FAIL, "tech_sme.industry_allowed.fail_restricted")
    unknown = enterprise()
    del unknown["restricted_industry"]
    assert crit(ev("tech_sme", unknown), "tech_sme.industry_allowed").missing == (
        "restricted_industry",
    )
    coarse = ev("tech_sme", enterprise(industry="C"))
    assert crit(coarse, "tech_sme.industry_allowed").missing == ("industry",)
    assert st(ev("tech_sme", enterprise(resident=False)), "tech_sme.resident") == "fail"
    nores = enterprise()
    del nores["resident"]
    assert crit(ev("tech_sme", nores), "tech_sme.resident").missing == ("resident",)
    v = ev("tech_sme", enterprise(), as_of=dt.date(2017, 5, 2))
    assert v.status is Outcome.NOT_APPLICABLE
    assert ev("tech_sme", enterprise(), as_of=dt.date(2017, 5, 3)).rule_version == "2017"
    assert ev("tech_sme", enterprise(), as_of=dt.date(2022, 1, 1)).rule_version == "2022"


def test_tech_sme_undetermined_score_with_unknown_direct_path() -> None:
    doc = enterprise(awards=[{"level": "national", "year": 2023}])
    del doc["years"][2]["rd_expense"]
    v = ev("tech_sme", doc)
    assert v.status is Outcome.UNDETERMINED
    assert "years[2024].rd_expense" in v.missing
    doc2 = set_figure(
        enterprise(awards=[{"level": "national", "year": 2023}]), 2024, "tech_staff", 0
    )
    assert ev("tech_sme", doc2).status is Outcome.UNDETERMINED


# =========================================================================== super deduction


@pytest.mark.parametrize(
    ("industry", "tax_year", "certs", "ic", "rate", "kind"),
    [
        ("I6510", 2017, [], False, "0.50", "general"),
        ("I6510", 2018, [], False, "0.75", "general"),
        ("I6510", 2023, [], False, "1.00", "general"),
        ("C3911", 2020, [], False, "0.75", "general"),
        ("C3911", 2021, [], False, "1.00", "manufacturing"),
        ("I6510", 2016, ["tech_sme"], False, "0.50", "general"),
        ("I6510", 2017, ["tech_sme"], False, "0.75", "tech_sme"),
        ("I6510", 2021, ["tech_sme"], False, "0.75", "general"),
        ("I6510", 2022, ["tech_sme"], False, "1.00", "tech_sme"),
        ("I6510", 2022, [], True, "0.75", "general"),
        ("I6510", 2023, [], True, "1.20", "ic_or_machine"),
        ("I6510", 2027, [], True, "1.20", "ic_or_machine"),
        ("I6510", 2028, [], True, "1.00", "general"),
    ],
)
def test_super_deduction_rates_by_year_and_kind(
    industry: str, tax_year: int, certs: list[str], ic: bool, rate: str, kind: str
) -> None:
    cert = [
        {"kind": k, "issued_on": f"{tax_year}-12-31", "expires_on": f"{tax_year + 1}-12-31"}
        for k in certs
    ]
    rows = [year(tax_year, rd_expense="1000000", rd_expense_domestic="1000000")]
    doc = enterprise(industry=industry, certifications=cert, years=rows, registered_on="2005-01-01")
    v = ev(
        "super_deduction",
        doc,
        as_of=dt.date(max(tax_year + 1, 2016), 6, 30),
        tax_year=tax_year,
        ic_or_machine=ic,
    )
    amounts = v.to_dict()["amounts"]
    assert (amounts["rate"], amounts["rate_kind"]) == (rate, kind)
    assert v.path == kind
    if tax_year != 2022:
        assert D(amounts["extra_deduction"]) == D("1000000") * D(rate)


def test_super_deduction_tech_sme_certificate_must_touch_the_tax_year() -> None:
    late = [{"kind": "tech_sme", "issued_on": "2023-01-01", "expires_on": "2023-12-31"}]
    early = [{"kind": "tech_sme", "issued_on": "2021-01-01", "expires_on": "2021-12-31"}]
    rows = [year(2022, rd_expense="1000000", rd_expense_domestic="1000000")]
    for cert in (late, early):
        doc = enterprise(industry="I6510", certifications=cert, years=rows)
        v = ev("super_deduction", doc, as_of=dt.date(2023, 6, 30))
        assert v.to_dict()["amounts"]["rate_kind"] == "general"
    edge = [{"kind": "tech_sme", "issued_on": "2021-01-01", "expires_on": "2022-01-01"}]
    doc = enterprise(industry="I6510", certifications=edge, years=rows)
    v = ev("super_deduction", doc, as_of=dt.date(2023, 6, 30))
    assert v.to_dict()["amounts"]["rate_kind"] == "tech_sme"


@pytest.mark.parametrize(
    ("other", "disallowed", "base"),
    [
        ("100000", "0", "1000000"),
        ("100000.01", "0.01", "1000000.00"),
        ("99999.99", "0", "999999.99"),
    ],
)
def test_super_deduction_ten_percent_cap_by_one_fen(other: str, disallowed: str, base: str) -> None:
    rd = D("900000") + D(other)
    rows = [year(2024, rd_expense=str(rd), rd_expense_domestic=str(rd), rd_other_related=other)]
    v = ev("super_deduction", enterprise(years=rows, industry="I6510"))
    amounts = v.to_dict()["amounts"]
    assert D(amounts["other_related_limit"]) == D("100000")
    assert D(amounts["other_related_disallowed"]) == D(disallowed)
    assert D(amounts["base"]) == D(base)
    assert D(amounts["items_1_to_5"]) == D("900000")
    assert D(amounts["tax_saving"]) == (D(base) * D("0.25")).quantize(FEN)
    assert [n.key for n in v.notes] == ["note.super_deduction.taxable_income"]


def test_super_deduction_cap_per_project_before_2021_and_unchecked() -> None:
    rows = [year(2020, rd_expense="1000000", rd_expense_domestic="1000000", rd_other_related="0")]
    v = ev("super_deduction", enterprise(years=rows, industry="I6510"), as_of=dt.date(2021, 5, 1))
    assert v.notes[0].key == "note.super_deduction.per_project"
    rows = [year(2024, rd_expense="1000000", rd_expense_domestic="1000000")]
    v = ev("super_deduction", enterprise(years=rows, industry="I6510"))
    assert v.notes[0].key == "note.super_deduction.other_unchecked"
    assert v.to_dict()["amounts"]["other_related_checked"] is False


@pytest.mark.parametrize(
    ("share", "status"), [("0.50", "eligible"), ("0.5000001", "ineligible"), ("0", "eligible")]
)
def test_super_deduction_negative_list_share_fifty_percent_exclusive(
    share: str, status: str
) -> None:
    rows = [year(2024, rd_expense="1000000", rd_expense_domestic="1000000")]
    v = ev(
        "super_deduction",
        enterprise(years=rows, industry="F"),
        negative_list_share=D(share),
    )
    assert v.status.value == status
    amounts = v.to_dict()["amounts"]
    if status == "ineligible":
        assert (amounts["extra_deduction"], amounts["tax_saving"]) == ("0", "0")
        assert v.failed == ("super_deduction.industry_allowed",)


def test_super_deduction_negative_list_by_code() -> None:
    rows = [year(2024, rd_expense="1000000", rd_expense_domestic="1000000")]
    assert ev("super_deduction", enterprise(years=rows, industry="F5211")).status is (
        Outcome.INELIGIBLE
    )
    coarse = ev("super_deduction", enterprise(years=rows, industry="C"))
    assert (coarse.status, coarse.missing) == (
        Outcome.UNDETERMINED,
        ("inputs.negative_list_share",),
    )
    nord = ev("super_deduction", enterprise(years=[year(2023)], industry="I6510"))
    assert nord.missing == ("years[2024].rd_expense",)


def test_super_deduction_cit_rates_and_amortisation() -> None:
    rows = [year(2024, rd_expense="1000000", rd_expense_domestic="1000000")]
    hnte = [{"kind": "hnte", "issued_on": "2024-12-31", "expires_on": "2027-12-30"}]
    v = ev("super_deduction", enterprise(years=rows, industry="I6510", certifications=hnte))
    assert (v.to_dict()["amounts"]["cit_rate"], v.to_dict()["amounts"]["tax_saving"]) == (
        "0.15",
        "150000.00",
    )
    v = ev(
        "super_deduction",
        enterprise(years=rows, industry="I6510"),
        cit_rate=D("0.2"),
        capitalised_cost=D("1000000"),
    )
    amounts = v.to_dict()["amounts"]
    assert amounts["tax_saving"] == "200000.00"
    assert amounts["amortisation_deduction"] == "200000.00"  # 1M × 200% / 10
    assert amounts["amortisation_multiple"] == "2.00"
    v = ev(
        "super_deduction",
        enterprise(years=rows, industry="I6510"),
        capitalised_cost=D("1000000"),
        amortisation_years=1,
    )
    assert v.to_dict()["amounts"]["amortisation_deduction"] == "2000000.00"
    for bad in ({"amortisation_years": 0}, {"amortisation_years": 51}, {"tax_year": 2007}):
        with pytest.raises(InvalidInput):
            ev("super_deduction", enterprise(years=rows), **bad)
    ev("super_deduction", enterprise(years=rows), amortisation_years=50, tax_year=2100)


def test_super_deduction_q4_2022() -> None:
    rows = [year(2022, rd_expense="1200000", rd_expense_domestic="1200000")]
    doc = enterprise(years=rows, industry="I6510", registered_on="2010-01-01")
    v = ev("super_deduction", doc, as_of=dt.date(2023, 6, 30))
    amounts = v.to_dict()["amounts"]
    assert (amounts["q4_base"], amounts["extra_deduction"]) == ("300000.00", "975000.00")
    v = ev("super_deduction", doc, as_of=dt.date(2023, 6, 30), q4_rd_expense=D("1200000"))
    assert v.to_dict()["amounts"]["extra_deduction"] == "1200000.00"
    with pytest.raises(InvalidInput, match="q4_rd_expense"):
        ev("super_deduction", doc, as_of=dt.date(2023, 6, 30), q4_rd_expense=D("1200000.01"))
    young = enterprise(years=rows, industry="I6510", registered_on="2022-10-15")
    v = ev("super_deduction", young, as_of=dt.date(2023, 6, 30))
    assert v.to_dict()["amounts"]["q4_base"] == "1200000.00"  # 3 of 3 months
    mid = enterprise(years=rows, industry="I6510", registered_on="2022-07-01")
    v = ev("super_deduction", mid, as_of=dt.date(2023, 6, 30))
    assert v.to_dict()["amounts"]["q4_base"] == "600000.00"  # 3 of 6 months
    manufacturing = enterprise(years=rows, industry="C3911")
    v = ev("super_deduction", manufacturing, as_of=dt.date(2023, 6, 30))
    assert "q4_base" not in v.to_dict()["amounts"]
    assert ev("super_deduction", doc, as_of=dt.date(2016, 6, 30), tax_year=2015).status is (
        Outcome.NOT_APPLICABLE
    )


# =========================================================================== SME size

SME_CODES = {
    "agriculture": "A0111",
    "industry": "C3911",
    "construction": "E4710",
    "wholesale": "F5171",
    "retail": "F5211",
    "transport": "G5411",
    "warehousing": "G5920",
    "postal": "G6010",
    "accommodation": "H6110",
    "catering": "H6210",
    "information_transmission": "I6310",
    "software_it": "I6510",
    "real_estate_development": "K7010",
    "property_management": "K7020",
    "leasing_business_services": "L7211",
    "other": "M7320",
}
_FIELD = {"employees": "employees", "revenue": "sales_revenue", "assets": "total_assets"}


def _size_doc(code: str, values: dict[str, Decimal]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for key, value in values.items():
        field = _FIELD[key]
        figures[field] = int(value) if key == "employees" else str(value)
    if "employees" in values:
        figures["tech_staff"] = 0
    if "revenue" in values:
        figures["total_income"] = str(values["revenue"])
    row = year(2024, **figures)
    row.pop("main_business_revenue", None)
    return enterprise(industry=code, years=[row])


def _size(code: str, values: dict[str, Decimal]) -> str:
    v = ev("sme_size", _size_doc(code, values))
    return str(v.extras["size"])


@pytest.mark.parametrize("cls", sorted(SME_CODES))
def test_sme_size_table_edges_by_one_step(cls: str) -> None:
    code = SME_CODES[cls]
    assert classify_industry(code).sme_class.value == cls  # type: ignore[union-attr]
    table = national().value(f"sme_size.table.{cls}", AS_OF)
    step = {k: (D(1) if k == "employees" else FEN) for k in table}

    def at(column: int, **shift: int) -> dict[str, Decimal]:
        return {k: row[column] + shift.get(k, 0) * step[k] for k, row in table.items()}

    assert _size(code, at(1)) == "medium"
    assert _size(code, at(2)) == "small"
    for key in table:
        assert _size(code, at(1, **{key: -1})) == "small", key
        assert _size(code, at(2, **{key: -1})) == "micro", key
    # the SME scope: every indicator at its upper limit is large; one below is an SME
    assert _size(code, at(0)) == "large"
    for key in table:
        assert _size(code, at(0, **{key: -1})) in ("medium", "small", "micro"), key
    v = ev("sme_size", _size_doc(code, at(0)))
    assert (v.status, v.failed) == (Outcome.INELIGIBLE, ("sme_size.sme_scope",))
    assert v.extras["industry_class"] == cls
    c = v.criteria[0]
    assert c.required is not None
    assert c.required.count(" or ") == len(table) - 1
    assert ev("sme_size", _size_doc(code, at(1))).status is Outcome.ELIGIBLE


def test_sme_size_policies_examples() -> None:
    wan = D(10000)
    assert _size("C3911", {"employees": D(299), "revenue": 30000 * wan}) == "small"
    assert _size("C3911", {"employees": D(1200), "revenue": 35000 * wan}) == "medium"
    assert _size("C3911", {"employees": D(1000), "revenue": 40000 * wan}) == "large"
    assert _size("I6510", {"employees": D(8), "revenue": 5000 * wan}) == "micro"
    v = ev("sme_size", _size_doc("C3911", {"employees": D(300), "revenue": 2000 * wan}))
    assert v.criteria[0].required == "X < 1000 or Y < 40000万元"
    assert v.criteria[0].message.args["values"] == "X=300, Y=2000"


def test_sme_size_unknowns_and_year_input() -> None:
    coarse = ev("sme_size", enterprise(industry="G"))
    assert (coarse.status, coarse.missing) == (Outcome.UNDETERMINED, ("industry",))
    assert coarse.extras["size"] is None
    doc = enterprise()
    del doc["years"][2]["employees"]
    del doc["years"][2]["tech_staff"]
    v = ev("sme_size", doc)
    assert v.missing == ("years[2024].employees",)
    v = ev("sme_size", enterprise(), year=2023)
    assert v.criteria[0].detail["year"] == 2023
    assert ev("sme_size", enterprise(), as_of=dt.date(2011, 6, 17)).status is (
        Outcome.NOT_APPLICABLE
    )
    assert ev("sme_size", enterprise(), as_of=dt.date(2011, 6, 18)).rule_version == "2011"
    with pytest.raises(InvalidInput):
        ev("sme_size", enterprise(), year=1989)


# =========================================================================== above scale


@pytest.mark.parametrize(
    ("main", "as_of", "status", "gap"),
    [
        ("20000000", dt.date(2025, 6, 30), "eligible", "0"),
        ("19999999.99", dt.date(2025, 6, 30), "ineligible", "0.01"),
        ("20000000.01", dt.date(2025, 6, 30), "eligible", "-0.01"),
        ("5000000", dt.date(2011, 6, 30), "eligible", "0"),  # tax year 2010: 500万
        ("4999999.99", dt.date(2011, 6, 30), "ineligible", "0.01"),
        ("5000000", dt.date(2012, 6, 30), "ineligible", "15000000.00"),
    ],
)
def test_above_scale_threshold_by_one_fen(main: str, as_of: dt.date, status: str, gap: str) -> None:
    rows = [year(as_of.year - 1, main_business_revenue=main)]
    v = ev("above_scale", enterprise(years=rows), as_of=as_of)
    assert v.status.value == status
    c = v.criteria[0]
    assert D(c.gap or "x") == D(gap)
    if status == "ineligible":
        (p,) = c.proposals
        assert (p.target, p.verified) == (D(main) + D(gap), True)
        assert v.failed == ("above_scale.main_business_revenue",)


def test_above_scale_sections_and_year_input() -> None:
    rows = [year(2024, main_business_revenue="30000000")]
    for code, status in (("B0610", "eligible"), ("D4411", "eligible"), ("I6510", "not_applicable")):
        assert ev("above_scale", enterprise(years=rows, industry=code)).status.value == status
    v = ev(
        "above_scale", enterprise(years=[year(2009, main_business_revenue="6000000")]), year=2009
    )
    assert (v.status, v.rule_version) == (Outcome.ELIGIBLE, "1998")
    v = ev("above_scale", enterprise(years=[year(2024)]))
    assert (v.status, v.missing) == (
        Outcome.UNDETERMINED,
        ("years[2024].main_business_revenue",),
    )
    assert ev("above_scale", enterprise(), year=1997).status is Outcome.NOT_APPLICABLE


# =========================================================================== innovative SME


def _innov(**figures: Any) -> dict[str, Any]:
    """2024 figures: sales 10M; main 8M (80%); R&D 0.5M (5%); debt 40%; 2023 main 6M."""
    base: dict[str, Any] = {
        "sales_revenue": "10000000",
        "total_income": "10000000",
        "main_business_revenue": "8000000",
        "rd_expense": "500000",
        "rd_expense_domestic": "500000",
        "total_assets": "10000000",
        "total_liabilities": "4000000",
    }
    base.update(figures)
    if "rd_expense" in figures:
        base["rd_expense_domestic"] = figures["rd_expense"]
    return enterprise(
        years=[year(2023, main_business_revenue="6000000"), year(2024, **base)],
        ip=[_ip("invention_patent", acquired="own")],
    )


def _ind(doc: dict[str, Any], **inputs: Any) -> dict[str, Any]:
    v = ev("innovative_sme", doc, **inputs)
    inds = v.criterion("innovative_sme.innovation_group").detail["indicators"]
    growth = v.criterion("innovative_sme.growth_group").detail["indicators"]
    spec = v.criterion("innovative_sme.specialisation_group").detail["indicators"]
    return {i["name"]: i for i in (*inds, *growth, *spec)}


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("500000", 20),
        ("499999.99", 15),
        ("300000", 15),
        ("299999.99", 10),
        ("200000", 10),
        ("199999.99", 5),
        ("100000", 5),
        ("99999.99", 0),
    ],
)
def test_innovative_sme_rd_bands_by_one_fen(rd: str, points: int) -> None:
    assert _ind(_innov(rd_expense=rd))["rd_ratio"]["low"] == points


@pytest.mark.parametrize(
    ("main", "points"),
    [
        ("6900000", 20),  # +15%
        ("6899999.99", 15),
        ("6600000", 15),  # +10%
        ("6599999.99", 10),
        ("6300000", 10),  # +5%
        ("6299999.99", 5),
        ("6000000", 5),  # 0%
        ("5999999.99", 0),
    ],
)
def test_innovative_sme_growth_bands_by_one_fen(main: str, points: int) -> None:
    assert _ind(_innov(main_business_revenue=main))["growth"]["low"] == points


@pytest.mark.parametrize(
    ("debt", "points"),
    [("5500000", 10), ("5500000.01", 5), ("7500000", 5), ("7500000.01", 0)],
)
def test_innovative_sme_debt_bands_by_one_fen(debt: str, points: int) -> None:
    assert _ind(_innov(total_liabilities=debt))["debt_ratio"]["low"] == points


@pytest.mark.parametrize(
    ("main", "points"),
    [
        ("7000000", 20),
        ("6999999.99", 15),
        ("6000000", 15),
        ("5999999.99", 10),
        ("5500000", 10),
        ("5499999.99", 5),
        ("5000000", 5),
        ("4999999.99", 0),
    ],
)
def test_innovative_sme_main_share_bands_by_one_fen(main: str, points: int) -> None:
    doc = _innov(main_business_revenue=main)
    doc["years"][0]["main_business_revenue"] = "1000000"  # growth stays in band A
    assert _ind(doc)["main_share"]["low"] == points


@pytest.mark.parametrize(
    ("ip", "points", "band"),
    [
        ([_ip("invention_patent", high_value=True)], 20, "A"),
        ([_ip("invention_patent", acquired="own")], 15, "B"),
        ([_ip("invention_patent", acquired="transfer")], 10, "C"),
        ([_ip("invention_patent")], 10, "C"),
        ([_ip("utility_model", acquired="own")], 5, "D"),
        ([_ip("invention_patent", core=False, high_value=True)], 0, "E"),
        ([], 0, "E"),
    ],
)
def test_innovative_sme_ip_bands(ip: list[dict[str, Any]], points: int, band: str) -> None:
    doc = _innov()
    doc["ip"] = ip
    item = _ind(doc)["ip"]
    assert (item["low"], item["band"]) == (points, band)


def test_innovative_sme_groups_and_total_at_their_minimums() -> None:
    # innovation: IP C 10 + R&D 2% 10 = 20 (min); growth: 0% 5 + debt 55% 10 = 15 (min);
    # specialisation: field B 5 + main 60% 15 = 20; total 55 < 60
    doc = _innov(
        rd_expense="200000",
        main_business_revenue="6000000",
        total_liabilities="5500000",
    )
    doc["ip"] = [_ip("invention_patent", acquired="transfer")]
    v = ev("innovative_sme", doc, strategic_emerging_field=False)
    statuses = {c.code: c.status for c in v.criteria}
    assert statuses["innovative_sme.innovation_group"] is Status.PASS
    assert statuses["innovative_sme.growth_group"] is Status.PASS
    assert statuses["innovative_sme.specialisation_group"] is Status.PASS
    assert statuses["innovative_sme.score"] is Status.FAIL
    assert v.score == 55
    assert v.failed == ("innovative_sme.score",)
    # one fen less of R&D drops innovation to 15
    less = copy.deepcopy(doc)
    less["years"][1]["rd_expense"] = less["years"][1]["rd_expense_domestic"] = "199999.99"
    v = ev("innovative_sme", less, strategic_emerging_field=False)
    c = v.criterion("innovative_sme.innovation_group")
    assert (c.status, c.actual, c.gap) == (Status.FAIL, "15", "5")
    # the total exactly at 60 passes: field A adds 5
    v = ev("innovative_sme", doc, strategic_emerging_field=True)
    assert (v.status, v.score, v.path) == (Outcome.ELIGIBLE, 60, "score")


def test_innovative_sme_field_unknown_gives_a_range() -> None:
    v = ev("innovative_sme", _innov())
    assert (v.score, v.score_min, v.score_max) == (
        None,
        15 + 20 + 20 + 10 + 5 + 20,
        15 + 20 + 20 + 10 + 10 + 20,
    )
    assert v.status is Outcome.ELIGIBLE
    low = _innov(main_business_revenue="5000000", total_liabilities="8000000")
    low["years"][0]["main_business_revenue"] = "6000000"
    v = ev("innovative_sme", low)
    c = v.criterion("innovative_sme.specialisation_group")
    assert (c.status, c.actual) == (Status.UNKNOWN, "10-15")
    assert c.missing == ("inputs.strategic_emerging_field",)
    assert v.status is Outcome.INELIGIBLE  # the growth group fails whatever the field
    only = _innov(main_business_revenue="5000000")
    only["years"][0]["main_business_revenue"] = "1000000"
    v = ev("innovative_sme", only)
    assert (v.status, v.missing) == (Outcome.UNDETERMINED, ("inputs.strategic_emerging_field",))


@pytest.mark.parametrize(
    ("equity", "status"), [("5000000", Status.PASS), ("4999999.99", Status.FAIL)]
)
def test_innovative_sme_equity_path_by_one_fen(equity: str, status: Status) -> None:
    doc = _innov(rd_expense="0")
    v = ev("innovative_sme", doc, equity_financing_3y=D(equity), strategic_emerging_field=True)
    assert {p.path: p.status for p in v.paths}["direct:equity_financing"] is status
    assert v.status is (Outcome.ELIGIBLE if status is Status.PASS else Outcome.INELIGIBLE)
    if status is Status.PASS:
        assert (v.path, v.failed) == ("direct:equity_financing", ())


@pytest.mark.parametrize(
    ("award", "status"),
    [
        ({"level": "provincial", "year": 2023}, Status.PASS),
        ({"level": "national", "year": 2025}, Status.PASS),
        ({"level": "national", "year": 2022}, Status.FAIL),
        ({"level": "national", "year": 2026}, Status.FAIL),
        ({"level": "municipal", "year": 2024}, Status.FAIL),
    ],
)
def test_innovative_sme_award_path_by_one_year(award: dict[str, Any], status: Status) -> None:
    v = ev("innovative_sme", {**_innov(rd_expense="0"), "awards": [award]})
    assert {p.path: p.status for p in v.paths}["direct:award"] is status


def test_innovative_sme_other_direct_paths_and_proposals() -> None:
    doc = _innov(rd_expense="0")
    v = ev("innovative_sme", doc, strategic_emerging_field=True, demonstration_enterprise=True)
    assert v.path == "direct:demonstration"
    cert = [{"kind": "rd_institution_national", "issued_on": "2020-01-01"}]
    v = ev("innovative_sme", {**doc, "certifications": cert}, strategic_emerging_field=True)
    assert v.path == "direct:rd_institution"
    hnte = [{"kind": "hnte", "issued_on": "2024-01-01", "expires_on": "2026-12-31"}]
    v = ev("innovative_sme", {**doc, "certifications": hnte}, strategic_emerging_field=True)
    assert v.path == "direct:valid_hnte"
    v = ev("innovative_sme", doc, strategic_emerging_field=True)
    assert v.status is Outcome.INELIGIBLE
    c = v.criterion("innovative_sme.innovation_group")
    assert c.status is Status.FAIL
    (p,) = c.proposals
    assert (p.input, p.target, p.verified) == ("years[2024].rd_expense", D("100000.00"), True)
    before = ev("innovative_sme", doc, as_of=dt.date(2022, 7, 31))
    assert before.status is Outcome.NOT_APPLICABLE
    missing = _innov()
    del missing["years"][0]
    v = ev("innovative_sme", missing)
    assert v.missing == ("years[2023].main_business_revenue",)
    assert v.status is Outcome.UNDETERMINED


# =========================================================================== params loader


def _band(op: str | None, bound: str | None) -> Band:
    return Band("x", 1, 1, op, None if bound is None else D(bound))


@pytest.mark.parametrize(
    ("op", "below", "at", "above"),
    [
        ("at_least", False, True, True),
        ("above", False, False, True),
        ("at_most", True, True, False),
        ("below", True, False, False),
    ],
)
def test_band_tests_at_their_bound(op: str, below: bool, at: bool, above: bool) -> None:
    band = _band(op, "0.5")
    assert (band.matches(D("0.49")), band.matches(D("0.5")), band.matches(D("0.51"))) == (
        below,
        at,
        above,
    )
    symbol = {"at_least": ">=", "above": ">", "at_most": "<=", "below": "<"}[op]
    assert band.describe() == f"{symbol} 0.5"
    assert _band(None, None).matches(D(-1)) is True
    assert _band(None, None).describe() == "otherwise"
    assert _band(op, None).matches(D(7)) is True


def test_version_in_force_boundaries() -> None:
    v = Version(dt.date(2020, 1, 1), dt.date(2020, 12, 31), 1, "s")
    assert [v.in_force(dt.date(2019, 12, 31)), v.in_force(dt.date(2020, 1, 1))] == [False, True]
    assert [v.in_force(dt.date(2020, 12, 31)), v.in_force(dt.date(2021, 1, 1))] == [True, False]
    open_end = Version(dt.date(2020, 1, 1), None, 1, "s")
    assert open_end.in_force(dt.date(9999, 12, 31))
    p = Parameter("n", "points", "", (v, Version(dt.date(2021, 1, 1), None, 2, "t")))
    assert p.version_on(dt.date(2020, 12, 31)) is v
    assert p.version_on(dt.date(2021, 1, 1)).value == 2  # type: ignore[union-attr]
    assert p.version_on(dt.date(2019, 1, 1)) is None


def _pack(tmp_path: Path, body: str, meta: str = 'layer = "t"\nregion = "44"') -> Path:
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    (folder / "p.toml").write_text(f"[meta]\n{meta}\n\n{body}", encoding="utf-8")
    return folder


def _param(unit: str, *versions: str, extra: str = "") -> str:
    out = f'[x.p]\nunit = "{unit}"\n{extra}\n'
    for v in versions:
        out += f'[[x.p.versions]]\n{v}\nsource = "s"\n'
    return out


@pytest.mark.parametrize(
    ("unit", "value", "ok", "stored"),
    [
        ("ratio", '"1"', True, D(1)),
        ("ratio", '"1.0000001"', False, None),
        ("ratio", '"0"', True, D(0)),
        ("ratio", '"-0.01"', False, None),
        ("rate", '"1.20"', True, D("1.20")),
        ("rate", '"-0.01"', False, None),
        ("wan_yuan", "2000", True, D(20_000_000)),
        ("yi_yuan", '"2"', True, D(200_000_000)),
        ("yuan", '"0.01"', True, D("0.01")),
        ("yuan", '"-0.01"', False, None),
        ("wan_yuan", "true", False, None),
        ("persons", "500", True, 500),
        ("persons", "true", False, None),
        ("days", '"365"', False, None),
        ("bool", "true", True, True),
        ("bool", '"yes"', False, None),
        ("text", '"a"', True, "a"),
        ("text", "1", False, None),
        ("date", "2020-01-01", True, dt.date(2020, 1, 1)),
        ("date", "2020-01-01T00:00:00", False, None),
        ("codes", '["A", "B"]', True, ("A", "B")),
        ("codes", '["A", 1]', False, None),
        ("ratio", "true", False, None),
    ],
)
def test_loader_units_at_their_edges(
    tmp_path: Path, unit: str, value: str, ok: bool, stored: Any
) -> None:
    folder = _pack(tmp_path, _param(unit, f"effective_from = 2020-01-01\nvalue = {value}"))
    problems = lint_layer(folder)
    assert (problems == []) is ok, problems
    if ok:
        layer = load_layer(folder)
        param = layer.params["x.p"]
        assert param.versions[0].value == stored
        assert param.unit == ("yuan" if unit.endswith("yuan") else unit)
        assert layer.name == "t"
        assert layer.region == "44"
    else:
        assert all(p.startswith("p.toml: x.p") for p in problems), problems
        with pytest.raises(ParameterError, match=r"x\.p"):
            load_layer(folder)


@pytest.mark.parametrize(
    ("first_end", "second_start", "problem"),
    [
        ("2020-12-31", "2021-01-01", None),
        ("2020-12-31", "2021-01-02", "gap between versions"),
        ("2021-01-01", "2021-01-01", "versions overlap"),
        (None, "2021-01-01", "versions overlap"),
    ],
)
def test_loader_versions_gap_free_by_one_day(
    tmp_path: Path, first_end: str | None, second_start: str, problem: str | None
) -> None:
    end = f"effective_to = {first_end}\n" if first_end else ""
    body = _param(
        "points",
        f"effective_from = 2020-01-01\n{end}value = 1",
        f"effective_from = {second_start}\nvalue = 2",
    )
    problems = lint_layer(_pack(tmp_path, body))
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1
        assert problem in problems[0]


def test_loader_version_fields(tmp_path: Path) -> None:
    same_day = _param("points", "effective_from = 2020-01-01\neffective_to = 2020-01-01\nvalue = 1")
    assert lint_layer(_pack(tmp_path, same_day)) == []
    backwards = _param(
        "points", "effective_from = 2020-01-02\neffective_to = 2020-01-01\nvalue = 1"
    )
    assert any("ends before it starts" in p for p in lint_layer(_pack(tmp_path, backwards)))
    for version, key in (
        ("value = 1", "effective_from"),
        ('effective_from = "2020-01-01"\nvalue = 1', "effective_from"),
        ('effective_from = 2020-01-01\neffective_to = "x"\nvalue = 1', "effective_to"),
        ("effective_from = 2020-01-01", "value"),
        ("effective_from = 2020-01-01\nvalue = 1\nfoo = 1", "foo"),
    ):
        problems = lint_layer(_pack(tmp_path, _param("points", version)))
        assert any(f"x.p.versions[0].{key}" in p for p in problems), (version, problems)
    nosource = (
        '[x.p]\nunit = "points"\n[[x.p.versions]]\n'
        'effective_from = 2020-01-01\nvalue = 1\nsource = " "\n'
    )
    assert any("source" in p for p in lint_layer(_pack(tmp_path, nosource)))
    for body, needle in (
        ('[x.p]\nunit = "furlongs"\nversions = []\n', "x.p.unit"),
        ('[x.p]\nunit = "points"\nversions = []\n', "x.p.versions"),
        ('[x.p]\nunit = "points"\nfoo = 1\nversions = [1]\n', "x.p.foo"),
        ('[x.p]\nunit = "points"\nversions = [1]\n', "x.p.versions[0]"),
        ('[x.p]\nunit = "bands"\nband_unit = "text"\nversions = [1]\n', "x.p.band_unit"),
        ("x = 1\n", "x: "),
    ):
        problems = lint_layer(_pack(tmp_path, body))
        assert any(needle in p for p in problems), (body, problems)
    note = _param("points", 'effective_from = 2020-01-01\nvalue = 1\nnote = "n"')
    layer = load_layer(_pack(tmp_path, note))
    assert layer.params["x.p"].versions[0].note == "n"
    described = _param(
        "points", "effective_from = 2020-01-01\nvalue = 1", extra='description = "d"'
    )
    assert load_layer(_pack(tmp_path, described)).params["x.p"].description == "d"


@pytest.mark.parametrize(
    ("bands", "ok"),
    [
        ('[{ at_least = "0.5", points = 2 }, { points = 0 }]', True),
        ('[{ points = 0 }, { at_least = "0.5", points = 2 }]', False),
        ('[{ at_least = "0.5", above = "0.4", points = 2 }]', False),
        ('[{ at_least = "0.5", points_min = 1, points_max = 1 }]', True),
        ('[{ at_least = "0.5", points_min = 2, points_max = 1 }]', False),
        ('[{ at_least = "0.5" }]', False),
        ('[{ at_least = "0.5", points = 1, colour = "red" }]', False),
        ('[{ at_least = "1.5", points = 1 }]', False),
        ("[1]", False),
        ("[]", False),
    ],
)
def test_loader_bands(tmp_path: Path, bands: str, ok: bool) -> None:
    body = _param("bands", f"effective_from = 2020-01-01\nvalue = {bands}")
    problems = lint_layer(_pack(tmp_path, body))
    assert (problems == []) is ok, problems


def test_loader_band_values_and_units(tmp_path: Path) -> None:
    body = _param(
        "bands",
        "effective_from = 2020-01-01\n"
        'value = [{ below = 3, points_min = 1, points_max = 4, label = "L" }, { points = 0 }]',
        extra='band_unit = "count"',
    )
    (first, last) = load_layer(_pack(tmp_path, body)).params["x.p"].versions[0].value
    assert (first.op, first.bound, first.points_min, first.points_max, first.label) == (
        "below",
        3,
        1,
        4,
        "L",
    )
    assert (last.op, last.bound, last.label) == (None, None, "")
    money = _param(
        "bands",
        "effective_from = 2020-01-01\nvalue = [{ at_most = 2, points = 1 }]",
        extra='band_unit = "wan_yuan"',
    )
    (band,) = load_layer(_pack(tmp_path, money)).params["x.p"].versions[0].value
    assert band.bound == D(20000)


@pytest.mark.parametrize(
    ("table", "ok"),
    [
        ("{ employees = [1000, 300, 20] }", True),
        ("{ employees = [1000, 300, 0] }", True),
        ("{ employees = [300, 300, 20] }", False),
        ("{ employees = [1000, 20, 20] }", False),
        ("{ employees = [1000, 300, -1] }", False),
        ("{ employees = [1000, 300] }", False),
        ("{ employees = [1000, 300, true] }", False),
        ("{ staff = [1000, 300, 20] }", False),
        ("{}", False),
        ("[1]", False),
    ],
)
def test_loader_size_tables(tmp_path: Path, table: str, ok: bool) -> None:
    body = _param("size_table", f"effective_from = 2020-01-01\nvalue = {table}")
    problems = lint_layer(_pack(tmp_path, body))
    assert (problems == []) is ok, problems


def test_loader_size_table_scales_wan(tmp_path: Path) -> None:
    body = _param(
        "size_table",
        "effective_from = 2020-01-01\nvalue = { revenue_wan = [2, 1, 0], assets_wan = [3, 2, 1] }",
    )
    value = load_layer(_pack(tmp_path, body)).params["x.p"].versions[0].value
    assert value == {
        "revenue": (D(20000), D(10000), D(0)),
        "assets": (D(30000), D(20000), D(10000)),
    }


@pytest.mark.parametrize(
    ("region", "ok"),
    [
        ('""', True),
        ('"44"', True),
        ('"4412"', True),
        ('"441200"', True),
        ('"441"', False),
        ('"4a"', False),
        ('"4412001"', False),
    ],
)
def test_loader_region_prefix_lengths(tmp_path: Path, region: str, ok: bool) -> None:
    folder = _pack(
        tmp_path,
        _param("points", "effective_from = 2020-01-01\nvalue = 1"),
        f'layer = "t"\nregion = {region}',
    )
    assert (lint_layer(folder) == []) is ok


def test_loader_meta_and_pack_shape(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path,
        _param("points", "effective_from = 2020-01-01\nvalue = 1"),
        'layer = "t"\ncolour = 1',
    )
    assert any("meta.colour" in p for p in lint_layer(folder))
    (tmp_path / "pack" / "p.toml").write_text("meta = 1\n", encoding="utf-8")
    assert any("meta" in p for p in lint_layer(tmp_path / "pack"))
    (tmp_path / "pack" / "p.toml").write_text("[x", encoding="utf-8")
    assert any("toml" in p for p in lint_layer(tmp_path / "pack"))
    assert lint_layer(tmp_path / "nothing") == [f"{tmp_path / 'nothing'}: not a directory"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert lint_layer(empty) == [f"{empty}: no .toml files"]
    two = tmp_path / "two"
    two.mkdir()
    p = _param("points", "effective_from = 2020-01-01\nvalue = 1")
    (two / "a.toml").write_text(f'[meta]\nlayer = "a"\n{p}', encoding="utf-8")
    (two / "b.toml").write_text(f'[meta]\nlayer = "b"\n{p}', encoding="utf-8")
    problems = lint_layer(two)
    assert any("more than one file" in q for q in problems)
    assert any("disagree" in q for q in problems)
    unnamed = tmp_path / "unnamed"
    unnamed.mkdir()
    (unnamed / "a.toml").write_text(p, encoding="utf-8")
    layer = load_layer(unnamed)
    assert (layer.name, layer.region, layer.origin) == ("unnamed", "", str(unnamed))


def test_lint_against_a_base(tmp_path: Path) -> None:
    body = (
        '[hnte.tech_staff_ratio_min]\nunit = "points"\n[[hnte.tech_staff_ratio_min.versions]]\n'
        'effective_from = 2020-01-01\nvalue = 1\nsource = "s"\n'
    )
    folder = _pack(tmp_path, body + _param("points", "effective_from = 2020-01-01\nvalue = 1"))
    problems = lint_layer(folder, base=national())
    assert problems == [
        f"{folder}: hnte.tech_staff_ratio_min: unit 'points' differs from the base pack's 'ratio'"
    ]
    strict = lint_layer(folder, base=national(), allow_new=False)
    assert f"{folder}: x.p: not a parameter of the base pack" in strict


def test_parameter_set_lookup_layers(tmp_path: Path) -> None:
    body = _param("points", "effective_from = 2020-01-01\neffective_to = 2020-12-31\nvalue = 7")
    layer = load_layer(_pack(tmp_path, body))
    base_body = _param("points", "effective_from = 2019-01-01\nvalue = 1")
    base_dir = tmp_path / "base"
    base_dir.mkdir()
    (base_dir / "b.toml").write_text(f'[meta]\nlayer = "base"\n{base_body}', encoding="utf-8")
    pset = ParameterSet([load_layer(base_dir)]).with_layer(layer)
    assert pset.value("x.p", dt.date(2020, 6, 1), "441200") == 7
    assert pset.lookup("x.p", dt.date(2020, 6, 1), "441200").layer == "t"
    assert pset.value("x.p", dt.date(2021, 1, 1), "441200") == 1
    assert pset.value("x.p", dt.date(2020, 6, 1), "110105") == 1
    assert pset.value("x.p", dt.date(2020, 6, 1), None) == 1
    found = pset.lookup("x.p", dt.date(2020, 12, 31), "44")
    assert (found.effective_from, found.effective_to, found.source) == (
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
        "s",
    )
    with pytest.raises(ParameterError, match="no version in force on 2018-12-31"):
        pset.lookup("x.p", dt.date(2018, 12, 31))
    assert pset.find("x.p", dt.date(2018, 12, 31)) is None
    with pytest.raises(ParameterError, match="unknown parameter"):
        pset.lookup("x.q", dt.date(2020, 1, 1))
    with pytest.raises(ParameterError, match="unknown parameter"):
        pset.find("x.q", dt.date(2020, 1, 1))
    with pytest.raises(ParameterError, match="unknown parameter"):
        pset.parameter("x.q")
    assert pset.parameter("x.p").versions[0].value == 1  # the base layer's definition
    assert pset.names() == ["x.p"]
    assert len(pset.layers) == 2


# =========================================================================== golden verdicts


def _golden_cases() -> list[tuple[str, dict[str, Any], dt.date, dict[str, Any]]]:
    """Deterministic enterprises around the thresholds, plus seeded random ones."""
    out: list[tuple[str, dict[str, Any], dt.date, dict[str, Any]]] = []
    out.append(("base", enterprise(), AS_OF, {}))
    out.append(("base-71", enterprise(), AS_OF, {"hnte": {"innovation_score": 71}}))
    out.append(("base-2019", enterprise(), dt.date(2023, 3, 1), {}))
    out.append(("not-in-force", enterprise(), dt.date(2015, 6, 30), {}))
    out.append(("tax-2014", enterprise(), AS_OF, {"super_deduction": {"tax_year": 2014}}))
    out.append(("scale-1997", enterprise(), AS_OF, {"above_scale": {"year": 1997}}))
    out.append(("young", enterprise(registered_on="2024-07-01", years=[year(2024)]), AS_OF, {}))
    out.append(("tech-9", set_figure(enterprise(), 2024, "tech_staff", 9), AS_OF, {}))
    out.append(("tech-0", set_figure(enterprise(), 2024, "tech_staff", 0), AS_OF, {}))
    out.append(("big", set_figure(enterprise(), 2024, "employees", 501), AS_OF, {}))
    out.append(("innov", _innov(), AS_OF, {"innovative_sme": {"strategic_emerging_field": True}}))
    out.append(("innov-low", _innov(rd_expense="0", total_liabilities="9000000"), AS_OF, {}))
    out.append(("retail", enterprise(industry="F5211"), AS_OF, {}))
    out.append(("coarse", enterprise(industry="C"), AS_OF, {}))
    out.append(
        (
            "incidents",
            enterprise(
                incidents=[{"kind": "major_safety", "on": "2025-01-01"}],
                listings=[{"kind": "abnormal_operation", "from": "2025-01-01"}],
                certifications=[{"kind": "hnte", "issued_on": "2023-01-01"}],
                awards=[{"level": "national", "year": 2023, "rank": 2}],
                standards_led=[{"level": "national", "year": 2023}],
                achievements_transformed={"2022": 3, "2023": 4, "2024": 5},
                ip=[_ip("utility_model", acquired="transfer")] * 3,
            ),
            AS_OF,
            {},
        )
    )
    rng = random.Random(20260101)
    for index in range(40):
        rows = []
        for y in (2021, 2022, 2023, 2024):
            sales = (
                D(rng.choice([0, 1, 40, 50, 200, 300])) * D(1000000) + D(rng.randint(-1, 1)) / 100
            )
            sales = max(sales, D(0))
            rd = (sales * D(rng.choice([0, 2, 3, 4, 5, 6, 7])) / 100).quantize(FEN)
            employees = rng.choice([0, 1, 10, 100, 300, 500, 501, 1000])
            rows.append(
                year(
                    y,
                    sales_revenue=str(sales),
                    main_business_revenue=str(
                        (sales * D(rng.choice([0, 50, 60, 70, 100])) / 100).quantize(FEN)
                    ),
                    total_income=str(sales + 100),
                    non_taxable_income=str(rng.randint(0, 100)),
                    high_tech_income=str(
                        (sales * D(rng.choice([0, 59, 60, 61])) / 100).quantize(FEN)
                    ),
                    rd_expense=str(rd),
                    rd_expense_domestic=str((rd * D(rng.choice([0, 60, 100])) / 100).quantize(FEN)),
                    rd_other_related=str((rd * D(rng.choice([0, 10, 20])) / 100).quantize(FEN)),
                    cost_and_expense=str(sales * rng.choice([0, 1])),
                    total_assets=str(D(rng.choice([0, 1, 10, 200])) * D(1000000)),
                    total_liabilities=str(D(rng.choice([0, 1, 5])) * D(1000000)),
                    employees=employees,
                    tech_staff=employees * rng.choice([0, 9, 10, 20, 30, 100]) // 100,
                )
            )
        doc = enterprise(
            industry=rng.choice(list(SME_CODES.values())),
            registered_on=rng.choice(["2010-01-01", "2022-05-05", "2023-06-30"]),
            years=[r for r in rows if int(r["year"]) >= 2021],
            ip=[
                _ip(
                    rng.choice(["invention_patent", "utility_model"]),
                    acquired=rng.choice(["own", "gift"]),
                )
            ]
            * rng.randint(0, 5),
            achievements_transformed={str(y): rng.randint(0, 6) for y in (2022, 2023, 2024)},
        )
        inputs = {
            "hnte": rng.choice([{}, {"innovation_score": rng.randint(60, 80)}]),
            "innovative_sme": rng.choice([{}, {"strategic_emerging_field": rng.random() < 0.5}]),
        }
        out.append((f"random-{index}", doc, rng.choice([AS_OF, dt.date(2025, 1, 1)]), inputs))
    return out


def _digest(v: Verdict) -> tuple[str, str]:
    body = json.dumps(
        {
            "verdict": kejiservice.dump(v),
            "zh": v.explain("zh"),
            "en": v.explain("en"),
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16], body


_BROKEN_PACKS = {
    "ratio-percent": _param("ratio", "effective_from = 2020-01-01\nvalue = 8"),
    "ratio-negative": _param("ratio", 'effective_from = 2020-01-01\nvalue = "-0.1"'),
    "rate-negative": _param("rate", 'effective_from = 2020-01-01\nvalue = "-1"'),
    "rate-bool": _param("rate", "effective_from = 2020-01-01\nvalue = true"),
    "money-bool": _param("wan_yuan", "effective_from = 2020-01-01\nvalue = true"),
    "money-negative": _param("yuan", "effective_from = 2020-01-01\nvalue = -1"),
    "int-text": _param("days", 'effective_from = 2020-01-01\nvalue = "3"'),
    "bool-text": _param("bool", 'effective_from = 2020-01-01\nvalue = "true"'),
    "text-int": _param("text", "effective_from = 2020-01-01\nvalue = 3"),
    "date-text": _param("date", 'effective_from = 2020-01-01\nvalue = "2020-01-01"'),
    "codes-mixed": _param("codes", 'effective_from = 2020-01-01\nvalue = ["a", 1]'),
    "codes-text": _param("codes", 'effective_from = 2020-01-01\nvalue = "a"'),
    "bands-empty": _param("bands", "effective_from = 2020-01-01\nvalue = []"),
    "bands-row": _param("bands", "effective_from = 2020-01-01\nvalue = [1]"),
    "bands-two-tests": _param(
        "bands",
        'effective_from = 2020-01-01\nvalue = [{ at_least = "0.1", below = "0.2", points = 1 }]',
    ),
    "bands-catch-all-first": _param(
        "bands",
        'effective_from = 2020-01-01\nvalue = [{ points = 1 }, { at_least = "0.1", points = 2 }]',
    ),
    "bands-points": _param(
        "bands",
        "effective_from = 2020-01-01\n"
        'value = [{ at_least = "0.1", points_min = 3, points_max = 2 }]',
    ),
    "bands-unknown": _param(
        "bands", 'effective_from = 2020-01-01\nvalue = [{ at_least = "0.1", points = 1, x = 1 }]'
    ),
    "bands-unit": _param(
        "bands", "effective_from = 2020-01-01\nvalue = []", extra='band_unit = "codes"'
    ),
    "size-empty": _param("size_table", "effective_from = 2020-01-01\nvalue = {}"),
    "size-unknown": _param(
        "size_table", "effective_from = 2020-01-01\nvalue = { staff = [3, 2, 1] }"
    ),
    "size-short": _param(
        "size_table", "effective_from = 2020-01-01\nvalue = { employees = [3, 2] }"
    ),
    "size-order": _param(
        "size_table", "effective_from = 2020-01-01\nvalue = { employees = [3, 3, 1] }"
    ),
    "unit": '[x.p]\nunit = "furlongs"\nversions = [1]\n',
    "no-versions": '[x.p]\nunit = "points"\n',
    "version-not-table": '[x.p]\nunit = "points"\nversions = [1]\nfoo = 2\n',
    "no-start": _param("points", "value = 1"),
    "bad-end": _param("points", 'effective_from = 2020-01-01\neffective_to = "x"\nvalue = 1'),
    "backwards": _param(
        "points", "effective_from = 2020-01-02\neffective_to = 2020-01-01\nvalue = 1"
    ),
    "no-value": _param("points", "effective_from = 2020-01-01\nnote = 1"),
    "gap": _param(
        "points",
        "effective_from = 2020-01-01\neffective_to = 2020-01-30\nvalue = 1",
        "effective_from = 2020-02-01\nvalue = 1",
    ),
    "overlap": _param(
        "points", "effective_from = 2020-01-01\nvalue = 1", "effective_from = 2020-02-01\nvalue = 1"
    ),
    "not-a-table": "x = 1\n",
    "toml": "[x\n",
}


def test_golden_loader_problems(tmp_path: Path) -> None:
    """The exact problem list of a corpus of broken parameter packs."""
    found: dict[str, list[str]] = {}
    for name, body in _BROKEN_PACKS.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "p.toml").write_text(f'[meta]\nlayer = "t"\nregion = "4"\n{body}', "utf-8")
        found[name] = [p.replace(str(tmp_path), "TMP") for p in lint_layer(folder)]
    path = GOLDEN.parent / "loader_problems.json"
    if os.environ.get("KEJISERVICE_UPDATE_GOLDEN"):
        path.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert found == expected


def test_rule_specs_are_built_from_the_modules() -> None:
    from kejiservice.rules import (
        RULES,
        _registry,
        above_scale,
        hnte,
        innovative_sme,
        sme_size,
        super_deduction,
        tech_sme,
    )

    for module in (hnte, tech_sme, super_deduction, sme_size, above_scale, innovative_sme):
        spec = _registry._spec(module)
        assert spec == RULES[module.RULE]
        assert spec.doc == (module.__doc__ or "").strip().splitlines()[0]
        assert spec.codes == tuple(module.CODES)
        assert spec.bounds == dict(getattr(module, "BOUNDS", {}))
        assert spec.region == ""


def test_golden_verdicts_unchanged() -> None:
    """The whole verdict (JSON and explanation) of a fixed corpus, pinned by digest."""
    found: dict[str, str] = {}
    bodies: dict[str, str] = {}
    for name, doc, as_of, inputs in _golden_cases():
        for rule in (
            "hnte",
            "tech_sme",
            "super_deduction",
            "sme_size",
            "above_scale",
            "innovative_sme",
        ):
            v = kejiservice.evaluate(rule, doc, as_of, **inputs.get(rule, {}))
            key = f"{name}/{rule}"
            found[key], bodies[key] = _digest(v)
    if os.environ.get("KEJISERVICE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(k for k in found if expected.get(k) != found[k])
    assert set(expected) == set(found)
    assert not changed, (
        f"{len(changed)} verdict(s) changed, first {changed[:1]}:\n"
        f"{bodies[changed[0]][:3000] if changed else ''}\n"
        "If the change is intended, regenerate with "
        "KEJISERVICE_UPDATE_GOLDEN=1 uv run pytest tests/test_mutation_kills.py -k golden"
    )


# =========================================================================== survivors of the
# sampled mutation run, killed one by one


def test_messages_keys_and_ids_in_the_output() -> None:
    from kejiservice.rules._core import render

    with pytest.raises(ParameterError, match="no message 'nope' in the en catalog"):
        render("nope", "en", {})
    v = ev("hnte", enterprise())
    with pytest.raises(KeyError) as info:
        v.criterion("hnte.nothing")
    assert info.value.args == ("hnte.nothing",)
    assert v.explain() == v.explain("zh")
    for rule in ("hnte", "tech_sme", "innovative_sme", "super_deduction"):
        out = kejiservice.dump(ev(rule, enterprise(id="E42")))
        assert out["enterprise"] == "E42", rule


def test_message_keys_of_fixed_branches() -> None:
    c = crit(ev("hnte", enterprise(core_ip_owned=False)), "hnte.core_ip")
    assert c.message.key == "hnte.core_ip.fail"
    c = crit(ev("hnte", enterprise(tech_field="none")), "hnte.key_field")
    (p,) = c.proposals
    assert (p.input, p.message.args) == ("tech_field", {"field": "tech_field"})
    v = ev("hnte", enterprise(registered_on="2025-01-01", years=[]))
    c = crit(v, "hnte.domestic_rd_share")
    assert c.source == "国科发火〔2016〕32号 第十一条（五）"
    exact = ev(
        "hnte",
        enterprise(),
        ip_score=30,
        transformation_score=21,
        organisation_score=20,
        growth_score=0,
    )
    c = crit(exact, "hnte.innovation_score")
    assert c.message.key == "hnte.innovation_score.pass"
    assert c.message.args == {"score": "71", "need": "71", "gap": "0"}
    items = {i.name: i for i in c.detail["items"]}
    assert set(items) == {"ip", "transformation", "organisation", "growth"}
    assert items["growth"].basis == items["organisation"].basis == "input"
    rows = [year(2024, rd_expense="1000000", rd_expense_domestic="1000000")]
    v = ev(
        "super_deduction",
        enterprise(years=rows, industry="F"),
        negative_list_share=D("0.5"),
    )
    assert v.criteria[0].message.key == "super_deduction.industry_allowed.pass_share"


def test_innovative_sme_provincial_institution_path() -> None:
    cert = [{"kind": "rd_institution_provincial", "issued_on": "2020-01-01"}]
    v = ev("innovative_sme", {**_innov(rd_expense="0"), "certifications": cert})
    assert v.path == "direct:rd_institution"


def test_super_deduction_q4_months_for_an_older_firm() -> None:
    rows = [year(2022, rd_expense="1200000", rd_expense_domestic="1200000")]
    doc = enterprise(years=rows, industry="I6510", registered_on="2010-06-01")
    v = ev("super_deduction", doc, as_of=dt.date(2023, 6, 30))
    assert v.to_dict()["amounts"]["q4_base"] == "300000.00"  # 3 of 12 months


def test_evaluate_all_routes_inputs_and_local_rules() -> None:
    from kejiservice.rules import RULES, get_rule, register_rule, unregister_rule

    summary = kejiservice.evaluate_all(
        enterprise(), AS_OF, inputs={"hnte": {"innovation_score": 71}}
    )
    assert summary.verdicts["hnte"].score == 71
    with pytest.raises(InvalidInput, match=r"inputs\.year"):
        kejiservice.evaluate_all(enterprise(), AS_OF, inputs={"hnte": {"year": 2024}})
    spec = copy.copy(RULES["above_scale"])
    import attrs

    local = attrs.evolve(spec, id="local_copy")
    register_rule(local)
    try:
        assert get_rule("local_copy") is local
        assert ev("local_copy", enterprise()).rule == "above_scale"
    finally:
        unregister_rule("local_copy")


def test_loader_survivors(tmp_path: Path) -> None:
    # a TOML float is read as a Decimal, exactly
    body = _param("ratio", "effective_from = 2020-01-01\nvalue = 0.05")
    assert load_layer(_pack(tmp_path, body)).params["x.p"].versions[0].value == D("0.05")
    plain = _param("points", "effective_from = 2020-01-01\nvalue = 1")
    assert load_layer(_pack(tmp_path, plain)).params["x.p"].versions[0].note == ""
    nested = _param("bands", "effective_from = 2020-01-01\nvalue = []", extra='band_unit = "bands"')
    assert any("x.p.band_unit" in p for p in lint_layer(_pack(tmp_path, nested)))
    mixed = _param(
        "bands",
        "effective_from = 2020-01-01\n"
        'value = [{ at_least = "0.5", points_min = 1, points_max = "2" }]',
    )
    assert any("integer points" in p for p in lint_layer(_pack(tmp_path, mixed)))
    two = _param(
        "size_table",
        "effective_from = 2020-01-01\nvalue = { staff = [3, 2, 1], employees = [3, 3, 1] }",
    )
    problems = lint_layer(_pack(tmp_path, two))
    assert any("staff" in p for p in problems)
    assert any("employees" in p for p in problems)
