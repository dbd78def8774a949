"""Hypothesis strategies for valid enterprise documents (JSON-ready dicts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from kejiservice.models import uscc_check_character
from kejiservice.testing import activity_logs, enterprises, ip_portfolios, officers, years
from kejiservice.testing import money as _kit_money

__all__ = [
    "activity_logs",
    "enterprise_doc",
    "enterprises",
    "ip_portfolios",
    "money",
    "officers",
    "uscc",
    "year_doc",
    "years",
]

INDUSTRIES = [
    "C3911",
    "C2710",
    "I6510",
    "I6520",
    "M7320",
    "F5171",
    "F5211",
    "E4710",
    "L7211",
    "A0111",
    "D4411",
    "G5430",
    "H6110",
    "K7010",
    "C16",
    "C3511",
]
IP_KINDS = [
    "invention_patent",
    "utility_model",
    "design_patent",
    "software_copyright",
    "plant_variety",
    "ic_layout",
]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def money(max_yuan: int = 10**10) -> st.SearchStrategy[Decimal]:
    """Non-negative amounts in fen precision (the kit's ``money``)."""
    return _kit_money(0, max_yuan)


@st.composite
def uscc(draw: st.DrawFn) -> str:
    body = (
        "91"
        + "441200"
        + "".join(draw(st.lists(st.sampled_from(USCC_CHARS), min_size=9, max_size=9)))
    )
    return body + uscc_check_character(body)


@st.composite
def year_doc(draw: st.DrawFn, year: int) -> dict[str, Any]:
    sales = draw(money(10**9))
    main = Decimal(draw(st.integers(0, int(sales * 100)))) / 100
    total_income = sales + draw(money(10**7))
    non_taxable = Decimal(draw(st.integers(0, int(total_income * 100)))) / 100
    rd = draw(money(10**8))
    rd_domestic = Decimal(draw(st.integers(0, int(rd * 100)))) / 100
    employees = draw(st.integers(1, 3000))
    doc: dict[str, Any] = {
        "year": year,
        "sales_revenue": str(sales),
        "main_business_revenue": str(main),
        "total_income": str(total_income),
        "non_taxable_income": str(non_taxable),
        "high_tech_income": str(draw(money(10**9))),
        "rd_expense": str(rd),
        "rd_expense_domestic": str(rd_domestic),
        "total_assets": str(draw(money(10**9))),
        "total_liabilities": str(draw(money(10**9))),
        "employees": employees,
        "tech_staff": draw(st.integers(0, employees)),
    }
    if draw(st.booleans()):
        doc["cost_and_expense"] = str(draw(money(10**9)))
    if draw(st.booleans()):
        doc["rd_other_related"] = str(Decimal(draw(st.integers(0, int(rd * 100)))) / 100)
    # drop some optional figures: absent means unknown
    for key in draw(
        st.lists(st.sampled_from(["high_tech_income", "cost_and_expense"]), max_size=1)
    ):
        doc.pop(key, None)
    return doc


@st.composite
def enterprise_doc(draw: st.DrawFn) -> dict[str, Any]:
    """A valid enterprise JSON document (CONTRACT.md §1)."""
    registered = draw(st.dates(dt.date(1995, 1, 1), dt.date(2024, 12, 31)))
    first = max(registered.year, 2019)
    last = draw(st.integers(first, 2025))
    years = [draw(year_doc(y)) for y in range(first, last + 1)]
    doc: dict[str, Any] = {
        "schema": "kejiservice/enterprise@1",
        "name": draw(st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != "")),
        "registered_on": registered.isoformat(),
        "industry": draw(st.sampled_from(INDUSTRIES)),
        "resident": draw(st.booleans()),
        "years": years,
    }
    if draw(st.booleans()):
        doc["uscc"] = draw(uscc())
    if draw(st.booleans()):
        doc["region"] = draw(st.sampled_from(["441200", "440300", "110105", "449901"]))
    if draw(st.booleans()):
        doc["tech_field"] = draw(
            st.sampled_from(["electronic_information", "biomedicine", "new_materials", "none"])
        )
    if draw(st.booleans()):
        doc["core_ip_owned"] = draw(st.booleans())
    if draw(st.booleans()):
        doc["restricted_industry"] = draw(st.booleans())
    ips = []
    for _ in range(draw(st.integers(0, 4))):
        granted = draw(st.dates(registered, dt.date(2026, 1, 1)))
        item: dict[str, Any] = {
            "kind": draw(st.sampled_from(IP_KINDS)),
            "granted_on": granted.isoformat(),
        }
        if draw(st.booleans()):
            item["expires_on"] = (
                granted + dt.timedelta(days=draw(st.integers(0, 7000)))
            ).isoformat()
        if draw(st.booleans()):
            item["acquired"] = draw(st.sampled_from(["own", "transfer", "gift", "merger"]))
        if draw(st.booleans()):
            item["core"] = draw(st.booleans())
        ips.append(item)
    doc["ip"] = ips
    certs = []
    for _ in range(draw(st.integers(0, 2))):
        issued = draw(st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31)))
        certs.append(
            {
                "kind": draw(st.sampled_from(["hnte", "tech_sme", "innovative_sme"])),
                "issued_on": issued.isoformat(),
                "expires_on": (issued + dt.timedelta(days=1094)).isoformat(),
            }
        )
    doc["certifications"] = certs
    doc["incidents"] = [
        {
            "kind": draw(st.sampled_from(["major_safety", "serious_fraud"])),
            "on": draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1))).isoformat(),
        }
        for _ in range(draw(st.integers(0, 1)))
    ]
    if draw(st.booleans()):
        doc["achievements_transformed"] = {
            str(y): draw(st.integers(0, 9)) for y in range(2022, 2026)
        }
    if draw(st.booleans()):
        doc["tags"] = draw(st.lists(st.sampled_from(["key_cultivation", "gazelle"]), unique=True))
    if draw(st.booleans()):
        doc["extra"] = {"note": draw(st.text(max_size=5)), "n": draw(st.integers())}
    return doc
