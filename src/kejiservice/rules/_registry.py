"""The rule registry and the public entry points: evaluate, evaluate_many, evaluate_all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from types import ModuleType
from typing import Any

import attrs

from ..errors import InvalidInput, Problem, UnknownRule
from ..models import Enterprise
from ..params import ParameterSet, national
from . import above_scale, hnte, innovative_sme, sme_size, super_deduction, tech_sme
from ._core import Ctx, Outcome, Verdict

__all__ = [
    "RULES",
    "RuleSpec",
    "Summary",
    "evaluate",
    "evaluate_all",
    "evaluate_many",
    "get_rule",
    "local_rules",
    "register_rule",
    "rule_ids",
    "unregister_rule",
]


Kernel = Callable[[Enterprise, dt.date, ParameterSet, Mapping[str, Any]], Verdict | None]


@attrs.frozen
class RuleSpec:
    """A rule family: its id, criterion codes, accepted inputs and evaluation function.

    ``region`` is empty for national rules; a local rule (a pack) names the region code
    prefix it applies to, and :func:`evaluate_all` includes it only for enterprises there.
    ``decide``, when given, is the rule's fast kernel: it returns the same verdict as
    ``run`` with the explanation deferred until read, or ``None`` to hand over to ``run``.
    """

    id: str
    codes: tuple[str, ...]
    inputs: Mapping[str, type]
    run: Callable[[Ctx], Verdict]
    doc: str
    region: str = ""
    bounds: Mapping[str, tuple[int, int]] = attrs.field(factory=dict)
    decide: Kernel | None = None

    def verdict(
        self, ent: Enterprise, day: dt.date, params: ParameterSet, inputs: Mapping[str, Any]
    ) -> Verdict:
        """The verdict for ``ent`` on ``day`` (through the fast kernel when the rule has one)."""
        if self.decide is not None:
            found = self.decide(ent, day, params, inputs)
            if found is not None:
                return found
        return self.run(Ctx(ent, day, params, inputs))

    def applies_to(self, region: str | None) -> bool:
        """Whether the rule applies to an enterprise in ``region``."""
        return not self.region or (region is not None and region.startswith(self.region))


def _spec(module: ModuleType) -> RuleSpec:
    return RuleSpec(
        id=module.RULE,
        codes=tuple(module.CODES),
        inputs=dict(module.INPUTS),
        run=module.evaluate,
        doc=(module.__doc__ or "").strip().splitlines()[0],
        bounds=dict(getattr(module, "BOUNDS", {})),
        decide=getattr(module, "decide", None),
    )


RULES: dict[str, RuleSpec] = {
    spec.id: spec
    for spec in map(_spec, (hnte, tech_sme, super_deduction, sme_size, above_scale, innovative_sme))
}


_LOCAL: dict[str, RuleSpec] = {}


def register_rule(spec: RuleSpec) -> None:
    """Make a rule (e.g. a compiled local pack) available to ``evaluate`` by its id.

    National rule ids cannot be replaced; registering the same id again replaces the
    earlier local rule.
    """
    if spec.id in RULES:
        raise UnknownRule(f"{spec.id!r} is a national rule id and cannot be replaced")
    _LOCAL[spec.id] = spec


def unregister_rule(rule: str) -> None:
    """Remove a registered local rule (no error if it is not registered)."""
    _LOCAL.pop(rule, None)


def local_rules() -> list[RuleSpec]:
    """The registered local rules, sorted by id."""
    return [_LOCAL[k] for k in sorted(_LOCAL)]


def rule_ids() -> list[str]:
    """The ids of every rule family, in the contract's order, then the local rules."""
    return [*RULES, *sorted(_LOCAL)]


def _check_input(name: str, kind: type, value: Any) -> tuple[Any, str | None]:
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, "must be an integer"
        return value, None
    if kind is bool:
        if not isinstance(value, bool):
            return None, "must be true or false"
        return value, None
    if kind is Decimal:
        if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
            return None, "must be a decimal string (money and ratios are never floats)"
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None, f"not a decimal number: {str(value)[:40]!r}"
        if not number.is_finite() or number < 0:
            return None, "must be a finite, non-negative number"
        return number, None
    return value, None  # pragma: no cover - every declared input has one of the kinds above


# One shared empty mapping for "no inputs": a fresh dict per call, kept by each fast
# verdict until it is explained, cost evaluate() a fifth of its time in GC work. Rules
# only read their inputs (nothing in the package writes to one); a plain dict so that
# verdicts can still be deep-copied.
_NO_INPUTS: dict[str, Any] = {}


def _inputs(spec: RuleSpec, given: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(given, Mapping):
        raise InvalidInput(
            f"the inputs of {spec.id} must be a mapping of input names to values, "
            f"got {type(given).__name__}",
            path=f"inputs.{spec.id}",
        )
    if not given:
        return _NO_INPUTS
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for name, value in given.items():
        kind = spec.inputs.get(name)
        if kind is None:
            accepted = ", ".join(spec.inputs) or "none"
            problems.append(
                Problem(f"inputs.{name}", f"{spec.id} takes no such input (accepted: {accepted})")
            )
            continue
        checked, reason = _check_input(name, kind, value)
        bounds = spec.bounds.get(name)
        if not reason and bounds is not None and not bounds[0] <= checked <= bounds[1]:
            reason = f"must be between {bounds[0]} and {bounds[1]}, got {checked}"
        if reason:
            problems.append(Problem(f"inputs.{name}", reason))
        else:
            out[name] = checked
    if problems:
        raise InvalidInput(problems)
    return out


_FIRST_DAY = dt.date(1900, 1, 1)
_LAST_DAY = dt.date(9998, 12, 31)


def _as_of(as_of: Any) -> dt.date:
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise InvalidInput("as_of must be a datetime.date (not a datetime)", path="as_of")
    if not _FIRST_DAY <= as_of <= _LAST_DAY:
        raise InvalidInput(
            f"as_of must be between {_FIRST_DAY} and {_LAST_DAY}, got {as_of}", path="as_of"
        )
    return as_of


def _enterprise(enterprise: Enterprise | Mapping[str, Any]) -> Enterprise:
    if isinstance(enterprise, Enterprise):
        return enterprise
    from ..io import load  # the converter (cattrs) is loaded by the first JSON input

    return load(Enterprise, enterprise)


def get_rule(rule: str) -> RuleSpec:
    """The rule ``rule`` (a national family or a registered local rule), or ``UnknownRule``."""
    spec = RULES.get(rule) or _LOCAL.get(rule)
    if spec is None:
        raise UnknownRule(f"unknown rule {rule!r}; known: {', '.join(rule_ids())}")
    return spec


def evaluate(
    rule: str,
    enterprise: Enterprise | Mapping[str, Any],
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    **inputs: Any,
) -> Verdict:
    """Evaluate rule ``rule`` for one enterprise on the day ``as_of``.

    ``enterprise`` is an :class:`~kejiservice.models.Enterprise` or its JSON dict;
    ``params`` defaults to the national pack (pass ``national().with_layer(...)`` for a
    regional overlay); ``inputs`` are the rule's extra inputs (``tax_year=2024``).
    Bad input raises :class:`~kejiservice.errors.InvalidInput` naming the path.
    """
    spec = get_rule(rule)
    day = _as_of(as_of)
    checked = _inputs(spec, inputs)
    ent = _enterprise(enterprise)
    return spec.verdict(ent, day, params or national(), checked)


def evaluate_many(
    rule: str,
    enterprises: Iterable[Enterprise | Mapping[str, Any]],
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    **inputs: Any,
) -> Iterator[Verdict]:
    """Evaluate ``rule`` for each enterprise, lazily, in order (same as one by one)."""
    spec = get_rule(rule)
    day = _as_of(as_of)
    checked = _inputs(spec, inputs)
    pset = params or national()
    for item in enterprises:
        yield spec.verdict(_enterprise(item), day, pset, checked)


@attrs.frozen
class Summary:
    """``evaluate_all``'s answer: every family's verdict and which the enterprise qualifies for."""

    as_of: dt.date
    verdicts: Mapping[str, Verdict]

    @property
    def qualifies_for(self) -> list[str]:
        """The rule ids whose verdict is eligible."""
        return [r for r, v in self.verdicts.items() if v.status is Outcome.ELIGIBLE]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"as_of", "qualifies_for", "verdicts": {rule: verdict}}``."""
        return {
            "as_of": self.as_of.isoformat(),
            "qualifies_for": self.qualifies_for,
            "verdicts": {r: v.to_dict() for r, v in self.verdicts.items()},
        }


def evaluate_all(
    enterprise: Enterprise | Mapping[str, Any],
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    inputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> Summary:
    """Run every rule family (and the registered local rules for the enterprise's region)
    for one enterprise; ``inputs`` maps rule id -> its inputs."""
    ent = _enterprise(enterprise)
    day = _as_of(as_of)
    pset = params or national()
    given = inputs or {}
    for rule in given:
        get_rule(rule)
    specs = [*RULES.values(), *(s for s in local_rules() if s.applies_to(ent.region))]
    verdicts = {
        spec.id: spec.verdict(ent, day, pset, _inputs(spec, given.get(spec.id, {})))
        for spec in specs
    }
    return Summary(as_of=day, verdicts=verdicts)
