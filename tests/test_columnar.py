"""Columnar screening (kejiservice.columnar): every row equals the object path, exactly.

The property tests generate ledgers whose enterprises sit on the thresholds (tech staff
exactly 10%, R&D exactly at the band ratio of the three-year sum, last-year sales of
exactly 5000万 and 2亿 and one fen more, 365 days, 2000万 main revenue, the tech-SME
limits and score bands, growth rates on band edges...) and compare every row of
``screen()`` with ``kejiservice.evaluate``: status, criteria, failed list, gaps, scores.
Then the streaming readers (rejects with line numbers and paths; nothing lost), the CSV
layout and the ``screen`` command.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import pytest

np = pytest.importorskip("numpy")

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import kejiservice  # noqa: E402
from kejiservice.columnar import (  # noqa: E402
    INEXACT_MONEY,
    MAX_FEN,
    MISSING,
    TOO_LARGE,
    Ledger,
    LedgerReader,
    ScreenResult,
    csv_text,
    read_columns,
    screen,
    supported_rules,
)
from kejiservice.columnar import _wide as wide  # noqa: E402
from kejiservice.columnar._cli import add_screen_parser  # noqa: E402
from kejiservice.columnar._kernels import exact_diff  # noqa: E402
from kejiservice.errors import InvalidInput, UnknownRule  # noqa: E402
from kejiservice.io import load  # noqa: E402
from kejiservice.models import Enterprise  # noqa: E402
from kejiservice.params import load_layer, national  # noqa: E402
from kejiservice.rules import Verdict  # noqa: E402
from kejiservice.sample import ledger as sample_ledger  # noqa: E402

T = TypeVar("T")
RULES = ("hnte", "tech_sme", "sme_size", "above_scale")
AS_OFS = (
    dt.date(2025, 6, 30),
    dt.date(2026, 3, 31),
    dt.date(2024, 2, 29),
    dt.date(2026, 12, 31),
    dt.date(2025, 1, 1),
)
INDUSTRIES = (
    "C3911",
    "C2710",
    "B0610",
    "D4411",
    "I6510",
    "M7320",
    "F5211",
    "H6110",
    "K7010",
    "L7211",
    "A0111",
    "E4710",
    "G5430",
    "C16",
)
WAN = 10_000 * 100  # one 万元 in fen
P = national()


# --------------------------------------------------------------------------- the cases


class Chooser:
    """Choices for the case builder: hypothesis draws or a seeded random generator."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any] | None, seed: int = 0):
        self._draw = draw
        self._rng = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        if self._draw is not None:
            return self._draw(st.sampled_from(options))  # type: ignore[no-any-return]
        return self._rng.choice(list(options))

    def integer(self, lo: int, hi: int) -> int:
        if self._draw is not None:
            return self._draw(st.integers(lo, hi))  # type: ignore[no-any-return]
        return self._rng.randint(lo, hi)

    def chance(self, numerator: int, denominator: int) -> bool:
        return self.integer(1, denominator) <= numerator


def yuan(fen: int) -> str:
    return format(Decimal(fen).scaleb(-2), "f")


def ceil_ratio(ratio: Decimal, fen: int) -> int:
    t = Fraction(ratio)
    return -((-t.numerator * fen) // t.denominator)


def _band_ratio(as_of: dt.date, last_sales: int) -> Decimal:
    for band in (1, 2):
        edge = P.value(f"hnte.rd_band{band}_sales_max", as_of) * 100
        if last_sales <= edge:
            return P.value(f"hnte.rd_band{band}_ratio_min", as_of)  # type: ignore[no-any-return]
    return P.value("hnte.rd_band3_ratio_min", as_of)  # type: ignore[no-any-return]


def _date_near(c: Chooser, day: dt.date, *offsets: int) -> dt.date:
    return day + dt.timedelta(days=c.pick(offsets))


def build_case(c: Chooser, as_of: dt.date) -> tuple[dict[str, Any], int | None]:
    """An enterprise document with many figures exactly on (or one unit off) a threshold."""
    last = as_of.year - 1
    reg_kind = c.pick(["old", "old", "d365", "d364", "d366", "young1", "young2", "this_year"])
    if reg_kind == "old":
        registered = as_of - dt.timedelta(days=c.integer(1100, 7000))
    elif reg_kind.startswith("d"):
        registered = as_of - dt.timedelta(days=int(reg_kind[1:]))
    elif reg_kind == "young1":
        registered = dt.date(last, c.integer(1, 12), c.integer(1, 28))
    elif reg_kind == "young2":
        registered = dt.date(last - 1, c.integer(1, 12), c.integer(1, 28))
    else:
        registered = dt.date(as_of.year, 1, 1)
    first = max(last - 2, registered.year)
    window = list(range(first, last + 1))
    present = [y for y in window if not c.chance(1, 12)]
    if c.chance(1, 4):
        present.append(c.pick([last - 3, as_of.year]))
    present = sorted(set(present))

    growth_mode = c.pick(["none", "none", "edge3", "edge2", "zero1", "zero2"])
    growth_base = 40_000 * c.integer(1, 5_000)
    growth_rate = c.pick(
        [Fraction(105, 100), Fraction(135, 100), Fraction(125, 100), Fraction(115, 100)]
    )

    def growth_value(index_in_window: int, base: int) -> int | None:
        if growth_mode == "none":
            return None
        pos = len(window) - 1 - index_in_window  # 0 = last year
        if growth_mode == "edge3":
            values = [base, int(base * growth_rate), int(base * growth_rate * growth_rate)]
        elif growth_mode == "edge2":
            values = [base, base, int(base * Fraction(135, 100))]
        elif growth_mode == "zero1":
            values = [0, base, int(base * growth_rate)]
        else:
            values = [base, 0, base]
        return values[2 - pos] if pos <= 2 else None

    last_sales = c.pick(
        [
            50_000_000_00,
            50_000_000_01,
            200_000_000_00,
            200_000_000_01,
            49_999_999_99,
            c.integer(0, 500_000_000_00),
            0,
        ]
    )
    sales: dict[int, int] = {}
    for y in present:
        if y == last:
            sales[y] = last_sales
        else:
            sales[y] = c.pick([c.integer(0, 300_000_000_00), last_sales, 0])
        g = growth_value(window.index(y), growth_base) if y in window else None
        if g is not None and c.chance(2, 3):
            sales[y] = g
    in_window = [y for y in present if y in window]
    sales_sum = sum(sales[y] for y in in_window)
    ratio = _band_ratio(as_of, sales.get(last, 0))
    rd: dict[int, int] = {}
    rd_mode = c.pick(["exact", "exact", "random"])
    need = ceil_ratio(ratio, sales_sum)
    for y in present:
        rd[y] = c.integer(0, max(need // 3, 1)) if rd_mode == "exact" else c.integer(0, 10**10)
    if rd_mode == "exact" and last in rd:
        others = sum(rd[y] for y in in_window if y != last)
        rd[last] = max(0, need - others + c.pick([-1, 0, 0, 1, 100]))
    rd_sum = sum(rd[y] for y in in_window)
    domestic_target = ceil_ratio(P.value("hnte.domestic_rd_ratio_min", as_of), rd_sum)
    domestic = {y: (rd[y] * 3) // 5 for y in present}
    if last in domestic:
        others = sum(domestic[y] for y in in_window if y != last)
        want = domestic_target - others + c.pick([-1, 0, 0, 1])
        domestic[last] = min(max(0, want), rd[last])

    years: list[dict[str, Any]] = []
    for y in present:
        row: dict[str, Any] = {"year": y}
        s = sales[y]
        row["sales_revenue"] = yuan(s)
        main = c.pick([20_000_000_00, 19_999_999_99, 20_000_000_01, s, c.integer(0, s)])
        row["main_business_revenue"] = yuan(min(main, s))
        total = c.pick([s, s + c.integer(0, 10**9), c.integer(0, 10**11)])
        untaxed = c.pick([0, c.integer(0, total), total])
        row["total_income"] = yuan(total)
        row["non_taxable_income"] = yuan(untaxed)
        hti_need = ceil_ratio(P.value("hnte.high_tech_income_ratio_min", as_of), total - untaxed)
        row["high_tech_income"] = yuan(max(0, hti_need + c.pick([-1, 0, 0, 1, 500])))
        row["rd_expense"] = yuan(rd[y])
        row["rd_expense_domestic"] = yuan(domestic[y])
        cost_ratio = c.pick([Decimal("0.30"), Decimal("0.25"), Decimal("0.10"), None])
        cost_choice = c.pick(["exact", "zero", "random", "absent"])
        if cost_choice == "exact" and cost_ratio is not None and rd[y]:
            row["cost_and_expense"] = yuan(int(Fraction(rd[y]) / Fraction(cost_ratio)))
        elif cost_choice == "zero":
            row["cost_and_expense"] = "0"
        elif cost_choice == "random":
            row["cost_and_expense"] = yuan(c.integer(0, 10**11))
        assets = c.pick([200_000_000_00, 200_000_000_01, c.integer(0, 10**11)])
        g = growth_value(window.index(y), growth_base // 2) if y in window else None
        debts = c.pick([c.integer(0, assets), assets + c.integer(1, 10**6), 0])
        if g is not None and c.chance(1, 2):
            assets, debts = g + 1_000_00, 1_000_00
        row["total_assets"] = yuan(assets)
        row["total_liabilities"] = yuan(debts)
        staff = c.pick([0, 1, 3, 10, 100, 299, 300, 500, 501, 1000, c.integer(1, 3000)])
        share = c.pick(
            [Decimal("0.10"), Decimal("0.15"), Decimal("0.20"), Decimal("0.25"), Decimal("0.30")]
        )
        tech = ceil_ratio(share, staff) + c.pick([-1, 0, 0, 1])
        row["employees"] = staff
        row["tech_staff"] = min(max(tech, 0), staff)
        for field in list(row):
            if field != "year" and c.chance(1, 30):
                del row[field]
        if "rd_expense" not in row:
            row.pop("rd_expense_domestic", None)
        if "sales_revenue" not in row:
            row.pop("main_business_revenue", None)
        if "employees" not in row:
            row.pop("tech_staff", None)
        if "total_income" not in row:
            row.pop("non_taxable_income", None)
        years.append(row)

    doc: dict[str, Any] = {
        "id": f"T{c.integer(0, 10**6)}",
        "name": "阈值测试企业",
        "registered_on": registered.isoformat(),
        "industry": c.pick(INDUSTRIES),
        "years": years,
    }
    for field, options in (
        ("resident", [True, True, False, None]),
        ("tech_field", ["electronic_information", "new_materials", "none", None]),
        ("core_ip_owned", [True, True, False, None]),
        ("restricted_industry", [False, False, True, None]),
        ("region", ["441200", "440300", "110105", None]),
    ):
        value = c.pick(options)
        if value is not None:
            doc[field] = value
    doc["ip"] = [_ip(c, as_of) for _ in range(c.integer(0, 5))]
    doc["certifications"] = [_cert(c, as_of) for _ in range(c.integer(0, 2))]
    doc["incidents"] = [
        {
            "kind": c.pick(
                [
                    "major_safety",
                    "major_quality",
                    "serious_environmental",
                    "serious_research_misconduct",
                    "serious_fraud",
                ]
            ),
            "on": c.pick(
                [
                    as_of - dt.timedelta(days=365),
                    as_of - dt.timedelta(days=366),
                    as_of,
                    as_of + dt.timedelta(days=1),
                    dt.date(last, 1, 1),
                    dt.date(last, 1, 1) - dt.timedelta(days=1),
                ]
            ).isoformat(),
        }
        for _ in range(c.integer(0, 2))
    ]
    doc["listings"] = []
    for _ in range(c.integer(0, 1)):
        start = _date_near(c, as_of, 0, 1, -100)
        end = c.pick([None, as_of, as_of - dt.timedelta(days=1)])
        item: dict[str, Any] = {"kind": c.pick(["abnormal_operation", "serious_dishonest"])}
        item["from"] = start.isoformat()
        if end is not None and end >= start:
            item["to"] = end.isoformat()
        doc["listings"].append(item)
    for key in ("awards", "standards_led"):
        doc[key] = []
        for _ in range(c.integer(0, 2)):
            entry: dict[str, Any] = {
                "level": c.pick(["national", "provincial", "international", "industry"]),
                "year": c.pick([as_of.year - 5, as_of.year - 6, as_of.year, as_of.year + 1]),
            }
            rank = c.pick([None, 1, 3, 4, 5, 6])
            if rank is not None:
                entry["rank"] = rank
            doc[key].append(entry)
    if c.chance(2, 3):
        doc["achievements_transformed"] = {
            str(y): c.pick([0, 1, 3, 4, 5, 6, 15])
            for y in range(last - 3, last + 1)
            if c.chance(3, 4)
        }
    score = c.pick([None, None, 70, 71, c.integer(0, 100)])
    return doc, score


def _ip(c: Chooser, as_of: dt.date) -> dict[str, Any]:
    granted = _date_near(c, as_of, 0, 1, -1, -1000)
    item: dict[str, Any] = {
        "kind": c.pick(
            [
                "invention_patent",
                "utility_model",
                "software_copyright",
                "design_patent",
                "ic_layout",
            ]
        ),
        "granted_on": granted.isoformat(),
    }
    expires = c.pick([None, as_of, as_of - dt.timedelta(days=1)])
    if expires is not None and expires >= granted:
        item["expires_on"] = expires.isoformat()
    for key, options in (
        ("core", [None, True, False]),
        ("acquired", [None, "own", "transfer"]),
        ("disputed", [False, False, True]),
    ):
        value = c.pick(options)
        if value is not None:
            item[key] = value
    return item


def _cert(c: Chooser, as_of: dt.date) -> dict[str, Any]:
    issued = _date_near(c, as_of, 0, 1, -800)
    item: dict[str, Any] = {
        "kind": c.pick(
            ["hnte", "rd_institution_provincial", "rd_institution_national", "tech_sme"]
        ),
        "issued_on": issued.isoformat(),
    }
    expires = c.pick([None, as_of, as_of - dt.timedelta(days=1)])
    if expires is not None and expires >= issued:
        item["expires_on"] = expires.isoformat()
    return item


@st.composite
def threshold_ledgers(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 25
) -> tuple[dt.date, list[Enterprise], list[int | None]]:
    as_of = draw(st.sampled_from(AS_OFS))
    size = draw(st.integers(min_size, max_size))
    chooser = Chooser(draw)
    cases = [build_case(chooser, as_of) for _ in range(size)]
    ents = [load(Enterprise, doc) for doc, _ in cases]
    return as_of, ents, [score for _, score in cases]


# --------------------------------------------------------------------------- comparing


def _num(value: int) -> int | None:
    return None if value == MISSING else value


def assert_same_as_objects(
    result: ScreenResult, ents: Sequence[Enterprise], scores: Sequence[int | None] | None = None
) -> None:
    """Every row of ``result`` equals ``kejiservice.evaluate`` for that enterprise."""
    for row, ent in enumerate(ents):
        score = None if scores is None or result.rule != "hnte" else scores[row]
        extra = {} if score is None else {"innovation_score": score}
        v = kejiservice.evaluate(result.rule, ent, result.as_of, **result.inputs, **extra)
        where = f"row {row} ({result.rule}, {result.as_of})"
        assert result.outcome(row) is v.status, where
        assert result.failed_codes(row) == v.failed, where
        for code in result.codes:
            criterion = v.criterion(code)
            assert result.criterion_status(row, code) is criterion.status, (where, code)
            got = result.gap_value(row, code)
            if criterion.gap is None:
                assert got is None, (where, code, got)
            else:
                assert got is not None, (where, code, criterion.gap)
                assert Decimal(criterion.gap) == Decimal(got), (where, code, criterion.gap, got)
        assert _num(int(result.score[row])) == v.score, where
        assert _num(int(result.score_min[row])) == v.score_min, where
        assert _num(int(result.score_max[row])) == v.score_max, where
        assert result.path_of(row) == v.path, where
        if result.rule == "sme_size":
            assert result.size_of(row) == v.extras["size"], where
        assert result.rule_version(row) == v.rule_version


def screen_all(
    as_of: dt.date, ents: Sequence[Enterprise], scores: Sequence[int | None]
) -> dict[str, ScreenResult]:
    ledger = Ledger.from_enterprises(ents, innovation_scores=scores)
    return {rule: screen(rule, ledger, as_of) for rule in RULES}


# --------------------------------------------------------------------------- properties


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(threshold_ledgers())
def test_every_row_equals_the_object_path(
    case: tuple[dt.date, list[Enterprise], list[int | None]],
) -> None:
    as_of, ents, scores = case
    for result in screen_all(as_of, ents, scores).values():
        assert_same_as_objects(result, ents, scores)


@pytest.mark.parametrize("as_of", AS_OFS)
def test_a_large_threshold_ledger_equals_the_object_path(as_of: dt.date) -> None:
    chooser = Chooser(None, seed=as_of.toordinal())
    cases = [build_case(chooser, as_of) for _ in range(400)]
    ents = [load(Enterprise, doc) for doc, _ in cases]
    scores = [score for _, score in cases]
    results = screen_all(as_of, ents, scores)
    for result in results.values():
        assert_same_as_objects(result, ents, scores)
    # the columns answered every row themselves
    assert all(int(r.via_objects.sum()) == 0 for r in results.values())


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(threshold_ledgers(max_size=8))
def test_rebuilt_enterprises_evaluate_like_the_originals(
    case: tuple[dt.date, list[Enterprise], list[int | None]],
) -> None:
    as_of, ents, _ = case
    ledger = Ledger.from_enterprises(ents, keep_objects=False)
    for row, ent in enumerate(ents):
        rebuilt = ledger.enterprise(row)
        for rule in RULES:
            a = kejiservice.evaluate(rule, ent, as_of)
            b = kejiservice.evaluate(rule, rebuilt, as_of)
            assert (a.status, a.failed, a.score, a.score_min, a.score_max) == (
                b.status,
                b.failed,
                b.score,
                b.score_min,
                b.score_max,
            )
            assert [(c.status, c.gap) for c in a.criteria] == [
                (c.status, c.gap) for c in b.criteria
            ]


def _hnte_doc(**years: Any) -> dict[str, Any]:
    """Three accounting years 2022-2024 that pass every quantitative HNTE test."""
    base = {
        "sales_revenue": "40000000",
        "main_business_revenue": "40000000",
        "total_income": "40000000",
        "non_taxable_income": "0",
        "high_tech_income": "32000000",
        "rd_expense": "2400000",
        "rd_expense_domestic": "2400000",
        "total_assets": "30000000",
        "total_liabilities": "12000000",
        "employees": 100,
        "tech_staff": 20,
    }
    rows = []
    for y in (2022, 2023, 2024):
        row = {"year": y, **base}
        row.update(years.get(f"y{y}", {}))
        rows.append(row)
    return {
        "name": "边界科技有限公司",
        "registered_on": "2015-01-01",
        "industry": "C3911",
        "resident": True,
        "tech_field": "electronic_information",
        "restricted_industry": False,
        "core_ip_owned": True,
        "years": rows,
        "ip": [{"kind": "invention_patent", "granted_on": "2020-01-01", "acquired": "own"}],
    }


NO_RD = {"main_business_revenue": "0", "rd_expense": "0", "rd_expense_domestic": "0"}


def _young(doc: dict[str, Any], registered_on: str, first_year: int) -> dict[str, Any]:
    years = [row for row in doc["years"] if row["year"] >= first_year]
    return {**doc, "registered_on": registered_on, "years": years}


EDGES: dict[str, tuple[dict[str, Any], dt.date]] = {
    "tech staff exactly 10%": (_hnte_doc(y2024={"employees": 100, "tech_staff": 10}), AS_OFS[0]),
    "tech staff one short of 10%": (
        _hnte_doc(y2024={"employees": 101, "tech_staff": 10}),
        AS_OFS[0],
    ),
    "R&D exactly 5% of the 3-year sum, last sales 5000万": (
        _hnte_doc(
            y2022={"sales_revenue": "30000000", **NO_RD},
            y2023={"sales_revenue": "40000000", **NO_RD},
            y2024={"sales_revenue": "50000000.00", "rd_expense": "6000000"},
        ),
        AS_OFS[0],
    ),
    "R&D one fen short, last sales 5000万": (
        _hnte_doc(
            y2022={"sales_revenue": "30000000", **NO_RD},
            y2023={"sales_revenue": "40000000", **NO_RD},
            y2024={"sales_revenue": "50000000.00", "rd_expense": "5999999.99"},
        ),
        AS_OFS[0],
    ),
    "last sales 5000万 + 0.01 takes the 4% band": (
        _hnte_doc(y2024={"sales_revenue": "50000000.01", "rd_expense": "4800000.01"}),
        AS_OFS[0],
    ),
    "last sales exactly 2亿": (
        _hnte_doc(y2024={"sales_revenue": "200000000.00", "rd_expense": "11200000"}),
        AS_OFS[0],
    ),
    "last sales 2亿 + 0.01 takes the 3% band": (
        _hnte_doc(y2024={"sales_revenue": "200000000.01", "rd_expense": "3600000"}),
        AS_OFS[0],
    ),
    "registered exactly 365 days before": (
        {**_hnte_doc(), "registered_on": "2024-06-30"},
        dt.date(2025, 6, 30),
    ),
    "registered 364 days before": ({**_hnte_doc(), "registered_on": "2024-07-01"}, AS_OFS[0]),
    "main revenue exactly 2000万": (
        _hnte_doc(y2024={"main_business_revenue": "20000000.00"}),
        AS_OFS[0],
    ),
    "main revenue one fen under 2000万": (
        _hnte_doc(y2024={"main_business_revenue": "19999999.99"}),
        AS_OFS[0],
    ),
    "tech-SME limits exactly": (
        _hnte_doc(
            y2024={
                "employees": 500,
                "sales_revenue": "200000000.00",
                "total_assets": "200000000.00",
                "total_liabilities": "0",
            }
        ),
        AS_OFS[0],
    ),
    "tech-SME limits one over": (
        _hnte_doc(
            y2024={
                "employees": 501,
                "sales_revenue": "200000000.01",
                "total_assets": "200000000.01",
                "total_liabilities": "0",
            }
        ),
        AS_OFS[0],
    ),
    "sales growth exactly 5% over three years (a band edge)": (
        _hnte_doc(
            y2022={"sales_revenue": "20000000", "main_business_revenue": "20000000"},
            y2023={"sales_revenue": "21000000", "main_business_revenue": "21000000"},
            y2024={"sales_revenue": "22050000", "main_business_revenue": "22050000"},
        ),
        AS_OFS[0],
    ),
    "net assets growth exactly 35% over two years": (
        _young(
            _hnte_doc(
                y2023={"total_assets": "1000000", "total_liabilities": "0"},
                y2024={"total_assets": "1350000", "total_liabilities": "0"},
            ),
            "2023-03-01",
            2023,
        ),
        AS_OFS[0],
    ),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_pinned_edges_equal_the_object_path(name: str) -> None:
    doc, as_of = EDGES[name]
    ent = load(Enterprise, doc)
    for score in (None, 71):
        for result in screen_all(as_of, [ent], [score]).values():
            assert_same_as_objects(result, [ent], [score])


def test_pinned_edges_land_where_the_policy_says() -> None:
    def hnte(name: str, code: str) -> str:
        doc, as_of = EDGES[name]
        ent = load(Enterprise, doc)
        return screen("hnte", Ledger.from_enterprises([ent]), as_of).criterion_status(0, code).value

    assert hnte("tech staff exactly 10%", "hnte.tech_staff_ratio") == "pass"
    assert hnte("tech staff one short of 10%", "hnte.tech_staff_ratio") == "fail"
    name = "R&D exactly 5% of the 3-year sum, last sales 5000万"
    assert hnte(name, "hnte.rd_expense_ratio") == "pass"
    assert hnte("R&D one fen short, last sales 5000万", "hnte.rd_expense_ratio") == "fail"
    assert hnte("registered exactly 365 days before", "hnte.registered_one_year") == "pass"
    assert hnte("registered 364 days before", "hnte.registered_one_year") == "fail"
    doc, as_of = EDGES["R&D one fen short, last sales 5000万"]
    result = screen("hnte", [load(Enterprise, doc)], as_of)
    assert result.gap_value(0, "hnte.rd_expense_ratio") == Decimal("0.01")
    assert int(result.gaps("hnte.rd_expense_ratio")[0]) == 1  # fen
    doc, as_of = EDGES["sales growth exactly 5% over three years (a band edge)"]
    result = screen("hnte", [load(Enterprise, doc)], as_of)
    assert not bool(result.via_objects[0])  # a growth rate on an edge: decided in columns


# --------------------------------------------------------------------------- fallbacks, wide ints


def test_amounts_that_columns_cannot_hold_fall_back_to_objects() -> None:
    doc = _hnte_doc(y2024={"rd_expense": "2400000.005", "rd_expense_domestic": "2400000"})
    # the largest amount load accepts (10^15 yuan) is beyond what int64 fen hold exactly
    huge = _hnte_doc(y2024={"sales_revenue": "1000000000000000", "main_business_revenue": "1"})
    assert Decimal("1000000000000000") * 100 > MAX_FEN
    ents = [load(Enterprise, doc), load(Enterprise, huge), load(Enterprise, _hnte_doc())]
    ledger = Ledger.from_enterprises(ents, keep_objects=False)
    assert int(ledger.fallback[0]) & INEXACT_MONEY
    assert int(ledger.fallback[1]) & TOO_LARGE
    assert int(ledger.fallback[2]) == 0
    assert ledger.enterprise(0) is ents[0]  # kept for the object path
    for rule in RULES:
        result = screen(rule, ledger, AS_OFS[0])
        assert result.via_objects.tolist() == [True, True, False]
        assert_same_as_objects(result, ents)


@given(
    st.lists(st.integers(0, 2**53 - 1), min_size=1, max_size=20),
    st.integers(0, 2**19 - 1),
    st.data(),
)
@example([2**53 - 1], 2**19 - 1, None)
def test_wide_arithmetic_is_exact(values: list[int], k: int, data: st.DataObject | None) -> None:
    others = (
        values[::-1]
        if data is None
        else data.draw(
            st.lists(st.integers(0, 2**53 - 1), min_size=len(values), max_size=len(values))
        )
    )
    a = np.array(values, dtype=np.uint64)
    b = np.array(others, dtype=np.uint64)
    product = wide.mul(a, b)
    assert wide.to_ints(product) == [x * y for x, y in zip(values, others, strict=True)]
    scaled = wide.mul_small(product, k)
    assert wide.to_ints(scaled) == [x * y * k for x, y in zip(values, others, strict=True)]
    total = wide.add(scaled, product)
    assert wide.to_ints(total) == [x * y * (k + 1) for x, y in zip(values, others, strict=True)]
    assert wide.to_ints(wide.sub(total, product)) == wide.to_ints(scaled)
    big, small = wide.to_ints(scaled), wide.to_ints(product)
    assert wide.ge(scaled, product).tolist() == [x >= y for x, y in zip(big, small, strict=True)]
    assert wide.gt(product, scaled).tolist() == [y > x for x, y in zip(big, small, strict=True)]
    assert wide.to_ints(wide.shr64(total)) == [v >> 64 for v in wide.to_ints(total)]


def test_products_beyond_int64_are_compared_in_python_ints(tmp_path: Path) -> None:
    big = np.array([2**53 - 1, 3, 0], dtype=np.int64)
    out = exact_diff(big * 3, 10_000, big, 30_301)
    assert out.dtype == object
    assert out.tolist() == [int(v) * 3 * 10_000 - int(v) * 30_301 for v in big.tolist()]
    pack = tmp_path / "fine"
    pack.mkdir()
    (pack / "hnte.toml").write_text(
        textwrap.dedent(
            """
            [meta]
            layer = "fine"
            region = "44"

            [hnte.rd_band3_ratio_min]
            unit = "ratio"
            [[hnte.rd_band3_ratio_min.versions]]
            effective_from = 2016-01-01
            value = "0.0303"
            source = "test overlay with a fine ratio"
            """
        ),
        encoding="utf-8",
    )
    params = national().with_layer(load_layer(pack))
    top = "90071992547409.91"  # 2**53 - 1 fen
    huge = {"sales_revenue": top, "main_business_revenue": top, "total_income": top}
    ents = [
        load(
            Enterprise,
            {
                **_hnte_doc(
                    y2022={**huge, "rd_expense": rd, "rd_expense_domestic": rd},
                    y2023={**huge, "rd_expense": rd, "rd_expense_domestic": rd},
                    y2024={**huge, "rd_expense": rd, "rd_expense_domestic": rd},
                ),
                "region": "441200",
            },
        )
        for rd in ("2729181374186.51", "2729181374186.52", "2729181374186.53")
    ]
    result = screen("hnte", ents, AS_OFS[0], params=params)
    assert not result.via_objects.any()
    for row, ent in enumerate(ents):
        v = kejiservice.evaluate("hnte", ent, AS_OFS[0], params=params)
        code = "hnte.rd_expense_ratio"
        assert result.criterion_status(row, code) is v.criterion(code).status
        assert result.gap_value(row, code) == Decimal(v.criterion(code).gap or "nan")
    statuses = [result.criterion_status(i, "hnte.rd_expense_ratio").value for i in range(3)]
    assert statuses == ["fail", "fail", "pass"]  # need 8,187,544,122,559.57 yuan


def test_from_columns_equals_from_enterprises() -> None:
    ents = sample_ledger()[:60]
    a = Ledger.from_enterprises(ents)
    years = a.years
    tables = {
        name: {"row": t.row, **t.ints, **t.objs} for name, t in a.tables.items() if name != "years"
    }
    b = Ledger.from_columns(
        registered_on=np.array([e.registered_on for e in ents], dtype="datetime64[D]"),
        industry=[e.industry for e in ents],
        ids=[e.id for e in ents],
        names=[e.name for e in ents],
        region=[e.region for e in ents],
        resident=a.column("resident"),
        restricted_industry=a.column("restricted_industry"),
        core_ip_owned=a.column("core_ip_owned"),
        tech_field=a.column("tech_field"),
        years={"row": years.row, **years.ints},
        tables=tables,
    )
    as_of = dt.date(2026, 6, 30)
    for rule in RULES:
        left, right = screen(rule, a, as_of), screen(rule, b, as_of)
        assert np.array_equal(left.status, right.status)
        assert np.array_equal(left.criteria_mask, right.criteria_mask)
        assert np.array_equal(left.gap, right.gap)
        assert_same_as_objects(right, ents)


# --------------------------------------------------------------------------- the result object


def test_masks_explanations_and_concat() -> None:
    ents = sample_ledger()[:40]
    as_of = dt.date(2026, 6, 30)
    result = screen("tech_sme", ents, as_of)
    mask, failed = result.criteria_mask, result.failed_mask
    for row in range(len(result)):
        for i, code in enumerate(result.codes):
            status = (int(mask[row]) >> (2 * i)) & 3
            assert status == int(result.criteria[row, i])
            assert bool((int(failed[row]) >> i) & 1) == (code in result.failed_codes(row))
    subset = Ledger.from_enterprises(ents, keep_objects=False).select(np.arange(40) % 3 == 0)
    assert_same_as_objects(screen("tech_sme", subset, as_of), ents[::3])
    verdicts = result.explain_rows([0, 5])
    assert all(isinstance(v, Verdict) for v in verdicts)
    assert verdicts[1].to_dict() == kejiservice.evaluate("tech_sme", ents[5], as_of).to_dict()
    halves = [screen("tech_sme", ents[:15], as_of), screen("tech_sme", ents[15:], as_of)]
    joined = ScreenResult.concat(halves)
    assert np.array_equal(joined.status, result.status)
    assert np.array_equal(joined.failed_mask, result.failed_mask)
    assert joined.counts() == result.counts()
    assert sum(result.counts().values()) == len(ents)


def test_days_without_a_rule_version_and_open_hnte_certificates() -> None:
    ents = [load(Enterprise, _hnte_doc())]
    old = screen("tech_sme", ents, dt.date(2017, 1, 1))
    assert old.outcome(0).value == "not_applicable"
    assert bool(old.via_objects[0])
    assert_same_as_objects(old, ents)
    before = screen("above_scale", ents, dt.date(2026, 6, 30), year=1997)
    assert_same_as_objects(before, ents)
    cert = {"kind": "hnte", "issued_on": "2020-01-01"}  # no expiry: valid for 3 years
    holder = load(Enterprise, {**_hnte_doc(), "certifications": [cert]})
    for day, expected in ((dt.date(2022, 12, 31), True), (dt.date(2023, 1, 1), False)):
        result = screen("tech_sme", [holder], day)
        assert_same_as_objects(result, [holder])
        v = kejiservice.evaluate("tech_sme", holder, day)
        paths = {p.path: p.status.value for p in v.paths}
        assert (paths["direct:valid_hnte"] == "pass") is expected


def test_hnte_certificate_without_expiry_before_2016_is_screened_like_objects() -> None:
    cert = {"kind": "hnte", "issued_on": "2014-05-01"}  # before any hnte.validity_years
    ents = [
        load(Enterprise, _hnte_doc()),
        load(Enterprise, {**_hnte_doc(), "certifications": [cert]}),
    ]
    result = screen("tech_sme", ents, AS_OFS[0])
    assert list(result.errors) == []
    assert_same_as_objects(result, ents)


def test_object_path_errors_raise_or_are_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kejiservice.columnar import _screen

    real = _screen.evaluate

    def failing(rule: str, ent: Enterprise, *args: Any, **kwargs: Any) -> Any:
        if ent.name == "odd":
            raise kejiservice.ParameterError("no version in force (test)")
        return real(rule, ent, *args, **kwargs)

    monkeypatch.setattr(_screen, "evaluate", failing)
    doc = _hnte_doc()
    doc["years"][-1]["total_assets"] = "30000000.001"  # not whole fen: taken by the object path
    odd = load(Enterprise, {**doc, "name": "odd"})
    ents = [load(Enterprise, _hnte_doc()), odd]
    with pytest.raises(kejiservice.KejiserviceError):
        screen("tech_sme", ents, AS_OFS[0])
    result = screen("tech_sme", ents, AS_OFS[0], errors="collect")
    assert list(result.errors) == [1]
    assert result.outcome(1).value == "undetermined"
    assert_same_as_objects(result, ents[:1])
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(_jsonl(ents)) + "\n", encoding="utf-8")
    code, out, err = _cli("--rule", "tech_sme", "--as-of", "2025-06-30", str(path))
    assert code == 0
    assert len(out.splitlines()) == 1
    assert "could not evaluate 1" in err
    assert "line 2: $: cannot be evaluated" in err


def test_screen_refuses_what_it_cannot_do() -> None:
    ents = sample_ledger()[:3]
    with pytest.raises(UnknownRule, match="evaluate_many"):
        screen("super_deduction", ents, AS_OFS[0])
    with pytest.raises(UnknownRule):
        screen("no_such_rule", ents, AS_OFS[0])
    with pytest.raises(InvalidInput, match="innovation_score"):
        screen("hnte", ents, AS_OFS[0], innovation_score=75)
    with pytest.raises(InvalidInput):
        screen("hnte", ents, dt.datetime(2025, 6, 30))  # type: ignore[arg-type]
    assert supported_rules() == list(RULES)


def test_the_year_input_matches_the_object_path() -> None:
    ents = sample_ledger()[:50]
    for rule in ("sme_size", "above_scale"):
        result = screen(rule, ents, dt.date(2026, 6, 30), year=2024)
        assert_same_as_objects(result, ents)


def test_regional_overlays_apply_per_row(tmp_path: Path) -> None:
    pack = tmp_path / "gd"
    pack.mkdir()
    (pack / "hnte.toml").write_text(
        textwrap.dedent(
            """
            [meta]
            layer = "guangdong"
            region = "44"

            [hnte.tech_staff_ratio_min]
            unit = "ratio"
            [[hnte.tech_staff_ratio_min.versions]]
            effective_from = 2016-01-01
            value = "0.25"
            source = "test overlay"
            """
        ),
        encoding="utf-8",
    )
    params = national().with_layer(load_layer(pack))
    docs = [
        {**_hnte_doc(), "region": region}
        for region in ("441200", "110105", "440300", None)  # tech staff 20%: fails at 25%
    ]
    ents = [load(Enterprise, {k: v for k, v in d.items() if v is not None}) for d in docs]
    result = screen("hnte", ents, AS_OFS[0], params=params)
    statuses = [result.criterion_status(i, "hnte.tech_staff_ratio").value for i in range(4)]
    assert statuses == ["fail", "pass", "fail", "pass"]
    for row, ent in enumerate(ents):
        v = kejiservice.evaluate("hnte", ent, AS_OFS[0], params=params)
        assert result.failed_codes(row) == v.failed
        assert result.gap_value(row, "hnte.tech_staff_ratio") == int(
            v.criterion("hnte.tech_staff_ratio").gap or 0
        )


def test_near_lists_the_cultivation_pool_closest_first() -> None:
    as_of = AS_OFS[0]
    docs = {
        "one fen short of R&D": _hnte_doc(y2024={"rd_expense": "2399999.99"}),
        "tech staff 9 of 100": _hnte_doc(y2024={"tech_staff": 9}),
        "tech staff 5 of 100": _hnte_doc(y2024={"tech_staff": 5}),
        "two failures": _hnte_doc(y2024={"tech_staff": 9, "high_tech_income": "20000000"}),
        "no key field": {**_hnte_doc(), "tech_field": "none"},
    }
    docs["one fen short of R&D"]["years"][0]["rd_expense"] = "2000000"
    docs["one fen short of R&D"]["years"][1]["rd_expense"] = "2000000"
    docs["one fen short of R&D"]["years"][2]["rd_expense"] = "1999999.99"
    for d in docs.values():
        for row in d["years"]:
            row["rd_expense_domestic"] = row["rd_expense"]
    names = list(docs)
    ents = [load(Enterprise, d) for d in docs.values()]
    scores = [75] * len(ents)
    result = screen("hnte", Ledger.from_enterprises(ents, innovation_scores=scores), as_of)
    near = result.near("0.10")
    assert [names[row] for row, _ in near] == ["one fen short of R&D", "tech staff 9 of 100"]
    assert near[0][1] == Fraction(1, 600_000_000)  # 1 fen of 6,000,000.00 yuan
    assert near[1][1] == Fraction(1, 10)
    wider = result.near("0.5", max_failed=2)
    assert [names[row] for row, _ in wider] == [
        "one fen short of R&D",
        "tech staff 9 of 100",
        "two failures",
        "tech staff 5 of 100",
    ]
    assert wider[2][1] == Fraction(1, 6)  # 4,000,000 of 24,000,000 high-tech income


# --------------------------------------------------------------------------- streaming


def _jsonl(ents: Sequence[Enterprise]) -> list[str]:
    return [json.dumps(kejiservice.dump(e), ensure_ascii=False) for e in ents]


def test_streaming_rejects_with_line_numbers_and_paths_and_loses_nothing(tmp_path: Path) -> None:
    good = _jsonl(sample_ledger()[:25])
    bad_money = json.loads(good[3])
    bad_money["years"][1]["rd_expense"] = 12
    lines = [
        *good[:5],
        json.dumps(bad_money, ensure_ascii=False),  # line 6
        "",  # line 7: blank
        "{not json",  # line 8
        *good[5:],
        '{"name": "x", "registered_on": "2020-02-30", "industry": "C3911", "colour": 1}',
    ]
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b"\xff\xfe bad bytes\n")
    seen: list[int] = []
    reader = LedgerReader(path, chunk_size=7, progress=seen.append)
    chunks = list(reader)
    rejects = [r for c in chunks for r in c.rejects]
    s = reader.summary
    assert s.read == sum(len(c.ledger) for c in chunks) == 25
    assert s.read + s.rejected + s.blank == s.records == s.lines == len(lines) + 1
    assert (s.rejected, s.blank) == (4, 1)
    assert sum(seen) == path.stat().st_size
    assert [r.line for r in rejects] == [6, 8, len(lines), len(lines) + 1]
    assert rejects[0].problems[0].path == "$.years[1].rd_expense"
    assert "not valid JSON" in rejects[1].problems[0].message
    assert {p.path for p in rejects[2].problems} == {"$.registered_on", "$.colour"}
    assert "UTF-8" in rejects[3].problems[0].message
    assert rejects[0].to_dict()["line"] == 6
    lines_of = [int(x) for c in chunks for x in c.ledger.lines]
    assert lines_of == [*range(1, 6), *range(9, len(lines))]
    ledger, again, summary = read_columns(path, chunk_size=4)
    assert len(ledger) == 25
    assert len(again) == 4
    assert summary == s
    whole = screen("hnte", ledger, AS_OFS[1])
    parts = ScreenResult.concat([screen("hnte", c.ledger, AS_OFS[1]) for c in chunks])
    assert np.array_equal(whole.status, parts.status)
    assert np.array_equal(whole.gap, parts.gap)


def test_csv_layout_round_trips_and_reports_columns() -> None:
    ents = sample_ledger()[:30]
    scores = [None if i % 4 else 72 for i in range(len(ents))]
    text = csv_text(ents, innovation_scores=scores)
    reader = LedgerReader(io.StringIO(text), format="csv")
    (chunk,) = list(reader)
    assert chunk.rejects == ()
    assert list(chunk.ledger.objects or ()) == ents
    assert [chunk.ledger.inputs(i).get("innovation_score") for i in range(30)] == scores
    assert reader.summary.records == 30
    assert reader.summary.lines == 31
    result = screen("hnte", chunk.ledger, AS_OFS[0])
    assert_same_as_objects(result, ents, scores)

    header, *rows = text.splitlines()
    columns = header.split(",")
    cells = next(csv.reader([rows[1]]))
    cells[columns.index("y2_rd_expense")] = "12万"
    cells[columns.index("y1_employees")] = "many"
    cells[columns.index("resident")] = "yes"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cells)
    bad_text = "\n".join([header, rows[0], out.getvalue().strip(), "", "a,b"]) + "\n"
    reader = LedgerReader(io.StringIO(bad_text), format="csv")
    rejects = [r for c in reader for r in c.rejects]
    s = reader.summary
    assert (s.read, s.rejected, s.blank, s.records) == (1, 2, 1, 4)
    first = rejects[0].to_dict()
    assert first["line"] == 3
    found = {(p["path"], p.get("column")) for p in first["problems"]}
    assert ("$.years[1].rd_expense", "y2_rd_expense") in found
    assert ("$.years[0].employees", "y1_employees") in found
    assert ("$.resident", "resident") in found
    assert "cells" in rejects[1].problems[0].message
    assert rejects[1].line == 5


def test_csv_header_problems_stop_the_file() -> None:
    with pytest.raises(InvalidInput, match="unknown column 'colour'"):
        list(LedgerReader(io.StringIO("name,registered_on,industry,colour\n"), format="csv"))
    with pytest.raises(InvalidInput, match="required column 'industry'"):
        list(LedgerReader(io.StringIO("name,registered_on\n"), format="csv"))
    with pytest.raises(InvalidInput, match="empty"):
        list(LedgerReader(io.StringIO(""), format="csv"))


# --------------------------------------------------------------------------- the command


def _cli(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="kejiservice")
    sub = parser.add_subparsers(dest="command", required=True)
    add_screen_parser(sub)
    args = parser.parse_args(["screen", *argv])
    out = io.StringIO()
    err = io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        code = args.run(args, out)
    finally:
        sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    lines = _jsonl(sample_ledger()[:80])
    lines.insert(10, '{"name": "坏行", "registered_on": "2020-01-01"}')
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_writes_records_and_a_summary(ledger_file: Path, tmp_path: Path) -> None:
    code, out, err = _cli("--rule", "hnte", "--as-of", "2026-06-30", str(ledger_file))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 80
    ents = sample_ledger()[:80]
    for record, ent in zip(records, ents, strict=True):
        v = kejiservice.evaluate("hnte", ent, dt.date(2026, 6, 30))
        assert record["status"] == v.status.value
        assert record["failed"] == list(v.failed)
        assert record["id"] == ent.id
    assert "read 80, rejected 1, blank 0 (of 81 records, 81 lines)" in err
    assert "line 11: $.industry: required field is missing" in err

    rejects = tmp_path / "rejects.jsonl"
    target = tmp_path / "eligible.jsonl"
    code, out, err = _cli(
        "--rule", "tech_sme", "--as-of", "2026-06-30", str(ledger_file),
        "--only", "eligible", "--out", str(target), "--rejects", str(rejects),
        "--chunk-size", "9", "--explain",
    )  # fmt: skip
    assert code == 0
    assert err == ""
    assert "written" in out
    assert "rejected 1" in out
    written = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert written
    assert all(r["status"] == "eligible" for r in written)
    assert all(r["verdict"]["status"] == "eligible" for r in written)
    (reject,) = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["line"] == 11
    assert reject["problems"][0]["path"] == "$.industry"


def test_cli_near_is_sorted_by_the_smallest_gap(ledger_file: Path) -> None:
    code, out, _ = _cli(
        "--rule", "hnte", "--as-of", "2026-06-30", str(ledger_file),
        "--only", "near", "--near-distance", "0.5", "--chunk-size", "16",
    )  # fmt: skip
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records
    distances = [Decimal(r["distance"]) for r in records]
    assert distances == sorted(distances)
    assert all(d <= Decimal("0.5") for d in distances)
    assert all(r["status"] == "ineligible" and len(r["failed"]) == 1 for r in records)
    code, limited, _ = _cli(
        "--rule", "hnte", "--as-of", "2026-06-30", str(ledger_file),
        "--only", "near", "--near-distance", "0.5", "--limit", "2", "--explain",
    )  # fmt: skip
    assert [json.loads(x)["id"] for x in limited.splitlines()] == [r["id"] for r in records[:2]]


def test_cli_reads_csv_and_checks_its_arguments(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    ents = sample_ledger()[:20]
    path.write_text(csv_text(ents), encoding="utf-8")
    code, out, err = _cli(
        "--rule", "sme_size", "--as-of", "2026-06-30", str(path), "--year", "2024"
    )
    assert code == 0
    assert "read 20, rejected 0" in err
    sizes = [json.loads(line)["size"] for line in out.splitlines()]
    expected = [
        kejiservice.evaluate("sme_size", e, dt.date(2026, 6, 30), year=2024).extras["size"]
        for e in ents
    ]
    assert sizes == expected
    with pytest.raises(InvalidInput, match="--year"):
        _cli("--rule", "hnte", "--as-of", "2026-06-30", str(path), "--year", "2024")
    with pytest.raises(InvalidInput, match="cannot read"):
        _cli("--rule", "hnte", "--as-of", "2026-06-30", str(tmp_path / "missing.jsonl"))
    code, _, err = _cli("--rule", "hnte", "--as-of", "2026-06-30", str(path), "--progress")
    assert code == 0


def test_importing_without_numpy_says_which_extra_to_install() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["numpy"] = None
        import kejiservice
        assert "kejiservice.columnar" not in sys.modules
        try:
            import kejiservice.columnar
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "columnar" in done.stdout
    assert "numpy" in done.stdout
