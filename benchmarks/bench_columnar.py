"""Benchmark: columnar screening against the object path, with an exactness check.

    uv run --extra columnar python benchmarks/bench_columnar.py [--rows 1000000] [--check 20000]
                                                     [--rule hnte ...] [--seed 7] [--repeat 3]
                                                     [--irregular 0.05]

Generates a synthetic ledger in memory with numpy (``--rows`` enterprises, three
accounting years each, IP items, certificates, incidents, awards...), many of them
placed exactly on a threshold (tech staff exactly 10%, R&D exactly at the band ratio of
the three-year sum, last-year sales of exactly 5000万 / 2亿 and one fen more, 365 days,
2000万 main revenue, the tech-SME limits). Every enterprise has the same three years,
so the year figures are read as views of the columns; ``--irregular F`` drops a share
``F`` of the year rows (not the last year's), which makes the ledger take the per-year
lookup path instead. Then, per rule:

* columns: ``screen()`` over every row, enterprises per second (best of ``--repeat``);
* objects: ``kejiservice.evaluate_many`` over ``--check`` rows rebuilt as
  :class:`~kejiservice.models.Enterprise` objects (the rebuild is not timed);
* exactness: those ``--check`` rows compared one by one (status, failed list, every
  criterion's status and gap, scores): the number that differ must be 0.

Not part of the test suite: timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal
from typing import Any

import numpy as np

import kejiservice
from kejiservice.columnar import MISSING, Ledger, ScreenResult, screen
from kejiservice.columnar._columns import CERT_KINDS, INCIDENT_KINDS, IP_KINDS, TECH_FIELDS
from kejiservice.models import CertificationKind, TechField

AS_OF = dt.date(2026, 6, 30)
YEARS = (2023, 2024, 2025)
INDUSTRIES = ("C3911", "C2710", "I6510", "M7320", "F5211", "D4411", "L7211", "B0610")
FIFTY_MILLION = 50_000_000_00  # fen
TWO_HUNDRED_MILLION = 200_000_000_00


def generate(rows: int, seed: int, irregular: float = 0.0) -> Ledger:
    """A synthetic ledger of ``rows`` enterprises, a good share of them on thresholds.

    ``irregular``: the share of the first two years' rows to drop (0: every enterprise
    has all three years).
    """
    rng = np.random.default_rng(seed)
    n = rows
    as_of = AS_OF.toordinal()
    registered = rng.integers(dt.date(2005, 1, 1).toordinal(), as_of - 30, n)
    registered[rng.random(n) < 0.05] = as_of - 365
    registered[rng.random(n) < 0.02] = as_of - 364

    row = np.repeat(np.arange(n, dtype=np.int64), 3)
    year = np.tile(np.array(YEARS, dtype=np.int64), n)
    sales = (rng.lognormal(17.0, 1.4, 3 * n) * 100).astype(np.int64)
    sales = np.minimum(sales, 10**13)
    last = year == YEARS[-1]
    edge = rng.integers(0, 6, 3 * n)
    edges = np.array(
        [FIFTY_MILLION, FIFTY_MILLION + 1, TWO_HUNDRED_MILLION, TWO_HUNDRED_MILLION + 1, 0, 0]
    )
    on_edge = last & (rng.random(3 * n) < 0.2) & (edges[edge] > 0)
    sales[on_edge] = edges[edge[on_edge]]
    rd = (sales * rng.uniform(0.0, 0.09, 3 * n)).astype(np.int64)

    # R&D exactly at the band ratio of the three-year sum for a fifth of the rows
    sums = sales.reshape(n, 3).sum(axis=1)
    last_sales = sales.reshape(n, 3)[:, 2]
    num = np.where(
        last_sales <= FIFTY_MILLION, 5, np.where(last_sales <= TWO_HUNDRED_MILLION, 4, 3)
    )
    need = -((-num * sums) // 100)
    exact = rng.random(n) < 0.2
    rd3 = rd.reshape(n, 3)
    others = rd3[:, 0] + rd3[:, 1]
    delta = rng.integers(-1, 2, n)
    rd3[:, 2] = np.where(exact, np.maximum(need - others + delta, 0), rd3[:, 2])
    rd = rd3.reshape(-1)
    domestic = (rd * rng.uniform(0.4, 1.0, 3 * n)).astype(np.int64)

    employees = rng.integers(1, 1200, 3 * n)
    employees[rng.random(3 * n) < 0.05] = 500
    tech = (employees * rng.uniform(0.0, 0.4, 3 * n)).astype(np.int64)
    tenth = rng.random(3 * n) < 0.2
    tech[tenth] = -((-employees[tenth]) // 10)
    total_income = sales + (sales * rng.uniform(0.0, 0.1, 3 * n)).astype(np.int64)
    untaxed = (total_income * rng.uniform(0.0, 0.05, 3 * n)).astype(np.int64)
    hti = ((total_income - untaxed) * rng.uniform(0.3, 0.9, 3 * n)).astype(np.int64)
    main = (sales * rng.uniform(0.8, 1.0, 3 * n)).astype(np.int64)
    at_2000 = rng.random(3 * n) < 0.05
    main[at_2000] = np.minimum(20_000_000_00, sales[at_2000])
    assets = (sales * rng.uniform(0.3, 2.0, 3 * n)).astype(np.int64)
    assets[rng.random(3 * n) < 0.03] = TWO_HUNDRED_MILLION
    debts = (assets * rng.uniform(0.1, 1.1, 3 * n)).astype(np.int64)
    cost = (sales * rng.uniform(0.5, 1.0, 3 * n)).astype(np.int64)
    missing = rng.random(3 * n) < 0.02
    hti[missing] = MISSING

    k = rng.poisson(1.5, n)
    ip_row = np.repeat(np.arange(n, dtype=np.int64), k)
    m = ip_row.shape[0]
    granted = as_of - rng.integers(-30, 4000, m)
    expires = np.where(rng.random(m) < 0.7, dt.date.max.toordinal() + 1, granted + 3650)
    certs = rng.random(n) < 0.15
    cert_row = np.flatnonzero(certs).astype(np.int64)
    issued = as_of - rng.integers(0, 1500, cert_row.shape[0])
    inc = rng.random(n) < 0.02
    inc_row = np.flatnonzero(inc).astype(np.int64)
    ach = rng.random(n) < 0.6
    ach_row = np.repeat(np.flatnonzero(ach).astype(np.int64), 3)
    hnte_code = CERT_KINDS.index(CertificationKind.HNTE)
    tables: dict[str, dict[str, Any]] = {
        "ip": {
            "row": ip_row,
            "kind": rng.integers(0, len(IP_KINDS), m),
            "granted_on": granted,
            "expires_on": expires,
            "core": rng.integers(-1, 2, m),
            "acquired": rng.integers(-1, 2, m),
            "disputed": (rng.random(m) < 0.02).astype(np.int64),
            "high_value": np.zeros(m, dtype=np.int64),
        },
        "certifications": {
            "row": cert_row,
            "kind": np.full(cert_row.shape[0], hnte_code),
            "issued_on": issued,
            "expires_on": issued + 3 * 365,
        },
        "incidents": {
            "row": inc_row,
            "kind": rng.integers(0, len(INCIDENT_KINDS), inc_row.shape[0]),
            "on": as_of - rng.integers(0, 700, inc_row.shape[0]),
        },
        "achievements": {
            "row": ach_row,
            "year": np.tile(np.array(YEARS, dtype=np.int64), int(ach.sum())),
            "count": rng.integers(0, 7, ach_row.shape[0]),
        },
    }
    none = TECH_FIELDS.index(TechField.NONE)
    years: dict[str, Any] = {
        "row": row,
        "year": year,
        "sales_revenue": sales,
        "main_business_revenue": main,
        "total_income": total_income,
        "non_taxable_income": untaxed,
        "high_tech_income": hti,
        "rd_expense": rd,
        "rd_expense_domestic": domestic,
        "cost_and_expense": cost,
        "total_assets": assets,
        "total_liabilities": debts,
        "employees": employees,
        "tech_staff": tech,
    }
    if irregular > 0:
        keep = last | (rng.random(3 * n) >= irregular)
        years = {k: v[keep] for k, v in years.items()}
    return Ledger.from_columns(
        registered_on=registered,
        industry=np.array(INDUSTRIES, dtype=object)[rng.integers(0, len(INDUSTRIES), n)],
        ids=[f"B{i:07d}" for i in range(n)],
        resident=np.ones(n, dtype=np.int64),
        restricted_industry=(rng.random(n) < 0.03).astype(np.int64),
        core_ip_owned=rng.integers(-1, 2, n),
        tech_field=np.where(rng.random(n) < 0.1, none, rng.integers(0, none, n)),
        innovation_score=np.where(rng.random(n) < 0.3, rng.integers(55, 90, n), MISSING),
        years=years,
        tables=tables,
    )


def differs(result: ScreenResult, row: int, verdict: kejiservice.rules.Verdict) -> bool:
    """Whether ``row`` of ``result`` disagrees with the object path's ``verdict``."""
    if result.outcome(row) is not verdict.status or result.failed_codes(row) != verdict.failed:
        return True
    for code in result.codes:
        criterion = verdict.criterion(code)
        if result.criterion_status(row, code) is not criterion.status:
            return True
        gap = result.gap_value(row, code)
        if (gap is None) != (criterion.gap is None):
            return True
        if gap is not None and criterion.gap is not None and Decimal(gap) != Decimal(criterion.gap):
            return True
    scores = (result.score, result.score_min, result.score_max)
    mine = tuple(None if int(a[row]) == MISSING else int(a[row]) for a in scores)
    return mine != (verdict.score, verdict.score_min, verdict.score_max)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--check", type=int, default=20_000, help="rows to compare and time")
    parser.add_argument(
        "--rule", action="append", choices=["hnte", "tech_sme", "sme_size", "above_scale"]
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="columns: best of N runs")
    parser.add_argument(
        "--irregular", type=float, default=0.0, help="share of early year rows to drop"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    ledger = generate(args.rows, args.seed, args.irregular)
    built = time.perf_counter() - start
    print(f"{len(ledger):,} enterprises generated with numpy in {built:.1f} s, as of {AS_OF}")
    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(len(ledger), size=min(args.check, len(ledger)), replace=False))
    ents = [ledger.enterprise(int(i)) for i in sample]
    header = f"{'rule':<12}{'columns ent/s':>16}{'objects ent/s':>16}{'speed-up':>10}"
    print(header + f"{'checked':>10}{'differ':>8}{'via objects':>13}")
    for rule in args.rule or ["hnte", "tech_sme", "sme_size", "above_scale"]:
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            ledger.cache().clear()  # year lookups are cached per ledger: time them too
            start = time.perf_counter()
            result = screen(rule, ledger, AS_OF)
            best = min(best, time.perf_counter() - start)
        columns = len(ledger) / best
        inputs = [ledger.inputs(int(i)) if rule == "hnte" else {} for i in sample]
        start = time.perf_counter()
        verdicts = [
            kejiservice.evaluate(rule, ent, AS_OF, **extra)
            for ent, extra in zip(ents, inputs, strict=True)
        ]
        objects = len(ents) / (time.perf_counter() - start)
        bad = sum(differs(result, int(i), v) for i, v in zip(sample, verdicts, strict=True))
        print(
            f"{rule:<12}{columns:>16,.0f}{objects:>16,.0f}{columns / objects:>9.0f}x"
            f"{len(ents):>10,}{bad:>8}{int(result.via_objects.sum()):>13,}"
        )


if __name__ == "__main__":
    main()
