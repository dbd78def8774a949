"""The ``kejiservice screen`` command: screen a whole ledger for one rule, in columns.

    kejiservice screen --rule R --as-of D LEDGER [--out FILE] [--only eligible|ineligible|near]
                       [--near-distance 0.10] [--near-failed 1] [--limit N] [--explain]
                       [--rejects FILE] [--chunk-size N] [--progress] [--format jsonl|csv]
                       [--year Y] [--pack DIR]

LEDGER is a JSON Lines file, or a CSV file in the documented layout (by its ``.csv``
suffix or ``--format csv``); ``-`` reads standard input. One JSON screening record is
written per selected enterprise (standard output, or ``--out``); ``near`` lists the
ineligible enterprises within ``--near-distance`` of eligibility, closest first. Bad
records go to ``--rejects`` (one JSON line each, with the line number and the field
paths) while the rest proceed; the summary (read, rejected, evaluated...) goes to
standard error, or to standard output when ``--out`` is given. Exit status 0 whatever
the verdicts; a file that cannot be read at all raises ``InvalidInput`` (exit 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import IO, Any, TextIO

from ..errors import InvalidInput, Problem
from ..models import Enterprise
from ..params import ParameterSet, load_layer, national
from ..rules import Outcome, evaluate
from ._screen import ScreenResult, screen, supported_rules
from ._stream import LedgerReader, Reject

__all__ = ["add_screen_parser", "run"]

_SHOWN_REJECTS = 10


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _distance(text: str) -> Fraction:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal number: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError("the distance is a non-negative decimal (0.10 = 10%)")
    return Fraction(value)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_screen_parser(subparsers: Any) -> None:
    """Register the ``screen`` command on an ``add_subparsers()`` object."""
    p = subparsers.add_parser(
        "screen",
        help="screen a whole ledger for one rule, in columns (the columnar extra)",
        description="Screen a JSON Lines or CSV ledger for one rule, exactly, in numpy "
        "columns; one JSON record per selected enterprise.",
    )
    p.add_argument("ledger", help="a .jsonl or .csv ledger, or - for standard input")
    p.add_argument("--rule", required=True, choices=supported_rules())
    p.add_argument("--as-of", type=_date, required=True, help="the evaluation day YYYY-MM-DD")
    p.add_argument("--out", metavar="FILE", help="write the records here (default: stdout)")
    p.add_argument(
        "--only",
        choices=["eligible", "ineligible", "near"],
        help="which enterprises to write (default: all); near = the cultivation pool",
    )
    p.add_argument(
        "--near-distance",
        type=_distance,
        default=Fraction(1, 10),
        metavar="D",
        help="near: each failed criterion's gap at most D times its requirement "
        "(default 0.10, i.e. within 10%%)",
    )
    p.add_argument(
        "--near-failed",
        type=_positive,
        default=1,
        metavar="N",
        help="near: at most N failed criteria (default 1)",
    )
    p.add_argument("--limit", type=_positive, metavar="N", help="write at most N records")
    p.add_argument(
        "--explain",
        action="store_true",
        help="add the full verdict (criteria, messages, sources) to each record written",
    )
    p.add_argument("--rejects", metavar="FILE", help="write rejected records here (JSON Lines)")
    p.add_argument(
        "--chunk-size", type=_positive, default=10_000, metavar="N", help="rows per chunk"
    )
    p.add_argument("--progress", action="store_true", help="show a progress bar (needs tqdm)")
    p.add_argument("--format", choices=["jsonl", "csv"], help="the ledger format (default: suffix)")
    p.add_argument("--year", type=int, help="sme_size / above_scale: the accounting year")
    p.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="DIR",
        help="a regional parameter pack to lay over the national one",
    )
    p.set_defaults(run=run)


def _params(packs: list[str]) -> ParameterSet:
    params = national()
    for folder in packs:
        params = params.with_layer(load_layer(folder))
    return params


class _Bar:
    """A tqdm progress bar over bytes read, or nothing."""

    def __init__(self, wanted: bool, total: int | None) -> None:
        self.bar: Any = None
        if not wanted:
            return
        try:
            tqdm = importlib.import_module("tqdm").tqdm
        except ImportError:
            sys.stderr.write(
                "--progress needs tqdm: install the 'progress' extra "
                "(pip install 'kejiservice[progress]'); continuing without a bar\n"
            )
            return
        self.bar = tqdm(total=total, unit="B", unit_scale=True, desc="screen", file=sys.stderr)

    def callback(self) -> Callable[[int], None] | None:
        return None if self.bar is None else self.bar.update

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _selected(result: ScreenResult, only: str | None) -> Iterator[int]:
    if only is None:
        yield from range(len(result))
        return
    wanted = Outcome.ELIGIBLE if only == "eligible" else Outcome.INELIGIBLE
    code = list(Outcome).index(wanted)
    for row in (result.status == code).nonzero()[0].tolist():
        yield int(row)


def _write(out: IO[str], record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``screen`` with parsed ``args``; records to ``--out`` or ``out``."""
    inputs: dict[str, Any] = {}
    if args.year is not None:
        if args.rule not in ("sme_size", "above_scale"):
            raise InvalidInput(f"--year applies to sme_size and above_scale, not {args.rule}")
        inputs["year"] = args.year
    params = _params(args.pack)
    source: Any = sys.stdin.buffer if args.ledger == "-" else args.ledger
    if args.ledger == "-" and args.format is None:
        args.format = "jsonl"
    with ExitStack() as stack:
        records = out if args.out is None else stack.enter_context(_open(args.out))
        rejects_out = None if args.rejects is None else stack.enter_context(_open(args.rejects))
        bar = _Bar(args.progress, LedgerReader.size_of(source))
        stack.callback(bar.close)
        reader = LedgerReader(
            source, format=args.format, chunk_size=args.chunk_size, progress=bar.callback()
        )
        summary = _screen_stream(args, reader, records, rejects_out, params, inputs)
    report = out if args.out is not None else sys.stderr
    report.write(summary + "\n")
    return 0


def _open(path: str) -> IO[str]:
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}", path=path) from None


def _screen_stream(
    args: argparse.Namespace,
    reader: LedgerReader,
    records: IO[str],
    rejects_out: IO[str] | None,
    params: ParameterSet,
    inputs: dict[str, Any],
) -> str:
    shown: list[Reject] = []
    counts = {o.value: 0 for o in Outcome}
    evaluated = written = via_objects = unevaluated = 0
    pool: list[tuple[Fraction, int, dict[str, Any], Enterprise, dict[str, Any]]] = []
    limit = args.limit
    for chunk in reader:
        for reject in chunk.rejects:
            if rejects_out is not None:
                _write(rejects_out, reject.to_dict())
            elif len(shown) < _SHOWN_REJECTS:
                shown.append(reject)
        ledger = chunk.ledger
        if not len(ledger):
            continue
        result = screen(args.rule, ledger, args.as_of, params=params, errors="collect", **inputs)
        for row, error in sorted(result.errors.items()):
            failure = Reject(
                int(ledger.lines[row]),
                tuple(
                    Problem(p.path, f"cannot be evaluated: {p.message}")
                    for p in getattr(error, "problems", ())
                )
                or (Problem("$", f"cannot be evaluated: {error}"),),
            )
            unevaluated += 1
            if rejects_out is not None:
                _write(rejects_out, failure.to_dict())
            elif len(shown) < _SHOWN_REJECTS:
                shown.append(failure)
        evaluated += len(result) - len(result.errors)
        via_objects += int(result.via_objects.sum())
        for key, value in result.counts().items():
            counts[key] += value
        counts[Outcome.UNDETERMINED.value] -= len(result.errors)
        if args.only == "near":
            for row, distance in result.near(args.near_distance, max_failed=args.near_failed):
                pool.append(
                    (
                        distance,
                        len(pool),
                        result.record(row, distance=distance),
                        ledger.enterprise(row),
                        ledger.inputs(row),
                    )
                )
            continue
        for row in _selected(result, args.only):
            if limit is not None and written >= limit:
                break
            if row in result.errors:
                continue
            record = result.record(row)
            if args.explain:
                record["verdict"] = result.explain_rows([row])[0].to_dict()
            _write(records, record)
            written += 1
    if args.only == "near":
        pool.sort(key=lambda item: (item[0], item[1]))
        for _, _, record, ent, row_inputs in pool[:limit]:
            if args.explain:
                verdict = evaluate(
                    args.rule, ent, args.as_of, params=params, **inputs, **row_inputs
                )
                record["verdict"] = verdict.to_dict()
            _write(records, record)
            written += 1
    s = reader.summary
    lines = [
        f"read {s.read}, rejected {s.rejected}, blank {s.blank} "
        f"(of {s.records} records, {s.lines} lines)",
        f"evaluated {evaluated} for {args.rule} as of {args.as_of.isoformat()}: "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if v or k != "not_applicable")
        + f"; answered by the object path {via_objects}",
        f"written {written}" + (f" ({args.only})" if args.only else ""),
    ]
    if unevaluated:
        lines.insert(
            2, f"could not evaluate {unevaluated} (the object path raised; listed as rejects)"
        )
    for reject in shown:
        lines.append("rejected " + reject.describe().replace("\n", "\nrejected "))
    hidden = s.rejected + unevaluated - len(shown) if rejects_out is None else 0
    if hidden > 0:
        lines.append(f"... and {hidden} more rejected (use --rejects FILE to keep them all)")
    return "\n".join(lines)
