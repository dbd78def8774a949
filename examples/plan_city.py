"""Plan the sample city's visits for 2026, write them to an iCalendar file, print coverage.

Run it with ``uv run examples/plan_city.py [plan-2026.ics]``.

The sample city 青山市 has 300 enterprises (``kejiservice.sample.ledger()``), 10 tech
service officers each linked to the enterprises of their district
(``kejiservice/sample/officers.json``) and a cadence policy
(``kejiservice/sample/cadence_policy.toml``: key cultivation monthly, HNTE quarterly,
everyone else half-yearly). With no visit history every enterprise is overdue, so
each gets a catch-up visit early in its first window.

For the coverage part, the script pretends that the visits planned before 1 July took
place, except those of enterprises whose id ends in 7 (a fixed, made-up "missed" set).
"""

from __future__ import annotations

import argparse
import datetime as dt
from importlib.resources import files
from pathlib import Path

from kejiservice.calendar import default_calendar
from kejiservice.sample import ledger
from kejiservice.scheduling import (
    VisitRecord,
    coverage,
    plan,
    read_officers,
    read_policy,
    three_ones,
    to_ics,
)

YEAR_START = dt.date(2026, 1, 1)
YEAR_END = dt.date(2026, 12, 31)
AS_OF = dt.date(2026, 7, 1)
GENERATED_AT = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ics", nargs="?", default="plan-2026.ics", help="the file to write")
    args = parser.parse_args()

    sample = files("kejiservice.sample")
    roster = read_officers(Path(str(sample / "officers.json")))
    policy = read_policy(Path(str(sample / "cadence_policy.toml")))
    enterprises = ledger()
    calendar = default_calendar()

    result = plan(
        enterprises,
        roster.officers,
        roster.assignments,
        policy,
        YEAR_START,
        YEAR_END,
        calendar=calendar,
    )
    names = {e.id: e.name for e in enterprises if e.id is not None}
    officer_names = {o.id: o.name for o in roster.officers}
    text = to_ics(
        result,
        generated_at=GENERATED_AT,
        enterprise_names=names,
        officer_names=officer_names,
        calendar_name="青山市科技服务走访计划 2026",
    )
    Path(args.ics).write_text(text, encoding="utf-8", newline="")
    print(
        f"2026 plan: {len(result.visits)} visits for {len(enterprises)} enterprises, "
        f"{len(result.unplaced)} unplaced; wrote {args.ics}"
    )
    for entry in result.unplaced[:10]:
        window = f"{entry.window_start}..{entry.window_end}"
        print(f"  unplaced {entry.enterprise} {window}: {entry.message}")

    history = [
        VisitRecord(v.enterprise, v.date, v.officer)
        for v in result.visits
        if v.date < AS_OF and not v.enterprise.endswith("7")
    ]
    report = coverage(
        result, history, as_of=AS_OF, start=YEAR_START, end=AS_OF - dt.timedelta(days=1)
    )
    print(
        f"\ncoverage 1 Jan - 30 Jun (as of {AS_OF}): {report.visited}/{report.total} "
        f"enterprises visited, share {report.share_visited}"
    )
    print(f"{'officer':<14}{'ents':>5}{'planned':>9}{'done':>6}{'overdue':>9}  next due")
    for row in report.officers:
        name = f"{row.officer} {officer_names.get(row.officer, '')}"
        print(
            f"{name:<{14 - sum(1 for ch in name if ord(ch) > 0x2E80)}}{row.enterprises:>5}"
            f"{row.planned:>9}{row.done:>6}{row.overdue:>9}  {row.next_due or '-'}"
        )

    events = three_ones().events(YEAR_START, dt.date(2026, 3, 31), calendar)
    skipped = [e for e in events if e.skipped]
    print(
        f"\nthree ones, Q1 2026: {len(events) - len(skipped)} activities; "
        + ", ".join(f"{e.kind} of week {e.nominal} skipped (no workday)" for e in skipped)
    )


if __name__ == "__main__":
    main()
