"""Conditions written as data: the small language of the indicator TOML files.

Classification rules (``classification.toml``), ranking eligibility (``ranking.toml``)
and distribution checks (``diagnostics.toml``) all test enterprises with the same keys::

    rd_intensity_at_least = 0.03            # a metric of METRICS, then a test:
    sales_revenue_at_least_wan = 5000       # at_least (>=), above (>), at_most (<=),
    debt_ratio_below = 0.7                  # below (<); money metrics may end in _wan
    holds_any = ["hnte", "tech_sme"]        # a certification valid on the day
    tags_any = ["key_cultivation"]          # a ledger tag
    industry_prefixes = ["C", "I65"]        # a GB/T 4754-2017 code prefix

All the keys of one table must hold together. Floats are parsed as ``Decimal``, and
amounts in 万元 are converted to yuan when the file is read, so thresholds never appear
in code. A missing figure makes a metric test *unknown*, never false.
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib.resources import files
from typing import Any

import attrs

from ..errors import ParameterError
from ..models import CertificationKind, Enterprise, from_wan
from ._enterprise import METRICS, MONEY_METRICS, Basis

__all__ = [
    "Condition",
    "HoldsAny",
    "IndustryAny",
    "MetricTest",
    "Rule",
    "TagsAny",
    "bundled_toml",
    "check_unique",
    "meta_source",
    "parse_rule",
    "read_toml",
    "table_array",
]

TESTS: Mapping[str, Callable[[Decimal, Decimal], bool]] = {
    "at_least": operator.ge,
    "above": operator.gt,
    "at_most": operator.le,
    "below": operator.lt,
}
_KEY_RE = re.compile(
    r"^(?P<metric>[a-z0-9_]+?)_(?P<test>at_least|above|at_most|below)(?P<wan>_wan)?$"
)


@attrs.frozen
class MetricTest:
    """``metric <test> value``; unknown (``None``) when the metric is missing."""

    metric: str
    test: str
    value: Decimal

    def check(self, ent: Enterprise, basis: Basis) -> bool | None:
        """Whether the enterprise passes, or ``None`` when its figure is missing."""
        actual = METRICS[self.metric](ent, basis)
        return None if actual is None else TESTS[self.test](actual, self.value)


@attrs.frozen
class HoldsAny:
    """Holds one of ``kinds`` on ``basis.day``."""

    kinds: tuple[CertificationKind, ...]

    def check(self, ent: Enterprise, basis: Basis) -> bool | None:
        """Whether a certification of one of the kinds is valid on the day."""
        return any(ent.holds(kind, basis.day) for kind in self.kinds)


@attrs.frozen
class TagsAny:
    """Carries one of ``tags``."""

    tags: tuple[str, ...]

    def check(self, ent: Enterprise, basis: Basis) -> bool | None:
        """Whether the enterprise carries one of the tags."""
        return any(ent.has_tag(tag) for tag in self.tags)


@attrs.frozen
class IndustryAny:
    """Its industry code starts with one of ``prefixes``."""

    prefixes: tuple[str, ...]

    def check(self, ent: Enterprise, basis: Basis) -> bool | None:
        """Whether the industry code has one of the prefixes."""
        return any(ent.industry.startswith(prefix) for prefix in self.prefixes)


Condition = MetricTest | HoldsAny | TagsAny | IndustryAny


@attrs.frozen
class Rule:
    """Conditions that must all hold. An empty rule holds for every enterprise."""

    conditions: tuple[Condition, ...] = ()

    def check(self, ent: Enterprise, basis: Basis) -> tuple[bool | None, tuple[str, ...]]:
        """``(True | False | None, missing metrics)``: false if any condition fails,
        unknown if none fails but a metric is missing, else true."""
        missing: list[str] = []
        for condition in self.conditions:
            result = condition.check(ent, basis)
            if result is False:
                return False, ()
            if result is None and isinstance(condition, MetricTest):
                missing.append(condition.metric)
        return (None, tuple(missing)) if missing else (True, ())

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics the rule tests."""
        return tuple(c.metric for c in self.conditions if isinstance(c, MetricTest))


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"{where}: must be an array of strings")
    return tuple(value)


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ParameterError(f"{where}: must be a number")
    return Decimal(value)


def _metric_test(key: str, value: Any, where: str) -> MetricTest:
    match = _KEY_RE.match(key)
    if match is None or match["metric"] not in METRICS:
        known = ", ".join(sorted(METRICS))
        raise ParameterError(
            f"{where}: unknown condition {key!r} (a metric of: {known}; then _at_least, "
            "_above, _at_most or _below; or holds_any, tags_any, industry_prefixes)"
        )
    metric = match["metric"]
    number = _number(value, where)
    if match["wan"]:
        if metric not in MONEY_METRICS:
            raise ParameterError(f"{where}: {metric} is not money; drop the _wan suffix")
        number = from_wan(number)
    return MetricTest(metric, match["test"], number)


def _holds(value: Any, where: str) -> HoldsAny:
    kinds = []
    for name in _strings(value, where):
        try:
            kinds.append(CertificationKind(name))
        except ValueError:
            allowed = ", ".join(k.value for k in CertificationKind)
            raise ParameterError(f"{where}: unknown certification {name!r} ({allowed})") from None
    return HoldsAny(tuple(kinds))


def parse_rule(table: Mapping[str, Any], where: str, *, skip: frozenset[str] = frozenset()) -> Rule:
    """The :class:`Rule` written as the keys of ``table`` (keys in ``skip`` are not conditions)."""
    conditions: list[Condition] = []
    for key, value in table.items():
        if key in skip:
            continue
        at = f"{where}.{key}"
        if key == "holds_any":
            conditions.append(_holds(value, at))
        elif key == "tags_any":
            conditions.append(TagsAny(_strings(value, at)))
        elif key == "industry_prefixes":
            conditions.append(IndustryAny(_strings(value, at)))
        else:
            conditions.append(_metric_test(key, value, at))
    return Rule(tuple(conditions))


def table_array(data: Mapping[str, Any], key: str, name: str) -> list[dict[str, Any]]:
    """The non-empty ``[[key]]`` array of tables of a parsed file, or ``ParameterError``."""
    tables = data.get(key)
    if not isinstance(tables, list) or not tables:
        raise ParameterError(f"{name}: needs a [[{key}]] array")
    for index, table in enumerate(tables):
        if not isinstance(table, dict) or not isinstance(table.get("id"), str):
            raise ParameterError(f"{name}: {key}[{index}]: must be a table with an id")
    return tables


def check_unique(ids: list[str], name: str) -> None:
    """``ParameterError`` unless the ids are unique."""
    if len(set(ids)) != len(ids):
        raise ParameterError(f"{name}: ids must be unique, got {ids}")


def meta_source(data: Mapping[str, Any]) -> str:
    """The ``[meta] source`` of a parsed file (empty if none)."""
    meta = data.get("meta", {})
    return str(meta.get("source", "")) if isinstance(meta, dict) else ""


def read_toml(text: str, name: str) -> dict[str, Any]:
    """Parse TOML ``text`` (floats as ``Decimal``); ``ParameterError`` naming ``name``."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{name}: not valid TOML: {exc}") from None


def bundled_toml(name: str) -> str:
    """The text of the data file ``name`` shipped beside this module."""
    return (files("kejiservice.indicators") / name).read_text("utf-8")
