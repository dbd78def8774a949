"""The ``report`` subcommand: a thin front over :func:`build_report`.

    kejiservice report --ledger L.jsonl --activity A.json --period 2026Q1
                       [--targets T.json] [--as-of YYYY-MM-DD] [--json | --md FILE]
                       [--lang zh|en] [--strict]

The ledger is a JSON Lines file (one enterprise per line), the activity log a JSON
file in the ``kejiservice/activity@1`` format. ``--targets`` reads the targets of
another activity log file (usually one holding only ``{"targets": [...]}``) instead of
those of ``--activity``. Without ``--json`` or ``--md`` the Markdown report is printed.
Activity records about enterprises missing from the ledger are listed in the report as
excluded; with ``--strict`` they are refused instead.
Bad input raises :class:`~kejiservice.errors.InvalidInput` naming the file and the
JSON path (line numbers for the ledger); the main command line turns it into exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO

from ..activity import ActivityLog, load_activity, parse_period
from ..errors import InvalidInput, Problem
from ..io import read_ledger, read_text
from ..models import Enterprise
from ._markdown import LANGUAGES
from ._report import build_report

__all__ = ["add_report_parser", "run_report"]


def _ledger(path: str) -> list[Enterprise]:
    items: list[Enterprise] = []
    problems: list[Problem] = []
    for line in read_ledger(read_text(path).splitlines()):
        if line.error is not None:
            problems.extend(
                Problem(f"{path} line {line.line}: {p.path}", p.message)
                for p in line.error.problems
            )
        elif line.enterprise is not None:
            items.append(line.enterprise)
    if problems:
        raise InvalidInput(problems)
    return items


def _activity(path: str, ledger: list[Enterprise] | None) -> ActivityLog:
    try:
        data = json.loads(read_text(path))
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"not valid JSON: {exc}", path=path) from None
    try:
        return load_activity(data, enterprises=ledger)
    except InvalidInput as exc:
        raise InvalidInput(Problem(f"{path} {p.path}", p.message) for p in exc.problems) from None


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def run_report(args: argparse.Namespace, out: TextIO) -> int:
    """Build the report the arguments describe and write it; returns the exit status 0."""
    period = parse_period(args.period)
    ledger = _ledger(args.ledger)
    activity = _activity(args.activity, ledger if args.strict else None)
    targets = _activity(args.targets, None).targets if args.targets else None
    report = build_report(ledger, activity, period, targets=targets, as_of=args.as_of)
    if args.json:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.md:
        Path(args.md).write_text(report.to_markdown(args.lang), encoding="utf-8")
        out.write(f"wrote {args.md} ({len(report.excluded)} record(s) excluded)\n")
    else:
        out.write(report.to_markdown(args.lang))
    return 0


def add_report_parser(subparsers: Any) -> None:
    """Register the ``report`` subcommand on ``subparsers`` (``add_subparsers()``'s result)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="the quarterly report of a ledger and an activity log",
        description="Figures of a period (visits, needs, financing, HNTE and tech-SME "
        "counts, platforms, achievements, targets, classification, top innovators, "
        "diagnostics), year on year, with every excluded record named.",
    )
    p.add_argument("--ledger", required=True, help="the enterprise ledger (.jsonl)")
    p.add_argument("--activity", required=True, help="the activity log (.json)")
    p.add_argument(
        "--period",
        required=True,
        help="2026Q1, 2026H1, 2026, 2026-03, 2026YTD-05 or 2026-01-15..2026-02-20",
    )
    p.add_argument("--targets", help="take the targets from this activity log file instead")
    p.add_argument("--as-of", type=_day, default=None, help="the day of the figures (YYYY-MM-DD)")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the report JSON")
    form.add_argument("--md", metavar="FILE", help="write the Markdown report to FILE")
    p.add_argument("--lang", choices=LANGUAGES, default="zh")
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse activity records about enterprises not in the ledger (exit 2) "
        "instead of listing them as excluded",
    )
    p.set_defaults(run=run_report)
