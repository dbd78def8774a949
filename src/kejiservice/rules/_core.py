"""The rule core: criteria, verdicts, and the context a rule evaluates in.

A rule is a list of criteria. Each criterion answers pass / fail / unknown /
not_applicable with the actual value, the required value (with the operator as the
text words it), a signed gap with its unit, the source, and a message in Chinese and
English. A verdict combines them into eligible / ineligible / undetermined /
not_applicable and records the parameter values used, with their provenance.

Messages are rendered from the catalogs in ``messages/`` only when read.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import string
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from importlib.resources import files
from typing import Any

import attrs

from ..errors import KejiserviceError, ParameterError
from ..models import Enterprise
from ..params import Band, ParameterSet, ParamValue

__all__ = [
    "Criterion",
    "Ctx",
    "Deferred",
    "Message",
    "Outcome",
    "PathOption",
    "Proposal",
    "Proposals",
    "Status",
    "Verdict",
    "add_days",
    "combine",
    "fmt",
    "fmt_ratio",
    "not_in_force",
    "param_json",
    "render",
    "resolve",
    "values_on",
]


class Status(enum.StrEnum):
    """What one criterion says."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Outcome(enum.StrEnum):
    """What a verdict says."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"
    NOT_APPLICABLE = "not_applicable"


# --------------------------------------------------------------------------- messages

_LANGS = ("zh", "en")


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    raw = (files("kejiservice.rules") / "messages" / f"{lang}.toml").read_text("utf-8")
    flat: dict[str, str] = {}

    def walk(table: Mapping[str, Any], prefix: str) -> None:
        for key, value in table.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(value, name)
            elif isinstance(value, str):
                flat[name] = value
            else:
                raise ParameterError(f"messages/{lang}.toml: {name}: a message is a string")

    walk(tomllib.loads(raw), "")
    return flat


def catalog_keys(lang: str) -> dict[str, frozenset[str]]:
    """Each message key of catalog ``lang`` with its placeholders (for consistency checks)."""
    out: dict[str, frozenset[str]] = {}
    for key, text in _catalog(lang).items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        out[key] = frozenset(fields)
    return out


class _Lenient(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def render(key: str, lang: str, args: Mapping[str, str]) -> str:
    """The message ``key`` in ``lang`` with ``args`` filled in."""
    template = _catalog(lang).get(key)
    if template is None:
        raise ParameterError(f"no message {key!r} in the {lang} catalog")
    return template.format_map(_Lenient(args))


@attrs.frozen
class Message:
    """A message in Chinese and English, rendered when read.

    The text comes from the catalogs (``messages/zh.toml``, ``en.toml``) by ``key``,
    or, for rules defined as data (local packs), from the pack's own ``templates``
    (``{"zh": ..., "en": ...}``), with the same ``{placeholder}`` syntax.
    """

    key: str
    pending_args: Mapping[str, str] | Callable[[], Mapping[str, str]] = attrs.field(
        factory=dict, alias="args", eq=False, hash=False, repr=False
    )
    templates: Mapping[str, str] | None = attrs.field(default=None, eq=False, hash=False)

    @property
    def args(self) -> Mapping[str, str]:
        """The values filled into the text (given directly, or computed on first read)."""
        found = self.pending_args
        if callable(found):
            found = found()
            object.__setattr__(self, "pending_args", found)
        return found

    @property
    def zh(self) -> str:
        """The Chinese text."""
        return self.text("zh")

    @property
    def en(self) -> str:
        """The English text."""
        return self.text("en")

    def text(self, lang: str) -> str:
        """The text in ``lang`` ("zh" or "en")."""
        if self.templates is not None:
            return self.templates.get(lang, self.templates.get("zh", "")).format_map(
                _Lenient(self.args)
            )
        return render(self.key, lang, self.args)

    def to_dict(self) -> dict[str, str]:
        """``{"zh": ..., "en": ...}``."""
        return {lang: self.text(lang) for lang in _LANGS}


# --------------------------------------------------------------------------- formatting

_SIX = Decimal("0.000001")


def fmt(value: Any) -> str | None:
    """Decimal and other values as verdict strings (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fmt_ratio(value: Decimal | None) -> str | None:
    """A ratio shown to six decimals, rounded down so a shortfall never looks like a pass."""
    if value is None:
        return None
    return format(value.quantize(_SIX, rounding=ROUND_FLOOR, context=_wide(value)), "f")


def pct(value: Decimal | None) -> str:
    """A ratio as a percentage for messages: ``0.05`` -> ``5%``, floored at 4 decimals."""
    if value is None:
        return "?"
    scaled = value.scaleb(2)
    shown = scaled.quantize(_FOUR, rounding=ROUND_FLOOR, context=_wide(scaled))
    return f"{format(shown.normalize(_wide(shown)), 'f')}%"


_FOUR = Decimal("0.0001")


def _wide(value: Decimal) -> decimal.Context:
    """A context with room for ``value`` to a few decimals (a ratio of a large figure to a
    tiny one can need more than the default 28 digits)."""
    return decimal.Context(prec=max(28, value.adjusted() + 12))


# --------------------------------------------------------------------------- results


@attrs.frozen
class Proposal:
    """One change that would turn a failed criterion into a pass.

    ``input`` names the field (``years[2024].rd_expense``); ``change`` is the signed
    amount to add, ``target`` the resulting value. Fixed facts (registration date,
    industry) are listed with ``adjustable=False``; time-based criteria give
    ``on_date``, the first day they will pass. ``verified`` says the change was
    applied to a copy of the enterprise and the criterion re-evaluated to pass.
    ``linked`` lists the figures that move with it so the copy stays consistent
    (lower sales lower the main business revenue they include, and so on).
    """

    input: str
    unit: str
    message: Message
    change: Decimal | int | None = None
    target: Decimal | int | None = None
    adjustable: bool = True
    on_date: dt.date | None = None
    verified: bool = False
    linked: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        out: dict[str, Any] = {"input": self.input, "unit": self.unit}
        if self.change is not None:
            out["change"] = fmt(self.change)
        if self.target is not None:
            out["target"] = fmt(self.target)
        if self.linked:
            out["linked"] = {k: fmt(v) for k, v in self.linked.items()}
        if self.on_date is not None:
            out["on_date"] = self.on_date.isoformat()
        out["adjustable"] = self.adjustable
        out["verified"] = self.verified
        out["message"] = self.message.to_dict()
        return out


Proposals = tuple[Proposal, ...] | Callable[[], tuple[Proposal, ...]]


@attrs.frozen
class Criterion:
    """The answer of one criterion, with everything needed to explain it.

    ``proposals`` may be given as a tuple or as a function that computes them: what
    would make a criterion pass is worked out (and verified by re-evaluation) only
    when someone reads it, so batch evaluation does not pay for it.
    """

    code: str
    status: Status
    source: str
    message: Message
    actual: str | None = None
    required: str | None = None
    gap: str | None = None
    gap_unit: str | None = None
    missing: tuple[str, ...] = ()
    detail: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    pending_proposals: Proposals = attrs.field(
        default=(), alias="proposals", eq=False, hash=False, repr=False
    )

    @property
    def proposals(self) -> tuple[Proposal, ...]:
        """What would make this criterion pass (computed on first read, then kept)."""
        found = self.pending_proposals
        if callable(found):
            found = found()
            object.__setattr__(self, "pending_proposals", found)
        return found

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of CONTRACT.md §2."""
        out: dict[str, Any] = {
            "code": self.code,
            "status": self.status.value,
            "actual": self.actual,
            "required": self.required,
            "gap": self.gap,
            "gap_unit": self.gap_unit,
            "source": self.source,
            "message": self.message.to_dict(),
        }
        if self.missing:
            out["missing"] = list(self.missing)
        if self.detail:
            out["detail"] = {k: _jsonable(v) for k, v in self.detail.items()}
        if self.proposals:
            out["proposals"] = [p.to_dict() for p in self.proposals]
        return out


@attrs.frozen
class PathOption:
    """One way to eligibility (``score``, ``direct:valid_hnte``...) and whether it holds."""

    path: str
    status: Status
    message: Message

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"path": self.path, "status": self.status.value, "message": self.message.to_dict()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return fmt(value)
    if attrs.has(type(value)):
        return _jsonable(attrs.asdict(value, recurse=False))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


class Deferred:
    """The explaining half of a verdict decided by a rule's fast kernel.

    A kernel decides status, failed, missing and score from the numbers alone; the
    criteria (actual, required, gap, source, messages, proposals) and the parameters
    used come from the full evaluation, ``make(*args)``, run here on first read and then
    kept. The verdict that reads it checks that the full evaluation decides exactly as
    the kernel did (see :attr:`Verdict.criteria`).
    """

    __slots__ = ("_args", "_full", "_make")

    def __init__(self, make: Callable[..., Verdict], *args: Any) -> None:
        self._make: Callable[..., Verdict] | None = make
        self._args: tuple[Any, ...] = args
        self._full: Verdict | None = None

    def full(self) -> Verdict:
        """The fully evaluated verdict (computed once; safe to read from several
        threads: one that finds the work done meanwhile returns its result)."""
        found = self._full
        if found is None:
            args = self._args  # read before _make: the writer clears _make first
            make = self._make
            if make is None:  # finished by another thread since the test above
                assert self._full is not None
                return self._full
            found = self._full = make(*args)
            self._make = None
            self._args = ()
        return found


def _criteria_key(value: Any) -> Any:
    return value.full().pending_criteria if isinstance(value, Deferred) else value


def _params_key(value: Any) -> Any:
    return value.full().pending_params if isinstance(value, Deferred) else value


_DECISION = (
    *("rule", "rule_version", "as_of", "status", "failed", "missing", "score"),
    *("score_min", "score_max", "path", "notes", "enterprise_id"),
)


@attrs.frozen
class Verdict:
    """The answer of a rule for one enterprise on one day, with its explanation.

    ``criteria`` and ``params`` may be given as a :class:`Deferred`: a rule's fast
    kernel decides the verdict and leaves the explanation to be computed when read.
    Reading, comparing or dumping the verdict is the same either way.
    """

    rule: str
    rule_version: str
    as_of: dt.date
    status: Outcome
    pending_criteria: tuple[Criterion, ...] | Deferred = attrs.field(
        alias="criteria", eq=_criteria_key, repr=False
    )
    failed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    score: int | None = None
    score_min: int | None = None
    score_max: int | None = None
    path: str | None = None
    paths: tuple[PathOption, ...] = ()
    pending_params: tuple[ParamValue, ...] | Deferred = attrs.field(
        default=(), alias="params", eq=_params_key, repr=False
    )
    extras: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    notes: tuple[Message, ...] = ()
    enterprise_id: str | None = None

    def _explained(self, deferred: Deferred) -> Verdict:
        """The full evaluation ``deferred`` (read by the caller: another thread may have
        replaced the fields meanwhile), checked against this verdict and kept."""
        full = deferred.full()
        for name in _DECISION:
            if getattr(full, name) != getattr(self, name):
                raise KejiserviceError(
                    f"internal error: the fast {self.rule} kernel and the full evaluation "
                    f"disagree on {name} for enterprise {self.enterprise_id!r} on "
                    f"{self.as_of} ({getattr(self, name)!r} vs {getattr(full, name)!r}); "
                    "please report it"
                )
        object.__setattr__(self, "pending_criteria", full.pending_criteria)
        object.__setattr__(self, "pending_params", full.pending_params)
        return full

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion with its explanation, in the contract's order."""
        found = self.pending_criteria
        if isinstance(found, Deferred):
            found = self._explained(found).pending_criteria
            assert not isinstance(found, Deferred)
        return found

    @property
    def params(self) -> tuple[ParamValue, ...]:
        """Every parameter value the rule used, with its layer and source, in order read."""
        pending = self.pending_params
        if isinstance(pending, Deferred):
            pending = self._explained(pending).pending_params
            assert not isinstance(pending, Deferred)
        return pending

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{a.alias}={getattr(self, a.alias or a.name)!r}" for a in attrs.fields(Verdict)
        )
        return f"Verdict({shown})"

    @property
    def eligible(self) -> bool | None:
        """True / False, or ``None`` when undetermined or not applicable."""
        if self.status is Outcome.ELIGIBLE:
            return True
        if self.status is Outcome.INELIGIBLE:
            return False
        return None

    def criterion(self, code: str) -> Criterion:
        """The criterion with ``code`` (``KeyError`` names it if the rule has none)."""
        for item in self.criteria:
            if item.code == code:
                return item
        raise KeyError(code)

    @property
    def proposals(self) -> tuple[Proposal, ...]:
        """What would make it eligible: the proposals of the criteria listed in ``failed``."""
        return tuple(p for c in self.criteria if c.code in self.failed for p in c.proposals)

    def to_dict(self) -> dict[str, Any]:
        """The verdict JSON of CONTRACT.md §2 (plus params, paths, notes, proposals)."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "rule_version": self.rule_version,
            "as_of": self.as_of.isoformat(),
        }
        if self.enterprise_id is not None:
            out["enterprise"] = self.enterprise_id
        out["status"] = self.status.value
        out["eligible"] = self.eligible
        out["failed"] = list(self.failed)
        out["missing"] = list(self.missing)
        if self.score is not None:
            out["score"] = self.score
        if self.score_min is not None:
            out["score_min"] = self.score_min
        if self.score_max is not None:
            out["score_max"] = self.score_max
        if self.path is not None:
            out["path"] = self.path
        for key, value in self.extras.items():
            out[key] = _jsonable(value)
        out["criteria"] = [c.to_dict() for c in self.criteria]
        if self.paths:
            out["paths"] = [p.to_dict() for p in self.paths]
        proposals = [
            {"criterion": c.code, **p.to_dict()}
            for c in self.criteria
            if c.code in self.failed
            for p in c.proposals
        ]
        if proposals:
            out["proposals"] = proposals
        if self.notes:
            out["notes"] = [n.to_dict() for n in self.notes]
        out["params"] = {
            p.name: {
                "value": _jsonable(_param_json(p.value)),
                "unit": p.unit,
                "source": p.source,
                "layer": p.layer,
                "effective_from": p.effective_from.isoformat(),
                "effective_to": p.effective_to.isoformat() if p.effective_to else None,
            }
            for p in self.params
        }
        return out

    def explain(self, lang: str = "zh") -> str:
        """A readable table of the criteria in ``lang`` ("zh" or "en")."""
        from ._explain import explain

        return explain(self, lang)


_NEW = object.__new__
_SET = {a.name: getattr(Verdict, a.name).__set__ for a in attrs.fields(Verdict)}
_set_rule = _SET["rule"]
_set_version = _SET["rule_version"]
_set_as_of = _SET["as_of"]
_set_status = _SET["status"]
_set_criteria = _SET["pending_criteria"]
_set_failed = _SET["failed"]
_set_missing = _SET["missing"]
_set_score = _SET["score"]
_set_score_min = _SET["score_min"]
_set_score_max = _SET["score_max"]
_set_path = _SET["path"]
_set_paths = _SET["paths"]
_set_params = _SET["pending_params"]
_set_extras = _SET["extras"]
_set_notes = _SET["notes"]
_set_enterprise_id = _SET["enterprise_id"]
_NO_EXTRAS: Mapping[str, Any] = {}  # shared, never written (Verdict.extras is a Mapping)


def decided(
    rule: str,
    rule_version: str,
    as_of: dt.date,
    status: Outcome,
    deferred: Deferred,
    failed: tuple[str, ...],
    missing: tuple[str, ...],
    score: int | None,
    score_min: int | None,
    score_max: int | None,
    path: str | None,
    notes: tuple[Message, ...],
    enterprise_id: str | None,
) -> Verdict:
    """A kernel's verdict: ``Verdict(...)`` with ``criteria`` and ``params`` both the
    ``deferred`` full evaluation, no ``paths`` and no ``extras``.

    Equal to the attrs constructor's result field for field (tests check it), but it
    sets the slots directly: attrs' ``__init__`` of a frozen class goes through
    ``object.__setattr__`` sixteen times, which was a tenth of a fast verdict's cost.
    """
    verdict: Verdict = _NEW(Verdict)
    _set_rule(verdict, rule)
    _set_version(verdict, rule_version)
    _set_as_of(verdict, as_of)
    _set_status(verdict, status)
    _set_criteria(verdict, deferred)
    _set_failed(verdict, failed)
    _set_missing(verdict, missing)
    _set_score(verdict, score)
    _set_score_min(verdict, score_min)
    _set_score_max(verdict, score_max)
    _set_path(verdict, path)
    _set_paths(verdict, ())
    _set_params(verdict, deferred)
    _set_extras(verdict, _NO_EXTRAS)
    _set_notes(verdict, notes)
    _set_enterprise_id(verdict, enterprise_id)
    return verdict


def param_json(value: Any) -> Any:
    """A parameter value as JSON-ready data (bands as tables, Decimals as strings)."""
    return _jsonable(_param_json(value))


def _param_json(value: Any) -> Any:
    if isinstance(value, tuple) and value and isinstance(value[0], Band):
        return [
            {
                "test": b.describe(),
                "points_min": b.points_min,
                "points_max": b.points_max,
                "label": b.label,
            }
            for b in value
        ]
    return value


def combine(criteria: Iterable[Criterion]) -> Outcome:
    """All must pass: any fail -> ineligible; else any unknown -> undetermined."""
    statuses = {c.status for c in criteria}
    if Status.FAIL in statuses:
        return Outcome.INELIGIBLE
    if Status.UNKNOWN in statuses:
        return Outcome.UNDETERMINED
    return Outcome.ELIGIBLE


# --------------------------------------------------------------------------- context


class Ctx:
    """What a rule evaluates with: the enterprise, the day, the parameters, the inputs.

    ``p(name)`` reads a parameter in force on ``as_of`` (or on ``day``) for the
    enterprise's region and records it, so the verdict lists every value it used.
    """

    __slots__ = ("_memo", "as_of", "ent", "inputs", "params", "used")

    def __init__(
        self,
        ent: Enterprise,
        as_of: dt.date,
        params: ParameterSet,
        inputs: Mapping[str, Any],
    ) -> None:
        self.ent = ent
        self.as_of = as_of
        self.params = params
        self.inputs = inputs
        self.used: dict[str, ParamValue] = {}
        self._memo = params.memo(as_of, ent.region)

    def lookup(self, name: str, day: dt.date | None = None) -> ParamValue:
        """The parameter value record (value, source, layer) and note it as used."""
        found = self.params.lookup(name, day or self.as_of, self.ent.region)
        self.used.setdefault(name, found)
        return found

    def maybe(self, name: str, day: dt.date | None = None) -> Any:
        """The value of ``name`` on ``day``, or ``None`` when no version is in force then."""
        found = self.params.find(name, day or self.as_of, self.ent.region)
        if found is None:
            return None
        self.used.setdefault(name, found)
        return found.value

    def p(self, name: str, day: dt.date | None = None) -> Any:
        """The value of parameter ``name`` in force on ``day`` (default: ``as_of``)."""
        if day is None:
            found = self._memo.get(name)
            if found is not None:
                self.used[name] = found
                return found.value
        return self.lookup(name, day).value

    def src(self, *names: str, day: dt.date | None = None) -> str:
        """The sources of the given parameters, joined without repeats.

        The versions are those in force on ``day`` (default: ``as_of``), the same day the
        rule read the values on, so a source always belongs to the value shown. The answer
        is the same for every enterprise of a region on a day, so it is memoised.
        """
        if day is not None and day != self.as_of:
            return _join_sources(self.lookup(name, day).source for name in names)
        key = "\x00".join(names)
        derived = self.params.derived_memo(self.as_of, self.ent.region)
        known: str | None = derived.get(key)
        if known is not None:
            for name in names:
                self.used.setdefault(name, self._memo[name])
            return known
        joined = _join_sources(self.lookup(name).source for name in names)
        if all(name in self._memo for name in names):
            derived[key] = joined
        return joined

    def params_used(self) -> tuple[ParamValue, ...]:
        """The parameter values read so far, in the order first read."""
        return tuple(self.used.values())

    def cert_windows(self, kind: str) -> list[tuple[dt.date, dt.date | None]]:
        """When each certificate of ``kind`` is valid: (issued, expires) pairs.

        An HNTE certificate without ``expires_on`` runs for ``hnte.validity_years`` from
        its issue day (国科发火〔2016〕32号 第十四条); other kinds without an expiry are
        taken as open-ended.
        """
        out: list[tuple[dt.date, dt.date | None]] = []
        for cert in self.ent.certifications:
            if cert.kind != kind:
                continue
            end = cert.expires_on
            if end is None and kind == "hnte":
                # the validity in force when it was issued; before the data starts, today's
                years: int = self.maybe("hnte.validity_years", cert.issued_on) or self.p(
                    "hnte.validity_years"
                )
                end = _add_years(cert.issued_on, years) - dt.timedelta(days=1)
            out.append((cert.issued_on, end))
        return out

    def holds(self, kind: str, day: dt.date | None = None) -> bool:
        """Whether a certificate of ``kind`` is valid on ``day`` (default: ``as_of``)."""
        when = day or self.as_of
        return any(a <= when and (b is None or when <= b) for a, b in self.cert_windows(kind))

    def held_during(self, kind: str, first: dt.date, last: dt.date) -> bool:
        """Whether a certificate of ``kind`` is valid on any day of ``[first, last]``."""
        return any(a <= last and (b is None or b >= first) for a, b in self.cert_windows(kind))


def _join_sources(sources: Iterable[str]) -> str:
    seen: list[str] = []
    for source in sources:
        for part in source.split("; "):
            if part not in seen:
                seen.append(part)
    return "; ".join(seen)


def resolve(proposals: Proposals) -> tuple[Proposal, ...]:
    """The proposals themselves, computing them if they were given as a function."""
    return proposals() if callable(proposals) else proposals


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, held at the last representable date (9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def _add_years(day: dt.date, years: int) -> dt.date:
    if day.year + years > dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def not_in_force(ctx: Ctx, rule: str, codes: Sequence[str], day: dt.date) -> Verdict:
    """The verdict of a rule with no version in force on ``day``: not applicable, saying so."""
    message = Message("rule.not_in_force", {"rule": rule, "day": day.isoformat()})
    criteria = tuple(
        Criterion(code=c, status=Status.NOT_APPLICABLE, source="-", message=message) for c in codes
    )
    return Verdict(
        rule=rule,
        rule_version="-",
        as_of=ctx.as_of,
        status=Outcome.NOT_APPLICABLE,
        criteria=criteria,
        notes=(message,),
        enterprise_id=ctx.ent.id,
    )


def band_for(bands: Sequence[Band], value: Decimal) -> Band:
    """The first band whose test ``value`` meets (tables list the best band first)."""
    for band in bands:
        if band.matches(value):
            return band
    return Band(label="-", points_min=0, points_max=0)


def values_on(
    params: ParameterSet, day: dt.date, region: str | None, prefix: str
) -> dict[str, Any]:
    """The value of every parameter named ``prefix...`` in force on ``day`` for ``region``.

    For fast kernels: one plain dict per (day, region), built once and kept by the
    parameter set. Parameters with no version in force that day are absent (a kernel
    that needs one falls back to the full evaluation, which explains the problem).
    """
    derived = params.derived_memo(day, region)
    key = "\x01values:" + prefix
    found: dict[str, Any] | None = derived.get(key)
    if found is None:
        found = {}
        for name in params.names():
            if name.startswith(prefix):
                value = params.find(name, day, region)
                if value is not None:
                    found[name] = value.value
        derived[key] = found
    return found
