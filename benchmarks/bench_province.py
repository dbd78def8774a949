"""Benchmark: screening a province for HNTE, against two baselines, in one run.

    uv run --extra columnar python benchmarks/bench_province.py [--rows 1000000]
                                     [--objects 20000] [--seed 7] [--repeat 3]

Generates a seeded synthetic ledger (``bench_columnar.generate``: three accounting years
per enterprise, IP, certificates, incidents, achievements; many rows placed exactly on
an HNTE threshold - the share is measured and printed) and reports, in the same run:

* **Decimal loop**: a plain Python loop over the enterprise objects computing only the
  HNTE quantitative test as a boolean (one year registered, tech staff >= 10%, three-year
  R&D ratio by sales band, high-tech income >= 60%), Decimal arithmetic;
* **numpy int64**: the same boolean test written directly in numpy over int64 fen
  columns (exact: ratios compared by cross-multiplying);
* **object path**: ``kejiservice.evaluate_many("hnte", ...)``, full verdicts (all nine
  criteria, the innovation-score range, failed/missing; criteria, messages and
  proposals built when read), over ``--objects`` enterprises rebuilt from the columns;
  and the same with every verdict dumped to JSON (everything built and rendered);
* **columns**: ``kejiservice.columnar.screen("hnte", ...)`` over every row, from a
  fresh ledger (its per-ledger caches cleared), everything the verdict decides;
* memory: the ledger's bytes per enterprise (tracemalloc: numpy arrays and the Python
  strings of ids and names) and the screen's peak on top of it;
* ``import kejiservice`` time in a fresh interpreter, and whether numpy came with it.

Throughputs are printed as ratios to both baselines, with the issue's targets. Every
object verdict is also compared with its columnar row (they must not differ).
Not part of the test suite: timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import bench_columnar as bc

import kejiservice
from kejiservice.columnar import MISSING, Ledger, screen
from kejiservice.models import Enterprise

AS_OF = bc.AS_OF
LAST = AS_OF.year - 1
BAND1 = 50_000_000_00  # fen: 5000万
BAND2 = 200_000_000_00  # fen: 2亿
D_BAND1, D_BAND2 = Decimal(50_000_000), Decimal(200_000_000)
RATIO = (Decimal("0.05"), Decimal("0.04"), Decimal("0.03"))
TENTH, SIXTY = Decimal("0.10"), Decimal("0.60")
ZERO = Decimal(0)


# --------------------------------------------------------------------------- baselines


def decimal_loop(ents: list[Enterprise], as_of: dt.date) -> list[bool]:
    """The bare baseline: the HNTE quantitative test as a boolean, Decimal, no library."""
    out = []
    for ent in ents:
        rows = {y.year: y for y in ent.years}
        last = rows.get(as_of.year - 1)
        ok = last is not None and (as_of - ent.registered_on).days >= 365
        if ok and last is not None:
            staff, tech = last.employees, last.tech_staff
            ok = staff is not None and tech is not None and staff > 0 and tech >= TENTH * staff
        if ok and last is not None:
            sales = rd = ZERO
            for year in range(as_of.year - 3, as_of.year):
                row = rows.get(year)
                if row is None or row.sales_revenue is None or row.rd_expense is None:
                    ok = False
                    break
                sales += row.sales_revenue
                rd += row.rd_expense
            if ok:
                s = last.sales_revenue or ZERO
                need = RATIO[0] if s <= D_BAND1 else RATIO[1] if s <= D_BAND2 else RATIO[2]
                ok = sales > 0 and rd >= need * sales
        if ok and last is not None:
            hti, total, untaxed = last.high_tech_income, last.total_income, last.non_taxable_income
            ok = hti is not None and total is not None and untaxed is not None
            if ok:
                assert hti is not None
                assert total is not None
                assert untaxed is not None
                income = total - untaxed
                ok = income > 0 and hti >= SIXTY * income
        out.append(ok)
    return out


def wide(ledger: Ledger) -> dict[str, np.ndarray[Any, Any]]:
    """The year table as (n, 3) int64 views (the generator writes three rows per firm)."""
    n = len(ledger)
    table = ledger.years
    assert len(table) == 3 * n
    assert np.array_equal(table.row, np.repeat(np.arange(n), 3))
    return {name: table[name].reshape(n, 3) for name in table.ints}


def numpy_baseline(cols: dict[str, np.ndarray[Any, Any]], registered: Any, as_of: int) -> Any:
    """The bare numpy baseline: the same boolean test over int64 fen columns, exactly."""
    sales, rd = cols["sales_revenue"], cols["rd_expense"]
    staff, tech = cols["employees"][:, 2], cols["tech_staff"][:, 2]
    hti = cols["high_tech_income"][:, 2]
    total, untaxed = cols["total_income"][:, 2], cols["non_taxable_income"][:, 2]
    known = (sales != MISSING).all(axis=1) & (rd != MISSING).all(axis=1)
    known &= (staff != MISSING) & (tech != MISSING) & (hti != MISSING)
    known &= (total != MISSING) & (untaxed != MISSING)
    ok = known & (as_of - registered >= 365)
    ok &= (staff > 0) & (tech * 10 >= staff)
    sum_sales, sum_rd, last_sales = sales.sum(axis=1), rd.sum(axis=1), sales[:, 2]
    num = np.where(last_sales <= BAND1, 5, np.where(last_sales <= BAND2, 4, 3))
    ok &= (sum_sales > 0) & (sum_rd * 100 >= num * sum_sales)
    income = total - untaxed
    ok &= (income > 0) & (hti * 100 >= 60 * income)
    return ok


def on_threshold(cols: dict[str, np.ndarray[Any, Any]], registered: Any, as_of: int) -> Any:
    """Rows with at least one HNTE figure exactly on its threshold."""
    sales, rd = cols["sales_revenue"], cols["rd_expense"]
    staff, tech = cols["employees"][:, 2], cols["tech_staff"][:, 2]
    last_sales, sum_sales, sum_rd = sales[:, 2], sales.sum(axis=1), rd.sum(axis=1)
    num = np.where(last_sales <= BAND1, 5, np.where(last_sales <= BAND2, 4, 3))
    income = cols["total_income"][:, 2] - cols["non_taxable_income"][:, 2]
    hti = cols["high_tech_income"][:, 2]
    return (
        (as_of - registered == 365)
        | ((staff > 0) & (tech * 10 == staff))
        | ((sum_sales > 0) & (sum_rd * 100 == num * sum_sales))
        | (last_sales == BAND1)
        | (last_sales == BAND2)
        | ((income > 0) & (hti * 100 == 60 * income))
    )


# --------------------------------------------------------------------------- helpers


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall time of ``repeat`` runs, and the last result."""
    fastest, result = float("inf"), None
    for _ in range(max(1, repeat)):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def import_time(first_use: bool, repeat: int = 5) -> tuple[float, bool]:
    """``import kejiservice`` in a fresh interpreter (and, with ``first_use``, reading
    ``kejiservice.evaluate``, which loads the models, converter and rules): best
    seconds, and whether numpy came with it."""
    use = " kejiservice.evaluate;" if first_use else ""
    code = (
        f"import sys, time; t = time.perf_counter(); import kejiservice;{use} "
        "print(time.perf_counter() - t, 'numpy' in sys.modules)"
    )
    times, numpy_loaded = [], False
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(float(out[0]))
        numpy_loaded = numpy_loaded or out[1] == "True"
    return min(times), numpy_loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--objects", type=int, default=20_000, help="rows for the object runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    ledger = bc.generate(args.rows, args.seed)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    n = len(ledger)
    as_of = AS_OF.toordinal()
    registered = ledger.registered_on
    cols = wide(ledger)
    share = float(on_threshold(cols, registered, as_of).mean())
    print(
        f"{n:,} enterprises as of {AS_OF}; {share:.1%} with an HNTE figure exactly on a threshold"
    )

    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(n, size=min(args.objects, n), replace=False))
    ents = [ledger.enterprise(int(i)) for i in sample]
    m = len(ents)

    t_loop, loop_ok = best(lambda: decimal_loop(ents, AS_OF), args.repeat)
    t_np, np_ok = best(lambda: numpy_baseline(cols, registered, as_of), args.repeat)
    if list(np_ok[sample]) != loop_ok:
        raise SystemExit("the two baselines disagree: fix the benchmark")
    t_obj, verdicts = best(
        lambda: list(kejiservice.evaluate_many("hnte", ents, AS_OF)), args.repeat
    )
    dumped = ents[: max(1, m // 10)]
    t_dump, _ = best(
        lambda: [v.to_dict() for v in kejiservice.evaluate_many("hnte", dumped, AS_OF)],
        args.repeat,
    )

    def fresh_screen() -> Any:
        ledger.cache().clear()
        return screen("hnte", ledger, AS_OF)

    t_cols, result = best(fresh_screen, args.repeat)
    ledger.cache().clear()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    screen("hnte", ledger, AS_OF)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()

    # exactness: the object verdicts (with the ledger's expert scores) against the columns
    with_inputs = [
        kejiservice.evaluate("hnte", ent, AS_OF, **ledger.inputs(int(i)))
        for ent, i in zip(ents, sample, strict=True)
    ]
    differ = sum(bc.differs(result, int(i), v) for i, v in zip(sample, with_inputs, strict=True))
    assert len(verdicts) == m

    loop_rate, np_rate = m / t_loop, n / t_np
    rows = [
        ("Decimal loop (boolean)", loop_rate),
        ("numpy int64 (boolean)", np_rate),
        ("object path: verdicts", m / t_obj),
        ("object path: verdicts + JSON", len(dumped) / t_dump),
        ("columns: screen", n / t_cols),
    ]
    print()
    print(f"{'':<30}{'enterprises/s':>15}{'µs each':>10}{'× Decimal loop':>16}{'× numpy':>10}")
    for label, rate in rows:
        print(
            f"{label:<30}{rate:>15,.0f}{1e6 / rate:>10.2f}"
            f"{rate / loop_rate:>16.3f}{rate / np_rate:>10.4f}"
        )
    seconds, numpy_loaded = import_time(first_use=False)
    first_use, numpy_on_use = import_time(first_use=True)
    numpy_loaded = numpy_loaded or numpy_on_use
    print()
    print(f"ledger in columns: {held / n:,.0f} bytes per enterprise; screen peak +{peak / n:,.0f}")
    print(
        f"import kejiservice: {seconds * 1000:.0f} ms; with the first kejiservice.evaluate: "
        f"{first_use * 1000:.0f} ms; numpy imported: {numpy_loaded}"
    )
    print(f"rows compared, objects vs columns: {m:,}; differ: {differ}")
    print()
    targets = [
        ("columns >= 0.5 × numpy baseline", n / t_cols / np_rate, 0.5),
        ("object path >= 0.2 × Decimal loop", m / t_obj / loop_rate, 0.2),
        ("object path under 10 µs per verdict", 10.0, t_obj / m * 1e6),
        ("ledger under 300 bytes per enterprise", 300.0, held / n),
        ("import under 150 ms", 150.0, seconds * 1000),
        ("import + first evaluate under 150 ms", 150.0, first_use * 1000),
    ]
    for label, got, need in targets:
        print(f"target {label:<40} {'met' if got >= need else 'NOT met'}")
    if numpy_loaded:
        print("target numpy not imported by `import kejiservice`       NOT met")
    if differ:
        raise SystemExit(f"{differ} rows differ between the object path and the columns")


if __name__ == "__main__":
    main()
