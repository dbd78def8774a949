"""The ``plan`` subcommand of the ``kejiservice`` command line.

    kejiservice plan --enterprises LEDGER --officers OFFICERS.json --policy POLICY
                     --from D --to D [--history VISITS.json]
                     [--json | --ics FILE | --csv FILE] [--generated-at DATETIME]

Without an output option a short text summary is printed. ``--ics -`` and ``--csv -``
write to standard output. Bad input raises :class:`~kejiservice.errors.InvalidInput`
(the main command line turns it into exit status 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from typing import Any, TextIO

from ..calendar import default_calendar
from ..errors import InvalidInput
from ..io import read_enterprises
from ..models import Enterprise
from ._export import to_csv, to_ics
from ._formats import read_history, read_officers, read_policy, roster_problems
from ._models import Plan
from ._planner import plan

__all__ = ["add_plan_parser", "run_plan"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _datetime(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, e.g. {text}+08:00 or {text}Z")
    return value


def _enterprises(path: str) -> list[Enterprise]:
    """A JSON Lines ledger (``.jsonl``), a JSON array or a single JSON object."""
    return read_enterprises(path)[0]


def _write(text: str, target: str, out: TextIO) -> None:
    if target == "-":
        out.write(text)
        return
    try:
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror}", path=target) from None


def _summary(result: Plan, out: TextIO) -> None:
    enterprises = {v.enterprise for v in result.visits} | {u.enterprise for u in result.unplaced}
    out.write(
        f"plan {result.start} .. {result.end}: {len(result.visits)} visits, "
        f"{len(result.unplaced)} unplaced, {len(enterprises)} enterprises\n"
    )
    per_officer = Counter(v.officer for v in result.visits)
    catch_up = Counter(v.officer for v in result.visits if v.kind.value == "catch_up")
    for officer in sorted(per_officer):
        out.write(
            f"  {officer:<12}{per_officer[officer]:>5} visits ({catch_up[officer]} catch-up)\n"
        )
    for entry in result.unplaced:
        out.write(
            f"  unplaced {entry.enterprise} {entry.window_start}..{entry.window_end}: "
            f"{entry.reason.value} ({entry.message})\n"
        )


def run_plan(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``kejiservice plan``; returns 0 or raises ``InvalidInput`` for bad input."""
    enterprises = _enterprises(args.enterprises)
    roster = read_officers(args.officers)
    problems = roster_problems(roster, (e.id for e in enterprises if e.id is not None))
    if problems:
        raise InvalidInput(problems)
    policy = read_policy(args.policy)
    history = read_history(args.history) if args.history else ()
    result = plan(
        enterprises,
        roster.officers,
        roster.assignments,
        policy,
        args.start,
        args.end,
        history=history,
        calendar=default_calendar(),
    )
    ent_names = {e.id: e.name for e in enterprises if e.id is not None}
    off_names = {o.id: o.name for o in roster.officers}
    if args.json:
        json.dump(result.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.ics:
        stamp = args.generated_at or dt.datetime.combine(args.start, dt.time(), dt.UTC)
        text = to_ics(
            result,
            generated_at=stamp,
            enterprise_names=ent_names,
            officer_names=off_names,
            calendar_name=f"走访计划 visit plan {args.start}..{args.end}",
        )
        _write(text, args.ics, out)
        if args.ics != "-":
            out.write(f"wrote {len(result.visits)} events to {args.ics}\n")
    elif args.csv:
        _write(to_csv(result, enterprise_names=ent_names, officer_names=off_names), args.csv, out)
        if args.csv != "-":
            out.write(f"wrote {len(result.visits) + len(result.unplaced)} rows to {args.csv}\n")
    else:
        _summary(result, out)
    return 0


def add_plan_parser(subparsers: Any) -> None:
    """Register the ``plan`` subcommand on an argparse subparsers object (``run=run_plan``)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="plan linkage visits on the working calendar",
        description="Plan one visit per enterprise per cadence window on workdays of its "
        "officer, within capacity; windows that do not fit are listed as unplaced.",
    )
    p.add_argument("--enterprises", required=True, metavar="LEDGER", help=".jsonl or .json")
    p.add_argument("--officers", required=True, metavar="OFFICERS.json")
    p.add_argument("--policy", required=True, metavar="POLICY", help=".toml or .json")
    p.add_argument("--from", dest="start", type=_date, required=True, metavar="D")
    p.add_argument("--to", dest="end", type=_date, required=True, metavar="D")
    p.add_argument("--history", metavar="VISITS.json", help="the visits that took place")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the plan as JSON")
    output.add_argument("--ics", metavar="FILE", help="write an iCalendar file (- for stdout)")
    output.add_argument("--csv", metavar="FILE", help="write a CSV file (- for stdout)")
    p.add_argument(
        "--generated-at",
        type=_datetime,
        default=None,
        metavar="DATETIME",
        help="DTSTAMP of the iCalendar events, with a time zone (default: --from, 00:00 UTC)",
    )
    p.set_defaults(run=run_plan)
