"""Loan risk compensation (风险补偿) and interest subsidies (贴息贴保), as data packs.

A scheme is a TOML document in ``finance/schemes/`` (or any file of the same shape)
with a ``[loss_share]`` part, an ``[interest_subsidy]`` part, or both. Every parameter
table carries its ``tag`` (confirmed / unverified / assumed / illustrative) and
``source``. The format is in ``docs/reference/finance-packs.md``.

* :func:`compensate` computes what a loss-share scheme pays for a loss: the base (the
  principal lost, limited to the single-loan cap), the share of the mode (30%, 40%...),
  the bonus (first loan or pure credit: +5 pp), then every cap in turn (the loan's
  cumulative ratio, the ratio of all policy money, the annual budget, the pool).
* :func:`subsidise` computes an interest subsidy: each loan's interest times its rate
  (higher for a first loan), guarantee-fee and premium subsidies with their own caps,
  then the per-firm annual and cumulative caps.

Each step is recorded with its amount and a message in Chinese and English, so the
result explains itself. Amounts are ``Decimal`` yuan, computed exactly; only the
result is rounded, **down to the fen**, so it never exceeds the exact entitlement or any
cap. A cap whose "already used" amount is not given is applied as if nothing had been
used, and a note says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidInput
from ..rules import Message
from ._common import (
    ROUNDING,
    FinancePackError,
    Out,
    Provenance,
    ProvenanceTag,
    amount,
    boolean,
    date,
    floor_fen,
    join,
    members,
    message,
    money,
    pct,
    provenance,
    ratio,
    read_toml,
    region_prefix,
    table,
    text,
    unknown_keys,
    wan,
)
from ._products import Collateral

__all__ = [
    "AmountCap",
    "Bonus",
    "Compensation",
    "FeeSubsidy",
    "InterestPayment",
    "InterestRate",
    "InterestSubsidy",
    "LossShare",
    "RatioCap",
    "RiskCompensationScheme",
    "SchemeError",
    "ShareMode",
    "Step",
    "bundled_schemes",
    "compensate",
    "compensate_modes",
    "load_schemes",
    "parse_scheme",
    "subsidise",
]


class SchemeError(FinancePackError):
    """A risk-compensation scheme pack that fails validation; ``problems`` lists every one."""

    kind = "risk-compensation scheme pack"


# --------------------------------------------------------------------------- model


@attrs.frozen
class ShareMode:
    """One way a loan is covered (贷款+财政补偿, 银行直贷 ...) and the government's share."""

    id: str
    label_zh: str
    label_en: str
    base_zh: str
    base_en: str
    share: Decimal
    provenance: Provenance


@attrs.frozen
class Bonus:
    """Extra share for a first loan (``first_loan``) or for the listed forms of security."""

    share: Decimal
    first_loan: bool
    collateral: tuple[Collateral, ...]
    provenance: Provenance


@attrs.frozen
class AmountCap:
    """A cap in yuan."""

    amount: Decimal
    provenance: Provenance


@attrs.frozen
class RatioCap:
    """A cap as a ratio of the loss."""

    ratio: Decimal
    provenance: Provenance


@attrs.frozen
class LossShare:
    """The loss-compensation part of a scheme.

    Attributes:
        modes: The modes by id.
        default_mode: The mode used when the caller names none (or ``None``).
        bonus: The bonus share, if any.
        single_loan: The base is limited to this (the single-loan cap).
        per_loan: Cumulative compensation for one loan ≤ ratio × its loss.
        policy_total: All policy money for the loss (this and other levels') ≤ ratio × loss.
        annual_budget: The scheme's annual budget.
        pool: The pool's size.
    """

    modes: Mapping[str, ShareMode]
    default_mode: str | None = None
    bonus: Bonus | None = None
    single_loan: AmountCap | None = None
    per_loan: RatioCap | None = None
    policy_total: RatioCap | None = None
    annual_budget: AmountCap | None = None
    pool: AmountCap | None = None


@attrs.frozen
class InterestRate:
    """The share of interest paid that is subsidised (``first_loan_rate`` for a first loan).

    ``collateral``, when not empty, limits the subsidy to loans with that security.
    """

    rate: Decimal
    first_loan_rate: Decimal | None
    collateral: tuple[Collateral, ...]
    provenance: Provenance


@attrs.frozen
class FeeSubsidy:
    """A share of a fee paid (guarantee fee, insurance premium) with an annual cap."""

    rate: Decimal
    annual_cap: Decimal | None
    provenance: Provenance


@attrs.frozen
class InterestSubsidy:
    """The interest-subsidy part of a scheme, with the per-firm caps on all of it."""

    interest: InterestRate | None = None
    guarantee_fee: FeeSubsidy | None = None
    premium: FeeSubsidy | None = None
    annual: AmountCap | None = None
    cumulative: AmountCap | None = None


@attrs.frozen
class RiskCompensationScheme:
    """A risk-compensation or interest-subsidy scheme, validated; amounts in yuan.

    Attributes:
        id: A unique id.
        name_zh: The scheme's name in Chinese.
        name_en: The scheme's name in English.
        region: The region code prefix of the issuing government ("" if national).
        document: The document number (文号), if known.
        effective_from: First day in force, if known.
        effective_to: Last day in force, if known.
        source: Where the parameters were read.
        tag: How sure the scheme as a whole is.
        note: Free text (what was not read, and so on).
        loss_share: The loss-compensation part, if any.
        interest_subsidy: The interest-subsidy part, if any.
        origin: The file the scheme was read from.
    """

    id: str
    name_zh: str
    name_en: str
    source: str
    tag: ProvenanceTag
    region: str = ""
    document: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str = ""
    loss_share: LossShare | None = None
    interest_subsidy: InterestSubsidy | None = None
    origin: str = ""

    def in_force(self, day: dt.date) -> bool:
        """Whether the scheme is in force on ``day`` (open ends count as in force)."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


# --------------------------------------------------------------------------- results


@attrs.frozen
class Step:
    """One step of a computation.

    Attributes:
        code: What the step is: ``base``, ``base_cap``, ``share``, ``bonus``,
            ``cap.per_loan``, ``cap.policy_total``, ``cap.annual_budget``, ``cap.pool``,
            ``interest[i]``, ``guarantee_fee``, ``premium``, ``subtotal``, ``cap.annual``,
            ``cap.cumulative``, ``result``.
        message: The step explained, in Chinese and English.
        amount: The running amount after the step, exact (rounded only in ``result``);
            for a subsidy line (``interest[i]``, ``guarantee_fee``, ``premium``), the
            line's own amount.
        limit: For a cap: the most allowed at this step.
        applied: For a cap: whether it reduced the amount.
        provenance: The tag and source of the parameter the step used.
        param: The key of that parameter in the pack (``loss_share.modes.fiscal``).
    """

    code: str
    message: Message
    amount: Decimal
    limit: Decimal | None = None
    applied: bool = False
    provenance: Provenance | None = None
    param: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        out: dict[str, Any] = {"code": self.code, "amount": money(self.amount)}
        if self.param is not None:
            out["param"] = self.param
        if self.limit is not None:
            out["limit"] = money(self.limit)
            out["applied"] = self.applied
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_dict()
        out["message"] = self.message.to_dict()
        return out


@attrs.frozen
class Compensation:
    """What a scheme pays, with every step.

    Attributes:
        scheme: The scheme's id.
        kind: ``loss_share`` or ``interest_subsidy``.
        base: The loss (loss share) or the total interest and fees paid (subsidy).
        exact: The amount after every cap, before rounding.
        amount: The amount paid: ``exact`` rounded down to the fen.
        steps: The steps, in order, ending with ``result``.
        notes: Assumptions made and parameters that are not confirmed.
        mode: The loss-share mode used.
        rounding: How ``amount`` was rounded.
    """

    scheme: str
    kind: str
    base: Decimal
    exact: Decimal
    amount: Decimal
    steps: tuple[Step, ...]
    notes: tuple[Message, ...] = ()
    mode: str | None = None
    rounding: str = ROUNDING

    @property
    def capped_by(self) -> tuple[str, ...]:
        """The codes of the caps that reduced the amount."""
        return tuple(s.code for s in self.steps if s.applied)

    def step(self, code: str) -> Step:
        """The step ``code`` (``KeyError`` if there is none)."""
        for item in self.steps:
            if item.code == code:
                return item
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (amounts as decimal strings of yuan)."""
        return {
            "scheme": self.scheme,
            "kind": self.kind,
            "mode": self.mode,
            "base": money(self.base),
            "exact": money(self.exact),
            "amount": money(self.amount),
            "rounding": self.rounding,
            "capped_by": list(self.capped_by),
            "steps": [s.to_dict() for s in self.steps],
            "notes": [n.to_dict() for n in self.notes],
        }

    def explain(self, lang: str = "zh") -> str:
        """The computation as text, one line per step, in ``lang`` ("zh" or "en")."""
        head = "方案" if lang == "zh" else "scheme"
        lines = [f"{head}: {self.scheme}" + (f" [{self.mode}]" if self.mode else "")]
        for item in self.steps:
            mark = "⚑" if item.applied else "·"
            lines.append(f"{mark} {item.code}: {item.message.text(lang)}")
        if self.notes:
            lines.append("注：" if lang == "zh" else "notes:")
            lines.extend(f"  - {n.text(lang)}" for n in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------- loading

_TOP = frozenset(
    {
        "id",
        "name_zh",
        "name_en",
        "region",
        "document",
        "effective_from",
        "effective_to",
        "source",
        "tag",
        "note",
        "loss_share",
        "interest_subsidy",
    }
)
_PROV = frozenset({"tag", "source", "note"})
_MODE = _PROV | {"share", "label_zh", "label_en", "base_zh", "base_en"}
_BONUS = _PROV | {"share", "first_loan", "collateral"}
_LOSS = frozenset({"default_mode", "modes", "bonus", "caps"})
_LOSS_CAPS = {
    "single_loan": "amount_wan",
    "per_loan": "ratio",
    "policy_total": "ratio",
    "annual_budget": "amount_wan",
    "pool": "amount_wan",
}
_SUB = frozenset({"interest", "guarantee_fee", "premium", "caps"})
_SUB_CAPS = {"annual": "amount_wan", "cumulative": "amount_wan"}


def _is_id(value: str) -> bool:
    return (
        bool(value)
        and value[0].isalpha()
        and value.isascii()
        and value.replace("_", "a").isalnum()
        and value == value.lower()
    )


def _mode(mode_id: str, raw: Any, key: str, out: Out) -> ShareMode | None:
    body = table(raw, key, out)
    unknown_keys(body, _MODE, key, out)
    if not _is_id(mode_id):
        out.add(key, "a mode id is lower case letters, digits and underscores")
    share = ratio(body.get("share"), join(key, "share"), out)
    found = ShareMode(
        id=mode_id,
        label_zh=text(body.get("label_zh"), join(key, "label_zh"), out),
        label_en=text(body.get("label_en"), join(key, "label_en"), out),
        base_zh=text(body.get("base_zh"), join(key, "base_zh"), out),
        base_en=text(body.get("base_en"), join(key, "base_en"), out),
        share=share or Decimal(0),
        provenance=provenance(body, key, out),
    )
    return found if share is not None else None


def _caps(
    raw: Any, key: str, out: Out, kinds: Mapping[str, str]
) -> dict[str, AmountCap | RatioCap]:
    body = table(raw, key, out)
    unknown_keys(body, frozenset(kinds), key, out)
    found: dict[str, AmountCap | RatioCap] = {}
    for name, field in kinds.items():
        if name not in body:
            continue
        here = join(key, name)
        cap = table(body[name], here, out)
        unknown_keys(cap, _PROV | {field}, here, out)
        if field not in cap:
            out.add(join(here, field), "missing")
            continue
        where = provenance(cap, here, out)
        if field == "ratio":
            value = ratio(cap[field], join(here, field), out)
            if value is not None:
                found[name] = RatioCap(value, where)
        else:
            money_ = wan(cap[field], join(here, field), out)
            if money_ is not None:
                found[name] = AmountCap(money_, where)
    return found


def _loss_share(raw: Any, out: Out) -> LossShare | None:
    key = "loss_share"
    body = table(raw, key, out)
    unknown_keys(body, _LOSS, key, out)
    modes_raw = table(body.get("modes", {}), join(key, "modes"), out)
    modes: dict[str, ShareMode] = {}
    for mode_id, mode_raw in sorted(modes_raw.items()):
        mode = _mode(mode_id, mode_raw, f"{key}.modes.{mode_id}", out)
        if mode is not None:
            modes[mode_id] = mode
    if not modes_raw:
        out.add(join(key, "modes"), "at least one mode is needed")
    default = body.get("default_mode")
    if default is not None and (not isinstance(default, str) or default not in modes_raw):
        out.add(join(key, "default_mode"), f"not one of the modes ({', '.join(sorted(modes_raw))})")
        default = None
    bonus = None
    if "bonus" in body:
        here = join(key, "bonus")
        raw_bonus = table(body["bonus"], here, out)
        unknown_keys(raw_bonus, _BONUS, here, out)
        share = ratio(raw_bonus.get("share"), join(here, "share"), out)
        first = boolean(raw_bonus.get("first_loan"), join(here, "first_loan"), out, False)
        collateral = members(
            raw_bonus.get("collateral", []), join(here, "collateral"), out, Collateral
        )
        if not first and not collateral:
            out.add(here, "a bonus needs first_loan = true or some collateral to apply to")
        where = provenance(raw_bonus, here, out)
        if share is not None:
            bonus = Bonus(share, first, collateral, where)
            for mode in modes.values():
                if mode.share + share > 1:
                    out.add(here, f"share + bonus exceeds 1 in mode {mode.id}")
    caps = _caps(body.get("caps", {}), join(key, "caps"), out, _LOSS_CAPS)
    return LossShare(
        modes=modes,
        default_mode=default if isinstance(default, str) else None,
        bonus=bonus,
        single_loan=_amount_cap(caps.get("single_loan")),
        per_loan=_ratio_cap(caps.get("per_loan")),
        policy_total=_ratio_cap(caps.get("policy_total")),
        annual_budget=_amount_cap(caps.get("annual_budget")),
        pool=_amount_cap(caps.get("pool")),
    )


def _amount_cap(cap: AmountCap | RatioCap | None) -> AmountCap | None:
    return cap if isinstance(cap, AmountCap) else None


def _ratio_cap(cap: AmountCap | RatioCap | None) -> RatioCap | None:
    return cap if isinstance(cap, RatioCap) else None


def _fee(raw: Any, key: str, out: Out) -> FeeSubsidy | None:
    body = table(raw, key, out)
    unknown_keys(body, _PROV | {"rate", "annual_cap_wan"}, key, out)
    rate = ratio(body.get("rate"), join(key, "rate"), out)
    cap = (
        wan(body["annual_cap_wan"], join(key, "annual_cap_wan"), out)
        if "annual_cap_wan" in body
        else None
    )
    where = provenance(body, key, out)
    return None if rate is None else FeeSubsidy(rate, cap, where)


def _interest_subsidy(raw: Any, out: Out) -> InterestSubsidy:
    key = "interest_subsidy"
    body = table(raw, key, out)
    unknown_keys(body, _SUB, key, out)
    interest = None
    if "interest" in body:
        here = join(key, "interest")
        rate_raw = table(body["interest"], here, out)
        unknown_keys(rate_raw, _PROV | {"rate", "first_loan_rate", "collateral"}, here, out)
        rate = ratio(rate_raw.get("rate"), join(here, "rate"), out)
        first = (
            ratio(rate_raw["first_loan_rate"], join(here, "first_loan_rate"), out)
            if "first_loan_rate" in rate_raw
            else None
        )
        collateral = members(
            rate_raw.get("collateral", []), join(here, "collateral"), out, Collateral
        )
        where = provenance(rate_raw, here, out)
        if rate is not None:
            interest = InterestRate(rate, first, collateral, where)
    fee = (
        _fee(body["guarantee_fee"], join(key, "guarantee_fee"), out)
        if "guarantee_fee" in body
        else None
    )
    premium = _fee(body["premium"], join(key, "premium"), out) if "premium" in body else None
    if not {"interest", "guarantee_fee", "premium"} & set(body):
        out.add(key, "needs at least one of interest, guarantee_fee, premium")
    caps = _caps(body.get("caps", {}), join(key, "caps"), out, _SUB_CAPS)
    return InterestSubsidy(
        interest=interest,
        guarantee_fee=fee,
        premium=premium,
        annual=_amount_cap(caps.get("annual")),
        cumulative=_amount_cap(caps.get("cumulative")),
    )


def _scheme(doc: Mapping[str, Any], out: Out) -> RiskCompensationScheme | None:
    unknown_keys(doc, _TOP, "", out)
    ident = text(doc.get("id"), "id", out)
    if ident and not _is_id(ident):
        out.add("id", "an id is lower case letters, digits and underscores")
    try:
        tag = ProvenanceTag(str(doc.get("tag")))
    except ValueError:
        out.add("tag", f"one of {', '.join(t.value for t in ProvenanceTag)}")
        tag = ProvenanceTag.ASSUMED
    first = date(doc.get("effective_from"), "effective_from", out)
    last = date(doc.get("effective_to"), "effective_to", out)
    if first and last and last < first:
        out.add("effective_to", "ends before it starts")
    if "loss_share" not in doc and "interest_subsidy" not in doc:
        out.add("", "a scheme needs a [loss_share] or an [interest_subsidy] table")
    scheme = RiskCompensationScheme(
        id=ident,
        name_zh=text(doc.get("name_zh"), "name_zh", out),
        name_en=text(doc.get("name_en"), "name_en", out),
        source=text(doc.get("source"), "source", out),
        tag=tag,
        region=region_prefix(doc.get("region"), "region", out),
        document=text(doc.get("document"), "document", out, required=False),
        effective_from=first,
        effective_to=last,
        note=text(doc.get("note"), "note", out, required=False),
        loss_share=_loss_share(doc["loss_share"], out) if "loss_share" in doc else None,
        interest_subsidy=(
            _interest_subsidy(doc["interest_subsidy"], out) if "interest_subsidy" in doc else None
        ),
        origin=out.origin,
    )
    return None if out.problems else scheme


def parse_scheme(doc: Mapping[str, Any], origin: str = "<memory>") -> RiskCompensationScheme:
    """The scheme of one parsed TOML document.

    Raises:
        SchemeError: Every problem, each with ``origin`` and the key.
    """
    out = Out(origin)
    scheme = _scheme(doc, out)
    if scheme is None:
        raise SchemeError(out.problems)
    return scheme


def load_schemes(path: str | Path) -> dict[str, RiskCompensationScheme]:
    """Load a scheme file, or every ``*.toml`` file of a directory, by id (sorted).

    Raises:
        SchemeError: Every problem of every file, each with its file and key.
    """
    where = Path(path)
    paths = sorted(where.glob("*.toml")) if where.is_dir() else [where]
    if not paths:
        raise SchemeError([f"{where}: no .toml files"])
    problems: list[str] = []
    found: dict[str, RiskCompensationScheme] = {}
    for file in paths:
        out = Out(file.name)
        doc = read_toml(file, out)
        scheme = None if out.problems else _scheme(doc, out)
        if scheme is not None:
            if scheme.id in found:
                out.add(
                    "id", f"duplicate scheme id {scheme.id!r} (also in {found[scheme.id].origin})"
                )
            else:
                found[scheme.id] = scheme
        problems.extend(out.problems)
    if problems:
        raise SchemeError(problems)
    return dict(sorted(found.items()))


def bundled_schemes() -> dict[str, RiskCompensationScheme]:
    """The schemes shipped in ``finance/schemes/`` by id (see each one's tags and notes)."""
    return load_schemes(Path(__file__).with_name("schemes"))


# --------------------------------------------------------------------------- computing


class _Run:
    """Steps and notes of one computation."""

    def __init__(self, scheme: RiskCompensationScheme) -> None:
        self.scheme = scheme
        self.steps: list[Step] = []
        self.notes: list[Message] = []
        self._noted: set[str] = set()

    def add(self, step: Step) -> Decimal:
        self.steps.append(step)
        if step.provenance is not None:
            self.flag(step.param or step.code, step.provenance)
        return step.amount

    def flag(self, name: str, where: Provenance) -> None:
        if (where.tag is ProvenanceTag.CONFIRMED and not where.note) or name in self._noted:
            return
        self._noted.add(name)
        self.notes.append(
            message(
                "comp.note.tag",
                name_zh=name,
                name_en=name,
                tag=where.tag.value,
                note=where.note or where.source,
            )
        )

    def cap(
        self,
        code: str,
        key: str,
        current: Decimal,
        limit: Decimal,
        where: Provenance,
        param: str,
        **args: object,
    ) -> Decimal:
        """Apply the cap ``limit`` (floored at 0) to ``current`` and record the step."""
        limit = max(limit, Decimal(0))
        applied = current > limit
        after = limit if applied else current
        msg = message(
            f"{key}.{'hit' if applied else 'ok'}",
            limit=money(limit),
            amount=money(after),
            tag=where.tag.value,
            **args,
        )
        return self.add(
            Step(code, msg, after, limit=limit, applied=applied, provenance=where, param=param)
        )

    def result(
        self, key: str, kind: str, base: Decimal, exact: Decimal, mode: str | None
    ) -> Compensation:
        paid = floor_fen(exact)
        self.steps.append(
            Step("result", message(key, amount=money(paid), exact=money(exact)), paid)
        )
        return Compensation(
            scheme=self.scheme.id,
            kind=kind,
            base=base,
            exact=exact,
            amount=paid,
            steps=tuple(self.steps),
            notes=tuple(self.notes),
            mode=mode,
        )


def _pick_mode(part: LossShare, mode: str | None, scheme: RiskCompensationScheme) -> ShareMode:
    chosen = mode or part.default_mode
    if chosen is None and len(part.modes) == 1:
        chosen = next(iter(part.modes))
    if chosen is None or chosen not in part.modes:
        known = ", ".join(part.modes)
        what = f"unknown mode {mode!r}" if mode else "a mode is needed"
        raise InvalidInput(f"{what} for the scheme {scheme.id}: one of {known}", path="mode")
    return part.modes[chosen]


def compensate(
    scheme: RiskCompensationScheme,
    loss: Decimal | int | str,
    *,
    mode: str | None = None,
    first_loan: bool = False,
    collateral: Collateral | str | None = None,
    paid_for_loan: Decimal | int | str = 0,
    other_policy_money: Decimal | int | str = 0,
    budget_used: Decimal | int | str | None = None,
    pool_used: Decimal | int | str | None = None,
) -> Compensation:
    """What a loss-share scheme pays for ``loss``, step by step.

    Args:
        scheme: A scheme with a ``[loss_share]`` part.
        loss: The base of the mode, in yuan: the principal lost or the non-performing
            principal balance (a guarantor's compensated amount for a guaranteed loan).
        mode: The mode (default: the scheme's ``default_mode``, or its only mode).
        first_loan: Whether the loan is the firm's first bank loan (for the bonus).
        collateral: The loan's form of security (for the bonus).
        paid_for_loan: Compensation already paid for this loan (``per_loan`` cap).
        other_policy_money: Policy money from other levels already paid for this loss
            (``policy_total`` cap).
        budget_used: The annual budget used so far (``annual_budget`` cap; 0 if not
            given, with a note).
        pool_used: The pool used so far (``pool`` cap; 0 if not given, with a note).

    Returns:
        The compensation with every step; ``amount`` is rounded down to the fen.

    Raises:
        kejiservice.errors.InvalidInput: A float, negative or malformed amount, an
            unknown mode or collateral, or a scheme without a loss-share part.
    """
    part = scheme.loss_share
    if part is None:
        raise InvalidInput(f"the scheme {scheme.id} has no loss share", path="scheme")
    base = amount(loss, "loss")
    chosen = _pick_mode(part, mode, scheme)
    security = _collateral(collateral)
    paid = amount(paid_for_loan, "paid_for_loan")
    other = amount(other_policy_money, "other_policy_money")
    used_budget = None if budget_used is None else amount(budget_used, "budget_used")
    used_pool = None if pool_used is None else amount(pool_used, "pool_used")

    run = _Run(scheme)
    run.add(
        Step(
            "base",
            message(
                "comp.base", base_zh=chosen.base_zh, base_en=chosen.base_en, amount=money(base)
            ),
            base,
        )
    )
    covered = base
    if part.single_loan is not None:
        cap = part.single_loan
        hit = base > cap.amount
        covered = min(base, cap.amount)
        key = "comp.base_cap.hit" if hit else "comp.base_cap.ok"
        msg = message(
            key,
            limit=money(cap.amount),
            before=money(base),
            after=money(covered),
            tag=cap.provenance.tag.value,
        )
        run.add(
            Step(
                "base_cap",
                msg,
                covered,
                limit=cap.amount,
                applied=hit,
                provenance=cap.provenance,
                param="loss_share.caps.single_loan",
            )
        )
    share = covered * chosen.share
    run.add(
        Step(
            "share",
            message(
                "comp.share",
                mode_zh=chosen.label_zh,
                mode_en=chosen.label_en,
                share=pct(chosen.share),
                base=money(covered),
                amount=money(share),
                tag=chosen.provenance.tag.value,
            ),
            share,
            provenance=chosen.provenance,
            param=f"loss_share.modes.{chosen.id}",
        )
    )
    current = share
    if part.bonus is not None:
        current = _bonus(run, part.bonus, covered, current, first_loan, security)
    if part.per_loan is not None:
        cap_r = part.per_loan
        total = base * cap_r.ratio
        current = run.cap(
            "cap.per_loan",
            "comp.cap.per_loan",
            current,
            total - paid,
            cap_r.provenance,
            "loss_share.caps.per_loan",
            ratio=pct(cap_r.ratio),
            total=money(total),
            paid=money(paid),
        )
    if part.policy_total is not None:
        cap_r = part.policy_total
        total = base * cap_r.ratio
        current = run.cap(
            "cap.policy_total",
            "comp.cap.policy_total",
            current,
            total - other,
            cap_r.provenance,
            "loss_share.caps.policy_total",
            ratio=pct(cap_r.ratio),
            total=money(total),
            paid=money(other),
        )
    for code, cap_a, used, what_zh, what_en in (
        (
            "annual_budget",
            part.annual_budget,
            used_budget,
            "年度预算已使用金额",
            "Annual budget used so far",
        ),
        ("pool", part.pool, used_pool, "资金池已使用金额", "Pool used so far"),
    ):
        if cap_a is None:
            continue
        if used is None:
            run.notes.append(message("comp.note.assumed_zero", what_zh=what_zh, what_en=what_en))
        spent = used or Decimal(0)
        current = run.cap(
            f"cap.{code}",
            f"comp.cap.{code}",
            current,
            cap_a.amount - spent,
            cap_a.provenance,
            f"loss_share.caps.{code}",
            total=money(cap_a.amount),
            paid=money(spent),
        )
    return run.result("comp.result", "loss_share", base, current, chosen.id)


def _collateral(value: Collateral | str | None) -> Collateral | None:
    if value is None:
        return None
    try:
        return Collateral(value)
    except ValueError:
        choices = ", ".join(c.value for c in Collateral)
        raise InvalidInput(
            f"unknown collateral {value!r}; one of {choices}", path="collateral"
        ) from None


def _bonus(
    run: _Run,
    bonus: Bonus,
    covered: Decimal,
    current: Decimal,
    first_loan: bool,
    security: Collateral | None,
) -> Decimal:
    why_zh: list[str] = []
    why_en: list[str] = []
    if bonus.first_loan and first_loan:
        why_zh.append("首次获得银行贷款")
        why_en.append("first bank loan")
    if security is not None and security in bonus.collateral:
        name = message(f"names.collateral.{security.value}")
        why_zh.append(f"{name.zh}贷款")
        why_en.append(f"{name.en} loan")
    if not why_zh:
        names_zh = "、".join(message(f"names.collateral.{c.value}").zh for c in bonus.collateral)
        msg = message("comp.bonus.no", collateral=names_zh or "-")
        run.add(Step("bonus", msg, current, provenance=bonus.provenance, param="loss_share.bonus"))
        return current
    extra = covered * bonus.share
    total = current + extra
    msg = message(
        "comp.bonus.yes",
        bonus=pct(bonus.share),
        why_zh="、".join(why_zh),
        why_en=", ".join(why_en),
        base=money(covered),
        extra=money(extra),
        amount=money(total),
        tag=bonus.provenance.tag.value,
    )
    return run.add(Step("bonus", msg, total, provenance=bonus.provenance, param="loss_share.bonus"))


def compensate_modes(
    scheme: RiskCompensationScheme, loss: Decimal | int | str, **kwargs: Any
) -> dict[str, Compensation]:
    """:func:`compensate` in every mode of the scheme, by mode id (for a range of outcomes).

    ``kwargs`` are those of :func:`compensate` other than ``mode``.
    """
    part = scheme.loss_share
    if part is None:
        raise InvalidInput(f"the scheme {scheme.id} has no loss share", path="scheme")
    if "mode" in kwargs:
        raise InvalidInput("compensate_modes runs every mode: do not pass mode", path="mode")
    return {m: compensate(scheme, loss, mode=m, **kwargs) for m in part.modes}


@attrs.frozen
class InterestPayment:
    """Interest paid on one loan in the year (for :func:`subsidise`).

    ``loan`` is a label for the messages; ``first_loan`` says it is the firm's first
    bank loan; ``collateral`` is needed when the scheme subsidises only some forms of
    security.
    """

    loan: str
    interest: Decimal
    first_loan: bool = False
    collateral: Collateral | None = None


def subsidise(
    scheme: RiskCompensationScheme,
    loans: Iterable[InterestPayment],
    *,
    guarantee_fees: Decimal | int | str = 0,
    premiums: Decimal | int | str = 0,
    received_this_year: Decimal | int | str = 0,
    received_before: Decimal | int | str = 0,
) -> Compensation:
    """The interest subsidy (贴息) and guarantee-fee / premium subsidies (贴保) for one
    firm and one year, step by step.

    Args:
        scheme: A scheme with an ``[interest_subsidy]`` part.
        loans: The interest paid on each loan in the year.
        guarantee_fees: Guarantee fees paid in the year (yuan).
        premiums: Loan-guarantee insurance premiums paid in the year (yuan).
        received_this_year: Subsidies the firm already received this year (annual cap).
        received_before: Subsidies the firm received in earlier years (cumulative cap,
            which also counts ``received_this_year``).

    Returns:
        The subsidy with every step; ``amount`` is rounded down to the fen.

    Raises:
        kejiservice.errors.InvalidInput: A float, negative or malformed amount, fees
            the scheme does not subsidise, a loan whose collateral is needed but not
            given, or a scheme without an interest-subsidy part.
    """
    part = scheme.interest_subsidy
    if part is None:
        raise InvalidInput(f"the scheme {scheme.id} has no interest subsidy", path="scheme")
    payments = list(loans)
    fees = amount(guarantee_fees, "guarantee_fees")
    prem = amount(premiums, "premiums")
    this_year = amount(received_this_year, "received_this_year")
    before = amount(received_before, "received_before")
    if payments and part.interest is None:
        raise InvalidInput(f"the scheme {scheme.id} has no interest subsidy rate", path="loans")
    if fees and part.guarantee_fee is None:
        raise InvalidInput(
            f"the scheme {scheme.id} has no guarantee-fee subsidy", path="guarantee_fees"
        )
    if prem and part.premium is None:
        raise InvalidInput(f"the scheme {scheme.id} has no premium subsidy", path="premiums")
    run = _Run(scheme)
    total = Decimal(0)
    base = fees + prem
    for index, payment in enumerate(payments):
        interest = amount(payment.interest, f"loans[{index}].interest")
        base += interest
        assert part.interest is not None
        total += _interest_line(run, part.interest, index, payment, interest)
    for code, fee_rule, paid, what_zh, what_en in (
        ("guarantee_fee", part.guarantee_fee, fees, "担保费", "Guarantee fee"),
        ("premium", part.premium, prem, "贷款保证保险保费", "Loan-guarantee insurance premium"),
    ):
        if fee_rule is None or not paid:
            continue
        raw = paid * fee_rule.rate
        capped = raw if fee_rule.annual_cap is None else min(raw, fee_rule.annual_cap)
        msg = message(
            "sub.fee.line",
            what_zh=what_zh,
            what_en=what_en,
            paid=money(paid),
            rate=pct(fee_rule.rate),
            raw=money(raw),
            cap=money(fee_rule.annual_cap) if fee_rule.annual_cap is not None else "-",
            amount=money(capped),
            tag=fee_rule.provenance.tag.value,
        )
        run.add(
            Step(
                code,
                msg,
                capped,
                limit=fee_rule.annual_cap,
                applied=capped < raw,
                provenance=fee_rule.provenance,
                param=f"interest_subsidy.{code}",
            )
        )
        total += capped
    current = run.add(Step("subtotal", message("sub.subtotal", amount=money(total)), total))
    if part.annual is not None:
        cap = part.annual
        current = run.cap(
            "cap.annual",
            "sub.cap.annual",
            current,
            cap.amount - this_year,
            cap.provenance,
            "interest_subsidy.caps.annual",
            total=money(cap.amount),
            paid=money(this_year),
        )
    if part.cumulative is not None:
        cap = part.cumulative
        so_far = before + this_year
        current = run.cap(
            "cap.cumulative",
            "sub.cap.cumulative",
            current,
            cap.amount - so_far,
            cap.provenance,
            "interest_subsidy.caps.cumulative",
            total=money(cap.amount),
            paid=money(so_far),
        )
    return run.result("sub.result", "interest_subsidy", base, current, None)


def _interest_line(
    run: _Run, rule: InterestRate, index: int, payment: InterestPayment, interest: Decimal
) -> Decimal:
    code = f"interest[{index}]"
    if rule.collateral:
        if payment.collateral is None:
            accepted = ", ".join(c.value for c in rule.collateral)
            raise InvalidInput(
                f"the scheme {run.scheme.id} subsidises only {accepted} loans: give the collateral",
                path=f"loans[{index}].collateral",
            )
        security = _collateral(payment.collateral)
        if security not in rule.collateral:
            msg = message(
                "sub.interest.excluded",
                loan=payment.loan,
                collateral=payment.collateral,
                accepted=", ".join(c.value for c in rule.collateral),
            )
            run.add(
                Step(
                    code,
                    msg,
                    Decimal(0),
                    provenance=rule.provenance,
                    param="interest_subsidy.interest",
                )
            )
            return Decimal(0)
    first = payment.first_loan and rule.first_loan_rate is not None
    rate = rule.first_loan_rate if first and rule.first_loan_rate is not None else rule.rate
    value = interest * rate
    msg = message(
        "sub.interest.line",
        loan=payment.loan,
        interest=money(interest),
        rate=pct(rate),
        which_zh="首贷" if first else "一般贷款",
        which_en="first loan" if first else "other loans",
        amount=money(value),
        tag=rule.provenance.tag.value,
    )
    run.add(Step(code, msg, value, provenance=rule.provenance, param="interest_subsidy.interest"))
    return value
