"""The ``kejiservice`` command line: a thin argparse front over the library.

    kejiservice validate FILE                 every problem with its path; exit 2 if any
    kejiservice schema enterprise             the JSON Schema of the enterprise format
    kejiservice evaluate --rule R --as-of D FILE [--input K=V ...] [--json] [--lang en]
    kejiservice evaluate --all --as-of D FILE [--json]
    kejiservice params lint [DIR]             check a parameter pack (default: the national one)
    kejiservice params show NAME --as-of D    a parameter's value in force, with its source
    kejiservice plan --enterprises L --officers O --policy P --from D --to D [--json|--ics F]
    kejiservice report --ledger L --activity A --period 2026Q1 [--json | --md FILE]
    kejiservice packs lint DIR | explain PACK | evaluate PACK --as-of D FILE

FILE is a JSON object (one enterprise), a JSON array of them, or a JSON Lines ledger
(``.jsonl``); ``-`` reads standard input. Exit status: 0 whatever the verdicts, 2 for
bad input (the problems, with their paths, on standard error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from importlib.resources import as_file, files
from typing import Any, TextIO

from .errors import InvalidInput, KejiserviceError
from .io import dump, enterprise_schema, read_enterprises
from .params import ParameterSet, lint_layer, load_layer, national
from .rules import RULES, evaluate, evaluate_all
from .rules._core import param_json

__all__ = ["main"]


def _parse_inputs(pairs: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise InvalidInput(f"--input takes KEY=VALUE, got {pair!r}", path="--input")
        try:
            value: Any = json.loads(raw, parse_float=str)
        except ValueError:
            value = raw
        out[key] = value
    return out


def _route(inputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """With --all, give each input to every rule that takes it; an input none takes is an error."""
    routed: dict[str, dict[str, Any]] = {}
    for key, value in inputs.items():
        takers = [rule for rule, spec in RULES.items() if key in spec.inputs]
        if not takers:
            raise InvalidInput(f"no rule takes the input {key!r}", path=f"inputs.{key}")
        for rule in takers:
            routed.setdefault(rule, {})[key] = value
    return routed


def _as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _params(pack: Sequence[str]) -> ParameterSet:
    params = national()
    for folder in pack:
        params = params.with_layer(load_layer(folder))
    return params


def _print_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    items, _ = read_enterprises(args.file)
    out.write(f"ok: {len(items)} enterprise(s) valid\n")
    return 0


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    _print_json(enterprise_schema(), out)
    return 0


def _cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    if not args.all and not args.rule:
        raise InvalidInput("give --rule R or --all", path="--rule")
    items, several = read_enterprises(args.file)
    params = _params(args.pack)
    inputs = _parse_inputs(args.input)
    results: list[Any] = []
    for ent in items:
        if args.all:
            results.append(evaluate_all(ent, args.as_of, params=params, inputs=_route(inputs)))
        else:
            results.append(evaluate(args.rule, ent, args.as_of, params=params, **inputs))
    if args.json:
        dumped = [dump(r) for r in results]
        _print_json(dumped if several else dumped[0], out)
        return 0
    for index, result in enumerate(results):
        if index:
            out.write("\n" + "=" * 60 + "\n")
        name = items[index].name
        out.write(f"{name}\n")
        if args.all:
            word = "符合" if args.lang == "zh" else "qualifies for"
            out.write(f"{word}: {', '.join(result.qualifies_for) or '-'}\n\n")
            for verdict in result.verdicts.values():
                out.write(verdict.explain(args.lang) + "\n\n")
        else:
            out.write(result.explain(args.lang) + "\n")
    return 0


def _cmd_params(args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "lint":
        if args.dir is None:
            with as_file(files("kejiservice.params") / "national") as folder:
                problems = lint_layer(folder)
                where = "national"
        else:
            problems = lint_layer(args.dir, base=national(), allow_new=not args.strict_names)
            where = args.dir
        for problem in problems:
            sys.stderr.write(problem + "\n")
        if problems:
            return 2
        out.write(f"ok: {where}\n")
        return 0
    params = _params(args.pack)
    if args.name is None:
        for name in params.names():
            out.write(name + "\n")
        return 0
    found = params.lookup(args.name, args.as_of, args.region)
    _print_json(
        {
            "name": found.name,
            "value": param_json(found.value),
            "unit": found.unit,
            "source": found.source,
            "layer": found.layer,
            "effective_from": found.effective_from.isoformat(),
            "effective_to": found.effective_to.isoformat() if found.effective_to else None,
        },
        out,
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kejiservice",
        description="Enterprise models, explained eligibility rules and parameters for "
        "science-and-technology bureaus.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="validate enterprise JSON / JSON Lines")
    p.add_argument("file", help="a .json object or array, a .jsonl ledger, or - for stdin")
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of a format")
    p.add_argument("what", choices=["enterprise"])
    p.set_defaults(run=_cmd_schema)

    p = sub.add_parser("evaluate", help="evaluate a rule (or all) for enterprises")
    p.add_argument("file")
    p.add_argument("--rule", help=f"the rule id ({', '.join(RULES)}, or a registered local pack)")
    p.add_argument("--all", action="store_true", help="run every rule family")
    p.add_argument("--as-of", type=_as_of, required=True, help="the evaluation day YYYY-MM-DD")
    p.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a rule input; VALUE is read as JSON where it parses",
    )
    p.add_argument("--json", action="store_true", help="print verdict JSON (CONTRACT.md §2)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="DIR",
        help="a regional parameter pack to lay over the national one",
    )
    p.set_defaults(run=_cmd_evaluate)

    p = sub.add_parser("params", help="parameter packs: lint, list, show")
    p.add_argument("action", choices=["lint", "show"])
    p.add_argument("dir", nargs="?", help="lint: the pack folder (default: national)")
    p.add_argument("--name", help="show: the parameter name (omit to list names)")
    p.add_argument("--as-of", type=_as_of, default=None)
    p.add_argument("--region", default=None)
    p.add_argument("--pack", action="append", default=[], metavar="DIR")
    p.add_argument(
        "--strict-names",
        action="store_true",
        help="lint: a name the national pack does not define is an error (catches typos)",
    )
    p.set_defaults(run=_cmd_params)

    from .finance._cli import add_finance_parser
    from .indicators._cli import add_report_parser
    from .packs._cli import add_packs_parser
    from .scheduling._cli import add_plan_parser

    add_plan_parser(sub)
    add_report_parser(sub)
    add_packs_parser(sub)
    add_finance_parser(sub)
    _add_screen(sub)
    return parser


def _add_screen(sub: Any) -> None:
    """``screen`` needs the columnar extra (numpy); without it the command says so."""
    try:
        from .columnar._cli import add_screen_parser
    except ImportError as exc:
        reason = str(exc)

        def missing(args: argparse.Namespace, out: TextIO) -> int:
            sys.stderr.write(f"{reason}\n")
            return 2

        p = sub.add_parser("screen", help="screen a ledger in columns (needs the columnar extra)")
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(run=missing)
    else:
        add_screen_parser(sub)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    stream = out or sys.stdout
    args = _parser().parse_args(argv)
    if getattr(args, "name", None) and getattr(args, "as_of", None) is None:
        sys.stderr.write("params show --name needs --as-of\n")
        return 2
    try:
        code: int = args.run(args, stream)
        return code
    except InvalidInput as exc:
        sys.stderr.write(f"invalid input: {exc}\n")
        return 2
    except KejiserviceError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
