"""Benchmark: a year of visit plans for 300 enterprises and 10 officers.

    uv run python benchmarks/bench_plan.py [--repeat 5]

Plans the sample city (``kejiservice.sample``: 300 enterprises, 10 officers, the
sample cadence policy) for 2026 and reports the mean and best wall time of
``plan(...)`` over the runs, after one warm-up run (which also loads the calendar).
The target (issue "Linkage plans") is well under one second. Also timed: a re-plan
with a freeze, a rebalance, and the iCalendar export. Not part of the test suite:
timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from kejiservice.calendar import default_calendar
from kejiservice.sample import ledger
from kejiservice.scheduling import plan, read_officers, read_policy, rebalance, replan, to_ics

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return statistics.mean(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sample = files("kejiservice.sample")
    roster = read_officers(Path(str(sample / "officers.json")))
    policy = read_policy(Path(str(sample / "cadence_policy.toml")))
    enterprises = ledger()
    calendar = default_calendar()

    def year() -> Any:
        return plan(
            enterprises, roster.officers, roster.assignments, policy, START, END, calendar=calendar
        )

    base = year()
    print(
        f"{len(enterprises)} enterprises, {len(roster.officers)} officers, {START}..{END}: "
        f"{len(base.visits)} visits, {len(base.unplaced)} unplaced; {args.repeat} runs"
    )
    cases: dict[str, Callable[[], Any]] = {
        "plan (a year)": year,
        "replan, frozen to 06-30": lambda: replan(
            base,
            freeze_until=dt.date(2026, 6, 30),
            enterprises=enterprises,
            officers=roster.officers,
            assignments=roster.assignments,
            policy=policy,
            calendar=calendar,
        ),
        "rebalance (O04 leaves)": lambda: rebalance(
            base,
            "O04",
            officers=roster.officers,
            assignments=roster.assignments,
            effective=dt.date(2026, 7, 1),
            enterprises=enterprises,
            calendar=calendar,
        ),
        "to_ics": lambda: to_ics(base, generated_at=STAMP),
    }
    print(f"{'':<26}{'mean ms':>10}{'best ms':>10}")
    for name, fn in cases.items():
        mean, best = _time(fn, args.repeat)
        print(f"{name:<26}{mean * 1000:>10.1f}{best * 1000:>10.1f}")


if __name__ == "__main__":
    main()
