"""Evaluating checked tests with three-valued (Kleene) logic.

A test is true, false or unknown. ``and`` is false as soon as one part is false, else
unknown if one part is unknown; ``or`` is true as soon as one part is true, else
unknown if one part is unknown; ``not`` keeps unknown. An unknown result names the
missing inputs of the parts that made it unknown (never of parts that did not matter).
Every result carries a small explanation tree (``part``) for the verdict's ``detail``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..rules._core import fmt, fmt_ratio
from ._facts import Env, Val
from ._lang import Compare, Fact, Lit, Node, Not, Or, Type, type_of, unparse

__all__ = ["Res", "compare", "evaluate", "show", "value_of"]

_RESULT = {True: "pass", False: "fail", None: "unknown"}


@attrs.frozen
class Res:
    """A test's result: ``True`` / ``False`` / ``None`` (unknown), and why."""

    value: bool | None
    missing: tuple[str, ...] = ()
    why: tuple[str, ...] = ()
    part: Mapping[str, Any] = attrs.field(factory=dict)


def show(value: Any, kind: Type | None) -> str | None:
    """A value as a verdict string: ratios to six decimals (floored), bools lower-case."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind is Type.RATIO and isinstance(value, Decimal):
        return fmt_ratio(value)
    return fmt(value)


def value_of(node: Lit | Fact, env: Env) -> Val:
    """The value of an operand: a literal as it is, a fact read from the enterprise."""
    if isinstance(node, Lit):
        return Val(node.value)
    if node.name == "score":
        return env.score()
    return env.fact(node)


def compare(op: str, a: Any, b: Any) -> bool:
    """``a op b`` on numbers, strings or bools (exact: Decimals are never rounded)."""
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if op == ">=":
        return bool(a >= b)
    if op == ">":
        return bool(a > b)
    if op == "<=":
        return bool(a <= b)
    return bool(a < b)


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _compare(node: Compare, env: Env) -> Res:
    left, right = value_of(node.left, env), value_of(node.right, env)
    kind = type_of(node.left)
    part: dict[str, Any] = {"test": unparse(node)}
    missing = _unique([*left.missing, *right.missing])
    why = tuple(w for w in (left.why, right.why) if w)
    if right.value is None:
        part["result"] = "unknown"
        return Res(None, missing, why, part)
    result: bool | None
    if left.value is not None:
        result = compare(node.op, left.value, right.value)
        part["actual"] = show(left.value, kind)
    elif left.lo is not None and left.hi is not None and node.op not in ("==", "!="):
        low, high = compare(node.op, left.lo, right.value), compare(node.op, left.hi, right.value)
        result = low if low == high else None
        part["actual"] = f"{show(left.lo, kind)}..{show(left.hi, kind)}"
    else:
        result = None
    shown = show(right.value, None) if isinstance(node.right, Lit) else show(right.value, kind)
    part["required"] = f"{node.op} {shown}"
    part["result"] = _RESULT[result]
    if result is not None:
        missing, why = (), ()
    return Res(result, missing, why, part)


def evaluate(node: Node, env: Env) -> Res:
    """The three-valued result of a checked boolean test."""
    if isinstance(node, Compare):
        return _compare(node, env)
    if isinstance(node, Lit):
        return Res(bool(node.value), part={"test": node.text, "result": _RESULT[bool(node.value)]})
    if isinstance(node, Fact):
        val = env.fact(node)
        truth = None if val.value is None else bool(val.value)
        part: dict[str, Any] = {"test": unparse(node), "result": _RESULT[truth]}
        if val.detail:
            part["detail"] = dict(val.detail)
        if truth is None:
            return Res(None, val.missing, (val.why,) if val.why else (), part)
        return Res(truth, part=part)
    if isinstance(node, Not):
        inner = evaluate(node.operand, env)
        truth = None if inner.value is None else not inner.value
        part = {"test": unparse(node), "result": _RESULT[truth], "parts": [inner.part]}
        return Res(truth, inner.missing, inner.why, part)
    results = [evaluate(p, env) for p in node.parts]
    decisive = isinstance(node, Or)  # or: True decides; and: False decides
    values = [r.value for r in results]
    if decisive in values:
        value: bool | None = decisive
        missing: tuple[str, ...] = ()
        why: tuple[str, ...] = ()
    elif None in values:
        value = None
        unknown = [r for r in results if r.value is None]
        missing = _unique([m for r in unknown for m in r.missing])
        why = tuple(w for r in unknown for w in r.why)
    else:
        value = not decisive
        missing, why = (), ()
    part = {"test": unparse(node), "result": _RESULT[value], "parts": [r.part for r in results]}
    return Res(value, missing, why, part)
