"""``kejiservice packs``: lint, explain and evaluate local incentive packs.

    kejiservice packs lint DIR                          every problem; exit 2 if any
    kejiservice packs explain PACK [--lang zh|en]        the pack in plain words
    kejiservice packs evaluate PACK --as-of D FILE [--json] [--lang zh|en] [--explain]
                                                        verdicts, awards and the pool

PACK is a ``.toml`` pack file; packs beside it may be referred to in ``eligible(...)``.
FILE is a JSON object (one enterprise), a JSON array, or a JSON Lines ledger
(``.jsonl``); ``-`` reads standard input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any, TextIO

from ..errors import InvalidInput
from ..io import dump, read_enterprises
from ..models import Enterprise
from ..rules import Outcome, RuleSpec, Verdict, evaluate, get_rule, unregister_rule
from ..rules._registry import RULES, local_rules, register_rule
from ._award import allocate_pool, pool_summary
from ._compile import compile_packs
from ._explain import explain_pack
from ._load import lint_packs, load_pack, load_packs, pack_references, peek_id
from ._model import Pack

__all__ = ["add_packs_parser"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _siblings(path: Path) -> set[str]:
    return {i for p in path.parent.glob("*.toml") if p != path and (i := peek_id(p))}


def _read_enterprises(path: str) -> list[Enterprise]:
    return read_enterprises(path)[0]


def _cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    problems = lint_packs(args.dir)
    for problem in problems:
        out.write(problem + "\n")
    if problems:
        out.write(f"{len(problems)} problem(s)\n")
        return 2
    out.write(f"ok: {args.dir}\n")
    return 0


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.pack)
    pack = load_pack(path, rules=_siblings(path))
    out.write(explain_pack(pack, args.lang))
    return 0


def _with_dependencies(path: Path) -> tuple[Pack, list[Pack]]:
    """The pack at ``path`` and the packs it needs registered (itself and siblings)."""
    pack = load_pack(path, rules=_siblings(path))
    known = set(RULES) | {s.id for s in local_rules()}
    if pack_references(pack) - known:
        everything = load_packs(path.parent)
        mine = [p for p in everything if p.id == pack.id and p.path == pack.path]
        return (mine[0] if mine else pack), [p for p in everything if p.id != pack.id] + [pack]
    return pack, [pack]


def _cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.pack)
    pack, needed = _with_dependencies(path)
    enterprises = _read_enterprises(args.file)
    inputs = _parse_inputs(args.input)
    previous: dict[str, RuleSpec | None] = {}
    for spec in compile_packs(needed):
        try:
            previous[spec.id] = get_rule(spec.id)
        except LookupError:
            previous[spec.id] = None
        register_rule(spec)
    try:
        verdicts = [evaluate(pack.id, ent, args.as_of, **inputs) for ent in enterprises]
    finally:
        for rule, old in previous.items():
            if old is None:
                unregister_rule(rule)
            else:
                register_rule(old)
    allocations = allocate_pool(pack, verdicts)
    summary = pool_summary(pack, allocations)
    if args.json:
        doc = {
            "pack": pack.id,
            "version": pack.version,
            "as_of": args.as_of.isoformat(),
            "pool": summary,
            "verdicts": [dump(v) for v in verdicts],
            "allocations": [a.to_dict() for a in allocations],
        }
        json.dump(doc, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    _table(pack, enterprises, verdicts, allocations, summary, args.lang, out)
    if args.explain:
        for verdict in verdicts:
            out.write("\n" + verdict.explain(args.lang) + "\n")
    return 0


def _parse_inputs(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise InvalidInput(f"--input takes KEY=VALUE, got {pair!r}", path="--input")
        try:
            out[key] = json.loads(raw, parse_float=str)
        except ValueError:
            out[key] = raw
    return out


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` display columns (CJK characters take two)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    fill = " " * max(width - shown, 0)
    return fill + text if right else text + fill


_STATUS = {
    "zh": {
        Outcome.ELIGIBLE: "符合",
        Outcome.INELIGIBLE: "不符合",
        Outcome.UNDETERMINED: "待定",
        Outcome.NOT_APPLICABLE: "不适用",
    },
    "en": {
        Outcome.ELIGIBLE: "eligible",
        Outcome.INELIGIBLE: "ineligible",
        Outcome.UNDETERMINED: "undetermined",
        Outcome.NOT_APPLICABLE: "n/a",
    },
}


def _table(
    pack: Pack,
    enterprises: list[Enterprise],
    verdicts: list[Verdict],
    allocations: list[Any],
    summary: dict[str, Any],
    lang: str,
    out: TextIO,
) -> None:
    zh = lang == "zh"
    out.write(f"{pack.name_zh if zh else pack.name_en} ({pack.id} {pack.version})\n")
    head = (
        ("企业", "结论", "申请额", "核定额")
        if zh
        else ("enterprise", "status", "requested", "granted")
    )
    out.write(
        _pad(head[0], 12) + _pad(head[1], 14) + _pad(head[2], 16, True) + _pad(head[3], 16, True)
    )
    out.write("\n")
    words = _STATUS["zh" if zh else "en"]
    for ent, verdict, alloc in zip(enterprises, verdicts, allocations, strict=True):
        name = ent.id or ent.name
        requested = "-" if alloc.requested is None else f"{alloc.requested:.2f}"
        granted = "-" if alloc.granted is None else f"{alloc.granted:.2f}"
        out.write(
            _pad(name, 12)
            + _pad(words[verdict.status], 14)
            + _pad(requested, 16, True)
            + _pad(granted, 16, True)
            + "\n"
        )
    labels = (
        ("资金池", "申请总额", "核定总额", "比例", "待定")
        if zh
        else ("pool", "requested", "granted", "scale", "pending")
    )
    out.write(
        f"{labels[0]} {summary['pool'] or '-'}  {labels[1]} {summary['requested']}  "
        f"{labels[2]} {summary['granted']}  {labels[3]} {summary['scale']}  "
        f"{labels[4]} {summary['pending']}\n"
    )


def add_packs_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``packs lint|explain|evaluate`` to the main parser's subcommands."""
    packs = subparsers.add_parser("packs", help="local incentive packs: lint, explain, evaluate")
    sub = packs.add_subparsers(dest="packs_command", required=True)

    p = sub.add_parser("lint", help="check every pack in a directory; exit 2 on problems")
    p.add_argument("dir", help="the folder of *.toml packs")
    p.set_defaults(run=_cmd_lint)

    p = sub.add_parser("explain", help="a pack in plain Chinese or English")
    p.add_argument("pack", help="the pack file (.toml)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(run=_cmd_explain)

    p = sub.add_parser("evaluate", help="evaluate a pack for enterprises and share its pool")
    p.add_argument("pack", help="the pack file (.toml)")
    p.add_argument("file", help="a .json object or array, a .jsonl ledger, or - for stdin")
    p.add_argument("--as-of", type=_date, required=True, help="the evaluation day YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print verdicts and allocations as JSON")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--explain", action="store_true", help="also explain each verdict")
    p.add_argument("--input", action="append", default=[], metavar="KEY=VALUE", help="a pack input")
    p.set_defaults(run=_cmd_evaluate)
