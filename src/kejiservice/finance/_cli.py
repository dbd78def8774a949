"""The ``loans`` subcommand: a thin front over :mod:`kejiservice.finance`.

    kejiservice loans eligible --as-of YYYY-MM-DD ENTERPRISES [--catalogue PATH]
                               [--amount A] [--term MONTHS] [--collateral C] [--hints]
                               [--explain | --json] [--lang zh|en]
    kejiservice loans compensate SCHEME --loss A [--mode M | --all-modes] [--first-loan]
                               [--collateral C] [--paid-for-loan A] [--other-policy-money A]
                               [--budget-used A] [--pool-used A] [--schemes PATH]
                               [--json] [--lang zh|en]
    kejiservice loans compensate SCHEME --interest A[:first][:COLLATERAL] ...
                               [--guarantee-fees A] [--premiums A]
                               [--received-this-year A] [--received-before A]

``ENTERPRISES`` is a ``.json`` object or array, a ``.jsonl`` ledger, or ``-`` for JSON
on stdin. ``SCHEME`` is the id of a bundled scheme (or of one in ``--schemes``), or the
path of a scheme file. Amounts are yuan, or 万元 / 亿元 with the suffix ``万`` / ``亿``
(``400万``). Bad input raises :class:`~kejiservice.errors.InvalidInput` naming the path;
the main command line turns it into exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from ..errors import InvalidInput, Problem
from ..io import load, read_ledger
from ..models import Enterprise, from_wan, from_yi
from ._compensation import (
    Compensation,
    InterestPayment,
    RiskCompensationScheme,
    bundled_schemes,
    compensate,
    compensate_modes,
    load_schemes,
    subsidise,
)
from ._products import Collateral, bundled_products, eligible_products, load_products

__all__ = ["add_finance_parser", "parse_amount", "run_compensate", "run_eligible"]


def parse_amount(text: str) -> Decimal:
    """An amount of yuan from ``"4000000"``, ``"400万"``, ``"400万元"`` or ``"2亿"``."""
    raw = text.strip().removesuffix("元")
    scale = None
    if raw.endswith("万"):
        raw, scale = raw[:-1], from_wan
    elif raw.endswith("亿"):
        raw, scale = raw[:-1], from_yi
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not number.is_finite() or number < 0:
        raise argparse.ArgumentTypeError(f"an amount is finite and not negative: {text!r}")
    return scale(number) if scale else number


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", path=path) from None


def _enterprises(path: str) -> list[Enterprise]:
    text = _read(path)
    problems: list[Problem] = []
    items: list[Enterprise] = []
    if path.endswith(".jsonl"):
        for line in read_ledger(text.splitlines()):
            if line.error is not None:
                problems.extend(
                    Problem(f"{path} line {line.line}: {p.path}", p.message)
                    for p in line.error.problems
                )
            elif line.enterprise is not None:
                items.append(line.enterprise)
    else:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise InvalidInput(f"not valid JSON: {exc}", path=path) from None
        for index, raw in enumerate(data if isinstance(data, list) else [data]):
            where = f"$[{index}]" if isinstance(data, list) else "$"
            try:
                items.append(load(Enterprise, raw, path=where))
            except InvalidInput as exc:
                problems.extend(Problem(f"{path} {p.path}", p.message) for p in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return items


def run_eligible(args: argparse.Namespace, out: TextIO) -> int:
    """Answer ``loans eligible``; returns the exit status 0."""
    catalogue = load_products(args.catalogue) if args.catalogue else bundled_products()
    results: list[dict[str, Any]] = []
    for ent in _enterprises(args.enterprises):
        verdicts = eligible_products(
            ent,
            catalogue,
            args.as_of,
            amount=args.amount,
            term_months=args.term,
            collateral=args.collateral,
            hints=args.hints,
        )
        who = ent.id or ent.name
        if args.json:
            results.append({"enterprise": who, "verdicts": [v.to_dict() for v in verdicts]})
            continue
        for verdict in verdicts:
            if args.explain:
                out.write(f"== {who}\n{verdict.explain(args.lang)}\n\n")
                continue
            extra = ""
            if verdict.failed:
                extra = f"  failed: {', '.join(verdict.failed)}"
            elif verdict.missing:
                extra = f"  missing: {', '.join(verdict.missing)}"
            out.write(f"{who}\t{verdict.product.id}\t{verdict.status.value}{extra}\n")
    if args.json:
        json.dump(results, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return 0


def _scheme(name: str, folder: str | None) -> RiskCompensationScheme:
    if name.endswith(".toml"):
        return next(iter(load_schemes(name).values()))
    schemes = load_schemes(folder) if folder else bundled_schemes()
    if name not in schemes:
        known = ", ".join(schemes)
        raise InvalidInput(f"unknown scheme {name!r}; known: {known}", path="scheme")
    return schemes[name]


def _payment(index: int, text: str) -> InterestPayment:
    head, *flags = text.split(":")
    try:
        interest = parse_amount(head)
    except argparse.ArgumentTypeError as exc:
        raise InvalidInput(str(exc), path=f"--interest[{index}]") from None
    first = False
    collateral: Collateral | None = None
    for flag in flags:
        if flag == "first":
            first = True
            continue
        try:
            collateral = Collateral(flag)
        except ValueError:
            choices = ", ".join(c.value for c in Collateral)
            raise InvalidInput(
                f"unknown flag {flag!r}: 'first' or a collateral ({choices})",
                path=f"--interest[{index}]",
            ) from None
    return InterestPayment(f"#{index + 1}", interest, first, collateral)


def run_compensate(args: argparse.Namespace, out: TextIO) -> int:
    """Answer ``loans compensate`` (a loss, or interest paid); returns the exit status 0."""
    scheme = _scheme(args.scheme, args.schemes)
    results: list[Compensation]
    if args.loss is not None:
        if args.interest:
            raise InvalidInput("give either --loss or --interest, not both", path="--interest")
        options: dict[str, Any] = {
            "first_loan": args.first_loan,
            "collateral": args.collateral,
            "paid_for_loan": args.paid_for_loan,
            "other_policy_money": args.other_policy_money,
            "budget_used": args.budget_used,
            "pool_used": args.pool_used,
        }
        if args.all_modes:
            results = list(compensate_modes(scheme, args.loss, **options).values())
        else:
            results = [compensate(scheme, args.loss, mode=args.mode, **options)]
    elif args.interest or args.guarantee_fees or args.premiums:
        payments = [_payment(i, text) for i, text in enumerate(args.interest)]
        results = [
            subsidise(
                scheme,
                payments,
                guarantee_fees=args.guarantee_fees,
                premiums=args.premiums,
                received_this_year=args.received_this_year,
                received_before=args.received_before,
            )
        ]
    else:
        raise InvalidInput("give --loss, or --interest / --guarantee-fees / --premiums")
    if args.json:
        data: Any = [r.to_dict() for r in results] if args.all_modes else results[0].to_dict()
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    out.write("\n\n".join(r.explain(args.lang) for r in results) + "\n")
    return 0


def add_finance_parser(subparsers: Any) -> None:
    """Register the ``loans`` subcommand on ``subparsers`` (``add_subparsers()``'s result)."""
    loans: argparse.ArgumentParser = subparsers.add_parser(
        "loans",
        help="loan products and risk compensation",
        description="Which bank S&T loan products an enterprise can get, and what a "
        "risk-compensation or interest-subsidy scheme pays.",
    )
    sub = loans.add_subparsers(dest="loans_command", required=True)

    p = sub.add_parser("eligible", help="which loan products enterprises can get")
    p.add_argument("enterprises", help="a .json object or array, a .jsonl ledger, or -")
    p.add_argument("--as-of", type=_day, required=True, help="the day (YYYY-MM-DD)")
    p.add_argument("--catalogue", help="a product file or folder (default: the bundled ones)")
    p.add_argument("--amount", type=parse_amount, help="a loan amount to check (yuan, 万, 亿)")
    p.add_argument("--term", type=int, help="a term in months to check")
    p.add_argument("--collateral", choices=[c.value for c in Collateral])
    p.add_argument("--hints", action="store_true", help="note rules the firm meets already")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--explain", action="store_true", help="every criterion, explained")
    form.add_argument("--json", action="store_true", help="verdict JSON")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(run=run_eligible)

    p = sub.add_parser("compensate", help="what a scheme pays for a loss or for interest")
    p.add_argument("scheme", help="a scheme id or a scheme .toml file")
    p.add_argument("--schemes", help="a folder of scheme files (default: the bundled ones)")
    p.add_argument("--loss", type=parse_amount, help="the loss (base of the mode)")
    modes = p.add_mutually_exclusive_group()
    modes.add_argument("--mode", help="the loss-share mode (default: the scheme's)")
    modes.add_argument("--all-modes", action="store_true", help="compute every mode")
    p.add_argument("--first-loan", action="store_true", help="the firm's first bank loan")
    p.add_argument("--collateral", choices=[c.value for c in Collateral])
    zero = Decimal(0)
    p.add_argument("--paid-for-loan", type=parse_amount, default=zero)
    p.add_argument("--other-policy-money", type=parse_amount, default=zero)
    p.add_argument("--budget-used", type=parse_amount, default=None)
    p.add_argument("--pool-used", type=parse_amount, default=None)
    p.add_argument(
        "--interest",
        action="append",
        default=[],
        metavar="A[:first][:COLLATERAL]",
        help="interest paid on one loan (repeat per loan)",
    )
    p.add_argument("--guarantee-fees", type=parse_amount, default=zero)
    p.add_argument("--premiums", type=parse_amount, default=zero)
    p.add_argument("--received-this-year", type=parse_amount, default=zero)
    p.add_argument("--received-before", type=parse_amount, default=zero)
    p.add_argument("--json", action="store_true", help="the computation as JSON")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(run=run_compensate)
