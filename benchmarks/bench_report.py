"""Benchmark: the quarterly report of the sample city (300 enterprises, a year of activity).

    uv run python benchmarks/bench_report.py [--repeat 5] [--period 2026Q1]

Times, for the first of ``--repeat`` runs (which also loads and caches the data files:
parameters, industry codes, configuration) and for the best one: reading the ledger
(JSON Lines) and the activity log (JSON, checked against the ledger), building the
report, and rendering it (JSON dict and Markdown in both languages). The target (issue
"Indicators and the quarterly report") is under one second for the whole of it, first
run included. Not part of the test suite: timings are measured here, never asserted in
tests.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from importlib.resources import files
from typing import Any

from kejiservice.activity import ActivityLog, load_activity
from kejiservice.indicators import Report, build_report
from kejiservice.io import read_ledger
from kejiservice.models import Enterprise
from kejiservice.sample import ledger_text

TARGET_SECONDS = 1.0


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(first run, best run, result): the first run includes loading the data files."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--period", default="2026Q1")
    args = parser.parse_args()
    ledger_lines = ledger_text().splitlines()
    activity_json = (files("kejiservice.sample") / "activity_2026.json").read_text("utf-8")

    def read() -> tuple[list[Enterprise], ActivityLog]:
        ents = [line.enterprise for line in read_ledger(ledger_lines) if line.enterprise]
        return ents, load_activity(json.loads(activity_json), enterprises=ents)

    first_read, best_read, (ents, log) = _time(read, args.repeat)
    first_build, best_build, report = _time(
        lambda: build_report(ents, log, args.period), args.repeat
    )

    def render(report: Report = report) -> None:
        report.to_dict()
        report.to_markdown("zh")
        report.to_markdown("en")

    first_render, best_render, _ = _time(render, args.repeat)
    rows = [
        ("read ledger + activity", first_read, best_read),
        ("build_report", first_build, best_build),
        ("to_dict + markdown zh/en", first_render, best_render),
    ]
    rows.append(("total", sum(r[1] for r in rows), sum(r[2] for r in rows)))
    counts = {name: len(getattr(log, name)) for name in ("visits", "needs", "financing_requests")}
    print(f"{len(ents)} enterprises, {counts}, period {args.period}, {args.repeat} runs")
    print(f"{'':<28}{'first run':>12}{'best run':>12}")
    for name, first, best in rows:
        print(f"{name:<28}{first * 1000:>9.1f} ms{best * 1000:>9.1f} ms")
    verdict = "OK" if rows[-1][1] < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"{verdict}: target under {TARGET_SECONDS:.0f} s for the first run")


if __name__ == "__main__":
    main()
