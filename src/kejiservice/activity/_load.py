"""Activity logs in and out of JSON, with every problem named by its JSON path.

The activity classes are registered on the one converter of :mod:`kejiservice.io` when
this module is imported, so money, dates, enums, counts and unknown keys follow exactly
the rules of the enterprise format. :func:`activity_problems` then checks what a shape
cannot show: unique ids, references that resolve (officers, experts, institutions,
visits, needs; ledger enterprises when given), lifecycle dates in order.
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from cattrs.gen import make_dict_structure_fn, override

from ..errors import InvalidInput, Problem
from ..io import converter, load
from ..io._converter import (
    _describe,
    _ShapeError,
    _structure_decimal,
    _structure_list,
    _unstructure_object,
)
from ..models import Enterprise
from ._models import (
    RECORD_LISTS,
    REFERENCE_LISTS,
    SCHEMA,
    Achievement,
    ActivityLog,
    Application,
    ApplicationOutcome,
    Expert,
    FinancingOutcome,
    FinancingRequest,
    Institution,
    Need,
    NeedCategory,
    Officer,
    Platform,
    Route,
    RouteKind,
    Target,
    Visit,
)
from ._period import Period, parse_period

__all__ = ["activity_problems", "dump_activity", "enterprise_ids", "load_activity"]

_MODELS: tuple[type[Any], ...] = (
    Officer,
    Institution,
    Expert,
    Visit,
    Route,
    Need,
    FinancingRequest,
    Application,
    Platform,
    Achievement,
    Target,
    ActivityLog,
)


def _tuple_item(tp: Any) -> Any:
    """``X`` for a field typed ``tuple[X, ...]``, else ``None``."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return None


def _structure_period(value: Any, _: type) -> Period:
    if not isinstance(value, str):
        raise _ShapeError(f"a period must be a string such as 2026Q1, got {_describe(value)}")
    try:
        return parse_period(value)
    except InvalidInput as exc:
        raise _ShapeError(exc.problems[0].message) from None


def _structure_target_value(value: Any, _: type) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise _ShapeError(f"must not be negative, got {value}")
        return Decimal(value)
    if isinstance(value, float):
        raise _ShapeError(f'write a fraction as a string such as "{value}", not a JSON number')
    return _structure_decimal(value, Decimal)


_OVERRIDES: Mapping[type[Any], Mapping[str, Any]] = {
    Target: {"value": override(struct_hook=_structure_target_value)},
}


def _register(cls: type[Any]) -> None:
    """Structure ``cls`` strictly (arrays must be arrays) and unstructure it without defaults."""
    attrs.resolve_types(cls)
    arrays: dict[str, Any] = {
        f.name: override(struct_hook=_structure_list(item))
        for f in attrs.fields(cls)
        if (item := _tuple_item(f.type)) is not None
    }
    arrays.update(_OVERRIDES.get(cls, {}))
    inner = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        **arrays,
    )

    def hook(value: Any, target: type) -> Any:
        if not isinstance(value, dict):
            raise _ShapeError(f"must be an object, got {_describe(value)}")
        return inner({k: v for k, v in value.items() if v is not None}, target)

    converter.register_structure_hook(cls, hook)
    converter.register_unstructure_hook(cls, _unstructure_object(cls))


converter.register_structure_hook(Period, _structure_period)
converter.register_unstructure_hook(Period, str)
for _cls in _MODELS:
    _register(_cls)


def enterprise_ids(enterprises: Iterable[Enterprise | str]) -> frozenset[str]:
    """The ids of ``enterprises`` (models or plain ids); enterprises without an id are skipped."""
    out: set[str] = set()
    for item in enterprises:
        ident = item if isinstance(item, str) else item.id
        if ident is not None:
            out.add(ident)
    return frozenset(out)


def load_activity(
    data: Any, *, enterprises: Iterable[Enterprise | str] | None = None
) -> ActivityLog:
    """Build an :class:`ActivityLog` from JSON-ready data, or raise ``InvalidInput``.

    ``data`` is what ``json.load`` returns for an activity log file. Every problem is
    reported with its JSON path: wrong shapes and unknown fields, duplicate ids, dangling
    references, lifecycle dates out of order, and (when ``enterprises`` is given, as
    models or ids) enterprise ids that are not in the ledger.
    """
    if not isinstance(data, dict):
        raise InvalidInput(f"an activity log must be a JSON object, got {_describe(data)}")
    schema = data.get("schema")
    if schema is not None and schema != SCHEMA:
        raise InvalidInput(f"unsupported schema {str(schema)[:60]!r}", path="$.schema")
    log = load(ActivityLog, data)
    problems = activity_problems(log, enterprises=enterprises)
    if problems:
        raise InvalidInput(problems)
    return log


def dump_activity(log: ActivityLog) -> dict[str, Any]:
    """The JSON-ready form of ``log`` (fields at their default are left out)."""
    out: dict[str, Any] = converter.unstructure(log)
    return out


# --------------------------------------------------------------------------- invariants


def _duplicates(log: ActivityLog, path: str) -> Iterator[Problem]:
    for name in (*REFERENCE_LISTS, *RECORD_LISTS):
        first: dict[str, int] = {}
        for index, item in enumerate(getattr(log, name)):
            if item.id in first:
                where = f"{path}.{name}[{first[item.id]}]"
                yield Problem(
                    f"{path}.{name}[{index}].id", f"duplicate id {item.id!r} (first at {where})"
                )
            else:
                first[item.id] = index
    seen = Counter((t.indicator, t.period.label) for t in log.targets)
    for index, t in enumerate(log.targets):
        if seen[(t.indicator, t.period.label)] > 1:
            yield Problem(
                f"{path}.targets[{index}]",
                f"more than one target for {t.indicator.value} over {t.period.label}",
            )


class _Refs:
    """The ids each kind of reference must resolve to."""

    def __init__(self, log: ActivityLog, enterprises: frozenset[str] | None) -> None:
        self.enterprises = enterprises
        self.officers = {o.id for o in log.officers}
        self.experts = {e.id for e in log.experts}
        self.institutions = {i.id for i in log.institutions}
        self.visits = {v.id: v for v in log.visits}
        self.needs = {n.id: n for n in log.needs}

    def enterprise(self, value: str | None, path: str) -> Iterator[Problem]:
        if value is not None and self.enterprises is not None and value not in self.enterprises:
            yield Problem(path, f"unknown enterprise {value!r} (not in the ledger)")

    def known(
        self, value: str | None, pool: Iterable[str], what: str, path: str
    ) -> Iterator[Problem]:
        if value is not None and value not in pool:
            yield Problem(path, f"unknown {what} {value!r} (not in this activity log)")


def _order(steps: Sequence[tuple[str, Any]], path: str, what: str = "date") -> Iterator[Problem]:
    """Each set date must not be before the last set date before it."""
    last: tuple[str, Any] | None = None
    for name, day in steps:
        if day is None:
            continue
        if last is not None and day < last[1]:
            yield Problem(
                f"{path}.{name}", f"{what} {day} is before {last[0]} {last[1]} (out of order)"
            )
        last = (name, day)


def _decision(path: str, noun: str, pending: bool, decided_on: Any) -> Iterator[Problem]:
    if pending and decided_on is not None:
        yield Problem(f"{path}.decided_on", f"a pending {noun} has no decision date")


def _officer_problems(refs: _Refs, item: Officer, path: str) -> Iterator[Problem]:
    for index, ident in enumerate(item.assigned):
        yield from refs.enterprise(ident, f"{path}.assigned[{index}]")


def _expert_problems(refs: _Refs, item: Expert, path: str) -> Iterator[Problem]:
    yield from refs.known(item.institution, refs.institutions, "institution", f"{path}.institution")


def _visit_problems(refs: _Refs, item: Visit, path: str) -> Iterator[Problem]:
    yield from refs.enterprise(item.enterprise, f"{path}.enterprise")
    yield from refs.known(item.officer, refs.officers, "officer", f"{path}.officer")
    for index, ident in enumerate(item.experts):
        yield from refs.known(ident, refs.experts, "expert", f"{path}.experts[{index}]")


def _need_problems(refs: _Refs, item: Need, path: str) -> Iterator[Problem]:
    yield from refs.enterprise(item.enterprise, f"{path}.enterprise")
    yield from refs.known(item.visit, refs.visits, "visit", f"{path}.visit")
    visit = refs.visits.get(item.visit) if item.visit is not None else None
    if visit is not None:
        if visit.enterprise != item.enterprise:
            yield Problem(f"{path}.visit", f"visit {visit.id!r} is for another enterprise")
        if item.collected_on < visit.date:
            yield Problem(
                f"{path}.collected_on",
                f"collected {item.collected_on}, before its visit {visit.id!r} on {visit.date}",
            )
    if (item.routed_on is None) != (item.routed_to is None):
        yield Problem(f"{path}.routed_to", "routed_on and routed_to go together")
    if item.routed_to is not None:
        pools = {RouteKind.EXPERT: refs.experts, RouteKind.INSTITUTION: refs.institutions}
        pool = pools.get(item.routed_to.kind)
        if pool is not None:
            yield from refs.known(
                item.routed_to.target, pool, item.routed_to.kind.value, f"{path}.routed_to.target"
            )
    if item.resolved_on is not None and item.closed_on is not None:
        yield Problem(f"{path}.closed_on", "a need is resolved or closed unresolved, not both")
    end = "resolved_on" if item.resolved_on is not None else "closed_on"
    steps = (
        ("collected_on", item.collected_on),
        ("routed_on", item.routed_on),
        ("started_on", item.started_on),
        (end, item.resolved_on if item.resolved_on is not None else item.closed_on),
    )
    yield from _order(steps, path)


def _financing_problems(refs: _Refs, item: FinancingRequest, path: str) -> Iterator[Problem]:
    yield from refs.enterprise(item.enterprise, f"{path}.enterprise")
    yield from refs.known(item.need, refs.needs, "need", f"{path}.need")
    need = refs.needs.get(item.need) if item.need is not None else None
    if need is not None and (
        need.enterprise != item.enterprise or need.category is not NeedCategory.INVESTMENT_FINANCING
    ):
        yield Problem(
            f"{path}.need", f"need {need.id!r} is not an investment-and-financing need of this firm"
        )
    if not item.amount:
        yield Problem(f"{path}.amount", "a financing request must be for a positive amount")
    granted = item.outcome is FinancingOutcome.GRANTED
    for name in ("bank", "granted_amount", "granted_on"):
        value = getattr(item, name)
        if granted and value is None:
            yield Problem(f"{path}.{name}", "required when the outcome is granted")
        if not granted and value is not None and name != "bank":
            yield Problem(f"{path}.{name}", f"only a granted request has {name}")
    pending = item.outcome is FinancingOutcome.PENDING
    yield from _decision(path, "request", pending, item.decided_on)
    steps = (
        ("requested_on", item.requested_on),
        ("decided_on", item.decided_on),
        ("granted_on", item.granted_on),
    )
    yield from _order(steps, path)


def _application_problems(refs: _Refs, item: Application, path: str) -> Iterator[Problem]:
    yield from refs.enterprise(item.enterprise, f"{path}.enterprise")
    pending = item.outcome is ApplicationOutcome.PENDING
    yield from _decision(path, "application", pending, item.decided_on)
    if not pending and item.decided_on is None:
        yield Problem(f"{path}.decided_on", f"required when the outcome is {item.outcome.value}")
    if item.expires_on is not None and item.outcome is not ApplicationOutcome.RECOGNISED:
        yield Problem(f"{path}.expires_on", "only a recognised application has expires_on")
    steps = (
        ("submitted_on", item.submitted_on),
        ("decided_on", item.decided_on),
        ("expires_on", item.expires_on),
    )
    yield from _order(steps, path)


def _platform_problems(refs: _Refs, item: Platform, path: str) -> Iterator[Problem]:
    yield from refs.enterprise(item.enterprise, f"{path}.enterprise")
    yield from refs.known(item.institution, refs.institutions, "institution", f"{path}.institution")
    steps = (("recognised_on", item.recognised_on), ("expires_on", item.expires_on))
    yield from _order(steps, path)


def _achievement_problems(refs: _Refs, item: Achievement, path: str) -> Iterator[Problem]:
    yield from refs.enterprise(item.enterprise, f"{path}.enterprise")
    yield from refs.enterprise(item.licensed_to, f"{path}.licensed_to")
    yield from refs.known(item.institution, refs.institutions, "institution", f"{path}.institution")
    if (item.licensed_on is None) != (item.licensed_to is None):
        yield Problem(f"{path}.licensed_to", "licensed_on and licensed_to go together")


def _target_problems(refs: _Refs, item: Target, path: str) -> Iterator[Problem]:
    if not item.value:
        yield Problem(f"{path}.value", "a target must be a positive number")


_CHECKS: Mapping[str, Callable[[_Refs, Any, str], Iterator[Problem]]] = {
    "officers": _officer_problems,
    "experts": _expert_problems,
    "visits": _visit_problems,
    "needs": _need_problems,
    "financing_requests": _financing_problems,
    "applications": _application_problems,
    "platforms": _platform_problems,
    "achievements": _achievement_problems,
    "targets": _target_problems,
}


def activity_problems(
    log: ActivityLog,
    *,
    enterprises: Iterable[Enterprise | str] | None = None,
    path: str = "$",
) -> list[Problem]:
    """Every cross-record problem of ``log``, each with its JSON path (empty when valid).

    Enterprise ids are checked only when ``enterprises`` (models or ids) is given.
    """
    ids = enterprise_ids(enterprises) if enterprises is not None else None
    refs = _Refs(log, ids)
    problems = list(_duplicates(log, path))
    for name, check in _CHECKS.items():
        for index, item in enumerate(getattr(log, name)):
            problems.extend(check(refs, item, f"{path}.{name}[{index}]"))
    return problems
